// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The token lives in a page the kernel wipes in a child
 * (madvise(MADV_WIPEONFORK), Linux 4.14): the kernel clears it in every
 * new address space copied from this one, however the child was made, so
 * a child reads 0 and takes a new token. Tokens come from a counter in
 * ordinary memory, which a child inherits: a child's token is above its
 * parent's, so no process ever holds a token of one of its ancestors.
 *
 * Without that page (an older kernel, no memory), the token is the
 * process id: a getpid(2) per check, as unique.
 */
#include "process_token.hpp"

#include <atomic>
#include <new>

#include <sys/mman.h>
#include <unistd.h>

namespace sctpx::detail {

namespace {

struct WipedOnFork {
	std::atomic<std::uint64_t> token{0}; /* 0: not taken yet in this process */
};
static_assert(std::atomic<std::uint64_t>::is_always_lock_free);

/* The last token taken in this process or its ancestors. */
std::atomic<std::uint64_t> g_last_token{0};

WipedOnFork *map_page() noexcept
{
	const long size = sysconf(_SC_PAGESIZE);
	if (size <= 0)
		return nullptr;
	void *p = mmap(nullptr, static_cast<std::size_t>(size), PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return nullptr;
	if (madvise(p, static_cast<std::size_t>(size), MADV_WIPEONFORK) != 0) {
		(void)munmap(p, static_cast<std::size_t>(size));
		return nullptr;
	}
	/* Mapped for the life of the process: clients may check at exit. */
	return new (p) WipedOnFork;
}

/*
 * The page, or nullptr without one; decided once per process, by
 * whichever thread gets there first (so every check of a process uses
 * the same kind of token). No function-local static: its guard is a
 * lock, which a fork() from another thread could leave held.
 */
WipedOnFork *page() noexcept
{
	static WipedOnFork none;
	static std::atomic<WipedOnFork *> g_page{nullptr}; /* nullptr: not decided yet */
	WipedOnFork *p = g_page.load(std::memory_order_acquire);
	if (p == nullptr) {
		WipedOnFork *const mapped = map_page();
		WipedOnFork *const mine = mapped != nullptr ? mapped : &none;
		if (g_page.compare_exchange_strong(p, mine, std::memory_order_acq_rel))
			p = mine;
		else if (mapped != nullptr) /* another thread decided first */
			(void)munmap(mapped, static_cast<std::size_t>(sysconf(_SC_PAGESIZE)));
	}
	return p != &none ? p : nullptr;
}

} // namespace

std::uint64_t process_token() noexcept
{
	WipedOnFork *const p = page();
	if (p == nullptr)
		return static_cast<std::uint64_t>(getpid());
	std::uint64_t t = p->token.load(std::memory_order_acquire);
	if (t != 0)
		return t;
	/* First use in this process: take a token (one thread wins the race). */
	const std::uint64_t mine = g_last_token.fetch_add(1, std::memory_order_relaxed) + 1;
	if (p->token.compare_exchange_strong(t, mine, std::memory_order_acq_rel))
		return mine;
	return t;
}

} // namespace sctpx::detail
