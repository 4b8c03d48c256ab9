// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * See clients.hpp. A child that shares its parent's memory (vfork(2),
 * clone(2) with CLONE_VM) has its parent's token and so its parent's
 * clients, as libsctpx's own check has it: such a child may only
 * execve(2) or _exit(2) (sctpx-preload(7)).
 */
#include "clients.hpp"

#include "process_token.hpp"

namespace sctpx::preload {

int Clients::get(bool for_connectx, sctpx_client **out)
{
	const std::lock_guard<std::mutex> lock(mu_);
	Slot &s = for_connectx ? connectx_ : peeloff_;
	const std::uint64_t me = detail::process_token();
	if (s.client && s.owner == me) {
		*out = s.client.get();
		return 0;
	}
	/*
	 * The parent's client, in a child: left alone, not closed (a lock of
	 * its own may have been held by another thread of the parent at
	 * fork()). Its netlink sockets are close-on-exec.
	 */
	(void)s.client.release();
	sctpx_client *c = nullptr;
	const unsigned int flags =
		SCTPX_OPEN_NO_AUTOLOAD | (for_connectx ? SCTPX_OPEN_FORCE_FALLBACK : 0U);
	if (const int e = sctpx_open(&c, flags); e < 0)
		return e;
	s.client.reset(c);
	s.owner = me;
	*out = c;
	return 0;
}

} // namespace sctpx::preload
