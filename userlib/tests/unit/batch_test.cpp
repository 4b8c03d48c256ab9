// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Calls bigger than the module's limits: split into requests the module
 * accepts, results back in the caller's order.
 */
#include <fcntl.h>
#include <gtest/gtest.h>
#include <linux/sctpx.h>
#include <netinet/in.h>
#include <netinet/sctp.h>
#include <mutex>
#include <set>
#include <sys/socket.h>

#include "codec.hpp"
#include "fake_transport.hpp"

namespace sctpx::test {
namespace {

/* A fake module holding one socket's associations. */
struct FakeModule {
	std::uint32_t max_batch = 4;
	std::uint32_t max_peers = 3;
	std::set<std::uint32_t> assocs;
	std::vector<std::size_t> batch_sizes;
	std::uint32_t next_id = 100;
	std::mutex mu; /* calls may come from several threads */

	Result<std::vector<detail::Message>> handle(const Request &r)
	{
		const std::lock_guard lock(mu);
		switch (r.cmd()) {
		case SCTPX_CMD_INFO_GET:
			return std::vector<detail::Message>{info_reply(all_ops(), max_batch, max_peers)};
		case SCTPX_CMD_ASSOC_GET: {
			ReplyBuilder b(SCTPX_CMD_ASSOC_GET, NLM_F_MULTI);
			for (const std::uint32_t id : assocs)
				b.entry(id, SCTP_ESTABLISHED);
			return std::vector<detail::Message>{b.done()};
		}
		case SCTPX_CMD_PEELOFF:
			return peel(r);
		case SCTPX_CMD_CONNECTX:
			return connect(r);
		default:
			return Error{EOPNOTSUPP};
		}
	}

	Result<std::vector<detail::Message>> peel(const Request &r)
	{
		ReplyBuilder b(SCTPX_CMD_PEELOFF);
		if (const nlattr *sel = r.one(SCTPX_A_SELECT)) {
			nlattr *tb[SCTPX_SELECT_A_MAX + 1] = {};
			nla_parse_nested(tb, SCTPX_SELECT_A_MAX, const_cast<nlattr *>(sel), nullptr);
			const std::uint32_t limit = tb[SCTPX_SELECT_A_LIMIT] != nullptr
							    ? nla_get_u32(tb[SCTPX_SELECT_A_LIMIT])
							    : UINT32_MAX;
			if (limit > max_batch)
				return Error{E2BIG, "selection limit above max_batch"};
			std::uint32_t taken = 0;
			while (taken < limit && !assocs.empty()) {
				const std::uint32_t id = *assocs.begin();
				assocs.erase(assocs.begin());
				b.entry(id, SCTP_ESTABLISHED, open("/dev/null", O_RDONLY | O_CLOEXEC));
				taken++;
			}
			batch_sizes.push_back(taken);
			nla_put_u32(b.msg(), SCTPX_A_REMAINING, static_cast<std::uint32_t>(assocs.size()));
			return std::vector<detail::Message>{b.done()};
		}
		const auto ids = request_ids(r);
		if (ids.size() > max_batch)
			return Error{E2BIG, "more association ids than max_batch"};
		batch_sizes.push_back(ids.size());
		const bool brief = r.one(SCTPX_A_BRIEF) != nullptr;
		for (const std::uint32_t id : ids) {
			const bool ok = assocs.erase(id) != 0;
			const int fd = ok ? open("/dev/null", O_RDONLY | O_CLOEXEC) : -1;
			if (brief)
				b.brief_entry(id, fd, ok ? 0 : EINVAL);
			else if (ok)
				b.entry(id, SCTP_ESTABLISHED, fd);
			else
				b.entry(id, 0, -1, EINVAL);
		}
		return std::vector<detail::Message>{b.done()};
	}

	Result<std::vector<detail::Message>> connect(const Request &r)
	{
		const auto peers = r.all(SCTPX_A_PEER);
		if (peers.size() > max_peers)
			return Error{E2BIG, "more peers than max_peers"};
		batch_sizes.push_back(peers.size());
		ReplyBuilder b(SCTPX_CMD_CONNECTX);
		for (std::size_t i = 0; i < peers.size(); i++)
			b.entry(next_id++, SCTP_COOKIE_WAIT, -1, 0, static_cast<long>(i));
		return std::vector<detail::Message>{b.done()};
	}
};

struct BatchTest : ::testing::Test {
	std::shared_ptr<FakeKernel> k = std::make_shared<FakeKernel>();
	std::shared_ptr<FakeModule> m = std::make_shared<FakeModule>();

