// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * connectx's wait, in user space, for both paths: every started
 * association is watched in parallel with cheap bounded queries (a
 * filtered ASSOC_GET of the pending ids on the module path, SCTP_STATUS
 * per pending id on the fallback), sleeping between them with a backoff
 * from 1 ms to 50 ms. The caller's socket is never changed: no event
 * subscription, no flag.
 */
#ifndef SCTPX_SRC_CONNECT_WAIT_HPP
#define SCTPX_SRC_CONNECT_WAIT_HPP

#include <chrono>
#include <functional>
#include <span>
#include <vector>

#include "peeled.hpp"
#include "sctpx/types.hpp"

namespace sctpx::detail {

using WaitClock = std::chrono::steady_clock;

constexpr std::chrono::milliseconds kWaitFirstSleep{1};
constexpr std::chrono::milliseconds kWaitMaxSleep{50};

/* now + d, saturating at time_point::max() (d may be milliseconds::max()). */
WaitClock::time_point saturating_deadline(WaitClock::time_point now,
					  std::chrono::milliseconds d) noexcept;
/*
 * The deadline of a wait asked for at now: wait, or the socket's
 * SO_SNDTIMEO if that is set and shorter. Computed before anything starts.
 */
WaitClock::time_point wait_deadline(int sock, WaitClock::time_point now,
				    std::chrono::milliseconds wait) noexcept;

/*
 * The states of these ids: an id missing from the answer is gone. Only
 * id, state, init_retries and max_init_retries are read.
 */
using StateQuery = std::function<Result<std::vector<AssocInfo>>(std::span<const AssocId>)>;
/* Did this process peel off this association, seen gone, meanwhile? */
using PeeledCheck = std::function<PeelSeen(AssocId)>;

/*
 * How long a vanished association stays pending while a peeloff of this
 * process is under way and has not noted it yet (PeelSeen::NotYet):
 * bounded, so that a process that peels all the time does not hold a
 * failed association's answer until the deadline.
 */
constexpr std::chrono::milliseconds kPeelNoteGrace{1000};

/*
 * Wait until every started peer (result ok and not yet ESTABLISHED) is
 * established or failed, or the deadline passes, or a signal arrives.
 * ESTABLISHED (or a later state) is final. A vanished association is
 * ETIMEDOUT if its INIT retransmissions had reached their maximum when it
 * was last seen, ECONNREFUSED otherwise, or alive if peeled() says this
 * process peeled it; while peeled() says NotYet, for up to
 * kPeelNoteGrace, it is asked again after the next query. Peers still
 * pending at the end get EINPROGRESS (deadline) or EINTR (signal),
 * keeping their id and state.
 */
WaitEnd wait_connected(std::vector<PeerOutcome> &peers, WaitClock::time_point deadline,
		       const StateQuery &query, const PeeledCheck &peeled);

} // namespace sctpx::detail

#endif
