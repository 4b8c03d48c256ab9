// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * GoogleTest results as TAP: the guest harness (scripts/vm.sh) counts
 * lines matching ^(not )?ok [0-9]+ .
 */
#include "tap.hpp"

#include <cstdio>
#include <string>

namespace sctpx::vm {

void TapListener::OnTestProgramStart(const ::testing::UnitTest & /*u*/)
{
	std::printf("TAP version 13\n");
	std::fflush(stdout);
}

void TapListener::OnTestPartResult(const ::testing::TestPartResult &r)
{
	if (!r.failed())
		return;
	/* Every line of the message as a TAP comment. */
	std::printf("# %s:%d:\n", r.file_name() != nullptr ? r.file_name() : "?", r.line_number());
	std::string msg = r.message();
	std::size_t start = 0;
	while (start < msg.size()) {
		std::size_t end = msg.find('\n', start);
		if (end == std::string::npos)
			end = msg.size();
		std::printf("#   %s\n", msg.substr(start, end - start).c_str());
		start = end + 1;
	}
}

void TapListener::OnTestEnd(const ::testing::TestInfo &t)
{
	const ::testing::TestResult *r = t.result();
	n_++;
	const char *verdict = r->Failed() ? "not ok" : "ok";
	std::printf("%s %d %s.%s%s\n", verdict, n_, t.test_suite_name(), t.name(),
		    r->Skipped() ? " # SKIP" : "");
	std::fflush(stdout);
}

void TapListener::OnTestProgramEnd(const ::testing::UnitTest & /*u*/)
{
	std::printf("1..%d\n", n_);
	std::fflush(stdout);
}

} // namespace sctpx::vm
