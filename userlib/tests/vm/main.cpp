// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * sctpx_vmtest: the library's integration tests, run as root inside the
 * QEMU guest. Every public call runs three ways: with the module, with
 * the fallback forced, and with the module unloaded (the binary loads and
 * unloads sctpx itself). Output is TAP.
 */
#include <gtest/gtest.h>

#include "tap.hpp"

int main(int argc, char **argv)
{
	::testing::InitGoogleTest(&argc, argv);
	auto &listeners = ::testing::UnitTest::GetInstance()->listeners();
	delete listeners.Release(listeners.default_result_printer());
	listeners.Append(new sctpx::vm::TapListener);
	return RUN_ALL_TESTS();
}
