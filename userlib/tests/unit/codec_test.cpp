// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Requests built by the library, checked against the module's per-op
 * policies (family version 2, as include/uapi/linux/sctpx.h describes
 * them) with the strictness of the kernel's strict validation: no unknown
 * or reserved attribute, exact integer sizes, NLA_F_NESTED on every nest,
 * exact address lengths. Replies built with libnl, read by the library.
 */
#include <cstring>
#include <map>
#include <string>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <linux/sctpx.h>
#include <netinet/in.h>
#include <netinet/sctp.h>
#include <unistd.h>

#include "codec.hpp"
#include "fake_transport.hpp"

namespace sctpx::test {
namespace {

Request req_of(Result<detail::NlMsg> m)
{
	EXPECT_TRUE(m.ok());
	return Request{detail::Message(nlmsg_hdr(m->get()))};
}

/* Strict validation on the module side wants NLA_F_NESTED on every nest. */
bool nested(const nlattr *a) { return (a->nla_type & NLA_F_NESTED) != 0; }

/* One attribute of a policy: its kind, and for a nest, the nest's policy. */
struct Pol;
struct Rule {
	enum Kind { U16, U32, S32, Flag, Bin4, Bin16, Nest, Bin4or16 } kind;
	const Pol *nest = nullptr;
};
struct Pol {
	std::map<int, Rule> rules; /* an attribute type not in it is refused */
};

const Pol addr_pol{{{SCTPX_ADDR_A_IN4, {Rule::Bin4}},
		    {SCTPX_ADDR_A_IN6, {Rule::Bin16}},
		    {SCTPX_ADDR_A_PORT, {Rule::U16}},
		    {SCTPX_ADDR_A_SCOPE_ID, {Rule::U32}}}};
const Pol filter_pol{{{SCTPX_SELECT_A_STATES, {Rule::U32}},
		      {SCTPX_SELECT_A_PEER_ADDR, {Rule::Nest, &addr_pol}},
		      {SCTPX_SELECT_A_PEER_PORT, {Rule::U16}},
		      {SCTPX_SELECT_A_ASSOC_ID, {Rule::U32}}}};
const Pol select_pol{{{SCTPX_SELECT_A_STATES, {Rule::U32}},
		      {SCTPX_SELECT_A_PEER_ADDR, {Rule::Nest, &addr_pol}},
		      {SCTPX_SELECT_A_PEER_PORT, {Rule::U16}},
		      {SCTPX_SELECT_A_ORDER, {Rule::U32}},
		      {SCTPX_SELECT_A_LIMIT, {Rule::U32}}}};
const Pol peer_pol{{{SCTPX_PEER_A_ADDR, {Rule::Nest, &addr_pol}}}};
const Pol assoc_get_pol{{{SCTPX_A_SOCK_FD, {Rule::S32}}, {SCTPX_A_SELECT, {Rule::Nest, &filter_pol}}}};
const Pol peeloff_pol{{{SCTPX_A_SOCK_FD, {Rule::S32}},
		       {SCTPX_A_FLAGS, {Rule::U32}},
		       {SCTPX_A_ATOMIC, {Rule::Flag}},
		       {SCTPX_A_ASSOC_ID, {Rule::U32}},
		       {SCTPX_A_SELECT, {Rule::Nest, &select_pol}},
		       {SCTPX_A_BRIEF, {Rule::Flag}}}};
/* Version 2: RESERVED_16/17 (the old wait) are refused. */
const Pol connectx_pol{{{SCTPX_A_SOCK_FD, {Rule::S32}}, {SCTPX_A_PEER, {Rule::Nest, &peer_pol}}}};
const Pol no_attrs{};

/* "" when every attribute of [head, head + len) passes pol; else why not. */
std::string check_attrs(const nlattr *head, int len, const Pol &pol)
{
	const nlattr *pos = nullptr;
	int rem = 0;
	nla_for_each_attr(pos, head, len, rem) {
		const int type = nla_type(pos);
		const auto it = pol.rules.find(type);
		if (it == pol.rules.end())
			return "attribute " + std::to_string(type) + " refused by the policy";
		const int n = nla_len(pos);
		switch (it->second.kind) {
		case Rule::U16:
			if (n != 2)
				return "u16 of " + std::to_string(n) + " bytes";
			break;
		case Rule::U32:
		case Rule::S32:
			if (n != 4)
				return "u32 of " + std::to_string(n) + " bytes";
			break;
		case Rule::Flag:
			if (n != 0)
				return "flag with a payload";
			break;
		case Rule::Bin4:
			if (n != 4)
				return "IN4 of " + std::to_string(n) + " bytes";
			break;
		case Rule::Bin16:
		case Rule::Bin4or16:
			if (n != 16)
				return "IN6 of " + std::to_string(n) + " bytes";
			break;
		case Rule::Nest:
			if (!nested(pos))
				return "nest " + std::to_string(type) + " without NLA_F_NESTED";
			if (auto e = check_attrs(static_cast<const nlattr *>(nla_data(pos)), n, *it->second.nest);
			    !e.empty())
				return e;
			break;
		}
	}
	if (rem > 0)
		return std::to_string(rem) + " trailing bytes";
	return {};
}

/* The request against the policy of its command. */
std::string check_request(const Request &r)
{
	const auto *gh = static_cast<const genlmsghdr *>(nlmsg_data(r.msg.hdr()));
	if (gh->version != SCTPX_FAMILY_VERSION || gh->reserved != 0)
		return "genl header";
	const Pol *pol = &no_attrs;
	switch (r.cmd()) {
	case SCTPX_CMD_ASSOC_GET: pol = &assoc_get_pol; break;
	case SCTPX_CMD_PEELOFF: pol = &peeloff_pol; break;
	case SCTPX_CMD_CONNECTX: pol = &connectx_pol; break;
	default: break;
	}
	return check_attrs(genlmsg_attrdata(gh, 0), genlmsg_attrlen(gh, 0), *pol);
}

TEST(Codec, EveryRequestPassesTheModulesStrictPolicy)
{
	Selection sel = Selection::busiest(5);
	sel.states = state_bit(SCTP_ESTABLISHED);
	sel.peer_port = 4000;
	sel.peer_addr = *Address::parse("fe80::1", 80, 2);
	const std::vector<AssocId> ids{9, 3, 7};
	std::vector<Peer> peers(2);
	peers[0].addrs = {*Address::parse("127.0.0.1", 9), *Address::parse("127.0.0.2", 9)};
	peers[1].addrs = {*Address::parse("fe80::1", 9, 3)};
	EXPECT_EQ(check_request(req_of(detail::encode_info(fake_family))), "");
	EXPECT_EQ(check_request(req_of(detail::encode_lost_reply_get(fake_family))), "");
	EXPECT_EQ(check_request(req_of(detail::encode_list(fake_family, 5, sel))), "");
	EXPECT_EQ(check_request(req_of(detail::encode_list(fake_family, 5, Selection::all()))), "");
	EXPECT_EQ(check_request(req_of(detail::encode_list_ids(fake_family, 5, ids))), "");
	EXPECT_EQ(check_request(req_of(detail::encode_peeloff(fake_family, 5, ids, SOCK_NONBLOCK, true, true))), "");
	EXPECT_EQ(check_request(req_of(detail::encode_peeloff(fake_family, 5, sel, SOCK_CLOEXEC, false, false))), "");
	EXPECT_EQ(check_request(req_of(detail::encode_connectx(fake_family, 6, peers))), "");
}

TEST(Codec, ThePolicyCheckerRefusesWhatTheModuleRefuses)
{
	/* The checker is worth something only if it fails: a version 1 wait, a bare nest. */
	detail::NlMsg m(nlmsg_alloc());
	genlmsg_put(m.get(), NL_AUTO_PORT, NL_AUTO_SEQ, fake_family, 0, 0, SCTPX_CMD_CONNECTX,
		    SCTPX_FAMILY_VERSION);
	nla_put_s32(m.get(), SCTPX_A_SOCK_FD, 3);
	nla_put_u32(m.get(), SCTPX_A_RESERVED_16, 100);
	EXPECT_NE(check_request(Request{detail::Message(nlmsg_hdr(m.get()))}), "");
	detail::NlMsg n(nlmsg_alloc());
	genlmsg_put(n.get(), NL_AUTO_PORT, NL_AUTO_SEQ, fake_family, 0, 0, SCTPX_CMD_PEELOFF,
		    SCTPX_FAMILY_VERSION);
	/* A nest put as plain bytes: no NLA_F_NESTED. */
	struct {
		nlattr h;
		std::uint32_t v;
	} inner{{8, SCTPX_SELECT_A_STATES}, 1};
	nla_put(n.get(), SCTPX_A_SELECT, sizeof(inner), &inner);
	EXPECT_NE(check_request(Request{detail::Message(nlmsg_hdr(n.get()))}), "");
}

TEST(Codec, InfoRequestHasNoAttributesAndNoAck)
{
	auto r = req_of(detail::encode_info(fake_family));
	EXPECT_EQ(r.cmd(), SCTPX_CMD_INFO_GET);
	EXPECT_EQ(r.msg.hdr()->nlmsg_type, fake_family);
	EXPECT_EQ(r.flags() & NLM_F_ACK, 0);
	EXPECT_EQ(nlmsg_datalen(r.msg.hdr()), GENL_HDRLEN);
	const auto *gh = static_cast<const genlmsghdr *>(nlmsg_data(r.msg.hdr()));
	EXPECT_EQ(gh->version, SCTPX_FAMILY_VERSION);
	EXPECT_EQ(gh->reserved, 0);
}

TEST(Codec, PeeloffIdsInOrderWithFlagsAndAtomic)
{
	const std::vector<AssocId> ids{9, 3, 7};
	auto r = req_of(detail::encode_peeloff(fake_family, 5, ids, SOCK_NONBLOCK | SOCK_CLOEXEC, true, false));
	EXPECT_EQ(r.cmd(), SCTPX_CMD_PEELOFF);
	EXPECT_EQ(r.flags() & (NLM_F_ACK | NLM_F_DUMP), 0) << "no ack: big replies leave no room";
	EXPECT_EQ(nla_get_s32(r.one(SCTPX_A_SOCK_FD)), 5);
	EXPECT_EQ(nla_get_u32(r.one(SCTPX_A_FLAGS)), unsigned(SOCK_NONBLOCK | SOCK_CLOEXEC));
	EXPECT_NE(r.one(SCTPX_A_ATOMIC), nullptr);
	EXPECT_EQ(request_ids(r), (std::vector<std::uint32_t>{9, 3, 7}));
	EXPECT_EQ(r.one(SCTPX_A_SELECT), nullptr);
	EXPECT_EQ(r.one(SCTPX_A_BRIEF), nullptr);
}

TEST(Codec, BriefPeeloffAndItsReplyBound)
{
	const std::vector<AssocId> ids{9, 3};
	auto r = req_of(detail::encode_peeloff(fake_family, 5, ids, 0, false, true));
	EXPECT_NE(r.one(SCTPX_A_BRIEF), nullptr);
	EXPECT_EQ(request_ids(r), (std::vector<std::uint32_t>{9, 3}));

	/* The bound is exact for the module's layout, success or error. */
	ReplyBuilder b(SCTPX_CMD_PEELOFF);
	b.brief_entry(9, 100);
	b.brief_entry(3, 0, EINVAL);
	b.brief_entry(4, 2147483647);
	EXPECT_EQ(b.done().hdr()->nlmsg_len, detail::brief_peeloff_reply_max(3));
	EXPECT_EQ(detail::brief_peeloff_reply_max(0), std::size_t{NLMSG_HDRLEN + GENL_HDRLEN});
}

TEST(Codec, PeeloffWithoutFlagsOmitsThem)
{
	const std::vector<AssocId> ids{4};
	auto r = req_of(detail::encode_peeloff(fake_family, 5, ids, 0, false, false));
	EXPECT_EQ(r.one(SCTPX_A_FLAGS), nullptr);
	EXPECT_EQ(r.one(SCTPX_A_ATOMIC), nullptr);
}

TEST(Codec, LargeIdListFits)
{
	std::vector<AssocId> ids(20000);
	for (std::size_t i = 0; i < ids.size(); i++)
		ids[i] = static_cast<AssocId>(i + 3);
	auto r = req_of(detail::encode_peeloff(fake_family, 5, ids, 0, false, false));
	EXPECT_EQ(request_ids(r).size(), ids.size());
}

TEST(Codec, SelectAllIsAZeroLengthNestedAttribute)
{
	auto r = req_of(detail::encode_peeloff(fake_family, 5, Selection::all(), 0, false, false));
	const nlattr *s = r.one(SCTPX_A_SELECT);
	ASSERT_NE(s, nullptr) << "libnl's nla_nest_end() drops empty nests";
	EXPECT_TRUE(nested(s));
	EXPECT_EQ(nla_len(s), 0);
	EXPECT_TRUE(r.all(SCTPX_A_ASSOC_ID).empty());
}

TEST(Codec, SelectionCriteria)
{
	Selection sel = Selection::busiest(5);
	sel.states = state_bit(SCTP_ESTABLISHED);
	sel.peer_port = 4000;
	sel.peer_addr = *Address::parse("192.0.2.1", 80);
	auto r = req_of(detail::encode_peeloff(fake_family, 5, sel, 0, false, false));
	const nlattr *s = r.one(SCTPX_A_SELECT);
	ASSERT_NE(s, nullptr);
	EXPECT_TRUE(nested(s));
	nlattr *tb[SCTPX_SELECT_A_MAX + 1] = {};
	ASSERT_EQ(nla_parse_nested(tb, SCTPX_SELECT_A_MAX, const_cast<nlattr *>(s), nullptr), 0);
	EXPECT_EQ(nla_get_u32(tb[SCTPX_SELECT_A_STATES]), 1U << SCTP_ESTABLISHED);
	EXPECT_EQ(nla_get_u16(tb[SCTPX_SELECT_A_PEER_PORT]), 4000);
	EXPECT_EQ(nla_get_u32(tb[SCTPX_SELECT_A_ORDER]), unsigned(SCTPX_ORDER_TRAFFIC));
	EXPECT_EQ(nla_get_u32(tb[SCTPX_SELECT_A_LIMIT]), 5U);
	ASSERT_NE(tb[SCTPX_SELECT_A_PEER_ADDR], nullptr);
	EXPECT_TRUE(nested(tb[SCTPX_SELECT_A_PEER_ADDR]));
	nlattr *ab[SCTPX_ADDR_A_MAX + 1] = {};
	ASSERT_EQ(nla_parse_nested(ab, SCTPX_ADDR_A_MAX, tb[SCTPX_SELECT_A_PEER_ADDR], nullptr), 0);
	ASSERT_NE(ab[SCTPX_ADDR_A_IN4], nullptr);
	EXPECT_EQ(nla_len(ab[SCTPX_ADDR_A_IN4]), 4);
	EXPECT_EQ(std::memcmp(nla_data(ab[SCTPX_ADDR_A_IN4]), "\xc0\x00\x02\x01", 4), 0);
	EXPECT_EQ(nla_get_u16(ab[SCTPX_ADDR_A_PORT]), 80);
	EXPECT_EQ(ab[SCTPX_ADDR_A_IN6], nullptr);
}

TEST(Codec, ListFilterDropsOrderAndLimit)
{
	/* The ASSOC_GET policy refuses ORDER and LIMIT. */
	auto r = req_of(detail::encode_list(fake_family, 5, Selection::busiest(3)));
	EXPECT_EQ(r.flags() & NLM_F_DUMP, NLM_F_DUMP);
	const nlattr *s = r.one(SCTPX_A_SELECT);
	ASSERT_NE(s, nullptr);
	EXPECT_EQ(nla_len(s), 0);
}

TEST(Codec, ConnectxPeersNeverAWait)
{
	std::vector<Peer> peers(2);
	peers[0].addrs = {*Address::parse("127.0.0.1", 9), *Address::parse("127.0.0.2", 9)};
	peers[1].addrs = {*Address::parse("fe80::1", 9, 3)};
	auto r = req_of(detail::encode_connectx(fake_family, 6, peers));
	EXPECT_EQ(r.cmd(), SCTPX_CMD_CONNECTX);
	auto pv = r.all(SCTPX_A_PEER);
	ASSERT_EQ(pv.size(), 2U);
	EXPECT_TRUE(nested(pv[0]));
	/* Version 1's wait attributes are refused by version 2's policy. */
	EXPECT_EQ(r.one(SCTPX_A_RESERVED_16), nullptr);
	EXPECT_EQ(r.one(SCTPX_A_RESERVED_17), nullptr);
	int n = 0;
	const nlattr *pos = nullptr;
	int rem = 0;
	nla_for_each_nested(pos, pv[0], rem) {
		EXPECT_EQ(nla_type(pos), SCTPX_PEER_A_ADDR);
		EXPECT_TRUE(nested(pos));
		n++;
	}
	EXPECT_EQ(n, 2);
	nlattr *ab[SCTPX_ADDR_A_MAX + 1] = {};
	ASSERT_EQ(nla_parse_nested(ab, SCTPX_ADDR_A_MAX,
				   static_cast<nlattr *>(nla_data(pv[1])), nullptr), 0);
	EXPECT_EQ(nla_len(ab[SCTPX_ADDR_A_IN6]), 16);
	EXPECT_EQ(nla_get_u32(ab[SCTPX_ADDR_A_SCOPE_ID]), 3U);
	/* peer_attr_size() is exact: the module path splits requests with it. */
	EXPECT_EQ(static_cast<std::size_t>(nla_total_size(nla_len(pv[0]))), detail::peer_attr_size(peers[0]));
	EXPECT_EQ(static_cast<std::size_t>(nla_total_size(nla_len(pv[1]))), detail::peer_attr_size(peers[1]));
}

TEST(Codec, ConnectxPeerOverOneAttributeIsRefusedNotDropped)
{
	/* 2,048 IPv6 addresses with a port: 2,048 * 32 + 4 bytes > 65,535. */
	Peer big;
	for (int i = 0; i < 2048; i++)
		big.addrs.push_back(*Address::parse("2001:db8::" + std::to_string(i + 1), 9));
	EXPECT_GT(detail::peer_attr_size(big), detail::kMaxAttrSize);
	const std::vector<Peer> peers{Peer{{*Address::parse("127.0.0.1", 9)}}, big};
	auto r = detail::encode_connectx(fake_family, 6, peers);
	ASSERT_FALSE(r.ok()) << "libnl cancels the nest: the peer would vanish from the request";
	EXPECT_EQ(r.error().errnum(), EMSGSIZE);
}

TEST(Codec, ListByIdsAndLostReplyGet)
{
	const std::vector<AssocId> ids{7, 3, 9};
	auto r = req_of(detail::encode_list_ids(fake_family, 5, ids));
	EXPECT_EQ(r.cmd(), SCTPX_CMD_ASSOC_GET);
	EXPECT_EQ(r.flags() & NLM_F_DUMP, NLM_F_DUMP);
	const nlattr *s = r.one(SCTPX_A_SELECT);
	ASSERT_NE(s, nullptr);
	EXPECT_TRUE(nested(s));
	std::vector<std::uint32_t> got;
	const nlattr *pos = nullptr;
	int rem = 0;
	nla_for_each_nested(pos, s, rem) {
		EXPECT_EQ(nla_type(pos), SCTPX_SELECT_A_ASSOC_ID);
		got.push_back(nla_get_u32(pos));
	}
	EXPECT_EQ(got, (std::vector<std::uint32_t>{7, 3, 9}));

	auto l = req_of(detail::encode_lost_reply_get(fake_family));
	EXPECT_EQ(l.cmd(), SCTPX_CMD_LOST_REPLY_GET);
	EXPECT_EQ(nlmsg_datalen(l.msg.hdr()), GENL_HDRLEN) << "no attributes";
}

TEST(Codec, DecodeInfo)
{
	auto m = info_reply(all_ops(), 128, 16);
	auto i = detail::decode_info(m.hdr());
	ASSERT_TRUE(i.ok()) << i.error().message();
	EXPECT_EQ(i->family_version, unsigned(SCTPX_FAMILY_VERSION));
	EXPECT_EQ(i->module_version, "1.2.3");
	EXPECT_EQ(i->ops, all_ops());
	EXPECT_EQ(i->limits.max_batch, 128U);
	EXPECT_EQ(i->limits.max_peers, 16U);
	EXPECT_EQ(i->limits.max_peer_addrs, 64U);
	EXPECT_EQ(i->counters.peeled, 7U);
	EXPECT_EQ(i->counters.reply_errors, 1U);
	EXPECT_EQ(i->counters.peeloff_requests, 0U);
}

TEST(Codec, DecodeInfoWithoutVersionIsAProtocolError)
{
	ReplyBuilder b(SCTPX_CMD_INFO_GET);
	auto i = detail::decode_info(b.done().hdr());
	ASSERT_FALSE(i.ok());
	EXPECT_EQ(i.error().errnum(), EPROTO);
}

TEST(Codec, DecodeEntriesTakesEveryDescriptor)
{
	const int fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	ASSERT_GE(fd, 0);
	ReplyBuilder b(SCTPX_CMD_PEELOFF);
	b.entry(5, SCTP_ESTABLISHED, fd);
	b.entry(6, 0, -1, EINVAL);
	nlattr *n = b.nest(SCTPX_A_ASSOC);
	nlattr *a = b.nest(SCTPX_ASSOC_A_PEER_ADDR);
	const in6_addr v6 = IN6ADDR_LOOPBACK_INIT;
	nla_put(b.msg(), SCTPX_ADDR_A_IN6, 16, &v6);
	nla_put_u16(b.msg(), SCTPX_ADDR_A_PORT, 77);
	b.end(a);
	b.end(n);
	nla_put_u32(b.msg(), SCTPX_A_REMAINING, 3);
	{
		detail::Reply r;
		ASSERT_TRUE(detail::decode_entries(b.done().hdr(), r).ok());
		ASSERT_EQ(r.entries.size(), 3U);
		EXPECT_EQ(r.entries[0].info.id, 5U);
		EXPECT_EQ(r.entries[0].info.state, SCTP_ESTABLISHED);
		EXPECT_EQ(r.entries[0].fd, fd);
		EXPECT_EQ(r.entries[0].info.instreams, 10);
		EXPECT_EQ(r.entries[0].info.counters.data_in, 10U);
		EXPECT_EQ(r.entries[1].error, EINVAL);
		EXPECT_EQ(r.entries[1].fd, -1);
		ASSERT_EQ(r.entries[2].info.peer_addrs.size(), 1U);
		EXPECT_EQ(r.entries[2].info.peer_addrs[0].to_string(), "[::1]:77");
		EXPECT_EQ(r.remaining, 3U);
	}
	/* A decoded entry never closes its descriptor: only the caller's Fd does. */
	EXPECT_EQ(fcntl(fd, F_GETFD), FD_CLOEXEC);
	close(fd);
}

TEST(Codec, DecodeVersion2Fields)
{
	ReplyBuilder b(SCTPX_CMD_ASSOC_GET, NLM_F_MULTI);
	nlattr *n = b.nest(SCTPX_A_ASSOC);
	nla_put_u32(b.msg(), SCTPX_ASSOC_A_ID, 9);
	for (int i = 0; i < SCTPX_ENTRY_PEER_ADDRS_MAX; i++) {
		nlattr *a = b.nest(SCTPX_ASSOC_A_PEER_ADDR);
		const std::uint32_t v4 = htonl(0x7f000001U + static_cast<std::uint32_t>(i));
		nla_put(b.msg(), SCTPX_ADDR_A_IN4, 4, &v4);
		b.end(a);
	}
	nla_put_u32(b.msg(), SCTPX_ASSOC_A_PEER_ADDR_COUNT, 5000);
	nla_put_flag(b.msg(), SCTPX_ASSOC_A_PEER_ADDRS_CUT);
	nla_put_u32(b.msg(), SCTPX_ASSOC_A_LOCAL_VTAG, 11);
	nla_put_u32(b.msg(), SCTPX_ASSOC_A_PEER_VTAG, 12);
	nla_put_u32(b.msg(), SCTPX_ASSOC_A_OUTSTANDING, 13);
	nla_put_u32(b.msg(), SCTPX_ASSOC_A_QUEUED, 14);
	nla_put_u32(b.msg(), SCTPX_ASSOC_A_PEER_RWND, 15);
	nla_put_u32(b.msg(), SCTPX_ASSOC_A_HEARD_MS, 16);
	nla_put_u32(b.msg(), SCTPX_ASSOC_A_INIT_RETRIES, 17);
	nla_put_u32(b.msg(), SCTPX_ASSOC_A_MAX_INIT_RETRIES, 18);
	b.end(n);
	detail::Reply r;
	ASSERT_TRUE(detail::decode_entries(b.done().hdr(), r).ok());
	ASSERT_EQ(r.entries.size(), 1U);
	const AssocInfo &a = r.entries[0].info;
	EXPECT_EQ(a.peer_addrs.size(), std::size_t{SCTPX_ENTRY_PEER_ADDRS_MAX});
	EXPECT_EQ(a.peer_addr_count, 5000U);
	EXPECT_TRUE(a.peer_addrs_cut);
	EXPECT_EQ(a.local_vtag, 11U);
	EXPECT_EQ(a.peer_vtag, 12U);
	EXPECT_EQ(a.outstanding, 13U);
	EXPECT_EQ(a.queued, 14U);
	EXPECT_EQ(a.peer_rwnd, 15U);
	EXPECT_EQ(a.heard_ms, 16U);
	EXPECT_EQ(a.init_retries, 17U);
	EXPECT_EQ(a.max_init_retries, 18U);
}

TEST(Codec, TrailingBytesAreReportedAndEveryDescriptorKept)
{
	const int fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	ASSERT_GE(fd, 0);
	ReplyBuilder b(SCTPX_CMD_PEELOFF);
	b.brief_entry(5, fd);
	detail::Message m = b.done();
	/* Four bytes no attribute covers after the entry. */
	std::vector<std::uint32_t> words((m.hdr()->nlmsg_len + 4) / 4);
	std::memcpy(words.data(), m.hdr(), m.hdr()->nlmsg_len);
	auto *h = reinterpret_cast<nlmsghdr *>(words.data());
	words.back() = 0xdeadbeef;
	h->nlmsg_len += 4;
	detail::Reply r;
	auto res = detail::decode_entries(h, r);
	EXPECT_FALSE(res.ok());
	EXPECT_EQ(res.error().errnum(), EPROTO);
	EXPECT_TRUE(r.malformed);
	ASSERT_EQ(r.entries.size(), 1U);
	EXPECT_EQ(r.entries[0].fd, fd);
	EXPECT_EQ(fcntl(fd, F_GETFD), FD_CLOEXEC);
	close(fd);
}

TEST(Codec, DecodeInfoVersion2)
{
	auto m = info_reply(all_ops(), 128, 16);
	auto i = detail::decode_info(m.hdr());
	ASSERT_TRUE(i.ok());
	EXPECT_EQ(i->features, SCTPX_FEATURE_CONNECTX_HOOKS);
	EXPECT_EQ(i->counters.lost_replies_dropped, 2U);
}

TEST(Codec, DecodeShortMessage)
{
	nlmsghdr h{};
	h.nlmsg_len = NLMSG_HDRLEN;
	detail::Reply r;
	EXPECT_FALSE(detail::decode_entries(&h, r).ok());
}

} // namespace
} // namespace sctpx::test
