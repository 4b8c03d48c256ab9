// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * sctpx(8): the command line, shared by the sctpx binary and the guest
 * test binary (which acts as sctpx when called by that name).
 */
#include <charconv>
#include <iostream>
#include <string_view>
#include <vector>

#include "cli.hpp"

namespace {

using namespace sctpx::cli;

constexpr std::string_view usage = R"(usage: sctpx [--json] [--fallback] COMMAND [ARGS]

Commands:
  status          whether the sctpx module is loaded, its and the family's
                  versions, the running kernel, the operations available,
                  limits and counters
  demo [-n N]     on loopback: N associations (default 100) to a one-to-many
                  server, listed, peeled off in one batch with
                  NONBLOCK|CLOEXEC and checked (flags, queued data), then the
                  same one association per call, with a summary table
  help            this text

Options:
  --json          machine-readable output on stdout
  --fallback      serve every call with socket calls, not the module

Exit status: 0 success, 1 the operation failed, 2 bad command line.
)";

int bad_usage(std::string_view why)
{
	std::cerr << "sctpx: " << why << " (try: sctpx help)\n";
	return exit_usage;
}

} // namespace

int sctpx::cli::run(int argc, char **argv)
{
	const std::vector<std::string_view> args(argv + 1, argv + argc);
	Options o;
	std::string_view cmd;
	for (std::size_t i = 0; i < args.size(); i++) {
		const std::string_view a = args[i];
		if (a == "--json") {
			o.json = true;
		} else if (a == "--fallback") {
			o.force_fallback = true;
		} else if (a == "-h" || a == "--help") {
			cmd = "help";
		} else if (a == "-n" && cmd == "demo") {
			if (++i == args.size())
				return bad_usage("-n needs a number");
			const std::string_view v = args[i];
			auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), o.n);
			if (ec != std::errc() || p != v.data() + v.size() || o.n == 0)
				return bad_usage("-n needs a positive number");
		} else if (cmd.empty() && !a.starts_with('-')) {
			cmd = a;
		} else {
			return bad_usage("unexpected argument '" + std::string(a) + "'");
		}
	}
	if (cmd.empty() || cmd == "help") {
		std::cout << usage;
		return cmd.empty() ? exit_usage : exit_ok;
	}
	if (cmd == "status")
		return cmd_status(o);
	if (cmd == "demo")
		return cmd_demo(o);
	return bad_usage("unknown command '" + std::string(cmd) + "'");
}
