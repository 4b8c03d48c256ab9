// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * sctpx(8): the command line, shared by the sctpx binary and the guest
 * test binary (which acts as sctpx when called by that name).
 */
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <exception>
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
  assocs --pid PID [--fd FD]
                  the associations of process PID's SCTP sockets (or of its
                  descriptor FD): id, state, ports, peers, streams, traffic,
                  verification tags (hex, as ss -i prints them), outstanding
                  and queued bytes, peer rwnd, when the peer was last heard
  top --pid PID [--fd FD] [--interval SEC] [--stall SEC] [--count N] [--plain]
                  the same associations live, busiest first: DATA chunks per
                  second in and out, outstanding and queued bytes, and
                  "stalled" when data waits but no DATA moved for --stall
                  seconds (default 5) while the peer still answers; refreshed
                  every --interval seconds (default 1); q or ^C quits; plain
                  text blocks when not on a terminal or with --plain; --count
                  N exits after N refreshes
  help            this text

Options:
  --json          machine-readable output on stdout
  --fallback      serve every call with socket calls, not the module

assocs and top take another process's descriptors with pidfd_getfd(2): they
need ptrace access to it (CAP_SYS_PTRACE, or the same user where
kernel.yama.ptrace_scope allows it).

Exit status: 0 success, 1 the operation failed, 2 bad command line.
)";

int bad_usage(std::string_view why)
{
	std::cerr << "sctpx: " << why << " (try: sctpx help)\n";
	return exit_usage;
}

/* A whole-string integer in [lo, hi]. */
template <typename T>
bool parse_int(std::string_view v, T lo, T hi, T &out)
{
	auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), out);
	return ec == std::errc() && p == v.data() + v.size() && out >= lo && out <= hi;
}

/* A whole-string number of seconds, above 0 and at most a day. */
bool parse_seconds(std::string_view v, double &out)
{
	const std::string s(v);
	char *end = nullptr;
	out = std::strtod(s.c_str(), &end);
	return !s.empty() && end == s.c_str() + s.size() && std::isfinite(out) && out > 0 &&
	       out <= 86400;
}

/* Is opt an option of cmd that takes a value? */
bool takes_value(std::string_view cmd, std::string_view opt)
{
	if (opt == "-n")
		return cmd == "demo";
	if (opt == "--pid" || opt == "--fd")
		return cmd == "assocs" || cmd == "top";
	return cmd == "top" && (opt == "--interval" || opt == "--stall" || opt == "--count");
}

/* The value v of option a into o; false if it is out of range. */
bool parse_value(std::string_view a, std::string_view v, Options &o)
{
	if (a == "-n")
		return parse_int<std::uint32_t>(v, 1, UINT32_MAX, o.n);
	if (a == "--pid")
		return parse_int<int>(v, 1, INT32_MAX, o.pid);
	if (a == "--fd") {
		int fd = 0;
		if (!parse_int<int>(v, 0, INT32_MAX, fd))
			return false;
		o.fd = fd;
		return true;
	}
	if (a == "--count")
		return parse_int<std::uint32_t>(v, 1, UINT32_MAX, o.count);
	if (a == "--interval")
		return parse_seconds(v, o.interval_s);
	return parse_seconds(v, o.stall_s);
}

/* The command line, parsed and run. */
int dispatch(int argc, char **argv)
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
		} else if (a == "--plain" && cmd == "top") {
			o.plain = true;
		} else if (takes_value(cmd, a)) {
			if (++i == args.size())
				return bad_usage(std::string(a) + " needs a value");
			if (!parse_value(a, args[i], o)) {
				const bool secs = a == "--interval" || a == "--stall";
				return bad_usage(std::string(a) + " needs a positive number" +
						 (a == "--fd" ? " or 0" : "") +
						 (secs ? " of seconds, at most 86400" : ""));
			}
		} else if (cmd.empty() && !a.starts_with('-')) {
			cmd = a;
		} else {
			return bad_usage("unexpected argument '" + std::string(a) + "'");
		}
	}
	/* Asked for: on stdout. A missing command is an error: on stderr. */
	if (cmd == "help") {
		std::cout << usage;
		return exit_ok;
	}
	if (cmd.empty()) {
		std::cerr << usage;
		return exit_usage;
	}
	if (cmd == "status")
		return cmd_status(o);
	if (cmd == "demo")
		return cmd_demo(o);
	if ((cmd == "assocs" || cmd == "top") && o.pid < 0)
		return bad_usage(std::string(cmd) + " needs --pid PID");
	if (cmd == "assocs")
		return cmd_assocs(o);
	if (cmd == "top")
		return o.json ? bad_usage("top has no --json (use assocs --json)") : cmd_top(o);
	return bad_usage("unknown command '" + std::string(cmd) + "'");
}

} // namespace

/*
 * An exception that left main() would end the program without unwinding:
 * top's terminal would stay raw on the alternate screen. Caught here, it
 * unwinds (restoring it) and ends in one line and exit_fail.
 */
int sctpx::cli::run(int argc, char **argv)
{
	try {
		return dispatch(argc, argv);
	} catch (const std::exception &e) {
		std::cerr << "sctpx: " << e.what() << '\n';
	} catch (...) {
		std::cerr << "sctpx: unexpected exception\n";
	}
	return exit_fail;
}
