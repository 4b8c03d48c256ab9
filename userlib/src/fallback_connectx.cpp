// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * connectx through sctp_connectx(3), one peer at a time, and the module's
 * wait redone in user space: poll every pending association's SCTP_STATUS
 * until all have settled or the deadline passes.
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

#include "fallback.hpp"

namespace sctpx::detail {

namespace {

using clock = std::chrono::steady_clock;

/* The module rechecks every 500 us; so do we. */
constexpr long tick_ns = 500000;

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
Result<int> state_of(int sock, AssocId id)
{
	sctp_status st{};
	st.sstat_assoc_id = static_cast<sctp_assoc_t>(id);
	socklen_t len = sizeof(st);
	if (getsockopt(sock, SOL_SCTP, SCTP_STATUS, &st, &len) != 0)
		return Error{ECONNREFUSED};
	return static_cast<int>(st.sstat_state);
}

Result<Connected> start(int sock, const Peer &p)
{
	std::vector<std::uint8_t> packed;
	for (const Address &a : p.addrs) {
		sockaddr_storage ss{};
		const socklen_t len = a.to_sockaddr(ss);
		const auto *b = reinterpret_cast<const std::uint8_t *>(&ss);
		packed.insert(packed.end(), b, b + len);
	}
	sctp_assoc_t id = 0;
	const int rc = sctp_connectx(sock, reinterpret_cast<sockaddr *>(packed.data()),
				     static_cast<int>(p.addrs.size()), &id);
	/* EINPROGRESS: started (non-blocking, or the blocking wait ran out). */
	if (rc < 0 && (errno != EINPROGRESS || id == 0))
		return Error{errno};
	auto state = state_of(sock, static_cast<AssocId>(id));
	if (!state)
		return std::move(state).error();
	return Connected{static_cast<AssocId>(id), *state};
}

/* The deadline: wait, or the socket's SO_SNDTIMEO if that is shorter. */
clock::time_point deadline_for(int sock, std::chrono::milliseconds wait)
{
	auto d = std::chrono::duration_cast<clock::duration>(wait);
	timeval tv{};
	socklen_t len = sizeof(tv);
	if (getsockopt(sock, SOL_SOCKET, SO_SNDTIMEO, &tv, &len) == 0 && (tv.tv_sec != 0 || tv.tv_usec != 0))
		d = std::min(d, std::chrono::duration_cast<clock::duration>(
					std::chrono::seconds(tv.tv_sec) + std::chrono::microseconds(tv.tv_usec)));
	return clock::now() + d;
}

WaitEnd wait_all(int sock, std::vector<PeerOutcome> &peers, std::chrono::milliseconds wait)
{
	const auto deadline = deadline_for(sock, wait);
	for (;;) {
		bool pending = false;
		for (PeerOutcome &p : peers) {
			if (!p.result || p.result->state == SCTP_ESTABLISHED)
				continue;
			auto st = state_of(sock, p.result->id);
			if (!st)
				p.result = std::move(st).error();
			else if (*st >= SCTP_SHUTDOWN_PENDING)
				p.result = Error{ECONNRESET};
			else
				p.result->state = *st;
			pending = pending || (p.result && p.result->state != SCTP_ESTABLISHED);
		}
		if (!pending)
			return WaitEnd::Settled;
		if (clock::now() >= deadline)
			return WaitEnd::Timeout;
		const timespec ts{0, tick_ns};
		if (nanosleep(&ts, nullptr) != 0 && errno == EINTR)
			return WaitEnd::Signal;
	}
}

} // namespace

Result<ConnectResult> fallback_connectx(int sock, std::span<const Peer> peers, ConnectOptions o)
{
	auto kind = check_sctp_socket(sock);
	if (!kind)
		return std::move(kind).error();
	auto f = facts(sock, *kind);
	if (!f)
		return std::move(f).error();
	if (auto ok = validate_peers(peers, *f); !ok)
		return std::move(ok).error();

	ConnectResult out;
	out.path = Path::Fallback;
	out.peers.reserve(peers.size());
	for (std::size_t i = 0; i < peers.size(); i++)
		out.peers.push_back({static_cast<std::uint32_t>(i), start(sock, peers[i])});
	if (o.wait.count() > 0)
		out.wait_end = wait_all(sock, out.peers, o.wait);
	return out;
}

} // namespace sctpx::detail
