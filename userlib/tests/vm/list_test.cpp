// SPDX-License-Identifier: LGPL-2.1-or-later
/* list(): the associations of a socket, filtered. */
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/sctp.h>
#include <sys/socket.h>
#include <unistd.h>
#include <vector>

#include <linux/sctpx.h>

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

/* The peer addresses the SCTP stack holds for association @id of @sock. */
std::uint32_t stack_addr_count(int sock, AssocId id)
{
	std::vector<char> buf(sizeof(sctp_getaddrs) + 8192 * sizeof(sockaddr_in6));
	auto *ga = reinterpret_cast<sctp_getaddrs *>(buf.data());
	ga->assoc_id = static_cast<sctp_assoc_t>(id);
	socklen_t len = static_cast<socklen_t>(buf.size());
	if (getsockopt(sock, SOL_SCTP, SCTP_GET_PEER_ADDRS, ga, &len) != 0)
		return 0;
	return ga->addr_num;
}

/*
 * A peer bound to 2,000 loopback addresses among ordinary ones (issue
 * 12): listed like any other (the module with 8 addresses, their true
 * count and the cut flag; the fallback with them all), and peeled with
 * full entries, every descriptor delivered.
 */
TEST_P(ListTest, PeerWithTwoThousandAddresses)
{
	constexpr std::uint32_t naddrs = 2000;
	Assocs a = make_assocs(5);
	Fd big(socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, IPPROTO_SCTP));
	ASSERT_TRUE(big.valid());
	std::vector<sockaddr_in> v(naddrs);
	for (std::uint32_t i = 0; i < naddrs; i++) {
		v[i].sin_family = AF_INET;
		v[i].sin_port = htons(41000);
		v[i].sin_addr.s_addr = htonl(0x7f010001U + i); /* 127.1.0.1 ... */
	}
	ASSERT_EQ(setsockopt(big.get(), SOL_SCTP, SCTP_SOCKOPT_BINDX_ADD, v.data(),
			     static_cast<socklen_t>(v.size() * sizeof(v[0]))), 0)
		<< strerror(errno);
	sockaddr_in to{};
	to.sin_family = AF_INET;
	to.sin_port = htons(a.port);
	to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ASSERT_EQ(connect(big.get(), reinterpret_cast<sockaddr *>(&to), sizeof(to)), 0)
		<< strerror(errno);
	for (int t = 0; t < 3000 && assoc_count(a.server.get()) < 6; t++)
		usleep(10000);
	ASSERT_EQ(assoc_count(a.server.get()), 6U);

	auto l = client().list(a.server.get());
	ASSERT_TRUE(l.ok()) << l.error().message();
	ASSERT_EQ(l->assocs.size(), 6U);
	AssocId big_id = 0;
	for (const AssocInfo &x : l->assocs) {
		if (x.peer_addr_count <= 1) {
			EXPECT_EQ(x.peer_addrs.size(), 1U);
			EXPECT_FALSE(x.peer_addrs_cut);
			continue;
		}
		big_id = x.id;
		const std::uint32_t held = stack_addr_count(a.server.get(), x.id);
		EXPECT_GT(held, naddrs * 4 / 5);
		EXPECT_EQ(x.peer_addr_count, held);
		if (l->path == Path::Module) {
			EXPECT_TRUE(x.peer_addrs_cut);
			EXPECT_EQ(x.peer_addrs.size(), std::size_t{SCTPX_ENTRY_PEER_ADDRS_MAX});
		} else {
			EXPECT_FALSE(x.peer_addrs_cut);
			EXPECT_EQ(x.peer_addrs.size(), std::size_t{held});
		}
	}
	ASSERT_NE(big_id, 0U);

	auto r = client().peeloff(a.server.get(), Selection::all());
	ASSERT_TRUE(r.ok()) << r.error().message();
	ASSERT_EQ(r->entries.size(), 6U);
	bool seen_big = false;
	for (Peeled &p : r->entries) {
		ASSERT_TRUE(p.fd.ok()) << p.fd.error().message();
		sctp_status st{};
		socklen_t len = sizeof(st);
		ASSERT_EQ(getsockopt(p.fd->get(), SOL_SCTP, SCTP_STATUS, &st, &len), 0);
		EXPECT_EQ(static_cast<AssocId>(st.sstat_assoc_id), p.info.id);
		seen_big |= p.info.id == big_id;
	}
	EXPECT_TRUE(seen_big);
	EXPECT_EQ(assoc_count(a.server.get()), 0U);
}

INSTANTIATE_TEST_SUITE_P(, ListTest, ::testing::Values(Way::Module, Way::Forced, Way::Absent),
			 way_name);

} // namespace
} // namespace sctpx::vm