	Client client()
	{
		k->handler = [mod = m](const Request &r) { return mod->handle(r); };
		auto c = ClientAccess::make(fake_factory(k), {});
		EXPECT_TRUE(c.ok());
		return std::move(*c);
	}
};

TEST_F(BatchTest, SplitsIdsAndKeepsOrder)
{
	for (std::uint32_t id = 3; id < 14; id++)
		m->assocs.insert(id);
	Client c = client();
	const std::vector<AssocId> ids{13, 3, 9, 4, 12, 5, 11, 6, 10, 7};
	auto r = c.peeloff(7, ids);
	ASSERT_TRUE(r.ok()) << r.error().message();
	EXPECT_EQ(r->path, Path::Module);
	EXPECT_EQ(m->batch_sizes, (std::vector<std::size_t>{4, 4, 2}));
	ASSERT_EQ(r->entries.size(), ids.size());
	for (std::size_t i = 0; i < ids.size(); i++) {
		EXPECT_EQ(r->entries[i].info.id, ids[i]);
		EXPECT_TRUE(r->entries[i].fd.ok());
	}
	EXPECT_EQ(m->assocs, (std::set<std::uint32_t>{8}));
}

TEST_F(BatchTest, OneRequestWhenItFits)
{
	m->assocs = {3, 4};
	Client c = client();
	const std::vector<AssocId> ids{4, 99, 3};
	auto r = c.peeloff(7, ids);
	ASSERT_TRUE(r.ok());
	EXPECT_EQ(m->batch_sizes, (std::vector<std::size_t>{3}));
	EXPECT_TRUE(r->entries[0].fd.ok());
	ASSERT_FALSE(r->entries[1].fd.ok());
	EXPECT_EQ(r->entries[1].fd.error().errnum(), EINVAL);
	EXPECT_EQ(r->entries[1].info.id, 99U);
	EXPECT_TRUE(r->entries[2].fd.ok());
}

TEST_F(BatchTest, BriefAsksForIdAndFdOnlyAndBoundsEveryReply)
{
	for (std::uint32_t id = 3; id < 14; id++)
		m->assocs.insert(id);
	Client c = client();
	const std::vector<AssocId> ids{13, 3, 99, 4, 12, 5};
	PeelOptions o;
	o.brief = true;
	auto r = c.peeloff(7, ids, o);
	ASSERT_TRUE(r.ok()) << r.error().message();
	EXPECT_EQ(m->batch_sizes, (std::vector<std::size_t>{4, 2}));
	ASSERT_EQ(r->entries.size(), ids.size());
	for (std::size_t i = 0; i < ids.size(); i++) {
		EXPECT_EQ(r->entries[i].info.id, ids[i]);
		EXPECT_EQ(r->entries[i].fd.ok(), ids[i] != 99);
		EXPECT_TRUE(r->entries[i].info.peer_addrs.empty());
		EXPECT_EQ(r->entries[i].info.state, 0);
	}
	const std::lock_guard lock(k->mu);
	std::vector<std::size_t> bounds;
	for (const Request &q : k->requests) {
		if (q.cmd() != SCTPX_CMD_PEELOFF)
			continue;
		EXPECT_NE(q.one(SCTPX_A_BRIEF), nullptr);
		bounds.push_back(q.reply_max);
	}
	EXPECT_EQ(bounds, (std::vector<std::size_t>{detail::brief_peeloff_reply_max(4),
						    detail::brief_peeloff_reply_max(2)}));
}

TEST_F(BatchTest, FullRepliesHaveNoBound)
{
	m->assocs = {3};
	Client c = client();
	const std::vector<AssocId> ids{3};
	auto r = c.peeloff(7, ids);
	ASSERT_TRUE(r.ok());
	EXPECT_EQ(r->entries.at(0).info.state, SCTP_ESTABLISHED);
	const std::lock_guard lock(k->mu);
	for (const Request &q : k->requests) {
		EXPECT_EQ(q.one(SCTPX_A_BRIEF), nullptr);
		EXPECT_EQ(q.reply_max, 0U);
	}
}

TEST_F(BatchTest, RepeatAcrossChunksIsReportedAsARepeat)
{
	for (std::uint32_t id = 3; id < 10; id++)
		m->assocs.insert(id);
	Client c = client();
	const std::vector<AssocId> ids{3, 4, 5, 6, 7, 3};
	auto r = c.peeloff(7, ids);
	ASSERT_TRUE(r.ok());
	ASSERT_FALSE(r->entries[5].fd.ok());
	EXPECT_EQ(r->entries[5].fd.error().extack, "association id repeated in the request");
	EXPECT_EQ(m->batch_sizes, (std::vector<std::size_t>{4, 1}));
}

TEST_F(BatchTest, AllOrNothingChecksEveryChunkFirst)
{
	for (std::uint32_t id = 3; id < 10; id++)
		m->assocs.insert(id);
	Client c = client();
	const std::vector<AssocId> ids{3, 4, 5, 6, 7, 42};
	PeelOptions o;
	o.mode = Mode::AllOrNothing;
	auto r = c.peeloff(7, ids, o);
	ASSERT_FALSE(r.ok());
	EXPECT_EQ(r.error().errnum(), EINVAL);
	EXPECT_EQ(r.error().extack, "no such association on this socket");
	EXPECT_TRUE(m->batch_sizes.empty()) << "nothing may be peeled";
	EXPECT_EQ(m->assocs.size(), 7U);
}

TEST_F(BatchTest, SelectionLoopsUntilNothingRemains)
{
	for (std::uint32_t id = 3; id < 13; id++)
		m->assocs.insert(id);
	Client c = client();
	auto r = c.peeloff(7, Selection::all());
	ASSERT_TRUE(r.ok());
	EXPECT_EQ(m->batch_sizes, (std::vector<std::size_t>{4, 4, 2}));
	ASSERT_EQ(r->entries.size(), 10U);
	for (std::size_t i = 0; i < 10; i++)
		EXPECT_EQ(r->entries[i].info.id, 3 + i);
	EXPECT_EQ(r->remaining, 0U);
}

TEST_F(BatchTest, SelectionLimitAboveMaxBatch)
{
	for (std::uint32_t id = 3; id < 13; id++)
		m->assocs.insert(id);
	Client c = client();
	Selection s;
	s.limit = 6;
	auto r = c.peeloff(7, s);
	ASSERT_TRUE(r.ok());
	EXPECT_EQ(m->batch_sizes, (std::vector<std::size_t>{4, 2}));
	EXPECT_EQ(r->entries.size(), 6U);
	EXPECT_EQ(r->remaining, 4U);
}

TEST_F(BatchTest, ConnectxSplitsPeersAndRebasesIndexes)
{
	Client c = client();
	std::vector<Peer> peers(7);
	for (auto &p : peers)
		p.addrs = {*Address::parse("127.0.0.1", 9)};
	int sv[2];
	ASSERT_EQ(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, sv), 0);
	const Fd a(sv[0]);
	const Fd b(sv[1]);
	auto r = c.connectx(a.get(), peers);
	ASSERT_TRUE(r.ok()) << r.error().message();
	EXPECT_EQ(m->batch_sizes, (std::vector<std::size_t>{3, 3, 1}));
	ASSERT_EQ(r->peers.size(), 7U);
	for (std::uint32_t i = 0; i < 7; i++) {
		EXPECT_EQ(r->peers[i].peer_index, i);
		ASSERT_TRUE(r->peers[i].result.ok());
		EXPECT_EQ(r->peers[i].result->id, 100 + i);
		EXPECT_EQ(r->peers[i].id, 100 + i);
		EXPECT_EQ(r->peers[i].state, SCTP_COOKIE_WAIT);
	}
	EXPECT_FALSE(r->wait_end.has_value()) << "no wait was asked for";
}

TEST_F(BatchTest, StaleLimitIsRefreshedOnE2big)
{
	for (std::uint32_t id = 3; id < 13; id++)
		m->assocs.insert(id);
	Client c = client();
	m->max_batch = 2; /* lowered at run time, after the client probed */
	const std::vector<AssocId> ids{3, 4, 5, 6};
	auto r = c.peeloff(7, ids);
	ASSERT_TRUE(r.ok()) << r.error().message();
	EXPECT_EQ(m->batch_sizes, (std::vector<std::size_t>{2, 2}));
}

} // namespace
} // namespace sctpx::test
