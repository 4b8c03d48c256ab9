// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * connectx's wait in user space (family version 2: the module never
 * waits), against a fake module whose associations change state as time
 * passes: bounded queries of the pending ids only, a backoff, the
 * caller's deadline (which a test can miss both ways), signals, and the
 * truth about associations that vanish.
 */
#include <atomic>
#include <csignal>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <linux/sctpx.h>
#include <map>
#include <mutex>
#include <netinet/in.h>
#include <netinet/sctp.h>
#include <pthread.h>
#include <sys/socket.h>
#include <thread>

#include "child.hpp"
#include "connect_wait.hpp"
#include "fake_transport.hpp"
#include "peeled.hpp"

namespace sctpx::test {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

struct FakeAssoc {
	int state = SCTP_COOKIE_WAIT;
	std::uint32_t init_retries = 0;
	std::uint32_t max_init_retries = 8;
	/* Becomes ESTABLISHED at this many queries; 0: never. */
	int established_at_query = 0;
	/* Vanishes at this many queries; 0: never. */
	int gone_at_query = 0;
};

struct WaitModule {
	std::mutex mu;
	std::uint32_t next_id = 50;
	std::map<std::uint32_t, FakeAssoc> assocs;
	std::vector<FakeAssoc> plan; /* for the peers, in order */
	int queries = 0;
	std::vector<std::size_t> query_sizes;
	bool unfiltered_query = false;

	Result<std::vector<detail::Message>> handle(const Request &r)
	{
		const std::lock_guard lock(mu);
		switch (r.cmd()) {
		case SCTPX_CMD_INFO_GET:
			return std::vector<detail::Message>{info_reply(all_ops(), 4, 64)};
		case SCTPX_CMD_CONNECTX: {
			ReplyBuilder b(SCTPX_CMD_CONNECTX);
			const auto peers = r.all(SCTPX_A_PEER);
			for (std::size_t i = 0; i < peers.size(); i++) {
				const std::uint32_t id = next_id++;
				const std::size_t k = assocs.size();
				assocs[id] = k < plan.size() ? plan[k] : FakeAssoc{};
				b.entry(id, SCTP_COOKIE_WAIT, -1, 0, static_cast<long>(i));
			}
			return std::vector<detail::Message>{b.done()};
		}
		case SCTPX_CMD_ASSOC_GET:
			return list(r);
		case SCTPX_CMD_PEELOFF: {
			ReplyBuilder b(SCTPX_CMD_PEELOFF);
			for (const std::uint32_t id : request_ids(r)) {
				assocs.erase(id);
				b.brief_entry(id, open("/dev/null", O_RDONLY | O_CLOEXEC));
			}
			return std::vector<detail::Message>{b.done()};
		}
		default:
			return Error{EOPNOTSUPP};
		}
	}

	Result<std::vector<detail::Message>> list(const Request &r)
	{
		queries++;
		std::vector<std::uint32_t> ids;
		if (const nlattr *sel = r.one(SCTPX_A_SELECT)) {
			const nlattr *pos = nullptr;
			int rem = 0;
			nla_for_each_nested(pos, sel, rem)
				if (nla_type(pos) == SCTPX_SELECT_A_ASSOC_ID)
					ids.push_back(nla_get_u32(pos));
		}
		if (ids.empty())
			unfiltered_query = true;
		query_sizes.push_back(ids.size());
		/* The module's limit: at most max_batch ids a query. */
		if (ids.size() > 4)
			return Error{E2BIG, "more association ids than max_batch"};
		ReplyBuilder b(SCTPX_CMD_ASSOC_GET, NLM_F_MULTI);
		for (const std::uint32_t id : ids) {
			auto it = assocs.find(id);
			if (it == assocs.end())
				continue;
			FakeAssoc &a = it->second;
			if (a.gone_at_query != 0 && queries >= a.gone_at_query) {
				assocs.erase(it);
				continue;
			}
			if (a.established_at_query != 0 && queries >= a.established_at_query)
				a.state = SCTP_ESTABLISHED;
			else if (a.state == SCTP_COOKIE_WAIT && a.init_retries < a.max_init_retries)
				a.init_retries++;
			nlattr *n = b.nest(SCTPX_A_ASSOC);
			nla_put_u32(b.msg(), SCTPX_ASSOC_A_ID, id);
			nla_put_u32(b.msg(), SCTPX_ASSOC_A_STATE, static_cast<std::uint32_t>(a.state));
			nla_put_u32(b.msg(), SCTPX_ASSOC_A_INIT_RETRIES, a.init_retries);
			nla_put_u32(b.msg(), SCTPX_ASSOC_A_MAX_INIT_RETRIES, a.max_init_retries);
			b.end(n);
		}
		return std::vector<detail::Message>{b.done(), done_reply(0)};
	}
};

struct WaitTest : ::testing::Test {
	std::shared_ptr<FakeKernel> k = std::make_shared<FakeKernel>();
	std::shared_ptr<WaitModule> m = std::make_shared<WaitModule>();
	Fd sock, other;

