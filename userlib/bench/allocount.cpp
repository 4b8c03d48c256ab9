// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * See allocount.hpp. glibc supports replacing its allocator this way
 * ("Replacing malloc" in its manual); here the replacement forwards to the
 * original (__libc_malloc and friends, which glibc exports for this), so
 * free(), memalign() and the rest stay glibc's and mix safely.
 */
#include "allocount.hpp"

#include <atomic>
#include <cstddef>

/* glibc's own entry points; no header declares them. */
// NOLINTBEGIN(bugprone-reserved-identifier,cert-dcl37-c,cert-dcl51-cpp)
extern "C" void *__libc_malloc(std::size_t size);
extern "C" void *__libc_calloc(std::size_t nmemb, std::size_t size);
extern "C" void *__libc_realloc(void *ptr, std::size_t size);
// NOLINTEND(bugprone-reserved-identifier,cert-dcl37-c,cert-dcl51-cpp)

namespace {
std::atomic<long> g_allocs{0};
} // namespace

long sctpx::bench::allocations() noexcept
{
	return g_allocs.load(std::memory_order_relaxed);
}

extern "C" {

void *malloc(std::size_t size) noexcept
{
	g_allocs.fetch_add(1, std::memory_order_relaxed);
	return __libc_malloc(size);
}

void *calloc(std::size_t nmemb, std::size_t size) noexcept
{
	g_allocs.fetch_add(1, std::memory_order_relaxed);
	return __libc_calloc(nmemb, size);
}

/* realloc() to a non-zero size counts (it may allocate anew); realloc(p, 0) frees. */
void *realloc(void *ptr, std::size_t size) noexcept
{
	if (size != 0)
		g_allocs.fetch_add(1, std::memory_order_relaxed);
	return __libc_realloc(ptr, size);
}

} // extern "C"
