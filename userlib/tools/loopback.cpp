// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Associations on loopback for the demo, built as the selftests do: a
 * one-to-many server and one one-to-one client per association; the
 * server's ids are matched to clients by the client's port.
 */
#include <arpa/inet.h>
#include <cerrno>
#include <cstdio>
#include <iostream>
#include <unordered_map>

#include <netinet/in.h>
#include <netinet/sctp.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include "cli.hpp"

namespace sctpx::cli {

namespace {

Result<std::uint16_t> bound_port(int fd)
{
	sockaddr_storage ss{};
	socklen_t len = sizeof(ss);
	if (getsockname(fd, reinterpret_cast<sockaddr *>(&ss), &len) != 0)
		return Error{errno, "getsockname"};
	auto a = Address::from_sockaddr(reinterpret_cast<const sockaddr *>(&ss), len);
	if (!a)
		return std::move(a).error();
	return a->port();
}

Result<Fd> server_socket()
{
	Fd s(socket(AF_INET, SOCK_SEQPACKET | SOCK_CLOEXEC, IPPROTO_SCTP));
	if (!s)
		return Error{errno, "socket(AF_INET, SOCK_SEQPACKET, IPPROTO_SCTP)"};
	/* Thousands of queued greetings wait on the parent: make room (root only). */
	const int rcvbuf = 64 << 20;
	(void)setsockopt(s.get(), SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf, sizeof(rcvbuf));
	auto lo = Address::parse("127.0.0.1", 0);
	sockaddr_storage ss{};
	const socklen_t len = lo->to_sockaddr(ss);
	if (bind(s.get(), reinterpret_cast<sockaddr *>(&ss), len) != 0 || listen(s.get(), 4096) != 0)
		return Error{errno, "bind/listen on 127.0.0.1"};
	return s;
}

/* Each association needs two descriptors here, plus one when peeled. */
void raise_nofile(std::uint32_t n)
{
	rlimit rl{};
	if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
		return;
	const rlim_t want = static_cast<rlim_t>(n) * 3 + 64;
	if (rl.rlim_cur < want) {
		rl.rlim_cur = std::min(want, rl.rlim_max);
		(void)setrlimit(RLIMIT_NOFILE, &rl);
	}
}

} // namespace

std::string greeting(std::size_t i)
{
	return "hello from client " + std::to_string(i);
}

Result<Loopback> make_loopback(Client &c, std::uint32_t n, bool progress)
{
	raise_nofile(n);
	Loopback lb;
	auto srv = server_socket();
	if (!srv)
		return std::move(srv).error();
	lb.server = std::move(*srv);
	auto port = bound_port(lb.server.get());
	if (!port)
		return std::move(port).error();
	lb.port = *port;

	auto to = Address::parse("127.0.0.1", lb.port);
	sockaddr_storage ss{};
	const socklen_t len = to->to_sockaddr(ss);
	std::unordered_map<std::uint16_t, std::size_t> by_port;
	const std::uint32_t step = std::max<std::uint32_t>(n / 10, 1);
	/* On a terminal the progress line updates in place; in a log, one line each. */
	const bool tty = isatty(STDERR_FILENO) != 0;
	for (std::uint32_t i = 0; i < n; i++) {
		Fd cl(socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, IPPROTO_SCTP));
		if (!cl || connect(cl.get(), reinterpret_cast<sockaddr *>(&ss), len) != 0)
			return Error{errno, "connect to the loopback server (association " +
						    std::to_string(i) + ")"};
		const std::string msg = greeting(i);
		if (send(cl.get(), msg.data(), msg.size(), 0) != static_cast<ssize_t>(msg.size()))
			return Error{errno, "send"};
		auto p = bound_port(cl.get());
		if (!p)
			return std::move(p).error();
		by_port[*p] = i;
		lb.clients.push_back(std::move(cl));
		if (progress && n >= 1000 && (i + 1) % step == 0)
			std::cerr << (tty ? "\r" : "") << "sctpx demo: connecting " << i + 1 << "/"
				  << n << (tty ? "" : "\n") << std::flush;
	}
	if (progress && n >= 1000 && tty)
		std::cerr << '\n';

	/* Match the server's ids to clients through the peers' ports. */
	auto listed = c.list(lb.server.get());
	if (!listed)
		return std::move(listed).error();
	lb.ids.assign(n, 0);
	for (const AssocInfo &a : listed->assocs) {
		if (a.peer_addrs.empty())
			continue;
		auto it = by_port.find(a.peer_addrs.front().port());
		if (it != by_port.end())
			lb.ids[it->second] = a.id;
	}
	for (std::uint32_t i = 0; i < n; i++)
		if (lb.ids[i] == 0)
			return Error{ENOENT, "association of client " + std::to_string(i) +
						     " not listed on the server"};
	return lb;
}

} // namespace sctpx::cli
