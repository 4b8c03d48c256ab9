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
#include <sys/mount.h>
#include <unistd.h>

#include <sctpx/fd.hpp>

namespace sctpx::bench {

namespace {

constexpr const char *kTracefs = "/sys/kernel/tracing";
constexpr const char *kEnable = "events/sctpx/sctpx_peeloff/enable";
constexpr const char *kTag = " sctpx_peeloff: ";

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

std::string TraceFloor::drain(int &err)
{
	std::string text;
	err = 0;
	const Fd fd(open((dir_ + "/trace_pipe").c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC));
	if (!fd) {
		err = -errno;
		return text;
	}
	char buf[4096];
	for (;;) {
		const ssize_t n = ::read(fd.get(), buf, sizeof(buf));
		if (n > 0) {
			text.append(buf, static_cast<std::size_t>(n));
			continue;
		}
		/* EAGAIN: the pipe is empty, every recorded event read. */
		if (n < 0 && errno != EAGAIN)
			err = -errno;
		return text;
	}
}

int TraceFloor::clear()
{
	int err = 0;
	(void)drain(err);
	return err;
}

int TraceFloor::read(Floor &out)
{
	out = Floor{};
	int err = 0;
	const std::string text = drain(err);
	if (err != 0)
		return err;
	std::size_t pos = 0;
	while ((pos = text.find(kTag, pos)) != std::string::npos) {
		pos += std::strlen(kTag);
		unsigned int requested = 0;
		unsigned int peeled = 0;
		std::uint64_t floor_ns = 0;
		std::uint64_t request_ns = 0;
		std::array<std::uint64_t, kStages.size()> st{};
		static_assert(kStages.size() == 7, "the format below names seven stages");
		if (std::sscanf(text.c_str() + pos,
				"requested=%u peeled=%u floor_ns=%" SCNu64 " request_ns=%" SCNu64
				" parse_ns=%" SCNu64 " lookup_ns=%" SCNu64 " reserve_ns=%" SCNu64
				" reply_ns=%" SCNu64 " peel_ns=%" SCNu64 " send_ns=%" SCNu64
				" install_ns=%" SCNu64,
				&requested, &peeled, &floor_ns, &request_ns, &st[0], &st[1], &st[2],
				&st[3], &st[4], &st[5], &st[6]) != 4 + static_cast<int>(kStages.size()))
			return -EPROTO;
		out.floor_ns += floor_ns;
		out.peeled += peeled;
		out.request_ns += request_ns;
		for (std::size_t k = 0; k < st.size(); k++)
			out.stage_ns.at(k) += st.at(k);
		out.events++;
	}
	return 0;
}

} // namespace sctpx::bench
