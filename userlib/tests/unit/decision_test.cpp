// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Module or fallback: module absent, operation absent, fallback forced,
 * module unloaded under a live client.
 */
#include <gtest/gtest.h>
#include <linux/sctpx.h>

#include "client_access.hpp"
#include "fake_transport.hpp"
#include "nlerror.hpp"

namespace sctpx::test {
namespace {

using detail::choose_path;
using detail::Probe;

TEST(Decision, Table)
{
	Probe p;
	EXPECT_EQ(choose_path(p, Op::Peeloff, false), Path::Fallback) << "module absent";
	p.module = true;
	p.ops = all_ops();
	EXPECT_EQ(choose_path(p, Op::Peeloff, false), Path::Module);
	EXPECT_EQ(choose_path(p, Op::Peeloff, true), Path::Fallback) << "forced";
	p.ops &= ~SCTPX_OP_BIT(SCTPX_CMD_PEELOFF);
	EXPECT_EQ(choose_path(p, Op::Peeloff, false), Path::Fallback) << "op absent";
	EXPECT_EQ(choose_path(p, Op::List, false), Path::Module);
	EXPECT_EQ(choose_path(p, Op::Connectx, false), Path::Module);
}

TEST(Decision, OpBitsFollowTheUapi)
{
	EXPECT_EQ(detail::op_bit(Op::Info), 1ULL << SCTPX_CMD_INFO_GET);
	EXPECT_EQ(detail::op_bit(Op::List), 1ULL << SCTPX_CMD_ASSOC_GET);
	EXPECT_EQ(detail::op_bit(Op::Peeloff), 1ULL << SCTPX_CMD_PEELOFF);
	EXPECT_EQ(detail::op_bit(Op::Connectx), 1ULL << SCTPX_CMD_CONNECTX);
}

TEST(Decision, ModuleAbsentUsesFallback)
{
	auto k = std::make_shared<FakeKernel>();
	k->family_registered = false;
	auto c = ClientAccess::make(fake_factory(k), {});
	ASSERT_TRUE(c.ok());
	auto info = c->info();
	ASSERT_TRUE(info.ok());
	EXPECT_FALSE(info->module_loaded);
	EXPECT_EQ(info->peeloff_path, Path::Fallback);
	EXPECT_EQ(c->path_for(Op::List), Path::Fallback);
	/* The fallback's own socket check answers, nothing is sent. */
	const std::vector<AssocId> ids{5};
	auto r = c->peeloff(-1, ids);
	ASSERT_FALSE(r.ok());
	EXPECT_EQ(r.error().errnum(), EBADF);
	EXPECT_EQ(r.error().extack, "descriptor is not open");
	EXPECT_TRUE(k->requests.empty());
	auto counters = c->counters();
	ASSERT_FALSE(counters.ok());
	EXPECT_EQ(counters.error().errnum(), ENOENT);
}

TEST(Decision, OpAbsentUsesFallbackForThatOpOnly)
{
	auto k = std::make_shared<FakeKernel>();
	const std::uint64_t ops = all_ops() & ~SCTPX_OP_BIT(SCTPX_CMD_PEELOFF);
	k->handler = [ops](const Request &r) -> Result<std::vector<detail::Message>> {
		if (r.cmd() == SCTPX_CMD_INFO_GET)
			return std::vector<detail::Message>{info_reply(ops, 64, 64)};
		if (r.cmd() == SCTPX_CMD_ASSOC_GET)
			return std::vector<detail::Message>{};
		return Error{EOPNOTSUPP};
	};
	auto c = ClientAccess::make(fake_factory(k), {});
	ASSERT_TRUE(c.ok());
	EXPECT_EQ(c->path_for(Op::Peeloff), Path::Fallback);
	EXPECT_EQ(c->path_for(Op::List), Path::Module);
	auto l = c->list(3);
	ASSERT_TRUE(l.ok());
	EXPECT_EQ(l->path, Path::Module);
	const std::size_t sent = k->requests.size();
	const std::vector<AssocId> ids{5};
	auto r = c->peeloff(-1, ids);
	EXPECT_EQ(r.error().errnum(), EBADF);
	EXPECT_EQ(k->requests.size(), sent) << "no PEELOFF request may be sent";
}

TEST(Decision, ForcedFallbackSendsNothing)
{
	auto k = std::make_shared<FakeKernel>();
	ClientOptions o;
	o.force_fallback = true;
	auto c = ClientAccess::make(fake_factory(k), o);
	ASSERT_TRUE(c.ok());
	auto info = c->info();
	ASSERT_TRUE(info.ok());
	EXPECT_TRUE(info->module_loaded) << "status still reports the module";
	EXPECT_TRUE(info->forced_fallback);
	EXPECT_EQ(info->connectx_path, Path::Fallback);
	const std::size_t sent = k->requests.size();
	auto l = c->list(-1);
	EXPECT_EQ(l.error().errnum(), EBADF);
	EXPECT_EQ(k->requests.size(), sent);
}

TEST(Decision, ModuleUnloadedUnderALiveClient)
{
	auto k = std::make_shared<FakeKernel>();
	k->handler = [](const Request &r) -> Result<std::vector<detail::Message>> {
		if (r.cmd() == SCTPX_CMD_INFO_GET)
			return std::vector<detail::Message>{info_reply(all_ops(), 64, 64)};
		return std::vector<detail::Message>{};
	};
	auto c = ClientAccess::make(fake_factory(k), {});
	ASSERT_TRUE(c.ok());
	EXPECT_EQ(c->path_for(Op::List), Path::Module);
	{
		const std::lock_guard lock(k->mu);
		k->family_registered = false; /* rmmod sctpx */
	}
	/* The stale family id fails with ENOENT: probe again, then fall back. */
	auto l = c->list(-1);
	ASSERT_FALSE(l.ok());
	EXPECT_EQ(l.error().errnum(), EBADF) << "served by the fallback's socket check";
	EXPECT_EQ(c->path_for(Op::List), Path::Fallback);
}

TEST(Decision, ModuleErrorsPassThroughWithExtack)
{
	auto k = std::make_shared<FakeKernel>();
	k->handler = [](const Request &r) -> Result<std::vector<detail::Message>> {
		if (r.cmd() == SCTPX_CMD_INFO_GET)
			return std::vector<detail::Message>{info_reply(all_ops(), 64, 64)};
		return detail::error_from_nlmsgerr(
			error_reply(EOPNOTSUPP, "socket is not an SCTP socket").hdr());
	};
	auto c = ClientAccess::make(fake_factory(k), {});
	const std::vector<AssocId> ids{5};
	auto r = c->peeloff(0, ids);
	ASSERT_FALSE(r.ok());
	EXPECT_EQ(r.error().errnum(), EOPNOTSUPP);
	EXPECT_EQ(r.error().extack, "socket is not an SCTP socket");
}

} // namespace
} // namespace sctpx::test
