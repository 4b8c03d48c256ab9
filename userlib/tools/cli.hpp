// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The sctpx command: shared declarations of its subcommands.
 */
#ifndef SCTPX_TOOLS_CLI_HPP
#define SCTPX_TOOLS_CLI_HPP

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sctpx/sctpx.hpp"

namespace sctpx::cli {

/* Exit codes (sctpx(8)). */
constexpr int exit_ok = 0;
constexpr int exit_fail = 1;  /* the operation failed */
constexpr int exit_usage = 2; /* bad command line */

struct Options {
	bool json = false;
	std::uint32_t n = 100; /* demo: associations */
	bool force_fallback = false;
	/* assocs, top: the process and, optionally, one of its descriptors */
	int pid = -1;
	std::optional<int> fd;
	/* top */
	double interval_s = 1.0;
	double stall_s = 5.0;
	std::uint32_t count = 0; /* refreshes; 0: until q or SIGINT */
	bool plain = false;
};

/* The whole command line; returns the exit code. */
int run(int argc, char **argv);

int cmd_status(const Options &o);
int cmd_demo(const Options &o);
int cmd_assocs(const Options &o);
int cmd_top(const Options &o);

/* One line on stderr, "sctpx: what: why", and exit_fail. */
int die(std::string_view what, const Error &e);

/*
 * A table cell: v padded to width w (left-aligned, or right-aligned with
 * right), never running into the next cell: a value as wide as w or wider
 * still gets one space after it (before it when right-aligned).
 */
std::string cell(std::string_view v, std::size_t w, bool right = false);
/* HEARD_MS as text: "never" for U32_MAX (nothing heard yet). */
std::string heard_text(std::uint32_t ms);

/* A tiny JSON writer: objects and arrays of scalars, escaped strings. */
class Json {
public:
	Json &open(std::string_view key = {});
	Json &close();
	Json &open_array(std::string_view key);
	Json &close_array();
	Json &field(std::string_view key, std::string_view v);
	Json &field(std::string_view key, const char *v) { return field(key, std::string_view(v)); }
	Json &field(std::string_view key, std::uint64_t v);
	Json &field(std::string_view key, double v);
	Json &field(std::string_view key, bool v);
	Json &null(std::string_view key); /* a value the path could not read */
	[[nodiscard]] const std::string &str() const { return out_; }

private:
	void key(std::string_view k);
	std::string out_;
	bool first_ = true;
};

/* One SCTP socket of another process and its associations. */
struct SocketAssocs {
	int fd = -1;  /* its number in that process */
	int type = 0; /* SOCK_SEQPACKET or SOCK_STREAM */
	Path path = Path::Module;
	std::vector<AssocInfo> assocs;
};
/*
 * A pidfd of process pid: "no process PID" when there is none. Kept for
 * every listing of it, so a pid reused after the process exited is never
 * taken for it.
 */
Result<Fd> open_process(int pid);
/*
 * Every SCTP socket of process pid (pidfd, from open_process()), or only
 * its descriptor only_fd, listed through c. An error's extack is the whole
 * one-line message, naming the ptrace access that was missing when that
 * was the cause; "no process PID (it exited)" once it exited.
 */
Result<std::vector<SocketAssocs>> list_process(Client &c, int pid, const Fd &pidfd,
					       std::optional<int> only_fd);
/* The client assocs and top list with: it never loads the module. */
Result<Client> open_lister(const Options &o);
/* "sctpx: " and an error of list_process(); exit_fail. */
int fail(const Error &e);

} // namespace sctpx::cli

#endif
