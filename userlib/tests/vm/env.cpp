// SPDX-License-Identifier: LGPL-2.1-or-later
#include "env.hpp"

#include <algorithm>
#include <arpa/inet.h>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <netinet/in.h>
#include <netinet/sctp.h>
#include <poll.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <cstdio>
#include <string_view>
#include <unistd.h>
#include <vector>

#include "sctpx/sctpx.h"

namespace sctpx::vm {

std::string way_name(const ::testing::TestParamInfo<Way> &i)
{
	switch (i.param) {
	case Way::Module: return "module";
	case Way::Forced: return "forced_fallback";
	case Way::Absent: return "module_absent";
	}
	return "unknown";
}

bool module_loaded()
{
	struct stat st {};
	return stat("/sys/module/sctpx", &st) == 0;
}

bool kernel_at_least(int major, int minor)
{
	utsname u{};
	int ma = 0;
	int mi = 0;
	if (uname(&u) != 0 || std::sscanf(u.release, "%d.%d", &ma, &mi) != 2)
		return false;
	return ma > major || (ma == major && mi >= minor);
}

bool variant_no_peeloff()
{
	const char *v = std::getenv("sctpx_variant");

	return v != nullptr && std::string_view(v) == "no-peeloff";
}

void load_module()
{
	if (!module_loaded()) {
		ASSERT_EQ(std::system("modprobe sctpx"), 0);
	}
	ASSERT_TRUE(module_loaded());
}

void unload_module()
{
	if (module_loaded()) {
		ASSERT_EQ(std::system("rmmod sctpx"), 0);
	}
	ASSERT_FALSE(module_loaded());
}

namespace {
std::string param_path(const char *name)
{
	return std::string("/sys/module/sctpx/parameters/") + name;
}
} // namespace

std::string get_param(const char *name)
{
	std::ifstream f(param_path(name));
	std::string v;
	if (!std::getline(f, v))
		return {};
	return v;
}

void set_param(const char *name, const std::string &value)
{
	/*
	 * One write(2), its result checked: a buffered stream reports the
	 * kernel's refusal only when it is flushed, after any check.
	 */
	const std::string path = param_path(name);
	const int fd = open(path.c_str(), O_WRONLY | O_CLOEXEC);
	ASSERT_GE(fd, 0) << path << ": " << std::strerror(errno);
	const ssize_t w = write(fd, value.data(), value.size());
	const int err = errno;
	close(fd);
	ASSERT_EQ(w, static_cast<ssize_t>(value.size()))
		<< path << " refused '" << value << "': " << std::strerror(err);
	ASSERT_EQ(get_param(name), value) << path << " does not hold what was written";
}

ParamScope::ParamScope(const char *name, const std::string &value)
	: name_(name), old_(get_param(name))
{
	EXPECT_FALSE(old_.empty()) << "cannot read " << param_path(name);
	set_param(name, value);
}

ParamScope::~ParamScope()
{
	if (!old_.empty() && get_param(name_) != old_)
		set_param(name_, old_);
}

Fd make_server(std::uint16_t &port)
{
	auto s = loopback::make_server();
	EXPECT_TRUE(s.ok()) << s.error().message();
	if (!s)
		return Fd{};
	port = s->port;
	return std::move(s->fd);
}

Assocs make_assocs(std::size_t n)
{
	auto a = loopback::make_assocs(n);
	EXPECT_TRUE(a.ok()) << a.error().message();
	if (a)
		return std::move(*a);
	Assocs none;
	none.clients.resize(n);
	none.ids.assign(n, 0);
	none.client_ports.assign(n, 0);
	return none;
}

std::size_t assoc_count(int server)
{
	std::uint32_t n = 0;
	socklen_t len = sizeof(n);
	if (getsockopt(server, SOL_SCTP, SCTP_GET_ASSOC_NUMBER, &n, &len) != 0)
		return 0;
	return n;
}

Fd make_multihomed_peer(int server, std::uint16_t port, std::uint32_t naddrs,
			std::size_t want)
{
	auto big = loopback::multihomed_client(port, naddrs);
	EXPECT_TRUE(big.ok()) << big.error().message();
	for (int t = 0; t < 3000 && assoc_count(server) < want; t++)
		usleep(10000);
	EXPECT_EQ(assoc_count(server), want);
	return big ? std::move(*big) : Fd{};
}

std::uint32_t stack_addr_count(int sock, AssocId id)
{
	std::vector<char> buf(sizeof(sctp_getaddrs) + 8192 * sizeof(sockaddr_in6));
	auto *ga = reinterpret_cast<sctp_getaddrs *>(buf.data());
	ga->assoc_id = static_cast<sctp_assoc_t>(id);
	socklen_t len = static_cast<socklen_t>(buf.size());
	if (getsockopt(sock, SOL_SCTP, SCTP_GET_PEER_ADDRS, ga, &len) != 0)
		return 0;
	return ga->addr_num;
}

void send_msg(int fd, const std::string &msg)
{
	ASSERT_EQ(send(fd, msg.data(), msg.size(), 0), static_cast<ssize_t>(msg.size()));
}

std::string recv_msg(int fd)
{
	pollfd p{fd, POLLIN, 0};
	if (poll(&p, 1, 2000) != 1)
		return {};
	std::string buf(4096, '\0');
	const ssize_t r = recv(fd, buf.data(), buf.size(), MSG_DONTWAIT);
	if (r <= 0)
		return {};
	buf.resize(static_cast<std::size_t>(r));
	return buf;
}

bool nonblocking(int fd)
{
	const int fl = fcntl(fd, F_GETFL);
	return fl >= 0 && (fl & O_NONBLOCK) != 0;
}

bool cloexec(int fd)
{
	const int fl = fcntl(fd, F_GETFD);
	return fl >= 0 && (fl & FD_CLOEXEC) != 0;
}

void WayTest::SetUp()
{
	ClientOptions o;
	if (GetParam() == Way::Absent) {
		unload_module();
		o.autoload = false;
	} else {
		load_module();
		o.force_fallback = GetParam() == Way::Forced;
	}
	auto c = Client::open(o);
	ASSERT_TRUE(c.ok()) << c.error().message();
	client_.emplace(std::move(*c));
}

void WayTest::limit_batch(unsigned int value)
{
	if (GetParam() != Way::Absent) {
		ASSERT_NO_FATAL_FAILURE(batch_limit_.emplace("max_batch", std::to_string(value)));
	}
	ASSERT_TRUE(client().refresh().ok());
	if (expected_path(Op::Peeloff) != Path::Module)
		return;
	auto i = client().info();
	ASSERT_TRUE(i.ok()) << i.error().message();
	ASSERT_EQ(i->limits.max_batch, value);
	peeloff_requests0_ = i->counters.peeloff_requests;
}

std::optional<std::uint64_t> WayTest::peeloff_requests_since()
{
	if (!peeloff_requests0_)
		return std::nullopt;
	auto i = client().info();
	EXPECT_TRUE(i.ok()) << i.error().message();
	if (!i.ok())
		return std::nullopt;
	return i->counters.peeloff_requests - *peeloff_requests0_;
}

unsigned int WayTest::c_open_flags() const
{
	switch (GetParam()) {
	case Way::Module: return 0;
	case Way::Forced: return SCTPX_OPEN_FORCE_FALLBACK;
	case Way::Absent: return SCTPX_OPEN_NO_AUTOLOAD;
	}
	return 0;
}

} // namespace sctpx::vm
