// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * PeelFlags and Fd: the small RAII and bit-set types.
 */
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <unistd.h>

#include "sctpx/sctpx.hpp"

namespace sctpx {
namespace {

TEST(Flags, MapToSockFlags)
{
	EXPECT_EQ(PeelFlags().to_sock_flags(), 0U);
	EXPECT_EQ(PeelFlags(PeelFlag::NonBlock).to_sock_flags(), unsigned(SOCK_NONBLOCK));
	EXPECT_EQ(PeelFlags(PeelFlag::CloseOnExec).to_sock_flags(), unsigned(SOCK_CLOEXEC));
	EXPECT_EQ((PeelFlag::NonBlock | PeelFlag::CloseOnExec).to_sock_flags(),
		  unsigned(SOCK_NONBLOCK | SOCK_CLOEXEC));
}

TEST(Flags, RoundTrip)
{
	for (unsigned int f : {0U, unsigned(SOCK_NONBLOCK), unsigned(SOCK_CLOEXEC),
			       unsigned(SOCK_NONBLOCK | SOCK_CLOEXEC)}) {
		auto p = PeelFlags::from_sock_flags(f);
		ASSERT_TRUE(p.ok());
		EXPECT_EQ(p->to_sock_flags(), f);
	}
}

TEST(Flags, UnknownBitsAreEinvalAsInTheModule)
{
	auto p = PeelFlags::from_sock_flags(SOCK_NONBLOCK | 0x1U);
	ASSERT_FALSE(p.ok());
	EXPECT_EQ(p.error().errnum(), EINVAL);
	EXPECT_EQ(p.error().extack, "unsupported flags: only SOCK_NONBLOCK and SOCK_CLOEXEC");
}

TEST(Flags, SetOperations)
{
	PeelFlags f;
	EXPECT_TRUE(f.empty());
	f |= PeelFlag::NonBlock;
	EXPECT_TRUE(f.has(PeelFlag::NonBlock));
	EXPECT_FALSE(f.has(PeelFlag::CloseOnExec));
	EXPECT_EQ(f | PeelFlag::CloseOnExec, PeelFlag::CloseOnExec | PeelFlag::NonBlock);
}

TEST(Fd, ClosesOnDestructionAndMoves)
{
	const int raw = open("/dev/null", O_RDONLY | O_CLOEXEC);
	ASSERT_GE(raw, 0);
	{
		Fd a(raw);
		Fd b(std::move(a));
		EXPECT_FALSE(a.valid()); // NOLINT(bugprone-use-after-move): checking the moved-from state
		EXPECT_EQ(b.get(), raw);
		Fd c;
		c = std::move(b);
		EXPECT_EQ(c.get(), raw);
		EXPECT_GE(fcntl(raw, F_GETFD), 0);
	}
	EXPECT_EQ(fcntl(raw, F_GETFD), -1);
}

TEST(Fd, ReleaseGivesUpOwnership)
{
	const int raw = open("/dev/null", O_RDONLY | O_CLOEXEC);
	{
		Fd a(raw);
		EXPECT_EQ(a.release(), raw);
	}
	EXPECT_GE(fcntl(raw, F_GETFD), 0);
	close(raw);
}

TEST(Result, ValueAndError)
{
	Result<int> v(3);
	ASSERT_TRUE(v.ok());
	EXPECT_EQ(*v, 3);
	Result<int> e(Error{EINVAL, "why"});
	ASSERT_FALSE(e);
	EXPECT_EQ(e.error().extack, "why");
	Result<void> ok;
	EXPECT_TRUE(ok.ok());
	Result<void> bad(Error{EIO});
	EXPECT_EQ(bad.error().errnum(), EIO);
}

} // namespace
} // namespace sctpx
