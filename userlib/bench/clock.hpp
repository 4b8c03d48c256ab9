// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The benchmarks' one clock: CLOCK_MONOTONIC in nanoseconds, the clock
 * every figure of Documentation/benchmarks.md is read from.
 */
#ifndef SCTPX_BENCH_CLOCK_HPP
#define SCTPX_BENCH_CLOCK_HPP

#include <cstdint>
#include <ctime>

namespace sctpx::bench {

inline std::uint64_t now_ns()
{
	timespec ts{};
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return static_cast<std::uint64_t>(ts.tv_sec) * 1000000000ULL +
	       static_cast<std::uint64_t>(ts.tv_nsec);
}

} // namespace sctpx::bench

#endif
