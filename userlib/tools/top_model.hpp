// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * `sctpx top`'s arithmetic, kept pure for the unit tests: DATA chunk rates
 * from two samples, the stalled flag and the order of the rows.
 */
#ifndef SCTPX_TOOLS_TOP_MODEL_HPP
#define SCTPX_TOOLS_TOP_MODEL_HPP

#include <cstdint>
#include <map>
#include <tuple>
#include <vector>

#include "sctpx/types.hpp"

namespace sctpx::cli::top {

/* One association at one refresh. */
struct Sample {
	int fd = -1; /* the target process's descriptor */
	AssocId id = 0;
	/*
	 * The local verification tag (0 on the fallback): random for each
	 * association, it tells a new association that got a reused
	 * descriptor and id from the one before, whatever its counters.
	 */
	std::uint32_t vtag = 0;
	int state = 0;
	std::uint64_t data_in = 0;
	std::uint64_t data_out = 0;
	/* outstanding, queued and heard_ms are known (the module listed it). */
	bool detail = false;
	std::uint32_t outstanding = 0;
	std::uint32_t queued = 0;
	std::uint32_t heard_ms = 0;
};

/* What one association's earlier refreshes left. */
struct Track {
	std::uint64_t data_in = 0;
	std::uint64_t data_out = 0;
	double seen_at = 0;  /* seconds: the previous refresh */
	double moved_at = 0; /* seconds: when a DATA counter last changed (or first seen) */
};
using Key = std::tuple<int, AssocId, std::uint32_t>; /* fd, id, vtag */
using Tracks = std::map<Key, Track>;

enum class Stall : std::uint8_t { No, Yes, Unknown };

struct Row {
	Sample s;
	double in_per_s = 0;
	double out_per_s = 0;
	double idle_s = 0; /* since DATA last moved, as far as observed */
	Stall stalled = Stall::No;
};

/*
 * Stalled: data waits to be sent or acknowledged (outstanding or queued
 * above 0), no DATA chunk moved either way for at least stall_s seconds,
 * and the peer was heard within that window (it answers: the association
 * is alive, the data just does not move). Unknown when the listing has no
 * outstanding/queued/heard figures (the fallback).
 */
Stall judge(const Sample &s, double idle_s, double stall_s);

/*
 * One refresh at time now (seconds, monotonic): rows for samples, tracks
 * updated (associations that are gone are forgotten; one with another
 * vtag, or whose counters went backwards, is a new association on a
 * reused descriptor and id: its rates and idle time start over), rows
 * sorted busiest first: DATA chunks per second in + out, then total DATA
 * chunks, then descriptor and id.
 */
std::vector<Row> refresh(Tracks &tracks, const std::vector<Sample> &samples, double now,
			 double stall_s);

} // namespace sctpx::cli::top

#endif
