// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * sctpx-clitest: the helper of tests/vm/cli-assocs.sh. It holds
 * associations for `sctpx assocs` and `sctpx top` to read from another
 * process, writes what it sees of them itself, and checks the CLI's
 * output against that.
 */
#ifndef SCTPX_TESTS_VM_CLI_TEST_HPP
#define SCTPX_TESTS_VM_CLI_TEST_HPP

#include <cstdint>
#include <string>
#include <vector>

namespace sctpx::clitest {

/* One association as the holder sees it (a line of DIR/view). */
struct ViewRow {
	int fd = -1;
	std::uint32_t id = 0;
	std::string state;
	unsigned lport = 0;
	unsigned pport = 0;
	std::uint32_t ltag = 0; /* 0 when the holder's listing was the fallback's */
	std::uint32_t ptag = 0;
	std::string role; /* server, flow, client, sink, stalled */
};

/* DIR/view; exits the program on a malformed file. */
std::vector<ViewRow> read_view(const std::string &dir);

int hold(const std::string &dir);
int no_sctp();
int check_assocs(const std::string &dir, const std::string &json, const std::string &path);
int check_text(const std::string &dir, const std::string &text, const std::string &path);
int check_top(const std::string &dir, const std::string &text, unsigned count,
	      const std::string &path);
int check_empty(const std::string &json, long pid);

} // namespace sctpx::clitest

#endif
