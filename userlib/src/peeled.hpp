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
 */
#ifndef SCTPX_SRC_PEELED_HPP
#define SCTPX_SRC_PEELED_HPP

#include <cstddef>
#include <span>

#include "sctpx/types.hpp"

namespace sctpx::detail {

constexpr std::size_t kPeeledRecordMax = 65536;

/* Note these ids peeled off parent sock (never fails; drops on no memory). */
void note_peeled(int sock, std::span<const AssocId> ids) noexcept;
void note_peeled(int sock, const PeelResult &r) noexcept;
/* Was id peeled off sock through libsctpx (as far as the record goes)? */
bool was_peeled(int sock, AssocId id) noexcept;
/* Forget everything (tests). */
void forget_peeled() noexcept;

} // namespace sctpx::detail

#endif
