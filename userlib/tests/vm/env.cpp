// SPDX-License-Identifier: LGPL-2.1-or-later
#include "env.hpp"

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

Fd make_server(std::uint16_t &port, int type)
{
	Fd s(socket(AF_INET, type | SOCK_CLOEXEC, IPPROTO_SCTP));
	EXPECT_TRUE(s.valid()) << strerror(errno);
	const int rcvbuf = 16 << 20;
	setsockopt(s.get(), SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf, sizeof(rcvbuf));
	sockaddr_in sin{};
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	socklen_t len = sizeof(sin);
	EXPECT_EQ(bind(s.get(), reinterpret_cast<sockaddr *>(&sin), len), 0);
	EXPECT_EQ(listen(s.get(), 1024), 0);
	EXPECT_EQ(getsockname(s.get(), reinterpret_cast<sockaddr *>(&sin), &len), 0);
	port = ntohs(sin.sin_port);
	return s;
}

Assocs make_assocs(std::size_t n)
{
	Assocs a;
	a.server = make_server(a.port);
	sockaddr_in to{};
	to.sin_family = AF_INET;
	to.sin_port = htons(a.port);
	to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	for (std::size_t i = 0; i < n; i++) {
		Fd c(socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, IPPROTO_SCTP));
		EXPECT_EQ(connect(c.get(), reinterpret_cast<sockaddr *>(&to), sizeof(to)), 0)
			<< strerror(errno);
		sockaddr_in me{};
		socklen_t len = sizeof(me);
		getsockname(c.get(), reinterpret_cast<sockaddr *>(&me), &len);
		a.client_ports.push_back(ntohs(me.sin_port));
		a.clients.push_back(std::move(c));
	}
	/* Match server ids to clients by the peer port of each association. */
	a.ids.assign(n, 0);
	std::vector<std::uint32_t> buf(n + 16);
	socklen_t len = static_cast<socklen_t>(buf.size() * sizeof(std::uint32_t));
	EXPECT_EQ(getsockopt(a.server.get(), SOL_SCTP, SCTP_GET_ASSOC_ID_LIST, buf.data(), &len), 0);
	for (std::uint32_t k = 0; k < buf[0]; k++) {
		sctp_status st{};
		st.sstat_assoc_id = static_cast<sctp_assoc_t>(buf[1 + k]);
		socklen_t sl = sizeof(st);
		EXPECT_EQ(getsockopt(a.server.get(), SOL_SCTP, SCTP_STATUS, &st, &sl), 0);
		sockaddr_in pa{};
		std::memcpy(&pa, &st.sstat_primary.spinfo_address, sizeof(pa));
		for (std::size_t i = 0; i < n; i++)
			if (a.client_ports[i] == ntohs(pa.sin_port))
				a.ids[i] = buf[1 + k];
	}
	for (std::size_t i = 0; i < n; i++)
		EXPECT_NE(a.ids[i], 0U) << "client " << i << " has no association on the server";
	return a;
}

std::size_t assoc_count(int server)
{
	std::uint32_t n = 0;
	socklen_t len = sizeof(n);
	if (getsockopt(server, SOL_SCTP, SCTP_GET_ASSOC_NUMBER, &n, &len) != 0)
		return 0;
	return n;
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
