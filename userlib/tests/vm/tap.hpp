// SPDX-License-Identifier: LGPL-2.1-or-later
#ifndef SCTPX_TESTS_VM_TAP_HPP
#define SCTPX_TESTS_VM_TAP_HPP

#include <gtest/gtest.h>

namespace sctpx::vm {

class TapListener : public ::testing::EmptyTestEventListener {
public:
	void OnTestProgramStart(const ::testing::UnitTest &u) override;
	void OnTestPartResult(const ::testing::TestPartResult &r) override;
	void OnTestEnd(const ::testing::TestInfo &t) override;
	void OnTestProgramEnd(const ::testing::UnitTest &u) override;

private:
	int n_ = 0;
};

} // namespace sctpx::vm

#endif
