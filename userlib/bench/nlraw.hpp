// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The bare netlink client of the benchmark: requests built with libnl's
 * attribute helpers, one send() and one recv() into a preallocated buffer,
 * the reply walked in place. The least a program can do to use sctpx; the
 * library's cost is measured against it.
 */
#ifndef SCTPX_BENCH_NLRAW_HPP
#define SCTPX_BENCH_NLRAW_HPP

#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace sctpx::bench {

struct RawEntry {
	std::uint32_t id = 0;
	int fd = -1;
	int error = 0;
	std::uint32_t state = 0;
	std::uint16_t instreams = 0, outstreams = 0;
	std::uint32_t peer_index = 0;
	std::vector<std::uint16_t> peer_ports; /* host order, primary first */
	std::vector<std::uint32_t> peer_in4;   /* network order */
};

class RawNl {
public:
	RawNl();
	~RawNl();
	RawNl(const RawNl &) = delete;
	RawNl &operator=(const RawNl &) = delete;

	[[nodiscard]] bool ok() const { return fd_ >= 0 && family_ > 0; }
	[[nodiscard]] const std::string &error() const { return err_; }

	/*
	 * PEELOFF by ids (sel_in4 == 0) or by a selection on the peer's IPv4
	 * address (sel_in4, network order). full: ask for and decode every
	 * attribute (state, streams, addresses), else ask for a brief reply
	 * (SCTPX_A_BRIEF: id, fd and error only).
	 * Returns 0 or a negative errno.
	 */
	int peeloff(int sock, std::span<const std::uint32_t> ids, std::uint32_t sel_in4,
		    std::uint32_t flags, bool full, std::vector<RawEntry> &out);
	/*
	 * CONNECTX to 127.0.0.1 on each port. It returns once the
	 * associations are started (family version 2 on): waiting for them
	 * is the caller's.
	 */
	int connectx(int sock, std::span<const std::uint16_t> ports, std::vector<RawEntry> &out);
	/* INFO_GET, its counters decoded: the fixed cost of a request. */
	int info();

	/*
	 * Time spent inside send() and recv() since the last call of this
	 * (ns, CLOCK_MONOTONIC), reset to 0: what a round's system calls
	 * took, the module's handler included, as against user space.
	 */
	[[nodiscard]] std::uint64_t take_syscall_ns();

private:
	int transact(void *msg, bool full, std::vector<RawEntry> *out, std::uint64_t *stats);
	int fd_ = -1;
	int family_ = -1;
	std::uint32_t seq_ = 1;
	std::vector<std::uint8_t> buf_;
	std::string err_;
	std::uint64_t syscall_ns_ = 0;
};

} // namespace sctpx::bench

#endif
