// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Kernel errors to sctpx::Error: errno and extended-ack message.
 */
#include <gtest/gtest.h>
#include <netlink/errno.h>

#include "fake_transport.hpp"
#include "nlerror.hpp"

namespace sctpx::test {
namespace {

TEST(NlError, CappedAckCarriesErrnoAndMessage)
{
	auto m = error_reply(E2BIG, "more association ids than max_batch");
	const Error e = detail::error_from_nlmsgerr(m.hdr());
	EXPECT_EQ(e.code, std::errc::argument_list_too_long);
	EXPECT_EQ(e.extack, "more association ids than max_batch");
	EXPECT_EQ(e.message(), std::string(strerror(E2BIG)) + ": more association ids than max_batch");
}

TEST(NlError, UncappedAckSkipsTheEchoedRequest)
{
	auto m = error_reply(EBADF, "descriptor is not open", false);
	const Error e = detail::error_from_nlmsgerr(m.hdr());
	EXPECT_EQ(e.errnum(), EBADF);
	EXPECT_EQ(e.extack, "descriptor is not open");
}

TEST(NlError, NoTlvsNoMessage)
{
	auto m = error_reply(ENOMEM, "ignored");
	auto *h = const_cast<nlmsghdr *>(m.hdr());
	h->nlmsg_flags &= static_cast<std::uint16_t>(~NLM_F_ACK_TLVS);
	const Error e = detail::error_from_nlmsgerr(h);
	EXPECT_EQ(e.errnum(), ENOMEM);
	EXPECT_TRUE(e.extack.empty());
	EXPECT_EQ(e.message(), strerror(ENOMEM));
}

TEST(NlError, TruncatedErrorIsAProtocolError)
{
	nlmsghdr h{};
	h.nlmsg_type = NLMSG_ERROR;
	h.nlmsg_len = NLMSG_HDRLEN;
	EXPECT_EQ(detail::error_from_nlmsgerr(&h).errnum(), EPROTO);
}

TEST(NlError, DumpDone)
{
	EXPECT_FALSE(detail::error_from_done(done_reply(0).hdr()).has_value());
	auto e = detail::error_from_done(done_reply(EMSGSIZE).hdr());
	ASSERT_TRUE(e.has_value());
	EXPECT_EQ(e->errnum(), EMSGSIZE);
}

TEST(NlError, LibnlCodes)
{
	EXPECT_EQ(detail::nle_to_errno(0), 0);
	EXPECT_EQ(detail::nle_to_errno(-NLE_NOMEM), ENOBUFS);
	EXPECT_EQ(detail::nle_to_errno(-NLE_OBJ_NOTFOUND), ENOENT);
	EXPECT_EQ(detail::nle_to_errno(-NLE_OPNOTSUPP), EOPNOTSUPP);
	EXPECT_EQ(detail::nle_to_errno(-NLE_SEQ_MISMATCH), EPROTO);
	EXPECT_EQ(detail::nle_to_errno(-NLE_PERM), EPERM);
	EXPECT_EQ(detail::nle_to_errno(-9999), EIO);
}

TEST(NlError, ErrorCodeIsSystemCategory)
{
	const Error e{ECONNREFUSED};
	EXPECT_EQ(&e.code.category(), &std::system_category());
	EXPECT_EQ(e.code, std::errc::connection_refused);
}

} // namespace
} // namespace sctpx::test
