// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * connectx through the kernel's own socket option, one peer at a time,
 * and the wait in user space (connect_wait.hpp) polling each pending
 * association's SCTP_STATUS. The peers are checked first as the module
 * checks them (kmod/connectx.c), so both paths refuse the same peers.
 *
 * The socket option is issued here, as lksctp-tools' sctp_connectx3()
 * issues it, rather than by calling sctp_connectx(3): a program that
 * interposes sctp_connectx (LD_PRELOAD, -Wl,--wrap) to route it to
 * libsctpx must not see libsctpx call back into it.
 */
#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <ctime>

#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/sctp.h>
#include <sys/socket.h>
#include <sys/time.h>

#include "connect_wait.hpp"
#include "fallback.hpp"
#include "peeled.hpp"

namespace sctpx::detail {

namespace {

Result<SockFacts> facts(int sock, const SockKind &kind)
{
	SockFacts f;
	f.family = kind.family;
	const int fl = fcntl(sock, F_GETFL);
	f.nonblocking = fl >= 0 && (static_cast<unsigned int>(fl) & O_NONBLOCK) != 0;
	if (kind.family == AF_INET6) {
		int v6only = 0;
		socklen_t len = sizeof(v6only);
		if (getsockopt(sock, IPPROTO_IPV6, IPV6_V6ONLY, &v6only, &len) == 0)
			f.v6only = v6only != 0;
	}
	return f;
}

/* Current state of a started association, or why it is gone. */
Result<AssocInfo> status_of(int sock, AssocId id)
{
	sctp_status st{};
	st.sstat_assoc_id = static_cast<sctp_assoc_t>(id);
	socklen_t len = sizeof(st);
	if (getsockopt(sock, SOL_SCTP, SCTP_STATUS, &st, &len) != 0)
		return Error{errno};
	AssocInfo a;
	a.id = id;
	a.state = st.sstat_state;
	return a;
}

/* The addresses of p packed as the socket option wants them. */
std::vector<std::uint8_t> pack(const Peer &p)
{
	std::vector<std::uint8_t> packed;
	packed.reserve(p.addrs.size() * sizeof(sockaddr_in6));
	for (const Address &a : p.addrs) {
		sockaddr_storage ss{};
		const socklen_t len = a.to_sockaddr(ss);
		const auto *b = reinterpret_cast<const std::uint8_t *>(&ss);
		packed.insert(packed.end(), b, b + len);
	}
	return packed;
}

struct Started {
	int err = 0; /* 0, EINPROGRESS, or why it did not start */
	AssocId id = 0;
};

/*
 * getsockopt(SCTP_SOCKOPT_CONNECTX3), as sctp_connectx3() does: the id
 * comes back on success and with EINPROGRESS. errno is read only when
 * the call failed (lksctp-tools reads it after a success too, and can
 * then connect a second time).
 */
Started connectx3(int sock, const std::vector<std::uint8_t> &packed)
{
	sctp_getaddrs_old param{};
	param.assoc_id = 0;
	param.addr_num = static_cast<int>(packed.size());
	param.addrs = reinterpret_cast<sockaddr *>(const_cast<std::uint8_t *>(packed.data()));
	socklen_t len = sizeof(param);
	if (getsockopt(sock, SOL_SCTP, SCTP_SOCKOPT_CONNECTX3, &param, &len) == 0)
		return {0, static_cast<AssocId>(param.assoc_id)};
	const int e = errno;
	if (e == EINPROGRESS)
		return {e, static_cast<AssocId>(param.assoc_id)};
	return {e, 0};
}

/*
 * The association to this peer address on sock, if there is one (after
 * a blocking connect was interrupted, the kernel keeps it and does not
 * say its id): SCTP_GET_PEER_ADDR_INFO looks the address up.
 */
AssocId find_by_addr(int sock, const Address &a)
{
	sctp_paddrinfo pi{};
	sockaddr_storage ss{};
	const socklen_t alen = a.to_sockaddr(ss);
	std::memcpy(&pi.spinfo_address, &ss, std::min<std::size_t>(alen, sizeof(pi.spinfo_address)));
	socklen_t len = sizeof(pi);
	if (getsockopt(sock, SOL_SCTP, SCTP_GET_PEER_ADDR_INFO, &pi, &len) != 0)
		return 0;
	return static_cast<AssocId>(pi.spinfo_assoc_id);
}

/*
 * One peer on a blocking socket: sctp_connectx(3)'s behaviour. The kernel
 * waits (up to SO_SNDTIMEO) inside the system call, not in any netlink
 * handler: established, EINPROGRESS with the id when the send timeout
 * expires, EINTR when a signal interrupts (the association lives on; its
 * id is looked up by address), or why it failed.
 */
ConnectResult blocking_connect(int sock, const Peer &p)
{
	ConnectResult out;
	out.path = Path::Fallback;
	PeerOutcome po;
	const Started st = connectx3(sock, pack(p));
	po.id = st.id;
	switch (st.err) {
	case 0: {
		auto a = status_of(sock, st.id);
		po.state = a ? a->state : SCTP_ESTABLISHED;
		po.result = Connected{st.id, po.state};
		out.wait_end = WaitEnd::Settled;
		break;
	}
	case EINPROGRESS:
		if (auto a = status_of(sock, st.id))
			po.state = a->state;
		po.result = Error{EINPROGRESS, "association still being set up when SO_SNDTIMEO expired"};
		out.wait_end = WaitEnd::Timeout;
		break;
	case EINTR:
		po.id = find_by_addr(sock, p.addrs.front());
		if (po.id != 0)
			if (auto a = status_of(sock, po.id))
				po.state = a->state;
		po.result = Error{EINTR, "interrupted by a signal; the association is still being set up"};
		out.wait_end = WaitEnd::Signal;
		break;
	default:
		po.result = Error{st.err};
		out.wait_end = WaitEnd::Settled;
		break;
	}
	out.peers.push_back(std::move(po));
	return out;
}

} // namespace

Result<void> validate_peers(std::span<const Peer> peers, const SockFacts &sock)
{
	if (peers.empty())
		return Error{EINVAL, "missing peers (SCTPX_A_PEER)"};
	for (const Peer &p : peers) {
		if (p.addrs.empty())
			return Error{EINVAL, "peer has no address"};
		std::uint16_t port = 0;
		for (const Address &a : p.addrs) {
			if (a.family() != AF_INET && a.family() != AF_INET6)
				return Error{EINVAL, "address needs exactly one of IN4 and IN6"};
			if (a.family() == AF_INET && a.scope_id() != 0)
				return Error{EINVAL, "scope id on an IPv4 address"};
			if (a.port() == 0)
				return Error{EINVAL, "address has no port"};
			if (port != 0 && a.port() != port)
				return Error{EINVAL, "addresses of one peer must share one port"};
			port = a.port();
			if (a.family() == AF_INET6) {
				if (sock.family == AF_INET)
					return Error{EINVAL, "IPv6 address on an IPv4 socket"};
				if (link_local(a) && a.scope_id() == 0)
					return Error{EINVAL, "link-local IPv6 address needs a scope id"};
			} else if (sock.family == AF_INET6 && sock.v6only) {
				return Error{EINVAL, "IPv4 address on an IPV6_V6ONLY socket"};
			}
		}
	}
	if (peers.size() > 1 && !sock.nonblocking)
		return Error{EINVAL,
			     "a batch of peers needs a non-blocking socket"};
	return {};
}

Result<ConnectResult> fallback_connectx(int sock, std::span<const Peer> peers, ConnectOptions o)
{
	/* The wait's deadline is taken before the first association starts. */
	const auto deadline = wait_deadline(sock, WaitClock::now(), o.wait);
	auto kind = check_sctp_socket(sock);
	if (!kind)
		return std::move(kind).error();
	auto f = facts(sock, *kind);
	if (!f)
		return std::move(f).error();
	if (auto ok = validate_peers(peers, *f); !ok)
		return std::move(ok).error();
	if (!f->nonblocking)
		return blocking_connect(sock, peers.front());

	/* Peels are watched for the wait from before the first start. */
	const PeelWatch watch(o.wait.count() > 0);
	ConnectResult out;
	out.path = Path::Fallback;
	out.peers.reserve(peers.size());
	for (std::size_t i = 0; i < peers.size(); i++) {
		PeerOutcome po;
		po.peer_index = static_cast<std::uint32_t>(i);
		const Started st = connectx3(sock, pack(peers[i]));
		po.id = st.id;
		if (st.err != 0 && st.err != EINPROGRESS) {
			po.result = Error{st.err};
		} else if (auto a = status_of(sock, st.id)) {
			po.state = a->state;
			po.result = Connected{st.id, a->state};
		} else if (const PeelSeen ps = peel_seen(sock, st.id);
			   ps == PeelSeen::Peeled || (ps == PeelSeen::NotYet && o.wait.count() > 0)) {
			/*
			 * Peeled off by another thread right after it started
			 * (or maybe, with a peeloff under way: the wait settles
			 * it): alive on its own socket.
			 */
			po.state = SCTP_COOKIE_WAIT;
			po.result = Connected{st.id, SCTP_COOKIE_WAIT};
		} else {
			/* Already gone (refused at once on loopback): the id is kept. */
			po.result = Error{ECONNREFUSED, "association ended while being set up"};
		}
		out.peers.push_back(std::move(po));
	}
	if (o.wait.count() > 0)
		out.wait_end = wait_connected(
			out.peers, deadline,
			[sock](std::span<const AssocId> ids) -> Result<std::vector<AssocInfo>> {
				std::vector<AssocInfo> v;
				v.reserve(ids.size());
				for (const AssocId id : ids) {
					auto a = status_of(sock, id);
					if (a)
						v.push_back(*a);
					else if (a.error().errnum() != EINVAL)
						return std::move(a).error();
				}
				return v;
			},
			[sock](AssocId id) { return peel_seen(sock, id); });
	return out;
}

} // namespace sctpx::detail
