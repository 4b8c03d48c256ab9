// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * A small process-wide record of the associations this process peeled off
 * through libsctpx, per parent socket, so that connectx's wait can tell
 * "peeled meanwhile" (alive, on its own socket now) from "gone" (failed).
 *
 * The parent is known by its socket inode (not its descriptor number,
 * which may be reused). The record keeps the last kPeeledRecordMax ids
 * over all sockets; older ones are forgotten, and an association peeled
 * by other means (sctp_peeloff(3), another process) is not in it.
 *
 * Only a connectx wait asks the record, and only about associations its
 * own connectx started, so peels are recorded only while a PeelWatch
 * lives: each connectx that will wait holds one from before its first
 * association starts until its wait ends. A peel of such an association
 * comes after the association exists, so after the watch began, and
 * sees it: the waiter's count goes up before its connect, which releases
 * the parent socket's lock in the kernel; the peeler takes that lock to
 * peel, then reads the count. With no connectx waiting, a peeloff costs
 * the record nothing: no fstat(), no lock. A child forked while a wait
 * runs inherits a count that never drops: it records every peel, which
 * costs it time, never a wrong answer.
 */
#ifndef SCTPX_SRC_PEELED_HPP
#define SCTPX_SRC_PEELED_HPP

#include <cstddef>
#include <span>

#include "sctpx/types.hpp"

namespace sctpx::detail {

constexpr std::size_t kPeeledRecordMax = 65536;

/* Peels are recorded while at least one of these lives (process-wide). */
class PeelWatch {
public:
	/* on: watch (a connectx that will wait); off: a no-op. */
	explicit PeelWatch(bool on) noexcept;
	~PeelWatch();
	PeelWatch(const PeelWatch &) = delete;
	PeelWatch &operator=(const PeelWatch &) = delete;
	PeelWatch(PeelWatch &&) = delete;
	PeelWatch &operator=(PeelWatch &&) = delete;

private:
	bool on_;
};

/*
 * Held by every peeloff of the library from before its first request to
 * after it noted what it peeled: between the kernel's peel and the note,
 * a wait that sees the association gone could not tell it was peeled.
 */
class PeelInFlight {
public:
	PeelInFlight() noexcept;
	~PeelInFlight();
	PeelInFlight(const PeelInFlight &) = delete;
	PeelInFlight &operator=(const PeelInFlight &) = delete;
	PeelInFlight(PeelInFlight &&) = delete;
	PeelInFlight &operator=(PeelInFlight &&) = delete;
};

/* What a wait may conclude about an association it saw vanish. */
enum class PeelSeen {
	Peeled,    /* this process peeled it: alive on its own socket */
	NotPeeled, /* not through this library (as far as the record goes) */
	NotYet,    /* not recorded, but a peeloff of this process is under way */
};

/*
 * Was id, seen gone from sock, peeled by this process? Call after the
 * query that saw it gone: a peeloff that took it began before that query,
 * so it is either still under way (NotYet) or has noted it (Peeled).
 */
PeelSeen peel_seen(int sock, AssocId id) noexcept;

/*
 * Note these ids peeled off parent sock while a PeelWatch lives; nothing
 * otherwise (never fails; drops on no memory).
 */
void note_peeled(int sock, std::span<const AssocId> ids) noexcept;
void note_peeled(int sock, const PeelResult &r) noexcept;
/* Was id peeled off sock through libsctpx (as far as the record goes)? */
bool was_peeled(int sock, AssocId id) noexcept;
/* Forget everything (tests). */
void forget_peeled() noexcept;

} // namespace sctpx::detail

#endif
