// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The floor of a benchmark round, from the module's sctpx_peeloff
 * tracepoint (kmod/trace.h, Documentation/sctpx.rst "Tracepoints"): the
 * event is enabled while this object lives, the buffer emptied before a
 * round and the round's events summed after it.
 */
#ifndef SCTPX_BENCH_TRACEFLOOR_HPP
#define SCTPX_BENCH_TRACEFLOOR_HPP

#include <cstdint>
#include <string>

namespace sctpx::bench {

/* The sums of one round's sctpx_peeloff events. */
struct Floor {
	std::uint64_t floor_ns = 0;   /* fd reservation + sctp_do_peeloff + sock_alloc_file */
	std::uint64_t peeled = 0;     /* associations those times cover */
	std::uint64_t request_ns = 0; /* whole requests, floor included */
	std::uint64_t events = 0;     /* PEELOFF requests that peeled */
};

class TraceFloor {
public:
	/* Mounts tracefs if needed and enables the event; see ok(). */
	TraceFloor();
	~TraceFloor();
	TraceFloor(const TraceFloor &) = delete;
	TraceFloor &operator=(const TraceFloor &) = delete;

	[[nodiscard]] bool ok() const { return enabled_; }
	[[nodiscard]] const std::string &error() const { return err_; }
	/* Empty the trace buffer: before a round. 0 or a negative errno. */
	int clear();
	/* Sum the events recorded since clear(). 0 or a negative errno. */
	int read(Floor &out);

private:
	int write(const std::string &file, const char *val);
	std::string dir_;
	std::string err_;
	bool enabled_ = false;
};

} // namespace sctpx::bench

#endif