	void SetUp() override
	{
		int sv[2];
		ASSERT_EQ(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, sv), 0);
		sock.reset(sv[0]);
		other.reset(sv[1]);
		detail::forget_peeled();
	}

	Client client()
	{
		k->handler = [mod = m](const Request &r) { return mod->handle(r); };
		auto c = ClientAccess::make(fake_factory(k), {});
		EXPECT_TRUE(c.ok());
		return std::move(*c);
	}

	static std::vector<Peer> peers(std::size_t n)
	{
		return std::vector<Peer>(n, Peer{{*Address::parse("127.0.0.1", 9)}});
	}

	/*
	 * One peer connected with a 3 s wait in a thread while this thread
	 * peels its association off through the same client: the wait must
	 * settle with the peer alive, not failed.
	 */
	void expect_alive_when_peeled_during_the_wait(Client &c)
	{
		ConnectOptions o;
		o.wait = 3s;
		std::atomic<bool> done{false};
		Result<ConnectResult> r{Error{}};
		std::thread waiter([&] {
			r = c.connectx(sock.get(), peers(1), o);
			done = true;
		});
		std::uint32_t id = 0;
		for (int i = 0; i < 200 && id == 0; i++) {
			std::this_thread::sleep_for(5ms);
			const std::lock_guard lock(m->mu);
			if (!m->assocs.empty())
				id = m->assocs.begin()->first;
		}
		ASSERT_NE(id, 0U);
		const std::vector<AssocId> ids{id};
		PeelOptions po;
		po.brief = true;
		auto p = c.peeloff(sock.get(), ids, po);
		waiter.join();
		ASSERT_TRUE(p.ok());
		ASSERT_TRUE(p->entries[0].fd.ok());
		ASSERT_TRUE(done);
		ASSERT_TRUE(r.ok());
		EXPECT_EQ(*r->wait_end, WaitEnd::Settled);
		ASSERT_TRUE(r->peers[0].result.ok()) << "peeled, not failed: "
						     << r->peers[0].result.error().message();
		EXPECT_EQ(r->peers[0].result->id, id);
	}
};

TEST_F(WaitTest, AllEstablishedSettlesEarlyWithBoundedQueriesOfPendingIdsOnly)
{
	m->plan = {FakeAssoc{SCTP_COOKIE_WAIT, 0, 8, 2, 0}, FakeAssoc{SCTP_COOKIE_WAIT, 0, 8, 3, 0},
		   FakeAssoc{SCTP_COOKIE_WAIT, 0, 8, 3, 0}, FakeAssoc{SCTP_COOKIE_WAIT, 0, 8, 5, 0},
		   FakeAssoc{SCTP_COOKIE_WAIT, 0, 8, 5, 0}, FakeAssoc{SCTP_COOKIE_WAIT, 0, 8, 6, 0}};
	Client c = client();
	ConnectOptions o;
	o.wait = 10s;
	const auto t0 = Clock::now();
	auto r = c.connectx(sock.get(), peers(6), o);
	const auto took = Clock::now() - t0;
	ASSERT_TRUE(r.ok()) << r.error().message();
	ASSERT_TRUE(r->wait_end.has_value());
	EXPECT_EQ(*r->wait_end, WaitEnd::Settled);
	for (const PeerOutcome &p : r->peers) {
		ASSERT_TRUE(p.result.ok()) << p.result.error().message();
		EXPECT_EQ(p.result->state, SCTP_ESTABLISHED);
		EXPECT_EQ(p.state, SCTP_ESTABLISHED);
	}
	EXPECT_LT(took, 2s) << "settled long before the deadline";
	EXPECT_FALSE(m->unfiltered_query) << "never a listing of the whole socket";
	for (const std::size_t n : m->query_sizes)
		EXPECT_LE(n, 4U) << "queries split at max_batch ids";
	/* 6 pending ids at max_batch 4: two queries a round, then fewer as they settle. */
	EXPECT_GE(m->query_sizes.size(), 6U);
	EXPECT_LE(m->query_sizes.size(), 12U);
}

