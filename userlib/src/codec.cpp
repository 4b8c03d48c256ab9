// SPDX-License-Identifier: LGPL-2.1-or-later
#include "codec.hpp"

#include <cerrno>
#include <cstring>

#include <linux/sctpx.h>
#include <netlink/attr.h>
#include <netlink/genl/genl.h>

namespace sctpx::detail {

namespace {

/* Headroom for the fixed attributes of any request. */
constexpr std::size_t base_size = 256;
/* An address nest: nest header, IN6, PORT, SCOPE_ID. */
constexpr std::size_t addr_size = 4 + 20 + 8 + 8;

Error no_space() { return {EMSGSIZE, "request does not fit a netlink message"}; }

Result<NlMsg> new_request(int family, std::uint8_t cmd, int nlflags, std::size_t size)
{
	NlMsg msg(nlmsg_alloc_size(size + base_size));
	if (!msg)
		return Error{ENOMEM};
	/* No NLM_F_ACK: a large reply may leave no room for an ack. */
	if (genlmsg_put(msg.get(), NL_AUTO_PORT, NL_AUTO_SEQ, family, 0, nlflags, cmd,
			SCTPX_FAMILY_VERSION) == nullptr)
		return no_space();
	return msg;
}

bool put_addr(nl_msg *msg, int type, const Address &a)
{
	nlattr *nest = nla_nest_start(msg, type | NLA_F_NESTED);
	if (nest == nullptr)
		return false;
	const int atype = a.family() == AF_INET ? SCTPX_ADDR_A_IN4 : SCTPX_ADDR_A_IN6;
	if (nla_put(msg, atype, static_cast<int>(a.size()), a.bytes()) != 0)
		return false;
	if (a.port() != 0 && nla_put_u16(msg, SCTPX_ADDR_A_PORT, a.port()) != 0)
		return false;
	if (a.scope_id() != 0 && nla_put_u32(msg, SCTPX_ADDR_A_SCOPE_ID, a.scope_id()) != 0)
		return false;
	nla_nest_end(msg, nest);
	return true;
}

/* for_peeloff: order and limit exist only in a PEELOFF selection. */
bool put_select(nl_msg *msg, const Selection &sel, bool for_peeloff)
{
	const bool has_order = for_peeloff && sel.order != Order::Id;
	const bool has_limit = for_peeloff && sel.limit != 0;
	/*
	 * "Everything" is an empty nest, which nla_nest_end() would drop:
	 * put it as a zero-length nested attribute instead.
	 */
	if (sel.states == 0 && !sel.peer_addr && sel.peer_port == 0 && !has_order && !has_limit)
		return nla_put(msg, SCTPX_A_SELECT | NLA_F_NESTED, 0, nullptr) == 0;

	nlattr *nest = nla_nest_start(msg, SCTPX_A_SELECT | NLA_F_NESTED);
	if (nest == nullptr)
		return false;
	if (sel.states != 0 && nla_put_u32(msg, SCTPX_SELECT_A_STATES, sel.states) != 0)
		return false;
	if (sel.peer_addr && !put_addr(msg, SCTPX_SELECT_A_PEER_ADDR, *sel.peer_addr))
		return false;
	if (sel.peer_port != 0 && nla_put_u16(msg, SCTPX_SELECT_A_PEER_PORT, sel.peer_port) != 0)
		return false;
	if (has_order && nla_put_u32(msg, SCTPX_SELECT_A_ORDER, SCTPX_ORDER_TRAFFIC) != 0)
		return false;
	if (has_limit && nla_put_u32(msg, SCTPX_SELECT_A_LIMIT, sel.limit) != 0)
		return false;
	nla_nest_end(msg, nest);
	return true;
}

bool put_peeloff_common(nl_msg *msg, int sock, unsigned int sock_flags, bool atomic,
			bool brief)
{
	if (nla_put_s32(msg, SCTPX_A_SOCK_FD, sock) != 0)
		return false;
	if (sock_flags != 0 && nla_put_u32(msg, SCTPX_A_FLAGS, sock_flags) != 0)
		return false;
	if (atomic && nla_put_flag(msg, SCTPX_A_ATOMIC) != 0)
		return false;
	return !brief || nla_put_flag(msg, SCTPX_A_BRIEF) == 0;
}

/* nla_get_*() only after checking the length: a short attribute is ignored. */
template <typename T>
std::optional<T> get(const nlattr *a)
{
	if (nla_len(a) < static_cast<int>(sizeof(T)))
		return std::nullopt;
	T v{};
	std::memcpy(&v, nla_data(a), sizeof(T));
	return v;
}

std::optional<Address> decode_addr(const nlattr *nest)
{
	const nlattr *pos = nullptr;
	int rem = 0;
	std::optional<Address> out;
	std::uint16_t port = 0;
	std::uint32_t scope = 0;
	in_addr v4{};
	in6_addr v6{};
	int family = AF_UNSPEC;

	nla_for_each_nested(pos, nest, rem) {
		switch (nla_type(pos)) {
		case SCTPX_ADDR_A_IN4:
			if (nla_len(pos) == sizeof(v4)) {
				std::memcpy(&v4, nla_data(pos), sizeof(v4));
				family = AF_INET;
			}
			break;
		case SCTPX_ADDR_A_IN6:
			if (nla_len(pos) == sizeof(v6)) {
				std::memcpy(&v6, nla_data(pos), sizeof(v6));
				family = AF_INET6;
			}
			break;
		case SCTPX_ADDR_A_PORT:
			port = get<std::uint16_t>(pos).value_or(0);
			break;
		case SCTPX_ADDR_A_SCOPE_ID:
			scope = get<std::uint32_t>(pos).value_or(0);
			break;
		default:
			break;
		}
	}
	if (family == AF_INET)
		out = Address::v4(v4, port);
	else if (family == AF_INET6)
		out = Address::v6(v6, port, scope);
	return out;
}

/* Returns false when the nest has bytes no attribute covers. */
bool decode_entry(const nlattr *nest, Entry &e)
{
	const nlattr *pos = nullptr;
	int rem = 0;

	nla_for_each_nested(pos, nest, rem) {
		switch (nla_type(pos)) {
		case SCTPX_ASSOC_A_ID:
			e.info.id = get<std::uint32_t>(pos).value_or(0);
			break;
		case SCTPX_ASSOC_A_STATE:
			e.info.state = static_cast<int>(get<std::uint32_t>(pos).value_or(0));
			break;
		case SCTPX_ASSOC_A_PEER_ADDR:
			/* Room reserved by decode_entries(): no allocation here. */
			if (auto a = decode_addr(pos); a && e.info.peer_addrs.size() < e.info.peer_addrs.capacity())
				e.info.peer_addrs.push_back(*a);
			break;
		case SCTPX_ASSOC_A_PEER_ADDR_COUNT:
			e.info.peer_addr_count = get<std::uint32_t>(pos).value_or(0);
			break;
		case SCTPX_ASSOC_A_PEER_ADDRS_CUT:
			e.info.peer_addrs_cut = true;
			break;
		case SCTPX_ASSOC_A_LOCAL_VTAG:
			e.info.local_vtag = get<std::uint32_t>(pos).value_or(0);
			break;
		case SCTPX_ASSOC_A_PEER_VTAG:
			e.info.peer_vtag = get<std::uint32_t>(pos).value_or(0);
			break;
		case SCTPX_ASSOC_A_OUTSTANDING:
			e.info.outstanding = get<std::uint32_t>(pos).value_or(0);
			break;
		case SCTPX_ASSOC_A_QUEUED:
			e.info.queued = get<std::uint32_t>(pos).value_or(0);
			break;
		case SCTPX_ASSOC_A_PEER_RWND:
			e.info.peer_rwnd = get<std::uint32_t>(pos).value_or(0);
			break;
		case SCTPX_ASSOC_A_HEARD_MS:
			e.info.heard_ms = get<std::uint32_t>(pos).value_or(0);
			break;
		case SCTPX_ASSOC_A_INIT_RETRIES:
			e.info.init_retries = get<std::uint32_t>(pos).value_or(0);
			break;
		case SCTPX_ASSOC_A_MAX_INIT_RETRIES:
			e.info.max_init_retries = get<std::uint32_t>(pos).value_or(0);
			break;
		case SCTPX_ASSOC_A_LOCAL_PORT:
			e.info.local_port = get<std::uint16_t>(pos).value_or(0);
			break;
		case SCTPX_ASSOC_A_INSTREAMS:
			e.info.instreams = get<std::uint16_t>(pos).value_or(0);
			break;
		case SCTPX_ASSOC_A_OUTSTREAMS:
			e.info.outstreams = get<std::uint16_t>(pos).value_or(0);
			break;
		case SCTPX_ASSOC_A_DATA_IN:
			e.info.counters.data_in = get<std::uint64_t>(pos).value_or(0);
			break;
		case SCTPX_ASSOC_A_DATA_OUT:
			e.info.counters.data_out = get<std::uint64_t>(pos).value_or(0);
			break;
		case SCTPX_ASSOC_A_PACKETS_IN:
			e.info.counters.packets_in = get<std::uint64_t>(pos).value_or(0);
			break;
		case SCTPX_ASSOC_A_PACKETS_OUT:
			e.info.counters.packets_out = get<std::uint64_t>(pos).value_or(0);
			break;
		case SCTPX_ASSOC_A_RTX_CHUNKS:
			e.info.counters.rtx_chunks = get<std::uint64_t>(pos).value_or(0);
			break;
		case SCTPX_ASSOC_A_FD:
			if (auto fd = get<std::int32_t>(pos); fd && *fd >= 0)
				e.fd = *fd;
			break;
		case SCTPX_ASSOC_A_ERROR:
			e.error = static_cast<int>(get<std::uint32_t>(pos).value_or(EPROTO));
			break;
		case SCTPX_ASSOC_A_PEER_INDEX:
			e.peer_index = get<std::uint32_t>(pos);
			break;
		default:
			break;
		}
	}
	return rem <= 0;
}

/* SCTPX_ASSOC_A_PEER_ADDR attributes in an entry nest. */
std::size_t count_addrs(const nlattr *nest) noexcept
{
	const nlattr *pos = nullptr;
	int rem = 0;
	std::size_t n = 0;
	nla_for_each_nested(pos, nest, rem)
		n += nla_type(pos) == SCTPX_ASSOC_A_PEER_ADDR ? 1 : 0;
	return n;
}

void decode_stats(const nlattr *nest, ModuleCounters &c)
{
	const nlattr *pos = nullptr;
	int rem = 0;

	nla_for_each_nested(pos, nest, rem) {
		const std::uint64_t v = get<std::uint64_t>(pos).value_or(0);
		switch (nla_type(pos)) {
		case SCTPX_STATS_A_PEELOFF_REQUESTS: c.peeloff_requests = v; break;
		case SCTPX_STATS_A_PEELED: c.peeled = v; break;
		case SCTPX_STATS_A_PEEL_ERRORS: c.peel_errors = v; break;
		case SCTPX_STATS_A_CONNECTX_REQUESTS: c.connectx_requests = v; break;
		case SCTPX_STATS_A_CONNECTX_STARTED: c.connectx_started = v; break;
		case SCTPX_STATS_A_CONNECTX_ERRORS: c.connectx_errors = v; break;
		case SCTPX_STATS_A_REPLY_ERRORS: c.reply_errors = v; break;
		case SCTPX_STATS_A_LOST_REPLIES_DROPPED: c.lost_replies_dropped = v; break;
		default: break;
		}
	}
}

/* The attributes of a generic netlink message, or nothing if it is too short. */
bool genl_attrs(const nlmsghdr *nlh, nlattr *&head, int &len)
{
	if (genlmsg_valid_hdr(const_cast<nlmsghdr *>(nlh), 0) == 0)
		return false;
	const auto *gh = static_cast<const genlmsghdr *>(nlmsg_data(nlh));
	head = genlmsg_attrdata(gh, 0);
	len = genlmsg_attrlen(gh, 0);
	return true;
}

} // namespace

Result<NlMsg> encode_info(int family)
{
	return new_request(family, SCTPX_CMD_INFO_GET, 0, 0);
}

Result<NlMsg> encode_list(int family, int sock, const Selection &filter)
{
	auto msg = new_request(family, SCTPX_CMD_ASSOC_GET, NLM_F_DUMP, addr_size);
	if (!msg)
		return msg;
	if (nla_put_s32(msg->get(), SCTPX_A_SOCK_FD, sock) != 0 ||
	    !put_select(msg->get(), filter, false))
		return no_space();
	return msg;
}

Result<NlMsg> encode_peeloff(int family, int sock, std::span<const AssocId> ids,
			     unsigned int sock_flags, bool atomic, bool brief)
{
	auto msg = new_request(family, SCTPX_CMD_PEELOFF, 0, ids.size() * 8);
	if (!msg)
		return msg;
	if (!put_peeloff_common(msg->get(), sock, sock_flags, atomic, brief))
		return no_space();
	for (const AssocId id : ids)
		if (nla_put_u32(msg->get(), SCTPX_A_ASSOC_ID, id) != 0)
			return no_space();
	return msg;
}

std::size_t brief_peeloff_reply_max(std::size_t n)
{
	/* SCTPX_A_ASSOC { ID u32, FD s32 | ERROR u32 } */
	constexpr std::size_t entry = NLA_HDRLEN + 2 * NLA_ALIGN(NLA_HDRLEN + 4);
	return NLMSG_HDRLEN + GENL_HDRLEN + n * entry;
}

Result<NlMsg> encode_peeloff(int family, int sock, const Selection &sel,
			     unsigned int sock_flags, bool atomic, bool brief)
{
	auto msg = new_request(family, SCTPX_CMD_PEELOFF, 0, addr_size);
	if (!msg)
		return msg;
	if (!put_peeloff_common(msg->get(), sock, sock_flags, atomic, brief) ||
	    !put_select(msg->get(), sel, true))
		return no_space();
	return msg;
}

std::size_t peer_attr_size(const Peer &p) noexcept
{
	std::size_t n = NLA_HDRLEN;
	for (const Address &a : p.addrs) {
		n += NLA_HDRLEN + static_cast<std::size_t>(NLA_ALIGN(NLA_HDRLEN + (a.family() == AF_INET ? 4 : 16)));
		n += a.port() != 0 ? static_cast<std::size_t>(NLA_ALIGN(NLA_HDRLEN + 2)) : 0;
		n += a.scope_id() != 0 ? static_cast<std::size_t>(NLA_ALIGN(NLA_HDRLEN + 4)) : 0;
	}
	return n;
}

Result<NlMsg> encode_connectx(int family, int sock, std::span<const Peer> peers)
{
	std::size_t size = 0;
	for (const Peer &p : peers) {
		const std::size_t one = peer_attr_size(p);
		/* libnl would cancel the nest and the peer would vanish. */
		if (one > kMaxAttrSize)
			return Error{EMSGSIZE, "a peer's addresses do not fit one netlink attribute"};
		size += one;
	}
	auto msg = new_request(family, SCTPX_CMD_CONNECTX, 0, size);
	if (!msg)
		return msg;
	nl_msg *m = msg->get();
	if (nla_put_s32(m, SCTPX_A_SOCK_FD, sock) != 0)
		return no_space();
	for (const Peer &p : peers) {
		/* A peer without addresses is still sent: the module names the error. */
		if (p.addrs.empty()) {
			if (nla_put(m, SCTPX_A_PEER | NLA_F_NESTED, 0, nullptr) != 0)
				return no_space();
			continue;
		}
		nlattr *nest = nla_nest_start(m, SCTPX_A_PEER | NLA_F_NESTED);
		if (nest == nullptr)
			return no_space();
		for (const Address &a : p.addrs)
			if (!put_addr(m, SCTPX_PEER_A_ADDR, a))
				return no_space();
		/* libnl cancels a nest over 65,535 bytes and says so: never drop a peer. */
		if (nla_nest_end(m, nest) < 0)
			return Error{EMSGSIZE, "a peer's addresses do not fit one netlink attribute"};
	}
	return msg;
}

Result<NlMsg> encode_list_ids(int family, int sock, std::span<const AssocId> ids)
{
	auto msg = new_request(family, SCTPX_CMD_ASSOC_GET, NLM_F_DUMP, ids.size() * 8 + 8);
	if (!msg)
		return msg;
	nl_msg *m = msg->get();
	if (nla_put_s32(m, SCTPX_A_SOCK_FD, sock) != 0)
		return no_space();
	nlattr *nest = nla_nest_start(m, SCTPX_A_SELECT | NLA_F_NESTED);
	if (nest == nullptr)
		return no_space();
	for (const AssocId id : ids)
		if (nla_put_u32(m, SCTPX_SELECT_A_ASSOC_ID, id) != 0)
			return no_space();
	if (nla_nest_end(m, nest) < 0)
		return Error{EMSGSIZE, "too many association ids for one request"};
	return msg;
}

Result<NlMsg> encode_lost_reply_get(int family)
{
	return new_request(family, SCTPX_CMD_LOST_REPLY_GET, 0, 0);
}

Result<InfoReply> decode_info(const nlmsghdr *nlh)
{
	nlattr *head = nullptr;
	int len = 0;
	if (!genl_attrs(nlh, head, len))
		return Error{EPROTO, "short INFO_GET reply"};

	InfoReply r;
	const nlattr *pos = nullptr;
	int rem = 0;
	nla_for_each_attr(pos, head, len, rem) {
		switch (nla_type(pos)) {
		case SCTPX_A_FAMILY_VERSION:
			r.family_version = get<std::uint32_t>(pos).value_or(0);
			break;
		case SCTPX_A_MODULE_VERSION: {
			const auto *s = static_cast<const char *>(nla_data(pos));
			r.module_version.assign(s, strnlen(s, static_cast<std::size_t>(nla_len(pos))));
			break;
		}
		case SCTPX_A_OPS:
			r.ops = get<std::uint64_t>(pos).value_or(0);
			break;
		case SCTPX_A_MAX_BATCH:
			r.limits.max_batch = get<std::uint32_t>(pos).value_or(0);
			break;
		case SCTPX_A_MAX_PEERS:
			r.limits.max_peers = get<std::uint32_t>(pos).value_or(0);
			break;
		case SCTPX_A_MAX_PEER_ADDRS:
			r.limits.max_peer_addrs = get<std::uint32_t>(pos).value_or(0);
			break;
		case SCTPX_A_STATS:
			decode_stats(pos, r.counters);
			break;
		case SCTPX_A_FEATURES:
			r.features = get<std::uint64_t>(pos).value_or(0);
			break;
		default:
			break;
		}
	}
	if (r.family_version == 0)
		return Error{EPROTO, "INFO_GET reply without a family version"};
	return r;
}

Result<void> decode_entries(const nlmsghdr *nlh, Reply &out)
{
	nlattr *head = nullptr;
	int len = 0;
	if (!genl_attrs(nlh, head, len)) {
		out.malformed = true;
		return Error{EPROTO, "short sctpx reply"};
	}

	/*
	 * Reserve first: once a descriptor is in an Fd, a std::bad_alloc
	 * would close it (and end its association).
	 */
	const nlattr *pos = nullptr;
	int rem = 0;
	std::size_t n = 0;
	nla_for_each_attr(pos, head, len, rem)
		n += nla_type(pos) == SCTPX_A_ASSOC ? 1 : 0;
	const std::size_t first = out.entries.size();
	out.entries.reserve(first + n);
	for (std::size_t i = 0; i < n; i++)
		out.entries.emplace_back();
	std::size_t k = first;
	nla_for_each_attr(pos, head, len, rem) {
		if (nla_type(pos) == SCTPX_A_ASSOC)
			out.entries[k++].info.peer_addrs.reserve(count_addrs(pos));
	}

	/* Nothing below allocates. */
	bool ok = rem <= 0;
	k = first;
	nla_for_each_attr(pos, head, len, rem) {
		switch (nla_type(pos)) {
		case SCTPX_A_ASSOC:
			ok = decode_entry(pos, out.entries[k++]) && ok;
			break;
		case SCTPX_A_REMAINING:
			out.remaining = get<std::uint32_t>(pos);
			break;
		default:
			break;
		}
	}
	if (!ok) {
		out.malformed = true;
		return Error{EPROTO, "malformed sctpx reply (bytes outside any attribute)"};
	}
	return {};
}

} // namespace sctpx::detail
