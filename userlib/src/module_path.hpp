// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The calls served by the sctpx module: requests over a Transport, split
 * to the module's limits, results put back in the caller's order.
 */
#ifndef SCTPX_SRC_MODULE_PATH_HPP
#define SCTPX_SRC_MODULE_PATH_HPP

#include <span>

#include "codec.hpp"
#include "transport.hpp"

namespace sctpx::detail {

struct Session {
	Transport &transport;
	int family = -1;
	Limits limits;
};

Result<InfoReply> module_info(Session &s);
Result<AssocList> module_list(Session &s, int sock, const Selection &filter);
Result<PeelResult> module_peeloff(Session &s, int sock, std::span<const AssocId> ids,
				  PeelOptions opts);
Result<PeelResult> module_peeloff(Session &s, int sock, const Selection &sel, PeelOptions opts);
/* id, state and INIT retries of these associations (absent: gone). */
Result<std::vector<AssocInfo>> module_states(Session &s, int sock, std::span<const AssocId> ids);
/*
 * CONNECTX on a non-blocking socket, then the wait in user space
 * (connect_wait.hpp) when opts asks for one.
 */
Result<ConnectResult> module_connectx(Session &s, int sock, std::span<const Peer> peers,
				      ConnectOptions opts);

} // namespace sctpx::detail

#endif
