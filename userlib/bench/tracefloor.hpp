// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The floor of a benchmark round, from the module's sctpx_peeloff
 * tracepoint (kmod/trace.h, Documentation/sctpx.rst "Tracepoints"): the
 * event is enabled while this object lives; before a round the events
 * recorded so far are read off trace_pipe and dropped, after it the
 * round's are read off and summed. Reading trace_pipe consumes events
 * without resetting the ring buffer: a reset (writing "trace") waits for
 * RCU and leaves the next peel cold, which showed in the floor of N=1.
 */
#ifndef SCTPX_BENCH_TRACEFLOOR_HPP
#define SCTPX_BENCH_TRACEFLOOR_HPP

#include <array>
#include <cstdint>
#include <string>

namespace sctpx::bench {

/* The event's stages, in its order (kmod/peeloff.h, enum sctpx_peel_stage). */
inline constexpr std::array<const char *, 7> kStages = {
	"parse", "lookup", "reserve", "reply", "peel", "send", "install",
};

/* The sums of one round's sctpx_peeloff events. */
struct Floor {
	std::uint64_t floor_ns = 0;   /* fd reservation + sctp_do_peeloff + sock_alloc_file */
	std::uint64_t peeled = 0;     /* associations those times cover */
	std::uint64_t request_ns = 0; /* whole requests, floor included */
	std::uint64_t events = 0;     /* PEELOFF requests that peeled */
	std::array<std::uint64_t, kStages.size()> stage_ns{}; /* per stage, in kStages' order */
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
	/* Drop the events recorded so far: before a round. 0 or a negative errno. */
	int clear();
	/* Sum the events recorded since clear() or read(). 0 or a negative errno. */
	int read(Floor &out);

private:
	int write(const std::string &file, const char *val);
	/* Everything trace_pipe holds, consumed; err: 0 or a negative errno. */
	std::string drain(int &err);
	std::string dir_;
	std::string err_;
	bool enabled_ = false;
};

} // namespace sctpx::bench

#endif