TEST_F(WaitTest, DeadlineIsKeptNeitherEarlyNorLate)
{
	Client c = client(); /* every association stays in COOKIE_WAIT */
	ConnectOptions o;
	o.wait = 120ms;
	const auto t0 = Clock::now();
	auto r = c.connectx(sock.get(), peers(2), o);
	const auto took = Clock::now() - t0;
	ASSERT_TRUE(r.ok()) << r.error().message();
	EXPECT_EQ(*r->wait_end, WaitEnd::Timeout);
	EXPECT_GE(took, 120ms) << "returned before the deadline";
	EXPECT_LT(took, 120ms + 60ms) << "overslept the deadline (one backoff step at most)";
	for (const PeerOutcome &p : r->peers) {
		ASSERT_FALSE(p.result.ok());
		EXPECT_EQ(p.result.error().errnum(), EINPROGRESS);
		EXPECT_NE(p.id, 0U) << "the id is kept with EINPROGRESS";
		EXPECT_EQ(p.state, SCTP_COOKIE_WAIT);
	}
	/* Backoff: 1 ms doubling to 50 ms makes about 8 rounds in 120 ms, not 240. */
	EXPECT_LE(m->queries, 12);
	EXPECT_GE(m->queries, 4);
}

TEST_F(WaitTest, SocketSendTimeoutBoundsTheWait)
{
	const timeval tv{0, 80000};
	/* SO_SNDTIMEO on the AF_UNIX stand-in: the library only reads it. */
	ASSERT_EQ(setsockopt(sock.get(), SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)), 0);
	Client c = client();
	ConnectOptions o;
	o.wait = 10s;
	const auto t0 = Clock::now();
	auto r = c.connectx(sock.get(), peers(1), o);
	const auto took = Clock::now() - t0;
	ASSERT_TRUE(r.ok());
	EXPECT_EQ(*r->wait_end, WaitEnd::Timeout);
	EXPECT_GE(took, 80ms);
	EXPECT_LT(took, 1s);
	timeval after{};
	socklen_t len = sizeof(after);
	ASSERT_EQ(getsockopt(sock.get(), SOL_SOCKET, SO_SNDTIMEO, &after, &len), 0);
	EXPECT_EQ(after.tv_usec, 80000) << "the caller's socket is left as it was";
	EXPECT_NE(fcntl(sock.get(), F_GETFL) & O_NONBLOCK, 0);
}

TEST_F(WaitTest, EndlessWaitSaturatesInsteadOfOverflowing)
{
	const auto now = Clock::now();
	EXPECT_EQ(detail::saturating_deadline(now, std::chrono::milliseconds::max()),
		  Clock::time_point::max());
	EXPECT_EQ(detail::saturating_deadline(now, 5ms), now + 5ms);
	m->plan = {FakeAssoc{SCTP_COOKIE_WAIT, 0, 8, 2, 0}};
	Client c = client();
	ConnectOptions o;
	o.wait = std::chrono::milliseconds::max();
	auto r = c.connectx(sock.get(), peers(1), o);
	ASSERT_TRUE(r.ok());
	EXPECT_EQ(*r->wait_end, WaitEnd::Settled);
	ASSERT_TRUE(r->peers[0].result.ok());
}

TEST_F(WaitTest, EstablishedIsFinalEvenIfItEndsWhileOthersArePending)
{
	/* Peer 0 is established at the first look, then aborts; peer 1 never answers. */
	m->plan = {FakeAssoc{SCTP_COOKIE_WAIT, 0, 8, 1, 2}, FakeAssoc{}};
	Client c = client();
	ConnectOptions o;
	o.wait = 100ms;
	auto r = c.connectx(sock.get(), peers(2), o);
	ASSERT_TRUE(r.ok());
	ASSERT_TRUE(r->peers[0].result.ok()) << r->peers[0].result.error().message();
	EXPECT_EQ(r->peers[0].result->state, SCTP_ESTABLISHED);
	EXPECT_EQ(r->peers[1].result.error().errnum(), EINPROGRESS);
}

