// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Socket checks, association ids and descriptions through socket options:
 * what the module reads under the socket lock, read here one getsockopt
 * at a time (so a description is not one consistent snapshot).
 */
#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <memory>

#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/sctp.h>
#include <sys/socket.h>

#include "fallback.hpp"

namespace sctpx::detail {

namespace {

int get_int_opt(int fd, int level, int name, int &out)
{
	socklen_t len = sizeof(out);
	return getsockopt(fd, level, name, &out, &len) == 0 ? 0 : errno;
}

/*
 * The peer's addresses through SCTP_GET_PEER_ADDRS, as sctp_getpaddrs(3)
 * reads them (called directly: no libsctp symbol an interposer could
 * replace). The buffer grows while the kernel says ENOMEM (too small).
 */
std::vector<Address> peer_addrs(int sock, AssocId id)
{
	std::vector<Address> out;
	std::vector<std::uint64_t> buf(64 * sizeof(sockaddr_in6) / sizeof(std::uint64_t));
	for (int tries = 0; tries < 16; tries++) {
		auto *ga = reinterpret_cast<sctp_getaddrs *>(buf.data());
		ga->assoc_id = static_cast<sctp_assoc_t>(id);
		ga->addr_num = 0;
		auto len = static_cast<socklen_t>(buf.size() * sizeof(std::uint64_t));
		if (getsockopt(sock, SOL_SCTP, SCTP_GET_PEER_ADDRS, ga, &len) != 0) {
			if (errno != ENOMEM)
				return out;
			buf.resize(buf.size() * 4);
			continue;
		}
		const auto *p = reinterpret_cast<const char *>(ga->addrs);
		const char *end = reinterpret_cast<const char *>(buf.data()) + len;
		out.reserve(ga->addr_num);
		for (std::uint32_t i = 0; i < ga->addr_num; i++) {
			sa_family_t fam = 0;
			if (p + sizeof(sockaddr_in) > end)
				break;
			std::memcpy(&fam, p + offsetof(sockaddr, sa_family), sizeof(fam));
			const socklen_t alen = fam == AF_INET ? sizeof(sockaddr_in) : sizeof(sockaddr_in6);
			if (p + alen > end)
				break;
			sockaddr_storage ss{};
			std::memcpy(&ss, p, alen);
			if (auto a = Address::from_sockaddr(reinterpret_cast<const sockaddr *>(&ss), alen))
				out.push_back(*a);
			p += alen;
		}
		return out;
	}
	return out;
}

std::uint16_t local_port(int sock)
{
	sockaddr_storage ss{};
	socklen_t len = sizeof(ss);
	if (getsockname(sock, reinterpret_cast<sockaddr *>(&ss), &len) != 0)
		return 0;
	auto a = Address::from_sockaddr(reinterpret_cast<const sockaddr *>(&ss), len);
	return a ? a->port() : 0;
}

} // namespace

Result<SockKind> check_sctp_socket(int fd)
{
	if (fcntl(fd, F_GETFD) < 0)
		return Error{EBADF, "descriptor is not open"};
	int proto = 0;
	if (const int e = get_int_opt(fd, SOL_SOCKET, SO_PROTOCOL, proto); e != 0)
		return e == ENOTSOCK ? Error{ENOTSOCK, "descriptor is not a socket"} : Error{e};
	SockKind k;
	if (get_int_opt(fd, SOL_SOCKET, SO_DOMAIN, k.family) != 0 ||
	    get_int_opt(fd, SOL_SOCKET, SO_TYPE, k.type) != 0 || proto != IPPROTO_SCTP ||
	    (k.family != AF_INET && k.family != AF_INET6) ||
	    (k.type != SOCK_SEQPACKET && k.type != SOCK_STREAM))
		return Error{EOPNOTSUPP, "socket is not an SCTP socket"};
	/*
	 * SCTP_GET_ASSOC_NUMBER is EOPNOTSUPP on TCP-style sockets. A
	 * peeled-off socket is SOCK_SEQPACKET and answers it: the socket
	 * options cannot tell it from a one-to-many socket (see README).
	 */
	std::uint32_t n = 0;
	socklen_t len = sizeof(n);
	k.one_to_many = k.type == SOCK_SEQPACKET &&
			getsockopt(fd, SOL_SCTP, SCTP_GET_ASSOC_NUMBER, &n, &len) == 0;
	return k;
}

Result<std::vector<AssocId>> assoc_ids(int sock)
{
	std::uint32_t n = 0;
	socklen_t nlen = sizeof(n);
	if (getsockopt(sock, SOL_SCTP, SCTP_GET_ASSOC_NUMBER, &n, &nlen) != 0) {
		if (errno != EOPNOTSUPP)
			return Error{errno};
		/* One-to-one: its association, if connected. */
		sctp_status st{};
		socklen_t len = sizeof(st);
		if (getsockopt(sock, SOL_SCTP, SCTP_STATUS, &st, &len) != 0)
			return std::vector<AssocId>{};
		return std::vector<AssocId>{static_cast<AssocId>(st.sstat_assoc_id)};
	}
	/*
	 * The list may grow between the two calls (the sizing race that
	 * ASSOC_GET does not have): leave room, and retry on EINVAL.
	 */
	for (std::size_t room = n + 64U;; room *= 2) {
		std::vector<std::uint32_t> buf(1 + room);
		auto len = static_cast<socklen_t>(buf.size() * sizeof(std::uint32_t));
		if (getsockopt(sock, SOL_SCTP, SCTP_GET_ASSOC_ID_LIST, buf.data(), &len) == 0) {
			const std::size_t got = std::min<std::size_t>(buf[0], room);
			std::vector<AssocId> ids(buf.begin() + 1, buf.begin() + 1 + static_cast<std::ptrdiff_t>(got));
			std::sort(ids.begin(), ids.end());
			return ids;
		}
		if (errno != EINVAL || room > (1U << 24))
			return Error{errno};
	}
}

Result<AssocInfo> describe(int sock, AssocId id)
{
	sctp_status st{};
	st.sstat_assoc_id = static_cast<sctp_assoc_t>(id);
	socklen_t len = sizeof(st);
	if (getsockopt(sock, SOL_SCTP, SCTP_STATUS, &st, &len) != 0)
		return Error{errno, "no such association on this socket"};

	AssocInfo a;
	a.id = static_cast<AssocId>(st.sstat_assoc_id);
	a.state = st.sstat_state;
	a.instreams = st.sstat_instrms;
	a.outstreams = st.sstat_outstrms;
	a.local_port = local_port(sock);
	a.peer_addrs = peer_addrs(sock, id);
	a.peer_addr_count = static_cast<std::uint32_t>(a.peer_addrs.size());
	a.peer_rwnd = st.sstat_rwnd;

	/* Primary path first, as the module lists it. */
	const auto &pa = st.sstat_primary.spinfo_address;
	if (auto prim = Address::from_sockaddr(reinterpret_cast<const sockaddr *>(&pa), sizeof(pa))) {
		auto it = std::find(a.peer_addrs.begin(), a.peer_addrs.end(), *prim);
		if (it != a.peer_addrs.end())
			std::rotate(a.peer_addrs.begin(), it, it + 1);
	}

	sctp_assoc_stats s{};
	s.sas_assoc_id = static_cast<sctp_assoc_t>(id);
	len = sizeof(s);
	if (getsockopt(sock, SOL_SCTP, SCTP_GET_ASSOC_STATS, &s, &len) == 0) {
		a.counters.data_in = s.sas_iodchunks + s.sas_iuodchunks;
		a.counters.data_out = s.sas_oodchunks + s.sas_ouodchunks;
		a.counters.packets_in = s.sas_ipackets;
		a.counters.packets_out = s.sas_opackets;
		a.counters.rtx_chunks = s.sas_rtxchunks;
	}
	return a;
}

Result<AssocList> fallback_list(int sock, const Selection &filter)
{
	auto kind = check_sctp_socket(sock);
	if (!kind)
		return std::move(kind).error();
	auto ids = assoc_ids(sock);
	if (!ids)
		return std::move(ids).error();
	AssocList out;
	out.path = Path::Fallback;
	for (const AssocId id : *ids) {
		/* One that ended since the id list was read is just gone. */
		auto a = describe(sock, kind->one_to_many ? id : 0);
		if (a && selection_matches(filter, *a))
			out.assocs.push_back(std::move(*a));
	}
	return out;
}

} // namespace sctpx::detail
