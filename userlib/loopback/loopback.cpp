// SPDX-License-Identifier: LGPL-2.1-or-later
#include "loopback.hpp"

#include <algorithm>
#include <arpa/inet.h>
#include <cerrno>
#include <cstring>
#include <unordered_map>

#include <netinet/in.h>
#include <netinet/sctp.h>
#include <sys/resource.h>
#include <sys/socket.h>

namespace sctpx::loopback {

namespace {

Result<sockaddr_in> ipv4(const char *ip, std::uint16_t port)
{
	sockaddr_in sin{};
	sin.sin_family = AF_INET;
	sin.sin_port = htons(port);
	if (inet_pton(AF_INET, ip, &sin.sin_addr) != 1)
		return Error{EINVAL, std::string("not an IPv4 address: ") + ip};
	return sin;
}

Result<std::uint16_t> bound_port(int fd)
{
	sockaddr_in sin{};
	socklen_t len = sizeof(sin);
	if (getsockname(fd, reinterpret_cast<sockaddr *>(&sin), &len) != 0)
		return Error{errno, "getsockname"};
	return ntohs(sin.sin_port);
}

void raise_nofile(std::size_t n)
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

Result<std::vector<AssocId>> assoc_ids(int server)
{
	std::uint32_t n = 0;
	socklen_t len = sizeof(n);
	if (getsockopt(server, SOL_SCTP, SCTP_GET_ASSOC_NUMBER, &n, &len) != 0)
		return Error{errno, "SCTP_GET_ASSOC_NUMBER"};
	std::vector<std::uint8_t> buf(sizeof(sctp_assoc_ids) + (n + 16) * sizeof(sctp_assoc_t));
	len = static_cast<socklen_t>(buf.size());
	auto *list = reinterpret_cast<sctp_assoc_ids *>(buf.data());
	if (getsockopt(server, SOL_SCTP, SCTP_GET_ASSOC_ID_LIST, list, &len) != 0)
		return Error{errno, "SCTP_GET_ASSOC_ID_LIST"};
	return std::vector<AssocId>(list->gaids_assoc_id,
				    list->gaids_assoc_id + list->gaids_number_of_ids);
}

/* The primary peer address of association id on server. */
Result<sockaddr_in> peer_of(int server, AssocId id)
{
	sctp_status st{};
	st.sstat_assoc_id = static_cast<sctp_assoc_t>(id);
	socklen_t len = sizeof(st);
	if (getsockopt(server, SOL_SCTP, SCTP_STATUS, &st, &len) != 0)
		return Error{errno, "SCTP_STATUS of association " + std::to_string(id)};
	sockaddr_in sin{};
	if (st.sstat_primary.spinfo_address.ss_family == AF_INET)
		std::memcpy(&sin, &st.sstat_primary.spinfo_address, sizeof(sin));
	return sin;
}

} // namespace

Result<Server> make_server()
{
	Server s;
	s.fd = Fd(socket(AF_INET, SOCK_SEQPACKET | SOCK_CLOEXEC, IPPROTO_SCTP));
	if (!s.fd)
		return Error{errno, "socket(AF_INET, SOCK_SEQPACKET, IPPROTO_SCTP)"};
	const int rcvbuf = 64 << 20;
	(void)setsockopt(s.fd.get(), SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf, sizeof(rcvbuf));
	auto lo = ipv4("127.0.0.1", 0);
	if (bind(s.fd.get(), reinterpret_cast<const sockaddr *>(&*lo), sizeof(*lo)) != 0 ||
	    listen(s.fd.get(), 4096) != 0)
		return Error{errno, "bind/listen on 127.0.0.1"};
	auto port = bound_port(s.fd.get());
	if (!port)
		return std::move(port).error();
	s.port = *port;
	return s;
}

Result<Clients> connect_clients(int server, std::uint16_t port, std::size_t n, const Options &o)
{
	auto self = ipv4(o.ip, 0);
	if (!self)
		return std::move(self).error();
	auto to = ipv4("127.0.0.1", port);
	raise_nofile(n);
	Clients c;
	c.fds.reserve(n);
	c.ports.reserve(n);
	std::unordered_map<std::uint16_t, std::size_t> by_port;
	for (std::size_t i = 0; i < n; i++) {
		Fd fd(socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, IPPROTO_SCTP));
		if (!fd || bind(fd.get(), reinterpret_cast<const sockaddr *>(&*self), sizeof(*self)) != 0 ||
		    connect(fd.get(), reinterpret_cast<const sockaddr *>(&*to), sizeof(*to)) != 0)
			return Error{errno, "connect to the loopback server (association " +
						    std::to_string(i) + ")"};
		auto p = bound_port(fd.get());
		if (!p)
			return std::move(p).error();
		if (o.greeting) {
			const std::string msg = o.greeting(i, *p);
			if (send(fd.get(), msg.data(), msg.size(), 0) != static_cast<ssize_t>(msg.size()))
				return Error{errno, "send (association " + std::to_string(i) + ")"};
		}
		by_port[*p] = i;
		c.ports.push_back(*p);
		c.fds.push_back(std::move(fd));
		if (o.progress)
			o.progress(i + 1);
	}