TEST_F(WaitTest, VanishedAssociationsSayWhy)
{
	/* 0: INIT retries exhausted, then gone; 1: gone at once (refused). */
	m->plan = {FakeAssoc{SCTP_COOKIE_WAIT, 0, 2, 0, 4}, FakeAssoc{SCTP_COOKIE_WAIT, 0, 8, 0, 1}};
	Client c = client();
	ConnectOptions o;
	o.wait = 5s;
	auto r = c.connectx(sock.get(), peers(2), o);
	ASSERT_TRUE(r.ok());
	EXPECT_EQ(*r->wait_end, WaitEnd::Settled);
	ASSERT_FALSE(r->peers[0].result.ok());
	EXPECT_EQ(r->peers[0].result.error().errnum(), ETIMEDOUT);
	ASSERT_FALSE(r->peers[1].result.ok());
	EXPECT_EQ(r->peers[1].result.error().errnum(), ECONNREFUSED);
	EXPECT_NE(r->peers[1].id, 0U);
}

TEST_F(WaitTest, PeeledMeanwhileByThisProcessIsAlive)
{
	Client c = client(); /* stays in COOKIE_WAIT until peeled */
	expect_alive_when_peeled_during_the_wait(c);
}

/*
 * The peeler is slow to note what it peeled (preempted after the kernel's
 * peel): the wait, which sees the association gone meanwhile, asks again
 * instead of calling it failed.
 */
TEST_F(WaitTest, PeeledButNotYetNotedIsAskedAgain)
{
	Client c = client();
	k->handler = [mod = m](const Request &rq) {
		auto res = mod->handle(rq);
		if (rq.cmd() == SCTPX_CMD_PEELOFF)
			std::this_thread::sleep_for(150ms);
		return res;
	};
	expect_alive_when_peeled_during_the_wait(c);
}

/* With no peeloff under way, a vanished association is not waited for. */
TEST_F(WaitTest, PeelSeenSaysNotYetOnlyWhileAPeeloffIsUnderWay)
{
	const detail::PeelWatch watch(true);
	detail::forget_peeled();
	EXPECT_EQ(detail::peel_seen(sock.get(), 41), detail::PeelSeen::NotPeeled);
	{
		const detail::PeelInFlight busy;
		EXPECT_EQ(detail::peel_seen(sock.get(), 41), detail::PeelSeen::NotYet);
		detail::note_peeled(sock.get(), std::vector<AssocId>{41});
		EXPECT_EQ(detail::peel_seen(sock.get(), 41), detail::PeelSeen::Peeled);
	}
	EXPECT_EQ(detail::peel_seen(sock.get(), 42), detail::PeelSeen::NotPeeled);
	detail::forget_peeled();
}

TEST_F(WaitTest, PeeledRecordIsPerParentSocketAndBounded)
{
	const detail::PeelWatch watch(true);
	detail::note_peeled(sock.get(), std::vector<AssocId>{7});
	EXPECT_TRUE(detail::was_peeled(sock.get(), 7));
	EXPECT_FALSE(detail::was_peeled(other.get(), 7)) << "another parent socket";
	EXPECT_FALSE(detail::was_peeled(sock.get(), 8));
	std::vector<AssocId> many(detail::kPeeledRecordMax);
	for (std::size_t i = 0; i < many.size(); i++)
		many[i] = static_cast<AssocId>(100 + i);
	detail::note_peeled(other.get(), many);
	EXPECT_FALSE(detail::was_peeled(sock.get(), 7)) << "the oldest is forgotten past the bound";
	EXPECT_TRUE(detail::was_peeled(other.get(), 100));
	EXPECT_TRUE(detail::was_peeled(other.get(), static_cast<AssocId>(100 + many.size() - 1)));
	detail::forget_peeled();
}

/*
 * Peels are recorded only while a connectx that waits is running (a
 * PeelWatch lives): no wait could ask about the others.
 */
TEST_F(WaitTest, PeeledRecordOnlyWhileAWaitWatches)
{
	detail::forget_peeled();
	detail::note_peeled(sock.get(), std::vector<AssocId>{21});
	EXPECT_FALSE(detail::was_peeled(sock.get(), 21)) << "no watch: not recorded";
	{
		const detail::PeelWatch off(false);
		detail::note_peeled(sock.get(), std::vector<AssocId>{22});
		EXPECT_FALSE(detail::was_peeled(sock.get(), 22)) << "a watch that is off";
	}
	{
		const detail::PeelWatch outer(true);
		{
			const detail::PeelWatch inner(true);
			detail::note_peeled(sock.get(), std::vector<AssocId>{23});
		}
		detail::note_peeled(sock.get(), std::vector<AssocId>{24});
		EXPECT_TRUE(detail::was_peeled(sock.get(), 23));
		EXPECT_TRUE(detail::was_peeled(sock.get(), 24)) << "one watch still lives";
	}
	detail::note_peeled(sock.get(), std::vector<AssocId>{25});
	EXPECT_FALSE(detail::was_peeled(sock.get(), 25)) << "every watch ended";
	EXPECT_TRUE(detail::was_peeled(sock.get(), 23)) << "what was recorded stays";
	detail::forget_peeled();
}

