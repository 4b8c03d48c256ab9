// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The C API's argument handling and error reporting (no kernel needed:
 * the fallback answers bad descriptors itself).
 */
#include <cerrno>
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <unistd.h>

#include "sctpx/sctpx.h"

namespace {

struct CApi : ::testing::Test {
	sctpx_client *c = nullptr;
	void SetUp() override
	{
		ASSERT_EQ(sctpx_open(&c, SCTPX_OPEN_FORCE_FALLBACK | SCTPX_OPEN_NO_AUTOLOAD), 0);
	}
	void TearDown() override { sctpx_close(c); }
};

TEST_F(CApi, BadOpenFlags)
{
	sctpx_client *x = nullptr;
	EXPECT_EQ(sctpx_open(&x, 1U << 7), -EINVAL);
	EXPECT_EQ(sctpx_open(nullptr, 0), -EINVAL);
}

TEST_F(CApi, InfoReportsPaths)
{
	struct sctpx_info i;
	SCTPX_INIT(&i);
	ASSERT_EQ(sctpx_get_info(c, &i), 0);
	EXPECT_EQ(i.forced_fallback, 1);
	EXPECT_EQ(i.peeloff_path, SCTPX_PATH_FALLBACK);
	EXPECT_EQ(i.list_path, SCTPX_PATH_FALLBACK);
}

TEST_F(CApi, ErrnoStyleReturnAndExtack)
{
	struct sctpx_assocs *r = nullptr;
	const uint32_t ids[] = {5};
	EXPECT_EQ(sctpx_peeloff(c, -1, ids, 1, SOCK_NONBLOCK, &r), -EBADF);
	EXPECT_STREQ(sctpx_extack(), "descriptor is not open");
	EXPECT_EQ(r, nullptr);
	EXPECT_EQ(sctpx_peeloff(c, -1, ids, 1, 0x4U, &r), -EINVAL);
	EXPECT_STREQ(sctpx_extack(), "unsupported flags: only SOCK_NONBLOCK and SOCK_CLOEXEC");
	/* The library's own flags are not SOCK_* flags: accepted. */
	EXPECT_EQ(sctpx_peeloff(c, -1, ids, 1, SCTPX_PEEL_ATOMIC | SCTPX_PEEL_BRIEF, &r), -EBADF);
	EXPECT_EQ(sctpx_assoc_list(c, -1, nullptr, &r), -EBADF);
	struct sctpx_info i;
	SCTPX_INIT(&i);
	EXPECT_EQ(sctpx_get_info(c, &i), 0);
	EXPECT_STREQ(sctpx_extack(), "") << "a success clears it";
}

TEST_F(CApi, NullArguments)
{
	struct sctpx_assocs *r = nullptr;
	EXPECT_EQ(sctpx_peeloff(c, 3, nullptr, 2, 0, &r), -EINVAL);
	EXPECT_EQ(sctpx_peeloff(nullptr, 3, nullptr, 0, 0, &r), -EINVAL);
	EXPECT_EQ(sctpx_connectx(c, 3, nullptr, 1, 0, nullptr), -EINVAL);
	sctpx_assocs_free(nullptr);
	sctpx_connect_result_free(nullptr);
}

TEST_F(CApi, BadSelectionOrder)
{
	struct sctpx_select s;
	SCTPX_INIT(&s);
	s.order = 7;
	struct sctpx_assocs *r = nullptr;
	EXPECT_EQ(sctpx_peeloff_select(c, 3, &s, 0, &r), -EINVAL);
}

TEST_F(CApi, ConnectxChecksTheSocketBeforeThePeers)
{
	/* A socket that is not SCTP and a peer without a port: the socket check answers. */
	const int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	ASSERT_GE(fd, 0);
	union sctpx_sockaddr a {};
	a.v4.sin_family = AF_INET;
	struct sctpx_peer p {&a, 1};
	struct sctpx_connect_result *r = nullptr;
	EXPECT_EQ(sctpx_connectx(c, fd, &p, 1, nullptr, &r), -EOPNOTSUPP);
	EXPECT_STREQ(sctpx_extack(), "socket is not an SCTP socket");
	EXPECT_EQ(r, nullptr);
	close(fd);
}

} // namespace