	/* Each client's association on the server: its address and port. */
	auto ids = assoc_ids(server);
	if (!ids)
		return std::move(ids).error();
	c.ids.assign(n, 0);
	for (const AssocId id : *ids) {
		auto peer = peer_of(server, id);
		if (!peer)
			return std::move(peer).error();
		if (peer->sin_addr.s_addr != self->sin_addr.s_addr)
			continue;
		auto it = by_port.find(ntohs(peer->sin_port));
		if (it != by_port.end())
			c.ids[it->second] = id;
	}
	for (std::size_t i = 0; i < n; i++)
		if (c.ids[i] == 0)
			return Error{ENOENT, "association of client " + std::to_string(i) +
						     " not listed on the server"};
	return c;
}

Result<Assocs> make_assocs(std::size_t n, const Options &o)
{
	auto s = make_server();
	if (!s)
		return std::move(s).error();
	auto c = connect_clients(s->fd.get(), s->port, n, o);
	if (!c)
		return std::move(c).error();
	Assocs a;
	a.server = std::move(s->fd);
	a.port = s->port;
	a.clients = std::move(c->fds);
	a.ids = std::move(c->ids);
	a.client_ports = std::move(c->ports);
	return a;
}

Result<Fd> multihomed_client(std::uint16_t port, std::uint32_t naddrs)
{
	if (naddrs == 0)
		return Error{EINVAL, "a client needs an address"};
	Fd fd(socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, IPPROTO_SCTP));
	if (!fd)
		return Error{errno, "socket(AF_INET, SOCK_STREAM, IPPROTO_SCTP)"};
	std::vector<sockaddr_in> v(naddrs);
	for (std::uint32_t i = 0; i < naddrs; i++) {
		v[i].sin_family = AF_INET;
		v[i].sin_addr.s_addr = htonl(0x7f010001U + i); /* 127.1.0.1 ... */
	}
	/* The first picks the port, which the others must share. */
	if (bind(fd.get(), reinterpret_cast<const sockaddr *>(v.data()), sizeof(v[0])) != 0)
		return Error{errno, "bind 127.1.0.1"};
	auto mine = bound_port(fd.get());
	if (!mine)
		return std::move(mine).error();
	for (sockaddr_in &a : v)
		a.sin_port = htons(*mine);
	/* In steps: the kernel trims one option's buffer to ~64 KiB silently. */
	for (std::uint32_t i = 1; i < naddrs; i += 1000) {
		const std::uint32_t k = std::min<std::uint32_t>(1000, naddrs - i);
		if (setsockopt(fd.get(), SOL_SCTP, SCTP_SOCKOPT_BINDX_ADD, &v[i],
			       static_cast<socklen_t>(k * sizeof(v[0]))) != 0)
			return Error{errno, "SCTP_SOCKOPT_BINDX_ADD"};
	}
	auto to = ipv4("127.0.0.1", port);
	if (connect(fd.get(), reinterpret_cast<const sockaddr *>(&*to), sizeof(*to)) != 0)
		return Error{errno, "connect (multihomed)"};
	return fd;
}

} // namespace sctpx::loopback
