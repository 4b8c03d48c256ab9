// SPDX-License-Identifier: LGPL-2.1-or-later
/* list(): the associations of a socket, filtered. */
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/sctp.h>

#include "env.hpp"

namespace sctpx::vm {
namespace {

using ListTest = WayTest;

TEST_P(ListTest, EveryAssociationDescribed)
{
	Assocs a = make_assocs(5);
	auto l = client().list(a.server.get());
	ASSERT_TRUE(l.ok()) << l.error().message();
	EXPECT_EQ(l->path, expected_path(Op::List));
	ASSERT_EQ(l->assocs.size(), 5U);
	for (std::size_t i = 1; i < l->assocs.size(); i++)
		EXPECT_LT(l->assocs[i - 1].id, l->assocs[i].id) << "ascending ids";
	for (const AssocInfo &x : l->assocs) {
		EXPECT_EQ(x.state, SCTP_ESTABLISHED);
		EXPECT_EQ(x.local_port, a.port);
		EXPECT_GT(x.instreams, 0);
		EXPECT_GT(x.outstreams, 0);
		ASSERT_FALSE(x.peer_addrs.empty());
		EXPECT_EQ(x.peer_addrs.front().to_string().rfind("127.0.0.1:", 0), 0U);
	}
}

TEST_P(ListTest, Filters)
{
	Assocs a = make_assocs(4);
	auto by_port = client().list(a.server.get(), Selection::by_peer_port(a.client_ports[2]));
	ASSERT_TRUE(by_port.ok());
	ASSERT_EQ(by_port->assocs.size(), 1U);
	EXPECT_EQ(by_port->assocs[0].id, a.ids[2]);

	auto peer = client().list(a.server.get(),
				  Selection::by_peer(*Address::parse("127.0.0.1", a.client_ports[1])));
	ASSERT_TRUE(peer.ok());
	ASSERT_EQ(peer->assocs.size(), 1U);
	EXPECT_EQ(peer->assocs[0].id, a.ids[1]);

	Selection waiting;
	waiting.states = state_bit(SCTP_COOKIE_WAIT);
	auto none = client().list(a.server.get(), waiting);
	ASSERT_TRUE(none.ok());
	EXPECT_TRUE(none->assocs.empty());
	auto est = client().list(a.server.get(), Selection::established());
	EXPECT_EQ(est->assocs.size(), 4U);
}

TEST_P(ListTest, OneToOneSocket)
{
	Assocs a = make_assocs(1);
	auto l = client().list(a.clients[0].get());
	ASSERT_TRUE(l.ok()) << l.error().message();
	ASSERT_EQ(l->assocs.size(), 1U);
	ASSERT_FALSE(l->assocs[0].peer_addrs.empty());
	EXPECT_EQ(l->assocs[0].peer_addrs[0].port(), a.port);
}

TEST_P(ListTest, SocketErrorsMatchTheModule)
{
	/* Linux < 6.2 drops the extended ack of a dump's start. */
	const bool msgs = GetParam() != Way::Module || kernel_at_least(6, 2);
	auto bad = client().list(-1);
	ASSERT_FALSE(bad.ok());
	EXPECT_EQ(bad.error().errnum(), EBADF);
	/* Where none is sent, none must be read: not a skipped check. */
	EXPECT_EQ(bad.error().extack, msgs ? "descriptor is not open" : "");
	Fd udp(socket(AF_INET, SOCK_DGRAM, 0));
	auto notsctp = client().list(udp.get());
	EXPECT_EQ(notsctp.error().errnum(), EOPNOTSUPP);
	EXPECT_EQ(notsctp.error().extack, msgs ? "socket is not an SCTP socket" : "");
	Fd file(open("/proc/self/stat", O_RDONLY | O_CLOEXEC));
	auto notsock = client().list(file.get());
	EXPECT_EQ(notsock.error().errnum(), ENOTSOCK);
	EXPECT_EQ(notsock.error().extack, msgs ? "descriptor is not a socket" : "");
}

INSTANTIATE_TEST_SUITE_P(, ListTest, ::testing::Values(Way::Module, Way::Forced, Way::Absent),
			 way_name);

} // namespace
} // namespace sctpx::vm
