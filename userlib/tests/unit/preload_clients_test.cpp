// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The interposer's clients (preload/clients.hpp): a child made by fork()
 * or a raw clone() gets clients of its own, never its parent's (which
 * libsctpx refuses there with ECHILD); and once a process has its
 * clients, handing one out makes no system call at all (no getpid(2) per
 * interposed call), which a seccomp filter that kills the process on any
 * system call but exit_group(2) proves.
 */
#include <cerrno>
#include <cstddef>
#include <gtest/gtest.h>

#include <csignal>
#include <sys/syscall.h>
#include <unistd.h>

#include "child.hpp"
#include "clients.hpp"

namespace {

using sctpx::preload::Clients;
using sctpx::test::child_status;
using sctpx::test::forbid_system_calls;
using sctpx::test::kKilledBySigsys;
using sctpx::test::plain_fork;
using sctpx::test::raw_clone;

/* -errno of sctpx_get_info() on c: 0 in its own process, ECHILD elsewhere. */
int info(sctpx_client *c)
{
	struct sctpx_info i {};
	SCTPX_INIT(&i);
	return sctpx_get_info(c, &i);
}

/* What cs hands out in this process, for peeloff and for connectx. */
struct Pair {
	sctpx_client *peel = nullptr;
	sctpx_client *cx = nullptr;
	bool operator==(const Pair &) const = default;
};

bool get_both(Clients &cs, Pair &out)
{
	return cs.get(false, &out.peel) == 0 && cs.get(true, &out.cx) == 0;
}

/* The child's clients: its own, usable there; its parent's refused there. */
int own_clients(Clients &cs, const Pair &parent)
{
	Pair mine;
	if (!get_both(cs, mine))
		return 10;
	if (mine.peel == parent.peel || mine.cx == parent.cx)
		return 11; /* the parent's client, handed to the child */
	if (info(parent.peel) != -ECHILD || info(parent.cx) != -ECHILD)
		return 12; /* then the parent's would do: the test shows nothing */
	if (info(mine.peel) != 0 || info(mine.cx) != 0)
		return 13;
	Pair again;
	if (!get_both(cs, again) || again != mine)
		return 14; /* the child keeps its own from then on */
	return 0;
}

constexpr const char *kOwnClientsCodes = "10: no client; 11: the parent's; "
					 "12: the parent's not refused; 13: the child's "
					 "unusable; 14: not kept";

struct PreloadClients : ::testing::Test {
	Clients cs;
	Pair parent;
	void SetUp() override
	{
		ASSERT_TRUE(get_both(cs, parent));
		ASSERT_NE(parent.peel, parent.cx) << "one client per purpose";
		ASSERT_EQ(info(parent.peel), 0);
		ASSERT_EQ(info(parent.cx), 0);
	}
};

TEST_F(PreloadClients, SameProcessSameClients)
{
	Pair again;
	ASSERT_TRUE(get_both(cs, again));
	EXPECT_TRUE(again == parent);
}

TEST_F(PreloadClients, ForkedChildGetsClientsOfItsOwn)
{
	EXPECT_EQ(child_status(plain_fork, [&] { return own_clients(cs, parent); }), 0)
		<< kOwnClientsCodes;
	/* The parent's are still the parent's, and usable. */
	Pair again;
	ASSERT_TRUE(get_both(cs, again));
	EXPECT_TRUE(again == parent);
	EXPECT_EQ(info(parent.peel), 0);
}

TEST_F(PreloadClients, ChildOfARawCloneGetsClientsOfItsOwn)
{
	EXPECT_EQ(child_status(raw_clone, [&] { return own_clients(cs, parent); }), 0)
		<< kOwnClientsCodes;
}

/* A grandchild gets its own too, not its parent's (the child's). */
TEST_F(PreloadClients, GrandchildGetsClientsOfItsOwn)
{
	EXPECT_EQ(child_status(plain_fork,
			       [&] {
				       Pair child;
				       if (!get_both(cs, child))
					       return 20;
				       return child_status(plain_fork,
							   [&] { return own_clients(cs, child); });
			       }),
		  0)
		<< kOwnClientsCodes;
}

/* The filter kills a process that makes a system call. */
TEST(PreloadClientsSeccomp, FilterCatchesAGetpid)
{
	EXPECT_EQ(child_status(plain_fork,
			       [] {
				       if (!forbid_system_calls())
					       return 30;
				       (void)syscall(SYS_getpid);
				       return 0;
			       }),
		  kKilledBySigsys);
}

/* Clients already open: handing them out makes no system call. */
TEST_F(PreloadClients, NoSystemCallPerCall)
{
	constexpr int kCalls = 1000;
	EXPECT_EQ(child_status(plain_fork,
			       [&] {
				       Pair child; /* the child's own, opened before the filter */
				       if (!get_both(cs, child))
					       return 40;
				       if (!forbid_system_calls())
					       return 41;
				       for (int i = 0; i < kCalls; i++) {
					       Pair again;
					       if (!get_both(cs, again) || again != child)
						       return 42;
				       }
				       return 0;
			       }),
		  0)
		<< kKilledBySigsys << ": a system call while handing out a client";
}

} // namespace
