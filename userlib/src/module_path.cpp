// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Module path. The module caps a PEELOFF at max_batch associations and a
 * CONNECTX at max_peers peers (E2BIG beyond); callers should not have to
 * care, so bigger calls are split here and their results stitched back
 * together in the caller's order.
 *
 * Descriptors: a reply's descriptors are owned (Fd) from the moment it is
 * decoded, with every vector they go into reserved before; results are
 * matched to the request by association id, so that a reply the library
 * did not expect (an entry missing, one more, another order) still hands
 * every descriptor to the caller.
 */
#include "module_path.hpp"

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <functional>
#include <unordered_map>
#include <unordered_set>

#include <linux/sctpx.h>

#include "connect_wait.hpp"
#include "peeled.hpp"

namespace sctpx::detail {

namespace {

/*
 * Send req and decode its replies. cmd (PEELOFF, CONNECTX): a reply the
 * module could not deliver (ENOBUFS) is fetched again with LOST_REPLY_GET
 * on the same socket, so its descriptors still reach the caller.
 */
Result<Reply> exchange(Session &s, Result<NlMsg> req, std::size_t reply_max = 0,
		       std::uint8_t cmd = 0)
{
	if (!req)
		return std::move(req).error();
	auto msgs = s.transport.transact(std::move(*req), reply_max);
	if (!msgs && msgs.error().errnum() == ENOBUFS && cmd != 0) {
		auto lost = encode_lost_reply_get(s.family);
		if (!lost)
			return std::move(lost).error();
		msgs = s.transport.recover_lost(std::move(*lost), cmd);
		if (!msgs && msgs.error().errnum() == ENOENT)
			return Error{ENOBUFS, "the module's reply was lost and not kept; the call's "
					      "outcome is unknown (list the socket's associations)"};
	}
	if (!msgs)
		return std::move(msgs).error();
	Reply reply;
	for (const Message &m : *msgs) {
		/* Keep decoding after a bad message: every fd must be owned. */
		(void)decode_entries(m.hdr(), reply);
	}
	return reply;
}

const char *const kNoFd = "peeloff entry without a descriptor";

/*
 * The entry's descriptor becomes the caller's (an Fd) here. Allocates
 * only for an entry with neither descriptor nor error (a module bug).
 */
Peeled to_peeled(Entry &&e)
{
	Peeled p;
	p.info = std::move(e.info);
	if (e.error != 0)
		p.fd = Error{e.error};
	else if (e.fd >= 0)
		p.fd = Fd(std::exchange(e.fd, -1));
	else
		p.fd = Error{EPROTO, kNoFd};
	return p;
}

/* Does the reply answer the ids one by one, in order? An entry without its id counts as in order. */
bool in_order(std::span<const AssocId> ids, const Reply &reply) noexcept
{
	if (reply.entries.size() != ids.size())
		return false;
	for (std::size_t i = 0; i < ids.size(); i++)
		if (reply.entries[i].info.id != ids[i] && reply.entries[i].info.id != 0)
			return false;
	return true;
}

/* The messages of entries with neither fd nor error, made before any fd moves. */
std::vector<Error> odd_errors(const Reply &reply)
{
	std::vector<Error> odd;
	for (const Entry &e : reply.entries)
		if (e.error == 0 && e.fd < 0)
			odd.emplace_back(EPROTO, kNoFd);
	return odd;
}

/* e's descriptor (or error) becomes p's; cannot fail once odd is made. */
void take_over(Peeled &p, Entry &e, std::vector<Error> &odd) noexcept
{
	p.info = std::move(e.info);
	if (e.error == 0 && e.fd < 0) {
		p.fd = std::move(odd.back());
		odd.pop_back();
	} else {
		p.fd = e.error != 0 ? Result<Fd>(Error{e.error}) : Result<Fd>(Fd(std::exchange(e.fd, -1)));
	}
}

/* The module's own order: entries move straight across. */
std::vector<Peeled> match_in_order(std::span<const AssocId> ids, Reply &&reply)
{
	std::vector<Peeled> out(ids.size());
	std::vector<Error> odd = odd_errors(reply);
	for (std::size_t i = 0; i < ids.size(); i++) {
		reply.entries[i].info.id = ids[i];
		take_over(out[i], reply.entries[i], odd);
	}
	return out;
}

/* Any other reply: matched by id, every entry kept. */
std::vector<Peeled> match_by_id(std::span<const AssocId> ids, Reply &&reply)
{
	std::vector<Peeled> out(ids.size());
	/* Everything allocates before the first descriptor moves. */
	out.reserve(ids.size() + reply.entries.size());
	std::unordered_map<AssocId, std::vector<std::size_t>> by_id;
	for (std::size_t k = reply.entries.size(); k-- > 0;)
		by_id[reply.entries[k].info.id].push_back(k);
	std::vector<std::size_t> take(ids.size(), SIZE_MAX);
	std::vector<bool> used(reply.entries.size(), false);
	for (std::size_t i = 0; i < ids.size(); i++) {
		out[i].info.id = ids[i];
		auto it = by_id.find(ids[i]);
		if (it == by_id.end() || it->second.empty()) {
			out[i].fd = Error{EPROTO, "no result for this association in the module's reply"};
			continue;
		}
		take[i] = it->second.back();
		it->second.pop_back();
		used[take[i]] = true;
	}
	std::size_t extra = 0;
	for (std::size_t k = 0; k < reply.entries.size(); k++)
		extra += used[k] ? 0 : 1;
	out.resize(ids.size() + extra);
	std::vector<Error> odd = odd_errors(reply);
	/* Every vector is sized: moving the descriptors below cannot fail. */
	for (std::size_t i = 0; i < ids.size(); i++)
		if (take[i] != SIZE_MAX)
			take_over(out[i], reply.entries[take[i]], odd);
	std::size_t j = ids.size();
	for (std::size_t k = 0; k < reply.entries.size(); k++)
		if (!used[k])
			take_over(out[j++], reply.entries[k], odd);
	return out;
}

/*
 * The entries of a PEELOFF reply, one per requested id in the request's
 * order, matched by id (the module answers in order; a reply that does
 * not is still taken apart without losing a descriptor): an id without
 * an entry gets EPROTO, an entry no id asked for is appended.
 */
std::vector<Peeled> match_ids(std::span<const AssocId> ids, Reply &&reply)
{
	if (in_order(ids, reply))
		return match_in_order(ids, std::move(reply));
	return match_by_id(ids, std::move(reply));
}

Result<std::vector<Peeled>> peel_ids(Session &s, int sock, std::span<const AssocId> ids,
				     PeelOptions o)
{
	auto reply = exchange(s, encode_peeloff(s.family, sock, ids, o.flags.to_sock_flags(),
						o.mode == Mode::AllOrNothing, o.brief),
			      o.brief ? brief_peeloff_reply_max(ids.size()) : 0, SCTPX_CMD_PEELOFF);
	if (!reply)
		return std::move(reply).error();
	return match_ids(ids, std::move(*reply));
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

/* Dumps the kernel marked interrupted are read again, this many times. */
constexpr int kDumpTries = 3;

Result<Reply> dump(Session &s, const std::function<Result<NlMsg>()> &encode)
{
	for (int i = 0;; i++) {
		auto reply = exchange(s, encode());
		if (reply || reply.error().errnum() != EAGAIN || i + 1 >= kDumpTries)
			return reply;
	}
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
	auto reply = dump(s, [&] { return encode_list(s.family, sock, filter); });
	if (!reply)
		return std::move(reply).error();
	/* A listing with a hole is no listing (it carries no descriptor to keep). */
	if (reply->malformed)
		return Error{EPROTO, "malformed association listing"};
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

Result<std::vector<AssocInfo>> module_states(Session &s, int sock, std::span<const AssocId> ids)
{
	const std::size_t chunk = std::min<std::size_t>(
		s.limits.max_batch != 0 ? s.limits.max_batch : 1024, kMaxIdsPerRequest);
	std::vector<AssocInfo> out;
	out.reserve(ids.size());
	for (std::size_t off = 0; off < ids.size(); off += chunk) {
		const auto part = ids.subspan(off, std::min(chunk, ids.size() - off));
		auto reply = dump(s, [&] { return encode_list_ids(s.family, sock, part); });
		if (!reply)
			return std::move(reply).error();
		if (reply->malformed)
			return Error{EPROTO, "malformed association listing"};
		for (Entry &e : reply->entries)
			out.push_back(std::move(e.info));
	}
	return out;
}

Result<PeelResult> module_peeloff(Session &s, int sock, std::span<const AssocId> ids,
				  PeelOptions o)
{
	const PeelInFlight busy; /* until the peels are noted */
	const std::size_t chunk = std::min<std::size_t>(
		s.limits.max_batch != 0 ? s.limits.max_batch : ids.size(), kMaxIdsPerRequest);
	PeelResult out;
	out.path = Path::Module;

	if (ids.size() <= chunk) {
		auto got = peel_ids(s, sock, ids, o);
		if (!got)
			return std::move(got).error();
		out.entries = std::move(*got);
		note_peeled(sock, out);
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
	pos.reserve(ids.size());
	send.reserve(ids.size());
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
		auto got = peel_ids(s, sock, std::span(send).subspan(off, n), o);
		if (!got) {
			/* Nothing moved yet: the call fails as a whole. */
			if (off == 0)
				return std::move(got).error();
			/* Earlier chunks moved; their fds must reach the caller. */
			for (std::size_t k = off; k < send.size(); k++)
				out.entries[pos[k]].fd = got.error();
			out.incomplete = got.error();
			break;
		}
		/* Entries no id asked for go at the end (none from a sane module). */
		out.entries.reserve(out.entries.size() + (got->size() - n));
		for (std::size_t k = 0; k < n; k++)
			out.entries[pos[off + k]] = std::move((*got)[k]);
		for (std::size_t k = n; k < got->size(); k++)
			out.entries.push_back(std::move((*got)[k]));
	}
	note_peeled(sock, out);
	return out;
}

Result<PeelResult> module_peeloff(Session &s, int sock, const Selection &sel, PeelOptions o)
{
	const PeelInFlight busy; /* until the peels are noted */
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
							o.mode == Mode::AllOrNothing, o.brief),
				      0, SCTPX_CMD_PEELOFF);
		if (!reply) {
			if (first)
				return std::move(reply).error();
			/* Keep what moved, and say why the call stopped. */
			out.incomplete = std::move(reply).error();
			break;
		}
		bool failed = false;
		out.entries.reserve(out.entries.size() + reply->entries.size());
		for (Entry &e : reply->entries) {
			failed = failed || e.error != 0;
			out.entries.push_back(to_peeled(std::move(e)));
		}
		out.remaining = reply->remaining.value_or(0);
		if (reply->malformed) {
			out.incomplete = Error{EPROTO, "malformed peeloff reply: what else moved is unknown"};
			break;
		}
		/*
		 * A failed entry stays on the socket and would match again:
		 * stop rather than loop on it.
		 */
		if (failed || reply->entries.empty() || out.remaining == 0 ||
		    (want != 0 && out.entries.size() >= want))
			break;
	}
	note_peeled(sock, out);
	return out;
}

Result<ConnectResult> module_connectx(Session &s, int sock, std::span<const Peer> peers,
				      ConnectOptions o)
{
	/*
	 * The wait's deadline is taken, and peels are watched for it, before
	 * the first association starts.
	 */
	const bool wait = o.wait.count() > 0;
	const PeelWatch watch(wait);
	const auto deadline = wait_deadline(sock, WaitClock::now(), o.wait);
	ConnectResult out;
	out.path = Path::Module;

	if (peers.empty()) /* let the module name the error */
		return Error{EINVAL, "missing peers (SCTPX_A_PEER)"};

	/*
	 * Requests are cut at max_peers peers and at kMaxConnectxBytes of
	 * peer attributes (the send buffer); a peer that fits no netlink
	 * attribute is refused on its own before anything starts.
	 */
	const std::size_t max_peers = s.limits.max_peers != 0 ? s.limits.max_peers : peers.size();
	std::vector<std::size_t> send; /* indexes of the peers that can be sent */
	send.reserve(peers.size());
	out.peers.reserve(peers.size());
	for (std::size_t i = 0; i < peers.size(); i++) {
		if (peer_attr_size(peers[i]) > kMaxAttrSize)
			out.peers.push_back({static_cast<std::uint32_t>(i),
					     Error{EMSGSIZE, "the peer's addresses do not fit one netlink "
							     "attribute (65,535 bytes)"}});
		else
			send.push_back(i);
	}

	std::vector<Peer> chunk;
	for (std::size_t off = 0; off < send.size();) {
		chunk.clear();
		std::size_t bytes = 0;
		std::size_t end = off;
		while (end < send.size() && chunk.size() < max_peers) {
			const std::size_t b = peer_attr_size(peers[send[end]]);
			if (!chunk.empty() && bytes + b > kMaxConnectxBytes)
				break;
			chunk.push_back(peers[send[end]]);
			bytes += b;
			end++;
		}
		auto reply = exchange(s, encode_connectx(s.family, sock, chunk), 0, SCTPX_CMD_CONNECTX);
		if (!reply) {
			if (off == 0 && out.peers.empty())
				return std::move(reply).error();
			/* Started associations are never thrown away. */
			for (std::size_t k = off; k < send.size(); k++)
				out.peers.push_back({static_cast<std::uint32_t>(send[k]), reply.error()});
			break;
		}
		std::vector<bool> got(chunk.size(), false);
		for (std::size_t k = 0; k < reply->entries.size(); k++) {
			const Entry &e = reply->entries[k];
			const std::size_t rel = e.peer_index.value_or(k);
			PeerOutcome po;
			if (rel >= chunk.size() || got[rel]) {
				/* Not ours to name: keep what it says, at the end. */
				po.peer_index = UINT32_MAX;
			} else {
				got[rel] = true;
				po.peer_index = static_cast<std::uint32_t>(send[off + rel]);
			}
			po.id = e.info.id;
			po.state = e.info.state;
			if (e.error != 0)
				po.result = Error{e.error};
			else
				po.result = Connected{e.info.id, e.info.state};
			out.peers.push_back(std::move(po));
		}
		for (std::size_t rel = 0; rel < chunk.size(); rel++)
			if (!got[rel])
				out.peers.push_back({static_cast<std::uint32_t>(send[off + rel]),
						     Error{EPROTO, "no result for this peer in the module's reply"}});
		off = end;
	}
	std::stable_sort(out.peers.begin(), out.peers.end(),
			 [](const PeerOutcome &a, const PeerOutcome &b) { return a.peer_index < b.peer_index; });
	for (PeerOutcome &p : out.peers)
		if (p.result) {
			p.id = p.result->id;
			p.state = p.result->state;
		}

	if (wait)
		out.wait_end = wait_connected(
			out.peers, deadline,
			[&](std::span<const AssocId> ids) { return module_states(s, sock, ids); },
			[sock](AssocId id) { return peel_seen(sock, id); });
	return out;
}

} // namespace sctpx::detail
