// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The interposer's libsctpx clients: one per purpose and process, opened
 * on first use and again in a child after fork() (a client belongs to the
 * process that opened it). "Is this still the process that opened it?"
 * is libsctpx's own answer (src/process_token.hpp, linked into the
 * interposer): the check the client itself makes before every call, so
 * the two never disagree, and a memory read per call, not a getpid(2).
 */
#ifndef SCTPX_PRELOAD_CLIENTS_HPP
#define SCTPX_PRELOAD_CLIENTS_HPP

#include <cstdint>
#include <memory>
#include <mutex>

#include <sctpx/sctpx.h>

namespace sctpx::preload {

struct ClientDeleter {
	void operator()(sctpx_client *c) const { sctpx_close(c); }
};
using ClientPtr = std::unique_ptr<sctpx_client, ClientDeleter>;

/*
 * Never loads the module: an LD_PRELOAD does not change the system.
 *
 * Peeloff uses the module when it is loaded. connectx uses libsctpx's
 * socket-option path: sctp_connectx() starts one peer, where the module
 * adds a netlink round trip and cannot name an association that the peer
 * refused before the module looked it up (loopback), while
 * SCTP_SOCKOPT_CONNECTX3 names it as lksctp-tools does.
 */
class Clients {
public:
	/* The client for peeloff or connectx, or why there is none (-errno). */
	int get(bool for_connectx, sctpx_client **out);

	/* fork() in a threaded program: the child must not inherit mu_ held. */
	void lock() { mu_.lock(); }
	void unlock() { mu_.unlock(); }

private:
	struct Slot {
		ClientPtr client;
		std::uint64_t owner = 0; /* process_token() of the opener; 0: none */
	};
	std::mutex mu_;
	Slot peeloff_;
	Slot connectx_;
};

} // namespace sctpx::preload

#endif
