// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * `sctpx top`'s rates, stalled flag and order (tools/top_model.hpp).
 */
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <netinet/sctp.h>

#include "top_model.hpp"

namespace sctpx::cli::top {
namespace {

Sample S(int fd, AssocId id, std::uint64_t in, std::uint64_t out, std::uint32_t outstanding = 0,
	 std::uint32_t queued = 0, std::uint32_t heard_ms = 100)
{
	Sample s;
	s.fd = fd;
	s.id = id;
	s.state = SCTP_ESTABLISHED;
	s.data_in = in;
	s.data_out = out;
	s.detail = true;
	s.outstanding = outstanding;
	s.queued = queued;
	s.heard_ms = heard_ms;
	return s;
}

TEST(TopModel, RatesAreCounterDeltasOverTime)
{
	Tracks t;
	auto rows = refresh(t, {S(3, 1, 100, 50)}, 0.0, 5);
	ASSERT_EQ(rows.size(), 1U);
	EXPECT_EQ(rows[0].in_per_s, 0); /* first sight: no rate yet */
	rows = refresh(t, {S(3, 1, 120, 90)}, 2.0, 5);
	ASSERT_EQ(rows.size(), 1U);
	EXPECT_DOUBLE_EQ(rows[0].in_per_s, 10.0);
	EXPECT_DOUBLE_EQ(rows[0].out_per_s, 20.0);
	EXPECT_DOUBLE_EQ(rows[0].idle_s, 0.0);
}

TEST(TopModel, StalledWhenDataWaitsAndNothingMovesWhileThePeerAnswers)
{
	Tracks t;
	EXPECT_EQ(refresh(t, {S(3, 1, 10, 10, 1000, 4000)}, 0.0, 5)[0].stalled, Stall::No);
	EXPECT_EQ(refresh(t, {S(3, 1, 10, 10, 1000, 4000)}, 4.9, 5)[0].stalled, Stall::No);
	const auto rows = refresh(t, {S(3, 1, 10, 10, 1000, 4000)}, 5.0, 5);
	EXPECT_EQ(rows[0].stalled, Stall::Yes);
	EXPECT_DOUBLE_EQ(rows[0].idle_s, 5.0);
	/* Only queued data is enough, and so is only outstanding data. */
	Tracks q;
	refresh(q, {S(3, 1, 10, 10, 0, 1)}, 0.0, 1);
	EXPECT_EQ(refresh(q, {S(3, 1, 10, 10, 0, 1)}, 1.0, 1)[0].stalled, Stall::Yes);
	Tracks o;
	refresh(o, {S(3, 1, 10, 10, 1, 0)}, 0.0, 1);
	EXPECT_EQ(refresh(o, {S(3, 1, 10, 10, 1, 0)}, 1.0, 1)[0].stalled, Stall::Yes);
}

TEST(TopModel, MovingDataIsNotStalled)
{
	Tracks t;
	refresh(t, {S(3, 1, 10, 10, 1000, 4000)}, 0.0, 2);
	refresh(t, {S(3, 1, 10, 10, 1000, 4000)}, 1.5, 2);
	/* One DATA chunk out restarts the window. */
	auto rows = refresh(t, {S(3, 1, 10, 11, 1000, 4000)}, 2.5, 2);
	EXPECT_EQ(rows[0].stalled, Stall::No);
	EXPECT_DOUBLE_EQ(rows[0].idle_s, 0.0);
	rows = refresh(t, {S(3, 1, 10, 11, 1000, 4000)}, 4.0, 2);
	EXPECT_EQ(rows[0].stalled, Stall::No);
	rows = refresh(t, {S(3, 1, 10, 11, 1000, 4000)}, 4.5, 2);
	EXPECT_EQ(rows[0].stalled, Stall::Yes);
	/* DATA in counts as movement too. */
	rows = refresh(t, {S(3, 1, 11, 11, 1000, 4000)}, 9.0, 2);
	EXPECT_EQ(rows[0].stalled, Stall::No);
}

TEST(TopModel, IdleWithNothingWaitingIsNotStalled)
{
	Tracks t;
	refresh(t, {S(3, 1, 10, 10)}, 0.0, 1);
	EXPECT_EQ(refresh(t, {S(3, 1, 10, 10)}, 60.0, 1)[0].stalled, Stall::No);
}

TEST(TopModel, ASilentPeerIsNotAStall)
{
	/* Not heard within the window: the peer is gone, not the data stuck. */
	Tracks t;
	refresh(t, {S(3, 1, 10, 10, 500, 0, 9000)}, 0.0, 5);
	EXPECT_EQ(refresh(t, {S(3, 1, 10, 10, 500, 0, 5000)}, 6.0, 5)[0].stalled, Stall::No);
	EXPECT_EQ(refresh(t, {S(3, 1, 10, 10, 500, 0, 4999)}, 7.0, 5)[0].stalled, Stall::Yes);
}

TEST(TopModel, UnknownWithoutTheModulesFigures)
{
	Tracks t;
	Sample s = S(3, 1, 10, 10);
	s.detail = false;
	refresh(t, {s}, 0.0, 1);
	EXPECT_EQ(refresh(t, {s}, 10.0, 1)[0].stalled, Stall::Unknown);
}

TEST(TopModel, GoneAssociationsAreForgottenAndResetsStartOver)
{
	Tracks t;
	refresh(t, {S(3, 1, 10, 10), S(3, 2, 5, 5)}, 0.0, 5);
	refresh(t, {S(3, 1, 10, 10)}, 1.0, 5);
	EXPECT_EQ(t.size(), 1U);
	EXPECT_EQ(t.count({3, 2, 0}), 0U);
	/* Counters went backwards: another association on a reused fd/id. */
	const auto rows = refresh(t, {S(3, 1, 2, 2, 100, 0)}, 2.0, 1);
	EXPECT_EQ(rows[0].in_per_s, 0);
	EXPECT_DOUBLE_EQ(rows[0].idle_s, 0.0);
	EXPECT_EQ(rows[0].stalled, Stall::No);
}

TEST(TopModel, AnotherVtagIsANewAssociationEvenWithHigherCounters)
{
	/* fd 3 id 1 gone and both reused by an association that already sent more. */
	Tracks t;
	Sample a = S(3, 1, 10, 10, 100, 0);
	a.vtag = 0x1111;
	refresh(t, {a}, 0.0, 1);
	refresh(t, {a}, 5.0, 1);
	Sample b = S(3, 1, 500, 500, 100, 0);
	b.vtag = 0x2222;
	const auto rows = refresh(t, {b}, 6.0, 1);
	ASSERT_EQ(rows.size(), 1U);
	EXPECT_EQ(rows[0].in_per_s, 0); /* not (500 - 10) / 1 */
	EXPECT_EQ(rows[0].out_per_s, 0);
	EXPECT_DOUBLE_EQ(rows[0].idle_s, 0.0); /* its window starts now */
	EXPECT_EQ(rows[0].stalled, Stall::No);
	EXPECT_EQ(t.size(), 1U);
	EXPECT_EQ(t.count({3, 1, 0x2222}), 1U);
}

TEST(TopModel, RatesOfHugeCountersDoNotOverflow)
{
	Tracks t;
	const std::uint64_t big = UINT64_MAX - 10;
	refresh(t, {S(3, 1, big, big)}, 0.0, 5);
	const auto rows = refresh(t, {S(3, 1, big + 10, big + 4)}, 2.0, 5);
	EXPECT_DOUBLE_EQ(rows[0].in_per_s, 5.0);
	EXPECT_DOUBLE_EQ(rows[0].out_per_s, 2.0);
}

TEST(TopModel, BusiestFirstThenMostTrafficThenFdAndId)
{
	Tracks t;
	refresh(t, {S(4, 9, 0, 0), S(3, 2, 1000, 0), S(3, 1, 0, 0), S(5, 1, 0, 0)}, 0.0, 5);
	const auto rows =
		refresh(t, {S(4, 9, 0, 0), S(3, 2, 1000, 0), S(3, 1, 0, 0), S(5, 1, 10, 10)}, 1.0, 5);
	ASSERT_EQ(rows.size(), 4U);
	EXPECT_EQ(rows[0].s.fd, 5); /* 20 chunks/s */
	EXPECT_EQ(rows[1].s.id, 2U); /* idle, but 1000 chunks in all */
	EXPECT_EQ(rows[2].s.fd, 3); /* then fd, id */
	EXPECT_EQ(rows[2].s.id, 1U);
	EXPECT_EQ(rows[3].s.fd, 4);
}

} // namespace
} // namespace sctpx::cli::top
