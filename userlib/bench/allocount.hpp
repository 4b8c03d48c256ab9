// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Counting heap allocations: the program that links allocount.cpp
 * interposes malloc(), calloc() and realloc() (glibc's own allocator does
 * the work), so every allocation is counted, C++ operator new and libnl's
 * alike. For sctpx_micro only: never linked into the library.
 */
#ifndef SCTPX_BENCH_ALLOCOUNT_HPP
#define SCTPX_BENCH_ALLOCOUNT_HPP

namespace sctpx::bench {

/* Allocations made by the whole process so far. */
long allocations() noexcept;

} // namespace sctpx::bench

#endif
