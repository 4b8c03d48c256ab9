// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The fallback's selections and peer checks, which must match the
 * module's (kmod/assoc.c, kmod/addr.c, kmod/connectx.c).
 */
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <netinet/sctp.h>

#include "fallback.hpp"

namespace sctpx::detail {
namespace {

Address A(const char *ip, std::uint16_t port = 0, std::uint32_t scope = 0)
{
	return *Address::parse(ip, port, scope);
}

AssocInfo assoc(AssocId id, int state, std::vector<Address> peers, std::uint64_t traffic = 0)
{
	AssocInfo a;
	a.id = id;
	a.state = state;
	a.peer_addrs = std::move(peers);
	a.counters.data_in = traffic;
	return a;
}

TEST(Select, AddressComparison)
{
	EXPECT_TRUE(addr_matches(A("10.0.0.1", 80), A("10.0.0.1")));
	EXPECT_TRUE(addr_matches(A("10.0.0.1", 80), A("10.0.0.1", 80)));
	EXPECT_FALSE(addr_matches(A("10.0.0.1", 80), A("10.0.0.1", 81)));
	EXPECT_TRUE(addr_matches(A("::ffff:10.0.0.1", 80), A("10.0.0.1"))) << "v4-mapped";
	EXPECT_TRUE(addr_matches(A("10.0.0.1"), A("::ffff:10.0.0.1")));
	EXPECT_FALSE(addr_matches(A("10.0.0.2"), A("::ffff:10.0.0.1")));
	EXPECT_TRUE(addr_matches(A("fe80::1", 0, 2), A("fe80::1"))) << "one without scope";
	EXPECT_FALSE(addr_matches(A("fe80::1", 0, 2), A("fe80::1", 0, 3)));
	EXPECT_TRUE(addr_matches(A("fe80::1", 0, 3), A("fe80::1", 0, 3)));
	EXPECT_FALSE(addr_matches(A("2001:db8::1"), A("2001:db8::2")));
}

TEST(Select, Criteria)
{
	const AssocInfo a = assoc(5, SCTP_ESTABLISHED, {A("10.0.0.1", 80), A("10.0.0.2", 80)});
	EXPECT_TRUE(selection_matches(Selection::all(), a));
	EXPECT_TRUE(selection_matches(Selection::established(), a));
	Selection s;
	s.states = state_bit(SCTP_COOKIE_WAIT);
	EXPECT_FALSE(selection_matches(s, a));
	EXPECT_TRUE(selection_matches(Selection::by_peer(A("10.0.0.2")), a)) << "any transport";
	EXPECT_FALSE(selection_matches(Selection::by_peer(A("10.0.0.3")), a));
	EXPECT_TRUE(selection_matches(Selection::by_peer_port(80), a));
	EXPECT_FALSE(selection_matches(Selection::by_peer_port(81), a));
}

TEST(Select, BusiestFirstTiesById)
{
	std::vector<AssocInfo> v{assoc(9, 4, {}, 5), assoc(3, 4, {}, 1), assoc(7, 4, {}, 5),
				 assoc(4, 4, {}, 9)};
	const std::uint32_t cut = order_and_limit(v, Selection::busiest(3));
	EXPECT_EQ(cut, 1U);
	ASSERT_EQ(v.size(), 3U);
	EXPECT_EQ(v[0].id, 4U);
	EXPECT_EQ(v[1].id, 7U);
	EXPECT_EQ(v[2].id, 9U);
}

TEST(Select, IdOrderWithoutLimit)
{
	std::vector<AssocId> got;
	std::vector<AssocInfo> v{assoc(9, 4, {}), assoc(3, 4, {})};
	EXPECT_EQ(order_and_limit(v, Selection::all()), 0U);
	EXPECT_EQ(v[0].id, 3U);
}

TEST(Select, PeerChecksInTheModulesOrder)
{
	SockFacts v4;
	v4.nonblocking = true;
	auto check = [](std::vector<Peer> peers, SockFacts f) {
		auto r = validate_peers(peers, f);
		return r ? std::string("ok") : r.error().extack;
	};
	EXPECT_EQ(check({}, v4), "missing peers (SCTPX_A_PEER)");
	EXPECT_EQ(check({Peer{}}, v4), "peer has no address");
	EXPECT_EQ(check({Peer{{A("10.0.0.1")}}}, v4), "address has no port");
	EXPECT_EQ(check({Peer{{A("10.0.0.1", 1), A("10.0.0.2", 2)}}}, v4),
		  "addresses of one peer must share one port");
	EXPECT_EQ(check({Peer{{A("::1", 1)}}}, v4), "IPv6 address on an IPv4 socket");
	SockFacts v6 = v4;
	v6.family = AF_INET6;
	EXPECT_EQ(check({Peer{{A("fe80::1", 1)}}}, v6), "link-local IPv6 address needs a scope id");
	EXPECT_EQ(check({Peer{{A("fe80::1", 1, 2)}}}, v6), "ok");
	v6.v6only = true;
	EXPECT_EQ(check({Peer{{A("10.0.0.1", 1)}}}, v6), "IPv4 address on an IPV6_V6ONLY socket");
	/*
	 * The order: cases with two faults each, where only the check that
	 * comes first may answer.
	 */
	EXPECT_EQ(check({Peer{}, Peer{{A("10.0.0.1")}}}, v4), "peer has no address")
		<< "peers in order";
	EXPECT_EQ(check({Peer{{A("10.0.0.1"), A("::1", 1)}}}, v4), "address has no port")
		<< "addresses in order";
	EXPECT_EQ(check({Peer{{A("10.0.0.1", 1), A("::1", 2)}}}, v4),
		  "addresses of one peer must share one port")
		<< "the port before the family";
	EXPECT_EQ(check({Peer{{A("fe80::1")}}}, v6), "address has no port")
		<< "the port before the scope";
	SockFacts blocking;
	EXPECT_EQ(check({Peer{{A("10.0.0.1")}}, Peer{{A("10.0.0.2", 1)}}}, blocking),
		  "address has no port")
		<< "the peers before the socket's blocking mode";
	EXPECT_EQ(check({Peer{{A("10.0.0.1", 1)}}}, blocking), "ok");
	EXPECT_EQ(check({Peer{{A("10.0.0.1", 1)}}, Peer{{A("10.0.0.2", 1)}}}, blocking),
		  "a batch of peers needs a non-blocking socket");
}

} // namespace
} // namespace sctpx::detail
