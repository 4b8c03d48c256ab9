// SPDX-License-Identifier: LGPL-2.1-or-later
/* peeloff() of a selection: all, established, by peer, by port, busiest K. */
#include <netinet/in.h>
#include <netinet/sctp.h>
#include <set>
#include <unistd.h>

#include "env.hpp"

namespace sctpx::vm {
namespace {

using SelectTest = WayTest;

std::set<AssocId> ids_of(const PeelResult &r)
{
	std::set<AssocId> s;
	for (const Peeled &p : r.entries) {
		EXPECT_TRUE(p.fd.ok());
		s.insert(p.info.id);
	}
	return s;
}

TEST_P(SelectTest, All)
{
	Assocs a = make_assocs(5);
	auto r = client().peeloff(a.server.get(), Selection::all());
	ASSERT_TRUE(r.ok()) << r.error().message();
	EXPECT_EQ(r->path, expected_path(Op::Peeloff));
	EXPECT_EQ(ids_of(*r), std::set<AssocId>(a.ids.begin(), a.ids.end()));
	EXPECT_EQ(r->remaining, 0U);
	for (std::size_t i = 1; i < r->entries.size(); i++)
		EXPECT_LT(r->entries[i - 1].info.id, r->entries[i].info.id);
	auto none = client().peeloff(a.server.get(), Selection::all());
	ASSERT_TRUE(none.ok());
	EXPECT_TRUE(none->entries.empty());
}

TEST_P(SelectTest, EstablishedByPeerByPort)
{
	Assocs a = make_assocs(4);
	auto est = client().peeloff(a.server.get(), Selection::established(),
				    {PeelFlags(PeelFlag::CloseOnExec), Mode::BestEffort});
	ASSERT_TRUE(est.ok());
	EXPECT_EQ(est->entries.size(), 4U);

	Assocs b = make_assocs(3);
	auto peer = client().peeloff(
		b.server.get(), Selection::by_peer(*Address::parse("127.0.0.1", b.client_ports[1])));
	ASSERT_TRUE(peer.ok());
	EXPECT_EQ(ids_of(*peer), std::set<AssocId>{b.ids[1]});
	auto port = client().peeloff(b.server.get(), Selection::by_peer_port(b.client_ports[2]));
	ASSERT_TRUE(port.ok());
	EXPECT_EQ(ids_of(*port), std::set<AssocId>{b.ids[2]});
	EXPECT_EQ(assoc_count(b.server.get()), 1U);
}

TEST_P(SelectTest, BusiestK)
{
	Assocs a = make_assocs(5);
	/* Client i sends i messages: 4 and 3 are the busiest. */
	for (std::size_t i = 0; i < 5; i++)
		for (std::size_t m = 0; m < i; m++)
			send_msg(a.clients[i].get(), "x");
	/* Let the server's counters see every DATA chunk. */
	for (int tries = 0; tries < 100; tries++) {
		auto l = client().list(a.server.get());
		std::uint64_t total = 0;
		for (const AssocInfo &x : l->assocs)
			total += x.counters.data_in;
		if (total == 10)
			break;
		usleep(10000);
	}
	auto r = client().peeloff(a.server.get(), Selection::busiest(2));
	ASSERT_TRUE(r.ok()) << r.error().message();
	ASSERT_EQ(r->entries.size(), 2U);
	EXPECT_EQ(r->entries[0].info.id, a.ids[4]);
	EXPECT_EQ(r->entries[1].info.id, a.ids[3]);
	EXPECT_EQ(r->remaining, 3U);
}

/*
 * A selection matching more than max_batch: the library loops. On the
 * module path the module must have taken the new limit, and the call
 * must have been at least ceil(8 / 3) = 3 PEELOFF requests.
 */
TEST_P(SelectTest, SelectionAboveMaxBatchLoops)
{
	ASSERT_NO_FATAL_FAILURE(limit_batch(3));
	Assocs a = make_assocs(8);
	auto r = client().peeloff(a.server.get(), Selection::all());
	ASSERT_TRUE(r.ok()) << r.error().message();
	if (auto n = peeloff_requests_since()) {
		EXPECT_GE(*n, 3U) << "a selection of 8 at max_batch 3 went in fewer than 3 requests";
	}
	EXPECT_EQ(r->entries.size(), 8U);
	EXPECT_EQ(r->remaining, 0U);
	EXPECT_EQ(assoc_count(a.server.get()), 0U);
}

INSTANTIATE_TEST_SUITE_P(, SelectTest, ::testing::Values(Way::Module, Way::Forced, Way::Absent),
			 way_name);

} // namespace
} // namespace sctpx::vm
