// SPDX-License-Identifier: LGPL-2.1-or-later
/* info() and counters(), and loading the module on demand. */
#include <linux/sctpx.h>

#include "env.hpp"

namespace sctpx::vm {
namespace {

/* Registered before the parameterized suites, so it runs first. */
TEST(Autoload, ResolvingTheFamilyLoadsTheModule)
{
	unload_module();
	ClientOptions o;
	o.autoload = false;
	auto quiet = Client::open(o);
	ASSERT_TRUE(quiet.ok());
	EXPECT_FALSE(module_loaded()) << "autoload=false must leave the module alone";
	EXPECT_EQ(quiet->path_for(Op::Peeloff), Path::Fallback);
	auto c = Client::open();
	ASSERT_TRUE(c.ok());
	EXPECT_TRUE(module_loaded());
	EXPECT_EQ(c->path_for(Op::Peeloff),
		  variant_no_peeloff() ? Path::Fallback : Path::Module);
	EXPECT_EQ(c->path_for(Op::List), Path::Module);
}

using InfoTest = WayTest;

TEST_P(InfoTest, Describes)
{
	auto i = client().info();
	ASSERT_TRUE(i.ok()) << i.error().message();
	EXPECT_EQ(i->peeloff_path, expected_path(Op::Peeloff));
	EXPECT_EQ(i->list_path, expected_path(Op::List));
	EXPECT_EQ(i->connectx_path, expected_path(Op::Connectx));
	if (GetParam() == Way::Absent) {
		EXPECT_FALSE(i->module_loaded);
		return;
	}
	EXPECT_TRUE(i->module_loaded);
	EXPECT_EQ(i->family_version, unsigned(SCTPX_FAMILY_VERSION));
	EXPECT_TRUE(i->module_usable);
	EXPECT_FALSE(i->module_version.empty());
	/* Both test kernels (6.1, 6.12) export sctp_do_peeloff; the
	 * no-peeloff variant is built as for kernels that do not. */
	const std::uint64_t peeloff =
		variant_no_peeloff() ? 0 : SCTPX_OP_BIT(SCTPX_CMD_PEELOFF);
	EXPECT_EQ(i->ops, SCTPX_OP_BIT(SCTPX_CMD_INFO_GET) | SCTPX_OP_BIT(SCTPX_CMD_ASSOC_GET) |
				  peeloff | SCTPX_OP_BIT(SCTPX_CMD_CONNECTX) |
				  SCTPX_OP_BIT(SCTPX_CMD_LOST_REPLY_GET));
	/* Bit 1 (PEELOFF_HOOKS) is set by no build today. */
	EXPECT_EQ(i->features & SCTPX_FEATURE_PEELOFF_HOOKS, 0U);
	EXPECT_GT(i->limits.max_batch, 0U);
	EXPECT_GT(i->limits.max_peers, 0U);
	EXPECT_GT(i->limits.max_peer_addrs, 0U);
}

TEST_P(InfoTest, CountersFollowPeels)
{
	if (GetParam() != Way::Module) {
		/* No module counters on the fallback, forced or not (README). */
		auto c = client().counters();
		ASSERT_FALSE(c.ok());
		EXPECT_EQ(c.error().errnum(), ENOENT);
		return;
	}
	auto before = client().counters();
	ASSERT_TRUE(before.ok());
	Assocs a = make_assocs(3);
	auto r = client().peeloff(a.server.get(), a.ids);
	ASSERT_TRUE(r.ok());
	auto after = client().counters();
	ASSERT_TRUE(after.ok());
	const std::uint64_t want = expected_path(Op::Peeloff) == Path::Module ? 3 : 0;
	EXPECT_EQ(after->peeled - before->peeled, want);
	EXPECT_EQ(after->peeloff_requests - before->peeloff_requests, want != 0 ? 1U : 0U);
}

INSTANTIATE_TEST_SUITE_P(, InfoTest, ::testing::Values(Way::Module, Way::Forced, Way::Absent),
			 way_name);

} // namespace
} // namespace sctpx::vm
