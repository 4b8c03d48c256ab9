// SPDX-License-Identifier: LGPL-2.1-or-later
/* peeloff() of explicit ids: results, flags, data, errors, limits. */
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/sctp.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <map>
#include <optional>
#include <semaphore>
#include <thread>

#include "env.hpp"
#include "sctpx/sctpx.h"

namespace sctpx::vm {
namespace {

using PeeloffTest = WayTest;

TEST_P(PeeloffTest, IdsInOrderWithFlagsDataAndDescription)
{
	Assocs a = make_assocs(6);
	for (std::size_t i = 0; i < 6; i++)
		send_msg(a.clients[i].get(), "msg " + std::to_string(i));
	const std::vector<AssocId> ids{a.ids[4], a.ids[0], a.ids[2]};
	const std::vector<std::size_t> who{4, 0, 2};
	PeelOptions o;
	o.flags = PeelFlag::NonBlock | PeelFlag::CloseOnExec;
	auto r = client().peeloff(a.server.get(), ids, o);
	ASSERT_TRUE(r.ok()) << r.error().message();
	EXPECT_EQ(r->path, expected_path(Op::Peeloff));
	ASSERT_EQ(r->entries.size(), 3U);
	for (std::size_t k = 0; k < 3; k++) {
		const Peeled &p = r->entries[k];
		ASSERT_TRUE(p.fd.ok()) << p.fd.error().message();
		EXPECT_EQ(p.info.id, ids[k]);
		EXPECT_TRUE(nonblocking(p.fd->get()));
		EXPECT_TRUE(cloexec(p.fd->get()));
		EXPECT_EQ(recv_msg(p.fd->get()), "msg " + std::to_string(who[k]))
			<< "data queued before the peel follows the association";
		ASSERT_FALSE(p.info.peer_addrs.empty());
		EXPECT_EQ(p.info.peer_addrs[0].port(), a.client_ports[who[k]]);
		EXPECT_EQ(p.info.state, SCTP_ESTABLISHED);
		EXPECT_GT(p.info.outstreams, 0);
		EXPECT_EQ(p.info.counters.data_in, 1U);
		/* The new socket works both ways. */
		send_msg(p.fd->get(), "reply");
		EXPECT_EQ(recv_msg(a.clients[who[k]].get()), "reply");
	}
	EXPECT_EQ(assoc_count(a.server.get()), 3U);
}

TEST_P(PeeloffTest, WithoutFlagsBlockingAndInheritable)
{
	Assocs a = make_assocs(1);
	auto r = client().peeloff(a.server.get(), a.ids);
	ASSERT_TRUE(r.ok());
	ASSERT_TRUE(r->entries[0].fd.ok());
	EXPECT_FALSE(nonblocking(r->entries[0].fd->get()));
	EXPECT_FALSE(cloexec(r->entries[0].fd->get()));
}

TEST_P(PeeloffTest, BestEffortReportsEachEntry)
{
	Assocs a = make_assocs(2);
	const std::vector<AssocId> ids{a.ids[0], 999999, a.ids[0], 1, a.ids[1]};
	auto r = client().peeloff(a.server.get(), ids);
	ASSERT_TRUE(r.ok()) << r.error().message();
	ASSERT_EQ(r->entries.size(), 5U);
	EXPECT_TRUE(r->entries[0].fd.ok());
	for (std::size_t k : {1, 2, 3}) {
		ASSERT_FALSE(r->entries[k].fd.ok());
		EXPECT_EQ(r->entries[k].fd.error().errnum(), EINVAL);
		EXPECT_EQ(r->entries[k].info.id, ids[k]);
	}
	EXPECT_TRUE(r->entries[4].fd.ok());
	EXPECT_EQ(assoc_count(a.server.get()), 0U);
}

TEST_P(PeeloffTest, AllOrNothingPeelsNothingOnABadId)
{
	Assocs a = make_assocs(3);
	const std::vector<AssocId> ids{a.ids[0], a.ids[1], 999999};
	PeelOptions o;
	o.mode = Mode::AllOrNothing;
	auto r = client().peeloff(a.server.get(), ids, o);
	ASSERT_FALSE(r.ok());
	EXPECT_EQ(r.error().errnum(), EINVAL);
	EXPECT_EQ(r.error().extack, "no such association on this socket");
	EXPECT_EQ(assoc_count(a.server.get()), 3U);
	auto reserved = client().peeloff(a.server.get(), std::vector<AssocId>{a.ids[0], 2}, o);
	EXPECT_EQ(reserved.error().extack, "association id 0, 1 and 2 are reserved");
	auto ok = client().peeloff(a.server.get(), a.ids, o);
	ASSERT_TRUE(ok.ok());
	EXPECT_EQ(assoc_count(a.server.get()), 0U);
}

TEST_P(PeeloffTest, SocketErrors)
{
	Assocs a = make_assocs(1);
	const std::vector<AssocId> ids{a.ids[0]};
	auto one = client().peeloff(a.clients[0].get(), ids);
	ASSERT_FALSE(one.ok());
	EXPECT_EQ(one.error().errnum(), EINVAL);
	EXPECT_EQ(one.error().extack, "socket is not a one-to-many SCTP socket");
	auto bad = client().peeloff(-1, ids);
	EXPECT_EQ(bad.error().errnum(), EBADF);
	auto empty = client().peeloff(a.server.get(), std::vector<AssocId>{});
	EXPECT_EQ(empty.error().errnum(), EINVAL);
	EXPECT_EQ(assoc_count(a.server.get()), 1U);
}

/* EMFILE must cost no association, on either path. */
TEST_P(PeeloffTest, DescriptorTableFullLosesNothing)
{
	Assocs a = make_assocs(5);
	rlimit saved{};
	ASSERT_EQ(getrlimit(RLIMIT_NOFILE, &saved), 0);
	/* Fill the table under a low limit, then free exactly two slots. */
	rlimit low = saved;
	low.rlim_cur = static_cast<rlim_t>(a.clients.back().get()) + 64;
	ASSERT_EQ(setrlimit(RLIMIT_NOFILE, &low), 0);
	std::vector<Fd> filler;
	for (;;) {
		Fd f(dup(a.server.get()));
		if (!f)
			break;
		filler.push_back(std::move(f));
	}
	filler.pop_back();
	filler.pop_back();
	auto r = client().peeloff(a.server.get(), a.ids);
	filler.clear();
	ASSERT_EQ(setrlimit(RLIMIT_NOFILE, &saved), 0);
	ASSERT_FALSE(r.ok());
	EXPECT_EQ(r.error().errnum(), EMFILE);
	EXPECT_EQ(r.error().extack,
		  "cannot reserve a descriptor for every association (RLIMIT_NOFILE); none was peeled off");
	EXPECT_EQ(assoc_count(a.server.get()), 5U);
	auto again = client().peeloff(a.server.get(), a.ids);
	ASSERT_TRUE(again.ok());
	for (const Peeled &p : again->entries)
		EXPECT_TRUE(p.fd.ok());
}

TEST_P(PeeloffTest, BriefGivesIdsAndFdsOnly)
{
	/*
	 * 250 entries: a brief reply of ~5 KB, more than the page the
	 * transport reads into by default, read in one go on the module path.
	 */
	Assocs a = make_assocs(250);
	for (std::size_t i = 0; i < 250; i += 10)
		send_msg(a.clients[i].get(), "msg " + std::to_string(i));
	std::vector<AssocId> ids(a.ids.begin(), a.ids.end());
	ids.insert(ids.begin() + 100, 999999);
	PeelOptions o;
	o.flags = PeelFlag::NonBlock;
	o.brief = true;
	auto r = client().peeloff(a.server.get(), ids, o);
	ASSERT_TRUE(r.ok()) << r.error().message();
	EXPECT_EQ(r->path, expected_path(Op::Peeloff));
	ASSERT_EQ(r->entries.size(), ids.size());
	for (std::size_t k = 0; k < ids.size(); k++) {
		const Peeled &p = r->entries[k];
		EXPECT_EQ(p.info.id, ids[k]);
		EXPECT_TRUE(p.info.peer_addrs.empty());
		EXPECT_EQ(p.info.state, 0);
		if (k == 100) {
			ASSERT_FALSE(p.fd.ok());
			EXPECT_EQ(p.fd.error().errnum(), EINVAL);
			continue;
		}
		const std::size_t who = k < 100 ? k : k - 1;
		ASSERT_TRUE(p.fd.ok()) << p.fd.error().message();
		EXPECT_TRUE(nonblocking(p.fd->get()));
		if (who % 10 == 0) {
			EXPECT_EQ(recv_msg(p.fd->get()), "msg " + std::to_string(who));
		}
	}
	EXPECT_EQ(assoc_count(a.server.get()), 0U);

	/* The next full call on the same netlink sockets is whole again. */
	Assocs b = make_assocs(1);
	auto full = client().peeloff(b.server.get(), b.ids);
	ASSERT_TRUE(full.ok()) << full.error().message();
	ASSERT_TRUE(full->entries.at(0).fd.ok());
	EXPECT_EQ(full->entries[0].info.state, SCTP_ESTABLISHED);
}

/*
 * More ids than max_batch: split, in the caller's order. On the module
 * path the module must have taken the new limit, and the call must have
 * been at least ceil(11 / 4) = 3 PEELOFF requests.
 */
TEST_P(PeeloffTest, BatchesAboveMaxBatch)
{
	ASSERT_NO_FATAL_FAILURE(limit_batch(4));
	Assocs a = make_assocs(11);
	std::vector<AssocId> ids(a.ids.rbegin(), a.ids.rend());
	auto r = client().peeloff(a.server.get(), ids);
	ASSERT_TRUE(r.ok()) << r.error().message();
	if (auto n = peeloff_requests_since()) {
		EXPECT_GE(*n, 3U) << "11 ids at max_batch 4 went in fewer than 3 requests";
	}
	ASSERT_EQ(r->entries.size(), 11U);
	for (std::size_t k = 0; k < ids.size(); k++) {
		EXPECT_EQ(r->entries[k].info.id, ids[k]);
		EXPECT_TRUE(r->entries[k].fd.ok());
	}
	EXPECT_EQ(assoc_count(a.server.get()), 0U);
}

/*
 * 20,000 ids at max_batch's upper bound, 4096, are at least five PEELOFF
 * requests on the module path (the library splits at max_batch). Every way
 * answers every id, in order: the five real ones peeled, the made-up ones
 * EINVAL.
 */
TEST_P(PeeloffTest, TwentyThousandIdsSplitAtMaxBatch)
{
	ASSERT_NO_FATAL_FAILURE(limit_batch(4096));
	Assocs a = make_assocs(5);
	std::vector<AssocId> ids;
	for (std::uint32_t k = 0; k < 20000; k++)
		ids.push_back(0x40000000U + k);
	for (std::size_t k = 0; k < 5; k++)
		ids[k * 4001] = a.ids[k];
	PeelOptions o;
	o.brief = true;
	auto r = client().peeloff(a.server.get(), ids, o);
	ASSERT_TRUE(r.ok()) << r.error().message();
	ASSERT_EQ(r->entries.size(), ids.size());
	std::size_t peeled = 0;
	for (std::size_t k = 0; k < ids.size(); k++) {
		const Peeled &p = r->entries[k];
		ASSERT_EQ(p.info.id, ids[k]) << "entry " << k;
		if (k % 4001 == 0 && k / 4001 < 5) {
			ASSERT_TRUE(p.fd.ok()) << "entry " << k << ": " << p.fd.error().message();
			peeled++;
		} else {
			ASSERT_FALSE(p.fd.ok()) << "entry " << k;
			EXPECT_EQ(p.fd.error().errnum(), EINVAL);
		}
	}
	EXPECT_EQ(peeled, 5U);
	EXPECT_EQ(assoc_count(a.server.get()), 0U);
	if (auto n = peeloff_requests_since()) {
		EXPECT_GE(*n, 5U) << "20,000 ids went in fewer than five requests";
	}
}

/*
 * Thread safety (userlib/README.md): one Client used by four threads at
 * once, all peeling the same 200 associations in different orders: each
 * association goes to exactly one caller, the others get EINVAL for it.
 * Then sctpx_extack() is per thread: two threads failing with two
 * different messages, interleaved, each always read their own.
 */
TEST_P(PeeloffTest, OneClientManyThreads)
{
	constexpr std::size_t kThreads = 4;
	constexpr std::size_t kAssocs = 200;
	Assocs a = make_assocs(kAssocs);
	std::vector<std::vector<Peeled>> got(kThreads);
	std::vector<std::string> errs(kThreads);
	std::vector<std::thread> t;
	for (std::size_t k = 0; k < kThreads; k++) {
		t.emplace_back([&, k] {
			std::vector<AssocId> ids(a.ids.begin(), a.ids.end());
			/* Each thread in its own order. */
			std::rotate(ids.begin(), ids.begin() + static_cast<long>(k * 50), ids.end());
			if (k % 2 != 0)
				std::reverse(ids.begin(), ids.end());
			auto r = client().peeloff(a.server.get(), ids);
			if (!r.ok()) {
				errs[k] = r.error().message();
				return;
			}
			got[k] = std::move(r->entries);
		});
	}
	for (std::thread &th : t)
		th.join();
	std::map<AssocId, int> owners;
	for (std::size_t k = 0; k < kThreads; k++) {
		ASSERT_TRUE(errs[k].empty()) << "thread " << k << ": " << errs[k];
		ASSERT_EQ(got[k].size(), kAssocs) << "thread " << k;
		for (const Peeled &p : got[k]) {
			if (p.fd.ok()) {
				owners[p.info.id]++;
				continue;
			}
			EXPECT_EQ(p.fd.error().errnum(), EINVAL) << "thread " << k;
		}
	}
	for (std::size_t i = 0; i < kAssocs; i++)
		EXPECT_EQ(owners[a.ids[i]], 1) << "association " << a.ids[i];
	EXPECT_EQ(assoc_count(a.server.get()), 0U);

	/* sctpx_extack(): per thread. */
	sctpx_client *c = nullptr;
	ASSERT_EQ(sctpx_open(&c, c_open_flags()), 0) << sctpx_extack();
	Fd udp(socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
	const std::uint32_t id = 5;
	struct sctpx_assocs *r = nullptr;
	ASSERT_LT(sctpx_peeloff(c, -1, &id, 1, 0, &r), 0);
	const std::string msg_badf = sctpx_extack();
	ASSERT_LT(sctpx_peeloff(c, udp.get(), &id, 1, 0, &r), 0);
	const std::string msg_udp = sctpx_extack();
	ASSERT_NE(msg_badf, msg_udp) << "the two errors must differ for the check to mean anything";
	/*
	 * Lock-step, so that each thread's error lands between the other's
	 * call and its read of sctpx_extack(): A fails, B fails, A reads
	 * (still its own message), B reads.
	 */
	std::atomic<int> wrong{0};
	std::binary_semaphore a_go{0};
	std::binary_semaphore b_go{0};
	std::thread ta([&] {
		for (int n = 0; n < 50; n++) {
			struct sctpx_assocs *out = nullptr;
			if (sctpx_peeloff(c, -1, &id, 1, 0, &out) >= 0)
				wrong++;
			b_go.release();
			a_go.acquire();
			if (msg_badf != sctpx_extack())
				wrong++;
		}
		b_go.release();
	});
	std::thread tb([&] {
		for (int n = 0; n < 50; n++) {
			struct sctpx_assocs *out = nullptr;
			b_go.acquire();
			if (sctpx_peeloff(c, udp.get(), &id, 1, 0, &out) >= 0)
				wrong++;
			a_go.release();
			if (msg_udp != sctpx_extack())
				wrong++;
		}
	});
	ta.join();
	tb.join();
	EXPECT_EQ(wrong.load(), 0) << "a thread read another thread's extack";
	sctpx_close(c);
}

INSTANTIATE_TEST_SUITE_P(, PeeloffTest, ::testing::Values(Way::Module, Way::Forced, Way::Absent),
			 way_name);

} // namespace
} // namespace sctpx::vm
