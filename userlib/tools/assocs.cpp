// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * `sctpx assocs --pid PID [--fd FD] [--json]`: the associations of another
 * process's SCTP sockets, one row each. Verification tags print as ss(8)
 * prints them ("tag:%x ptag:%x" of `ss -i --sctp`: lower-case hex, no
 * prefix), so a row joins with ss's.
 */
#include <algorithm>
#include <iostream>
#include <set>
#include <tuple>
#include <sstream>

#include "cli.hpp"

namespace sctpx::cli {

namespace {

std::string hex(std::uint32_t v)
{
	std::ostringstream s;
	s << std::hex << v;
	return s.str();
}

std::uint16_t peer_port(const AssocInfo &a)
{
	return a.peer_addrs.empty() ? 0 : a.peer_addrs.front().port();
}

const char *type_name(int type)
{
	return type == SOCK_SEQPACKET ? "SOCK_SEQPACKET" : "SOCK_STREAM";
}

/* Primary first; "(+N more, list cut)" when the module cut the list. */
std::string peers(const AssocInfo &a)
{
	std::string out;
	for (const Address &p : a.peer_addrs)
		out += (out.empty() ? "" : ",") + p.to_string();
	if (out.empty())
		out = "-";
	if (a.peer_addrs_cut && a.peer_addr_count > a.peer_addrs.size())
		out += " (+" + std::to_string(a.peer_addr_count - a.peer_addrs.size()) +
		       " more, list cut)";
	return out;
}

/*
 * Every association of socks, the most DATA chunks (in + out) first, then
 * by descriptor and id: the busy ones on top of a long listing.
 */
std::vector<std::pair<const SocketAssocs *, const AssocInfo *>>
busiest_first(const std::vector<SocketAssocs> &socks)
{
	std::vector<std::pair<const SocketAssocs *, const AssocInfo *>> out;
	for (const SocketAssocs &s : socks)
		for (const AssocInfo &a : s.assocs)
			out.emplace_back(&s, &a);
	const auto data = [](const AssocInfo &a) { return a.counters.data_in + a.counters.data_out; };
	std::sort(out.begin(), out.end(), [&](const auto &x, const auto &y) {
		if (data(*x.second) != data(*y.second))
			return data(*x.second) > data(*y.second);
		return std::tie(x.first->fd, x.second->id) < std::tie(y.first->fd, y.second->id);
	});
	return out;
}

/* The paths that listed socks; with none listed, the one that would have. */
std::string paths(const std::vector<SocketAssocs> &socks, Path would)
{
	std::set<std::string_view> names;
	for (const SocketAssocs &s : socks)
		names.insert(path_name(s.path));
	if (names.empty())
		names.insert(path_name(would));
	std::string out;
	for (const std::string_view n : names)
		out += (out.empty() ? "" : "+") + std::string(n);
	if (names.count("fallback") != 0)
		out += " (socket options: tag, ptag, outstanding, queued, heard_ms not available)";
	return out;
}

void print_text(int pid, const std::vector<SocketAssocs> &socks, Path would)
{
	std::size_t n = 0;
	for (const SocketAssocs &s : socks)
		n += s.assocs.size();
	std::cout << "pid " << pid << ": " << socks.size() << " SCTP sockets, " << n
		  << " associations, listed by: " << paths(socks, would) << '\n';
	if (n != 0)
		std::cout << cell("FD", 5) << cell("ID", 7) << cell("STATE", 18) << cell("LPORT", 6)
			  << cell("PPORT", 6) << cell("IN/OUT", 8) << cell("DATA_IN", 9)
			  << cell("DATA_OUT", 9) << cell("PKTS_IN", 9) << cell("PKTS_OUT", 9)
			  << cell("RTX", 6) << cell("TAG", 9) << cell("PTAG", 9)
			  << cell("OUTSTANDING", 12) << cell("QUEUED", 9) << cell("RWND", 9)
			  << cell("HEARD_MS", 9) << "PEERS\n";
	for (const auto &[s, a] : busiest_first(socks)) {
		const AssocCounters &c = a->counters;
		const bool m = s->path == Path::Module;
		std::cout << cell(std::to_string(s->fd), 5) << cell(std::to_string(a->id), 7)
			  << cell(state_name(a->state), 18) << cell(std::to_string(a->local_port), 6)
			  << cell(std::to_string(peer_port(*a)), 6)
			  << cell(std::to_string(a->instreams) + "/" + std::to_string(a->outstreams), 8)
			  << cell(std::to_string(c.data_in), 9) << cell(std::to_string(c.data_out), 9)
			  << cell(std::to_string(c.packets_in), 9)
			  << cell(std::to_string(c.packets_out), 9)
			  << cell(std::to_string(c.rtx_chunks), 6)
			  << cell(m ? hex(a->local_vtag) : "-", 9) << cell(m ? hex(a->peer_vtag) : "-", 9)
			  << cell(m ? std::to_string(a->outstanding) : "-", 12)
			  << cell(m ? std::to_string(a->queued) : "-", 9)
			  << cell(std::to_string(a->peer_rwnd), 9)
			  << cell(m ? heard_text(a->heard_ms) : "-", 9) << peers(*a) << '\n';
	}
	for (const SocketAssocs &s : socks)
		if (s.assocs.empty())
			std::cout << "fd " << s.fd << " (" << type_name(s.type)
				  << "): no associations\n";
}

void detail_field(Json &j, Path p, std::string_view key, std::uint32_t v)
{
	if (p == Path::Module)
		j.field(key, static_cast<std::uint64_t>(v));
	else
		j.null(key);
}

void print_json(int pid, const std::vector<SocketAssocs> &socks)
{
	Json j;
	j.open().field("pid", static_cast<std::uint64_t>(pid)).open_array("sockets");
	for (const SocketAssocs &s : socks) {
		j.open()
			.field("fd", static_cast<std::uint64_t>(s.fd))
			.field("type", type_name(s.type))
			.field("path", path_name(s.path))
			.open_array("assocs");
		for (const AssocInfo &a : s.assocs) {
			const AssocCounters &c = a.counters;
			j.open()
				.field("id", static_cast<std::uint64_t>(a.id))
				.field("state", state_name(a.state))
				.field("local_port", static_cast<std::uint64_t>(a.local_port))
				.field("peer_port", static_cast<std::uint64_t>(peer_port(a)))
				.open_array("peer_addrs");
			for (const Address &p : a.peer_addrs)
				j.field("", p.to_string());
			j.close_array()
				.field("peer_addr_count", static_cast<std::uint64_t>(a.peer_addr_count))
				.field("peer_addrs_cut", a.peer_addrs_cut)
				.field("instreams", static_cast<std::uint64_t>(a.instreams))
				.field("outstreams", static_cast<std::uint64_t>(a.outstreams))
				.field("data_in", c.data_in)
				.field("data_out", c.data_out)
				.field("packets_in", c.packets_in)
				.field("packets_out", c.packets_out)
				.field("rtx_chunks", c.rtx_chunks);
			detail_field(j, s.path, "local_vtag", a.local_vtag);
			detail_field(j, s.path, "peer_vtag", a.peer_vtag);
			detail_field(j, s.path, "outstanding", a.outstanding);
			detail_field(j, s.path, "queued", a.queued);
			j.field("peer_rwnd", static_cast<std::uint64_t>(a.peer_rwnd));
			detail_field(j, s.path, "heard_ms", a.heard_ms);
			j.close();
		}
		j.close_array().close();
	}
	j.close_array().close();
	std::cout << j.str() << '\n';
}

} // namespace

int cmd_assocs(const Options &o)
{
	auto c = open_lister(o);
	if (!c)
		return die("cannot open the library", c.error());
	auto pidfd = open_process(o.pid);
	if (!pidfd)
		return fail(pidfd.error());
	auto socks = list_process(*c, o.pid, *pidfd, o.fd);
	if (!socks)
		return fail(socks.error());
	if (o.json)
		print_json(o.pid, *socks);
	else
		print_text(o.pid, *socks, c->path_for(Op::List));
	return exit_ok;
}

} // namespace sctpx::cli
