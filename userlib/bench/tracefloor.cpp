// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * sctpx_peeloff events through tracefs: see tracefloor.hpp.
 */
#include "tracefloor.hpp"

#include <cerrno>
#include <cinttypes>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <memory>
#include <sys/mount.h>
#include <unistd.h>

#include <sctpx/fd.hpp>

namespace sctpx::bench {

namespace {

constexpr const char *kTracefs = "/sys/kernel/tracing";
constexpr const char *kEnable = "events/sctpx/sctpx_peeloff/enable";
constexpr const char *kTag = " sctpx_peeloff: ";

struct FileCloser {
	void operator()(std::FILE *f) const { (void)std::fclose(f); }
};

} // namespace

TraceFloor::TraceFloor() : dir_(kTracefs)
{
	const std::string trace = dir_ + "/trace";
	/* The guest's init mounts no tracefs. */
	if (access(trace.c_str(), F_OK) != 0 &&
	    mount("tracefs", kTracefs, "tracefs", 0, nullptr) != 0 && errno != EBUSY) {
		err_ = std::string("cannot mount tracefs: ") + std::strerror(errno);
		return;
	}
	int r = write("tracing_on", "1");
	if (r == 0)
		r = write(kEnable, "1");
	if (r != 0) {
		err_ = dir_ + "/" + kEnable + ": " + std::strerror(-r);
		return;
	}
	enabled_ = true;
}

TraceFloor::~TraceFloor()
{
	if (enabled_)
		(void)write(kEnable, "0");
}

int TraceFloor::write(const std::string &file, const char *val)
{
	const Fd fd(open((dir_ + "/" + file).c_str(), O_WRONLY | O_CLOEXEC));
	if (!fd)
		return -errno;
	const std::size_t len = std::strlen(val);
	const ssize_t n = ::write(fd.get(), val, len);
	if (n < 0)
		return -errno;
	return static_cast<std::size_t>(n) == len ? 0 : -EIO;
}

int TraceFloor::clear()
{
	/* Opening "trace" for writing with O_TRUNC empties the buffer. */
	const Fd fd(open((dir_ + "/trace").c_str(), O_WRONLY | O_TRUNC | O_CLOEXEC));
	return fd ? 0 : -errno;
}

int TraceFloor::read(Floor &out)
{
	out = Floor{};
	const std::unique_ptr<std::FILE, FileCloser> f(std::fopen((dir_ + "/trace").c_str(), "re"));
	if (!f)
		return -errno;
	char line[512];
	while (std::fgets(line, sizeof(line), f.get()) != nullptr) {
		const char *p = std::strstr(line, kTag);
		if (p == nullptr)
			continue;
		unsigned int requested = 0;
		unsigned int peeled = 0;
		std::uint64_t floor_ns = 0;
		std::uint64_t request_ns = 0;
		if (std::sscanf(p + std::strlen(kTag),
				"requested=%u peeled=%u floor_ns=%" SCNu64 " request_ns=%" SCNu64,
				&requested, &peeled, &floor_ns, &request_ns) != 4)
			return -EPROTO;
		out.floor_ns += floor_ns;
		out.peeled += peeled;
		out.request_ns += request_ns;
		out.events++;
	}
	return 0;
}

} // namespace sctpx::bench
