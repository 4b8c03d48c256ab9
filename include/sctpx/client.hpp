// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * sctpx::Client: the library's entry point.
 *
 * A Client talks to the sctpx generic netlink family when the module is
 * loaded and offers the operation, and otherwise serves the same call
 * with plain SCTP socket calls (the "fallback"). Every result says which
 * path served it.
 *
 * Thread safety: a Client is MT-Safe. Any number of threads may call any
 * member function on the same Client at the same time. It keeps a small
 * pool of netlink sockets guarded by a mutex: a call borrows one socket for
 * its whole request-reply exchange and returns it afterwards, so no two
 * requests ever share a netlink socket at once (sharing one would let a
 * thread's reply fill the queue under another's PEELOFF reply, see
 * Documentation/sctpx.rst, "Residual ENOBUFS race"), and calls in
 * different threads run in parallel. The mutex is held only to borrow and
 * return sockets and to read the cached module description, never across
 * a system call. Moving a Client is not thread-safe (like any object).
 *
 * The SCTP socket a call names is the caller's: the library never closes
 * it and never changes its flags.
 */
#ifndef SCTPX_CLIENT_HPP
#define SCTPX_CLIENT_HPP

#include <memory>
#include <span>

#include "sctpx/types.hpp"

namespace sctpx {
/* Internal: tests inject a fake netlink transport through it (not exported). */
struct ClientAccess;
} // namespace sctpx

/* The library exports what its public headers declare, nothing else. */
#pragma GCC visibility push(default)

namespace sctpx {

struct ClientOptions {
	/* Serve every call with socket calls even when the module is loaded. */
	bool force_fallback = false;
	/*
	 * Resolving the family asks the kernel to load sctpx on demand (its
	 * alias net-pf-16-proto-16-family-sctpx). With autoload false an
	 * unloaded module is taken as absent and left alone.
	 */
	bool autoload = true;
};


class Client {
public:
	/*
	 * Never fails because the module is missing: that selects the
	 * fallback. Fails only when memory runs out.
	 *
	 * Every call on a moved-from Client fails with EINVAL; every call in
	 * a child process (after fork()) fails with ECHILD: the client's
	 * netlink sockets are its parent's, and replies on them could reach
	 * either process. Open a new client in the child.
	 */
	static Result<Client> open(ClientOptions opts = {});

	Client(Client &&) noexcept;
	Client &operator=(Client &&) noexcept;
	Client(const Client &) = delete;
	Client &operator=(const Client &) = delete;
	~Client();

	/* Module and family versions, ops, limits and counters (fresh). */
	Result<Info> info();
	/* The module's counters; ENOENT on the fallback (there are none). */
	Result<ModuleCounters> counters();
	/* Which path op takes now (from the cached module description). */
	[[nodiscard]] Path path_for(Op op) const;
	/* Ask the kernel again whether the module is there and what it offers. */
	Result<void> refresh();

	/* Every association of sock matching filter (its order/limit ignored). */
	Result<AssocList> list(int sock, const Selection &filter = {});

	/* Peel off these associations of the one-to-many socket sock. */
	Result<PeelResult> peeloff(int sock, std::span<const AssocId> ids,
				   PeelOptions opts = {});
	/* Peel off the associations sel picks. */
	Result<PeelResult> peeloff(int sock, const Selection &sel,
				   PeelOptions opts = {});

	/* Start one association per peer. */
	Result<ConnectResult> connectx(int sock, std::span<const Peer> peers,
				       ConnectOptions opts = {});
	Result<ConnectResult> connectx(int sock, const Peer &peer,
				       ConnectOptions opts = {});

private:
	struct Impl;
	/* Internal, not exported. */
	__attribute__((visibility("hidden"))) explicit Client(std::unique_ptr<Impl> impl) noexcept;
	/* EINVAL when moved from, ECHILD in a forked child. Internal, not
	 * exported. */
	[[nodiscard]] __attribute__((visibility("hidden"))) Result<void> usable() const;
	std::unique_ptr<Impl> impl_;
	friend struct ClientAccess;
};

/* State names: "ESTABLISHED", "COOKIE_WAIT", ... */
std::string_view state_name(int state) noexcept;
std::string_view path_name(Path p) noexcept;

} // namespace sctpx

#pragma GCC visibility pop

#endif
