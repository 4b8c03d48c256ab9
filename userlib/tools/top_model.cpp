// SPDX-License-Identifier: LGPL-2.1-or-later
#include "top_model.hpp"

#include <algorithm>
#include <tuple>

namespace sctpx::cli::top {

Stall judge(const Sample &s, double idle_s, double stall_s)
{
	if (!s.detail)
		return Stall::Unknown;
	const bool waiting = s.outstanding > 0 || s.queued > 0;
	const bool answers = static_cast<double>(s.heard_ms) < stall_s * 1000.0;
	return waiting && idle_s >= stall_s && answers ? Stall::Yes : Stall::No;
}

std::vector<Row> refresh(Tracks &tracks, const std::vector<Sample> &samples, double now,
			 double stall_s)
{
	Tracks next;
	std::vector<Row> rows;
	rows.reserve(samples.size());
	for (const Sample &s : samples) {
		Row r;
		r.s = s;
		Track t{s.data_in, s.data_out, now, now};
		const Key key{s.fd, s.id, s.vtag};
		auto it = tracks.find(key);
		if (it != tracks.end() && s.data_in >= it->second.data_in &&
		    s.data_out >= it->second.data_out) {
			const Track &old = it->second;
			const double dt = now - old.seen_at;
			if (dt > 0) {
				r.in_per_s = static_cast<double>(s.data_in - old.data_in) / dt;
				r.out_per_s = static_cast<double>(s.data_out - old.data_out) / dt;
			}
			const bool moved = s.data_in != old.data_in || s.data_out != old.data_out;
			t.moved_at = moved ? now : old.moved_at;
		}
		r.idle_s = now - t.moved_at;
		r.stalled = judge(s, r.idle_s, stall_s);
		next[key] = t;
		rows.push_back(r);
	}
	tracks = std::move(next);
	std::sort(rows.begin(), rows.end(), [](const Row &a, const Row &b) {
		const double ra = a.in_per_s + a.out_per_s;
		const double rb = b.in_per_s + b.out_per_s;
		if (ra != rb)
			return ra > rb;
		const std::uint64_t ta = a.s.data_in + a.s.data_out;
		const std::uint64_t tb = b.s.data_in + b.s.data_out;
		if (ta != tb)
			return ta > tb;
		return std::tie(a.s.fd, a.s.id) < std::tie(b.s.fd, b.s.id);
	});
	return rows;
}

} // namespace sctpx::cli::top
