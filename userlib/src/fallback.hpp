// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The fallback path: the same calls with plain SCTP socket options and
 * lksctp-tools, one association per system call, for kernels where the
 * module is not loaded or lacks the operation. It reports the same errors
 * with the same messages as the module wherever the kernel lets it; the
 * differences are listed in userlib/README.md.
 */
#ifndef SCTPX_SRC_FALLBACK_HPP
#define SCTPX_SRC_FALLBACK_HPP

#include <span>
#include <vector>

#include "sctpx/types.hpp"

namespace sctpx::detail {

/* --- pure helpers (fallback_select.cpp), unit-tested on the host --- */

/* The module's address comparison (kmod/addr.c). */
bool addr_matches(const Address &have, const Address &want) noexcept;
/* An IPv6 link-local address (fe80::/10)? */
bool link_local(const Address &a) noexcept;
/* Does a meet sel's criteria (states, peer address, peer port)? */
bool selection_matches(const Selection &sel, const AssocInfo &a) noexcept;
/*
 * Sort matches in sel's order and cut them to its limit; returns how many
 * were cut (the module's SCTPX_A_REMAINING).
 */
std::uint32_t order_and_limit(std::vector<AssocInfo> &v, const Selection &sel);

/* --- connectx's checks (fallback_connectx.cpp), unit-tested on the host --- */

struct SockFacts {
	int family = AF_INET;
	bool v6only = false;
	bool nonblocking = false;
};
/* CONNECTX's checks of kmod/connectx.c, in its order, with its messages. */
Result<void> validate_peers(std::span<const Peer> peers, const SockFacts &sock);

/* --- socket calls --- */

struct SockKind {
	int family = 0;
	int type = 0;
	bool one_to_many = false; /* SOCK_SEQPACKET and not peeled off */
};
/* The module's socket lookup errors (kmod/sock.c): EBADF, ENOTSOCK, EOPNOTSUPP. */
Result<SockKind> check_sctp_socket(int fd);
/* SCTP_GET_ASSOC_NUMBER + SCTP_GET_ASSOC_ID_LIST, ascending. */
Result<std::vector<AssocId>> assoc_ids(int sock);
/*
 * SCTP_STATUS, sctp_getpaddrs(), SCTP_GET_ASSOC_STATS of association id
 * on sock (id 0 on a one-to-one socket: its only association).
 */
Result<AssocInfo> describe(int sock, AssocId id);

Result<AssocList> fallback_list(int sock, const Selection &filter);
Result<PeelResult> fallback_peeloff(int sock, std::span<const AssocId> ids, PeelOptions opts);
Result<PeelResult> fallback_peeloff(int sock, const Selection &sel, PeelOptions opts);
Result<ConnectResult> fallback_connectx(int sock, std::span<const Peer> peers,
					ConnectOptions opts);

} // namespace sctpx::detail

#endif
