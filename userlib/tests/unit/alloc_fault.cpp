// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The unit test binary's operator new: the plain allocator, except when a
 * test armed fail_allocations_after() (fake_transport.hpp).
 */
#include <cstdlib>
#include <new>

#include "fake_transport.hpp"

void *operator new(std::size_t n)
{
	if (sctpx::test::injected_alloc_failure())
		throw std::bad_alloc();
	void *p = std::malloc(n != 0 ? n : 1);
	if (p == nullptr)
		throw std::bad_alloc();
	return p;
}

void *operator new[](std::size_t n)
{
	return operator new(n);
}

void operator delete(void *p) noexcept
{
	std::free(p);
}

void operator delete[](void *p) noexcept
{
	std::free(p);
}

void operator delete(void *p, std::size_t /*n*/) noexcept
{
	std::free(p);
}

void operator delete[](void *p, std::size_t /*n*/) noexcept
{
	std::free(p);
}