/* With no connectx waiting, a peel's note makes no system call at all. */
TEST_F(WaitTest, PeeledRecordMakesNoSystemCallWithoutAWatch)
{
	constexpr int kCalls = 1000;
	PeelResult r;
	r.entries.resize(2);
	r.entries[0].info.id = 31;
	r.entries[0].fd = Fd(dup(sock.get()));
	r.entries[1].info.id = 32;
	r.entries[1].fd = Fd(dup(sock.get()));
	const std::vector<AssocId> ids{33, 34};
	const int fd = sock.get();
	EXPECT_EQ(child_status(plain_fork,
				     [&] {
					     if (!forbid_system_calls())
						     return 40;
					     for (int i = 0; i < kCalls; i++) {
						     detail::note_peeled(fd, r);
						     detail::note_peeled(fd, ids);
					     }
					     return 0;
				     }),
		  0)
		<< kKilledBySigsys << ": a system call while noting a peel";
	/* The same filter catches the fstat() a watched note makes. */
	EXPECT_EQ(child_status(plain_fork,
				     [&] {
					     const detail::PeelWatch watch(true);
					     if (!forbid_system_calls())
						     return 40;
					     detail::note_peeled(fd, ids);
					     return 0;
				     }),
		  kKilledBySigsys);
}

/* A result is noted whole, but only its entries that got a descriptor. */
TEST_F(WaitTest, PeeledRecordTakesOnlyEntriesWithADescriptor)
{
	const detail::PeelWatch watch(true);
	detail::forget_peeled();
	PeelResult r;
	r.entries.resize(3);
	r.entries[0].info.id = 11;
	r.entries[0].fd = Fd(dup(sock.get()));
	ASSERT_TRUE(r.entries[0].fd.ok() && r.entries[0].fd->get() >= 0);
	r.entries[1].info.id = 12;
	r.entries[1].fd = Error{ENOENT};
	r.entries[2].info.id = 13;
	r.entries[2].fd = Fd(dup(sock.get()));
	detail::note_peeled(sock.get(), r);
	EXPECT_TRUE(detail::was_peeled(sock.get(), 11));
	EXPECT_FALSE(detail::was_peeled(sock.get(), 12)) << "failed: not on a socket of its own";
	EXPECT_TRUE(detail::was_peeled(sock.get(), 13));
	EXPECT_FALSE(detail::was_peeled(other.get(), 11)) << "another parent socket";
	/* Nothing peeled: nothing noted, and the descriptors stay the caller's. */
	PeelResult none;
	none.entries.resize(1);
	none.entries[0].info.id = 14;
	none.entries[0].fd = Error{EINVAL};
	detail::note_peeled(sock.get(), none);
	EXPECT_FALSE(detail::was_peeled(sock.get(), 14));
	EXPECT_GE(fcntl(r.entries[0].fd->get(), F_GETFD), 0) << "the record never closes a descriptor";
	detail::forget_peeled();
}

void on_usr1(int /*sig*/) {}

TEST_F(WaitTest, SignalEndsTheWaitWithEintr)
{
	struct sigaction sa {};
	sa.sa_handler = on_usr1;
	sa.sa_flags = SA_RESTART; /* the wait ends all the same, as nanosleep() does */
	struct sigaction old {};
	ASSERT_EQ(sigaction(SIGUSR1, &sa, &old), 0);
	Client c = client();
	ConnectOptions o;
	o.wait = 5s;
	const pthread_t self = pthread_self();
	std::thread poke([self] {
		std::this_thread::sleep_for(60ms);
		pthread_kill(self, SIGUSR1);
	});
	const auto t0 = Clock::now();
	auto r = c.connectx(sock.get(), peers(2), o);
	const auto took = Clock::now() - t0;
	poke.join();
	sigaction(SIGUSR1, &old, nullptr);
	ASSERT_TRUE(r.ok());
	EXPECT_EQ(*r->wait_end, WaitEnd::Signal);
	EXPECT_LT(took, 1s);
	for (const PeerOutcome &p : r->peers) {
		ASSERT_FALSE(p.result.ok());
		EXPECT_EQ(p.result.error().errnum(), EINTR);
		EXPECT_NE(p.id, 0U);
	}
}

} // namespace
} // namespace sctpx::test
