// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Module path. The module caps a PEELOFF at max_batch associations and a
 * CONNECTX at max_peers peers (E2BIG beyond); callers should not have to
 * care, so bigger calls are split here and their results stitched back
 * together in the caller's order.
 */
#include "module_path.hpp"

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <unordered_set>

#include <linux/sctpx.h>

namespace sctpx::detail {

namespace {

Result<Reply> exchange(Session &s, Result<NlMsg> req, std::size_t reply_max = 0)
{
	if (!req)
		return std::move(req).error();
	auto msgs = s.transport.transact(std::move(*req), reply_max);
	if (!msgs)
		return std::move(msgs).error();
	Reply reply;
	for (const Message &m : *msgs) {
		/* Keep decoding after a bad message: every fd must be owned. */
		auto r = decode_entries(m.hdr(), reply);
		(void)r;
	}
	return reply;
}

Peeled to_peeled(Entry &&e)
{
	Peeled p;
	p.info = std::move(e.info);
	if (e.error != 0)
		p.fd = Error{e.error};
	else if (e.fd)
		p.fd = std::move(e.fd);
	else
		p.fd = Error{EPROTO, "peeloff entry without a descriptor"};
	return p;
}

Result<Reply> peel_ids(Session &s, int sock, std::span<const AssocId> ids, PeelOptions o)
{
	auto reply = exchange(s, encode_peeloff(s.family, sock, ids, o.flags.to_sock_flags(),
						o.mode == Mode::AllOrNothing, o.brief),
			      o.brief ? brief_peeloff_reply_max(ids.size()) : 0);
	if (reply && reply->entries.size() != ids.size())
		return Error{EPROTO, "peeloff reply does not match the request"};
	return reply;
}

/*
 * An all-or-nothing call split over several requests: the module checks
 * each request under the socket lock, but only its own entries. Check the
 * whole list once before the first request, so that the usual mistakes
 * (repeats, reserved or unknown ids) fail the call before anything moved.
 */
Result<void> precheck_all(Session &s, int sock, std::span<const AssocId> ids)
{
	auto listed = module_list(s, sock, Selection::all());
	if (!listed)
		return std::move(listed).error();
	std::unordered_set<AssocId> present;
	for (const AssocInfo &a : listed->assocs)
		present.insert(a.id);
	std::unordered_set<AssocId> seen;
	for (const AssocId id : ids) {
		if (!seen.insert(id).second)
			return Error{EINVAL, "association id repeated in the request"};
		if (id <= 2)
			return Error{EINVAL, "association id 0, 1 and 2 are reserved"};
		if (present.count(id) == 0)
			return Error{EINVAL, "no such association on this socket"};
	}
	return {};
}

std::optional<WaitEnd> to_wait_end(std::optional<std::uint32_t> w)
{
	if (!w)
		return std::nullopt;
	switch (*w) {
	case SCTPX_WAIT_END_SETTLED: return WaitEnd::Settled;
	case SCTPX_WAIT_END_SIGNAL: return WaitEnd::Signal;
	default: return WaitEnd::Timeout;
	}
}

/* Of two chunks' wait ends, the one that says most: signal, timeout, settled. */
WaitEnd worse(WaitEnd a, WaitEnd b)
{
	auto rank = [](WaitEnd w) { return w == WaitEnd::Signal ? 2 : w == WaitEnd::Timeout ? 1 : 0; };
	return rank(a) >= rank(b) ? a : b;
}

} // namespace

Result<InfoReply> module_info(Session &s)
{
	auto req = encode_info(s.family);
	if (!req)
		return std::move(req).error();
	auto msgs = s.transport.transact(std::move(*req), 0);
	if (!msgs)
		return std::move(msgs).error();
	if (msgs->size() != 1)
		return Error{EPROTO, "INFO_GET reply is not one message"};
	return decode_info(msgs->front().hdr());
}

Result<AssocList> module_list(Session &s, int sock, const Selection &filter)
{
	auto reply = exchange(s, encode_list(s.family, sock, filter));
	if (!reply)
		return std::move(reply).error();
	AssocList out;
	out.path = Path::Module;
	out.assocs.reserve(reply->entries.size());
	for (Entry &e : reply->entries)
		out.assocs.push_back(std::move(e.info));
	return out;
}

/*
 * Ids one request carries at most, whatever max_batch says: the request
 * must fit the netlink socket's send buffer, 8 bytes an id, and the
 * default net.core.wmem_max leaves room for about 26,000.
 */
constexpr std::size_t kMaxIdsPerRequest = 16384;

Result<PeelResult> module_peeloff(Session &s, int sock, std::span<const AssocId> ids,
				  PeelOptions o)
{
	const std::size_t chunk = std::min<std::size_t>(
		s.limits.max_batch != 0 ? s.limits.max_batch : ids.size(), kMaxIdsPerRequest);
	PeelResult out;
	out.path = Path::Module;

	if (ids.size() <= chunk) {
		auto reply = peel_ids(s, sock, ids, o);
		if (!reply)
			return std::move(reply).error();
		for (Entry &e : reply->entries)
			out.entries.push_back(to_peeled(std::move(e)));
		return out;
	}

	if (o.mode == Mode::AllOrNothing) {
		if (auto ok = precheck_all(s, sock, ids); !ok)
			return std::move(ok).error();
	}

	/*
	 * The module only sees repeats inside one request; a repeat in a
	 * later chunk would otherwise fail as "no such association".
	 */
	out.entries.resize(ids.size());
	std::vector<std::size_t> pos;
	std::vector<AssocId> send;
	std::unordered_set<AssocId> seen;
	for (std::size_t i = 0; i < ids.size(); i++) {
		out.entries[i].info.id = ids[i];
		if (seen.insert(ids[i]).second) {
			pos.push_back(i);
			send.push_back(ids[i]);
		} else {
			out.entries[i].fd = Error{EINVAL, "association id repeated in the request"};
		}
	}

	for (std::size_t off = 0; off < send.size(); off += chunk) {
		const std::size_t n = std::min(chunk, send.size() - off);
		auto reply = peel_ids(s, sock, std::span(send).subspan(off, n), o);
		if (!reply) {
			/* Nothing moved yet: the call fails as a whole. */
			if (off == 0)
				return std::move(reply).error();
			/* Earlier chunks moved; their fds must reach the caller. */
			for (std::size_t k = off; k < send.size(); k++)
				out.entries[pos[k]].fd = reply.error();
			break;
		}
		for (std::size_t k = 0; k < n; k++)
			out.entries[pos[off + k]] = to_peeled(std::move(reply->entries[k]));
	}
	return out;
}

Result<PeelResult> module_peeloff(Session &s, int sock, const Selection &sel, PeelOptions o)
{
	PeelResult out;
	out.path = Path::Module;
	const std::uint32_t want = sel.limit; /* 0: every match */
	const std::uint32_t batch = s.limits.max_batch != 0 ? s.limits.max_batch : UINT32_MAX;

	/* Take at most max_batch per request until nothing matching is left. */
	for (bool first = true;; first = false) {
		Selection part = sel;
		const auto taken = static_cast<std::uint32_t>(out.entries.size());
		part.limit = want != 0 ? std::min(batch, want - taken) : batch;
		if (part.limit == UINT32_MAX)
			part.limit = 0;
		auto reply = exchange(s, encode_peeloff(s.family, sock, part, o.flags.to_sock_flags(),
							o.mode == Mode::AllOrNothing, o.brief));
		if (!reply) {
			if (first)
				return std::move(reply).error();
			/* Keep what moved; the caller sees how much is left. */
			break;
		}
		bool failed = false;
		for (Entry &e : reply->entries) {
			failed = failed || e.error != 0;
			out.entries.push_back(to_peeled(std::move(e)));
		}
		out.remaining = reply->remaining.value_or(0);
		/*
		 * A failed entry stays on the socket and would match again:
		 * stop rather than loop on it.
		 */
		if (failed || reply->entries.empty() || out.remaining == 0 ||
		    (want != 0 && out.entries.size() >= want))
			break;
	}
	return out;
}

Result<ConnectResult> module_connectx(Session &s, int sock, std::span<const Peer> peers,
				      ConnectOptions o)
{
	using clock = std::chrono::steady_clock;
	const std::size_t chunk = s.limits.max_peers != 0 ? s.limits.max_peers : peers.size();
	const bool wait = o.wait.count() > 0;
	const auto deadline = clock::now() + o.wait;
	ConnectResult out;
	out.path = Path::Module;

	if (peers.empty()) /* let the module name the error */
		return Error{EINVAL, "missing peers (SCTPX_A_PEER)"};

	for (std::size_t off = 0; off < peers.size(); off += chunk) {
		const std::size_t n = std::min(chunk, peers.size() - off);
		/*
		 * One deadline for the whole call: every chunk waits for what
		 * is left of it, at least 1 ms so that the module still
		 * reports the state reached and why the wait ended.
		 */
		std::uint32_t wait_ms = 0;
		if (wait) {
			const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
				deadline - clock::now());
			wait_ms = static_cast<std::uint32_t>(std::clamp<std::int64_t>(
				left.count(), 1, UINT32_MAX));
		}
		auto reply = exchange(s, encode_connectx(s.family, sock, peers.subspan(off, n), wait_ms));
		if (!reply) {
			if (off == 0)
				return std::move(reply).error();
			for (std::size_t k = off; k < peers.size(); k++)
				out.peers.push_back({static_cast<std::uint32_t>(k), reply.error()});
			break;
		}
		if (reply->entries.size() != n)
			return Error{EPROTO, "connectx reply does not match the request"};
		for (std::size_t k = 0; k < n; k++) {
			Entry &e = reply->entries[k];
			PeerOutcome po;
			po.peer_index = static_cast<std::uint32_t>(off + e.peer_index.value_or(k));
			if (e.error != 0)
				po.result = Error{e.error};
			else
				po.result = Connected{e.info.id, e.info.state};
			out.peers.push_back(std::move(po));
		}
		if (auto w = to_wait_end(reply->wait_end))
			out.wait_end = out.wait_end ? worse(*out.wait_end, *w) : *w;
	}
	std::stable_sort(out.peers.begin(), out.peers.end(),
			 [](const PeerOutcome &a, const PeerOutcome &b) { return a.peer_index < b.peer_index; });
	return out;
}

} // namespace sctpx::detail
