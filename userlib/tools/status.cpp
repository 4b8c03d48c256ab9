// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * `sctpx status`: what serves the calls on this machine.
 */
#include <iostream>

#include <linux/sctpx.h>
#include <sys/utsname.h>

#include "cli.hpp"

namespace sctpx::cli {

namespace {

struct OpName {
	int cmd;
	const char *name;
};
constexpr std::array<OpName, 4> op_names{{
	{SCTPX_CMD_INFO_GET, "info_get"},
	{SCTPX_CMD_ASSOC_GET, "assoc_get"},
	{SCTPX_CMD_PEELOFF, "peeloff"},
	{SCTPX_CMD_CONNECTX, "connectx"},
}};

std::string kernel_release()
{
	utsname u{};
	return uname(&u) == 0 ? std::string(u.release) : std::string("unknown");
}

bool has_op(const Info &i, int cmd) { return (i.ops & SCTPX_OP_BIT(cmd)) != 0; }

void print_json(const Info &i, const std::string &kernel)
{
	Json j;
	j.open().field("module_loaded", i.module_loaded).field("kernel", kernel);
	j.field("family_version", static_cast<std::uint64_t>(i.family_version));
	j.field("module_version", i.module_version);
	j.field("module_usable", i.module_usable);
	j.open("features")
		.field("connectx_hooks", (i.features & SCTPX_FEATURE_CONNECTX_HOOKS) != 0)
		.field("peeloff_hooks", (i.features & SCTPX_FEATURE_PEELOFF_HOOKS) != 0)
		.close();
	j.open("ops");
	for (const OpName &op : op_names)
		j.field(op.name, has_op(i, op.cmd));
	j.close();
	j.open("limits")
		.field("max_batch", static_cast<std::uint64_t>(i.limits.max_batch))
		.field("max_peers", static_cast<std::uint64_t>(i.limits.max_peers))
		.field("max_peer_addrs", static_cast<std::uint64_t>(i.limits.max_peer_addrs))
		.close();
	const ModuleCounters &c = i.counters;
	j.open("counters")
		.field("peeloff_requests", c.peeloff_requests)
		.field("peeled", c.peeled)
		.field("peel_errors", c.peel_errors)
		.field("connectx_requests", c.connectx_requests)
		.field("connectx_started", c.connectx_started)
		.field("connectx_errors", c.connectx_errors)
		.field("reply_errors", c.reply_errors)
		.field("lost_replies_dropped", c.lost_replies_dropped)
		.close();
	j.open("paths")
		.field("list", path_name(i.list_path))
		.field("peeloff", path_name(i.peeloff_path))
		.field("connectx", path_name(i.connectx_path))
		.close();
	j.close();
	std::cout << j.str() << '\n';
}

void print_text(const Info &i, const std::string &kernel)
{
	std::cout << "kernel:          " << kernel << '\n';
	if (!i.module_loaded) {
		std::cout << "module:          not loaded (calls use the socket-call fallback)\n";
	} else {
		std::cout << "module:          loaded, version " << i.module_version
			  << ", family version " << i.family_version
			  << (i.module_usable ? "" : " (too old: not used, calls use the fallback)")
			  << '\n';
		std::cout << "hooks:           connectx "
			  << ((i.features & SCTPX_FEATURE_CONNECTX_HOOKS) != 0 ? "LSM + cgroup-BPF" : "none")
			  << ", peeloff "
			  << ((i.features & SCTPX_FEATURE_PEELOFF_HOOKS) != 0 ? "LSM" : "none") << '\n';
		std::cout << "ops:            ";
		for (const OpName &op : op_names)
			std::cout << ' ' << op.name << (has_op(i, op.cmd) ? "" : " (absent)");
		std::cout << '\n';
		std::cout << "limits:          max_batch " << i.limits.max_batch << ", max_peers "
			  << i.limits.max_peers << ", max_peer_addrs " << i.limits.max_peer_addrs
			  << '\n';
		const ModuleCounters &c = i.counters;
		std::cout << "peeloff:         " << c.peeloff_requests << " requests, " << c.peeled
			  << " peeled, " << c.peel_errors << " errors\n";
		std::cout << "connectx:        " << c.connectx_requests << " requests, "
			  << c.connectx_started << " started, " << c.connectx_errors << " errors\n";
		std::cout << "reply errors:    " << c.reply_errors << " (kept for the caller), "
			  << c.lost_replies_dropped << " dropped\n";
	}
	std::cout << "paths:           list " << path_name(i.list_path) << ", peeloff "
		  << path_name(i.peeloff_path) << ", connectx " << path_name(i.connectx_path)
		  << (i.forced_fallback ? " (fallback forced)" : "") << '\n';
}

} // namespace

int cmd_status(const Options &o)
{
	ClientOptions co;
	co.force_fallback = o.force_fallback;
	/* Report what is there; asking must not load the module. */
	co.autoload = false;
	auto c = Client::open(co);
	if (!c)
		return die("cannot open the library", c.error());
	auto info = c->info();
	if (!info)
		return die("cannot read the module's description", info.error());
	const std::string kernel = kernel_release();
	if (o.json)
		print_json(*info, kernel);
	else
		print_text(*info, kernel);
	return exit_ok;
}

} // namespace sctpx::cli
