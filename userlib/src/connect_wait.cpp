// SPDX-License-Identifier: LGPL-2.1-or-later
#include "connect_wait.hpp"

#include <algorithm>
#include <cerrno>
#include <ctime>
#include <optional>
#include <unordered_map>

#include <netinet/sctp.h>
#include <sys/socket.h>
#include <sys/time.h>

namespace sctpx::detail {

namespace {

using std::chrono::milliseconds;
using std::chrono::nanoseconds;

bool final_state(int state) noexcept
{
	/* SHUTDOWN_* is only reached from ESTABLISHED. */
	return state >= SCTP_ESTABLISHED;
}

struct Last {
	std::size_t peer = 0;
	std::uint32_t init_retries = 0;
	std::uint32_t max_init_retries = 0;
	/* when it was first seen gone with a peeloff under way; else unset */
	std::optional<WaitClock::time_point> gone_since;
};

/* Sleep up to d; false when a signal cut it short. */
bool sleep_for(nanoseconds d) noexcept
{
	if (d <= nanoseconds::zero())
		return true;
	const auto s = std::chrono::duration_cast<std::chrono::seconds>(d);
	const timespec ts{static_cast<time_t>(s.count()), static_cast<long>((d - s).count())};
	/* nanosleep() is never restarted after a signal handler (signal(7)). */
	return nanosleep(&ts, nullptr) == 0 || errno != EINTR;
}

} // namespace

WaitClock::time_point saturating_deadline(WaitClock::time_point now, milliseconds d) noexcept
{
	if (d <= milliseconds::zero())
		return now;
	const auto room = WaitClock::time_point::max() - now;
	if (d >= std::chrono::duration_cast<milliseconds>(room))
		return WaitClock::time_point::max();
	return now + std::chrono::duration_cast<WaitClock::duration>(d);
}

WaitClock::time_point wait_deadline(int sock, WaitClock::time_point now, milliseconds wait) noexcept
{
	timeval tv{};
	socklen_t len = sizeof(tv);
	if (getsockopt(sock, SOL_SOCKET, SO_SNDTIMEO, &tv, &len) == 0 && (tv.tv_sec != 0 || tv.tv_usec != 0)) {
		const auto snd = std::chrono::duration_cast<milliseconds>(
			std::chrono::seconds(tv.tv_sec) + std::chrono::microseconds(tv.tv_usec));
		wait = std::min(wait, std::max(snd, milliseconds(1)));
	}
	return saturating_deadline(now, wait);
}

WaitEnd wait_connected(std::vector<PeerOutcome> &peers, WaitClock::time_point deadline,
		       const StateQuery &query, const PeeledCheck &peeled)
{
	/* id -> its peer and what was last seen of it, for the pending ones */
	std::unordered_map<AssocId, Last> pending;
	for (std::size_t i = 0; i < peers.size(); i++) {
		PeerOutcome &p = peers[i];
		if (!p.result)
			continue;
		p.id = p.result->id;
		p.state = p.result->state;
		if (!final_state(p.state))
			pending[p.id] = Last{i, 0, 0, std::nullopt};
	}
	std::vector<AssocId> ids;
	ids.reserve(pending.size());

	auto end_all = [&](int err, const char *why) {
		for (auto &[id, last] : pending) {
			PeerOutcome &p = peers[last.peer];
			p.result = Error{err, why};
		}
		pending.clear();
	};

	nanoseconds nap = kWaitFirstSleep;
	for (;;) {
		if (pending.empty())
			return WaitEnd::Settled;
		const auto now = WaitClock::now();
		if (now >= deadline) {
			end_all(EINPROGRESS, "association still being set up when the wait ended");
			return WaitEnd::Timeout;
		}
		const auto left = std::chrono::duration_cast<nanoseconds>(deadline - now);
		if (!sleep_for(std::min(nap, left))) {
			end_all(EINTR, "wait interrupted by a signal; association still being set up");
			return WaitEnd::Signal;
		}
		nap = std::min<nanoseconds>(nap * 2, kWaitMaxSleep);

		ids.clear();
		for (const auto &[id, last] : pending)
			ids.push_back(id);
		std::sort(ids.begin(), ids.end());
		auto seen = query(ids);
		if (!seen) {
			/* Cannot watch them any more: say why, keep id and state. */
			const Error &e = seen.error();
			for (auto &[id, last] : pending)
				peers[last.peer].result = e;
			pending.clear();
			return WaitEnd::Settled;
		}
		std::unordered_map<AssocId, const AssocInfo *> by_id;
		for (const AssocInfo &a : *seen)
			by_id[a.id] = &a;
		for (auto it = pending.begin(); it != pending.end();) {
			PeerOutcome &p = peers[it->second.peer];
			const auto f = by_id.find(it->first);
			if (f != by_id.end()) {
				const AssocInfo &a = *f->second;
				p.state = a.state;
				it->second.init_retries = a.init_retries;
				it->second.max_init_retries = a.max_init_retries;
				if (final_state(a.state)) {
					p.result = Connected{p.id, a.state};
					it = pending.erase(it);
				} else {
					++it;
				}
				continue;
			}
			/* Gone: peeled by us, or failed. */
			const PeelSeen seen_peeled = peeled ? peeled(it->first) : PeelSeen::NotPeeled;
			if (seen_peeled == PeelSeen::NotYet) {
				/* A peeloff under way may be about to note it: ask again. */
				auto &since = it->second.gone_since;
				if (!since)
					since = WaitClock::now();
				if (WaitClock::now() - *since < kPeelNoteGrace) {
					++it;
					continue;
				}
			}
			if (seen_peeled == PeelSeen::Peeled)
				p.result = Connected{p.id, p.state};
			else if (it->second.max_init_retries != 0 &&
				 it->second.init_retries >= it->second.max_init_retries)
				p.result = Error{ETIMEDOUT, "INIT retransmissions exhausted"};
			else
				p.result = Error{ECONNREFUSED, "association ended while being set up"};
			it = pending.erase(it);
		}
	}
}

} // namespace sctpx::detail
