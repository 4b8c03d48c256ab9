// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The sctpx command: shared declarations of its subcommands.
 */
#ifndef SCTPX_TOOLS_CLI_HPP
#define SCTPX_TOOLS_CLI_HPP

#include <chrono>
#include <cstdint>
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
};

/* The whole command line; returns the exit code. */
int run(int argc, char **argv);

int cmd_status(const Options &o);
int cmd_demo(const Options &o);

/* One line on stderr, "sctpx: what: why", and exit_fail. */
int die(std::string_view what, const Error &e);

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
	[[nodiscard]] const std::string &str() const { return out_; }

private:
	void key(std::string_view k);
	std::string out_;
	bool first_ = true;
};

/* Associations on loopback: a one-to-many server and one-to-one clients. */
struct Loopback {
	Fd server;
	std::uint16_t port = 0;
	std::vector<Fd> clients;
	std::vector<AssocId> ids; /* ids[i]: clients[i]'s association on server */
};
/*
 * n associations; progress on stderr for long runs. Each client sends
 * one message naming itself, left queued on the server.
 */
Result<Loopback> make_loopback(Client &c, std::uint32_t n, bool progress);
/* The message client i sends. */
std::string greeting(std::size_t i);

} // namespace sctpx::cli

#endif
