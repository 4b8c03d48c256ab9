// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The real netlink transport against the host kernel's own generic
 * netlink controller (nlctrl): replies are matched to their request, a
 * kernel error completes an exchange, a reply that does not answer the
 * request fails it and retires the socket.
 */
#include <gtest/gtest.h>
#include <linux/genetlink.h>
#include <netlink/attr.h>
#include <netlink/genl/genl.h>

#include "transport.hpp"

namespace sctpx::detail {
namespace {

NlMsg getfamily(const char *name)
{
	NlMsg m(nlmsg_alloc());
	genlmsg_put(m.get(), NL_AUTO_PORT, NL_AUTO_SEQ, GENL_ID_CTRL, 0, 0, CTRL_CMD_GETFAMILY, 1);
	nla_put_string(m.get(), CTRL_ATTR_FAMILY_NAME, name);
	return m;
}

TEST(NlTransport, KernelErrorCompletesTheExchange)
{
	auto t = make_netlink_transport();
	ASSERT_TRUE(t.ok()) << "no generic netlink here: " << t.error().message();
	auto r = (*t)->transact(getfamily("sctpx-nosuch"), 0);
	ASSERT_FALSE(r.ok());
	EXPECT_EQ(r.error().errnum(), ENOENT);
	EXPECT_TRUE((*t)->reusable()) << "an error reply is a complete answer";
	/* The next exchange on it works the same: nothing was left behind. */
	auto again = (*t)->transact(getfamily("sctpx-nosuch"), 0);
	EXPECT_EQ(again.error().errnum(), ENOENT);
}

TEST(NlTransport, AReplyOfAnotherCommandIsRefusedAndTheSocketRetired)
{
	auto t = make_netlink_transport();
	ASSERT_TRUE(t.ok()) << "no generic netlink here: " << t.error().message();
	/* nlctrl answers GETFAMILY with NEWFAMILY: not the command asked. */
	auto r = (*t)->transact(getfamily("nlctrl"), 0);
	ASSERT_FALSE(r.ok());
	EXPECT_EQ(r.error().errnum(), EPROTO);
	EXPECT_FALSE((*t)->reusable());
}

TEST(NlTransport, NothingToRecoverIsEnoent)
{
	auto t = make_netlink_transport();
	ASSERT_TRUE(t.ok()) << "no generic netlink here: " << t.error().message();
	auto r = (*t)->recover_lost(getfamily("x"), 3);
	ASSERT_FALSE(r.ok());
	EXPECT_EQ(r.error().errnum(), ENOENT);
}

} // namespace
} // namespace sctpx::detail
