// SPDX-License-Identifier: LGPL-2.1-or-later
/* connectx(): one peer or many, with and without a wait. */
#include <fcntl.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/sctp.h>
#include <sys/time.h>
#include <linux/filter.h>
#include <atomic>
#include <csignal>
#include <cstring>
#include <memory>
#include <pthread.h>
#include <thread>
#include <fstream>
#include <vector>
#include <sys/mount.h>

#include "env.hpp"

namespace sctpx::vm {
namespace {

using ConnectxTest = WayTest;

Fd sctp_socket(bool nonblocking)
{
	return Fd(socket(AF_INET, SOCK_SEQPACKET | SOCK_CLOEXEC | (nonblocking ? SOCK_NONBLOCK : 0),
			 IPPROTO_SCTP));
}

Peer peer_at(std::uint16_t port)
{
	return Peer{{*Address::parse("127.0.0.1", port)}};
}

/*
 * A listening server that never answers: a socket filter dropping every
 * packet (sctp_rcv() runs sk_filter() before any chunk is handled), so an
 * INIT to it stays unanswered and the association waits in COOKIE_WAIT.
 */
Fd make_deaf_server(std::uint16_t &port)
{
	Fd srv = make_server(port);
	sock_filter drop{BPF_RET | BPF_K, 0, 0, 0};
	const sock_fprog prog{1, &drop};
	EXPECT_EQ(setsockopt(srv.get(), SOL_SOCKET, SO_ATTACH_FILTER, &prog, sizeof(prog)), 0);
	return srv;
}

void on_usr1(int /*sig*/) {}

/*
 * The first association id on sock, read with the kernel's own
 * SCTP_GET_ASSOC_ID_LIST (not through libsctpx, whose listing is under
 * test); 0 when there is none yet.
 */
AssocId first_assoc_id(int sock)
{
	std::vector<std::uint8_t> buf(sizeof(sctp_assoc_ids) + 16 * sizeof(sctp_assoc_t));
	auto *list = reinterpret_cast<sctp_assoc_ids *>(buf.data());
	auto len = static_cast<socklen_t>(buf.size());
	if (getsockopt(sock, SOL_SCTP, SCTP_GET_ASSOC_ID_LIST, list, &len) != 0 ||
	    list->gaids_number_of_ids == 0)
		return 0;
	return static_cast<AssocId>(list->gaids_assoc_id[0]);
}

/*
 * SIGUSR1 to the constructing thread every 300 ms until destroyed: one
 * lands inside the wait however late the wait starts (on a loaded host
 * the first may come before it, and a handled signal is then gone).
 */
class Poker {
public:
	Poker() : thread_([this] { run(); }) {}
	~Poker()
	{
		done_ = true;
		thread_.join();
	}
	Poker(const Poker &) = delete;
	Poker &operator=(const Poker &) = delete;
	Poker(Poker &&) = delete;
	Poker &operator=(Poker &&) = delete;

private:
	void run()
	{
		while (!done_) {
			std::this_thread::sleep_for(std::chrono::milliseconds(300));
			if (!done_)
				pthread_kill(target_, SIGUSR1);
		}
	}
	pthread_t target_ = pthread_self();
	std::atomic<bool> done_{false};
	std::thread thread_;
};

TEST_P(ConnectxTest, OnePeerBlocking)
{
	std::uint16_t port = 0;
	Fd srv = make_server(port);
	Fd s = sctp_socket(false);
	auto r = client().connectx(s.get(), peer_at(port));
	ASSERT_TRUE(r.ok()) << r.error().message();
	/* A blocking socket is always sctp_connectx(3)'s own system call. */
	EXPECT_EQ(r->path, Path::Fallback);
	ASSERT_EQ(r->peers.size(), 1U);
	ASSERT_TRUE(r->peers[0].result.ok()) << r->peers[0].result.error().message();
	EXPECT_NE(r->peers[0].result->id, 0U);
	EXPECT_EQ(r->peers[0].result->state, SCTP_ESTABLISHED);
	ASSERT_TRUE(r->wait_end.has_value());
	EXPECT_EQ(*r->wait_end, WaitEnd::Settled);
	EXPECT_EQ(assoc_count(srv.get()), 1U);
}

TEST_P(ConnectxTest, ManyPeersWaitForAll)
{
	std::vector<std::uint16_t> ports(3);
	std::vector<Fd> servers;
	for (auto &p : ports)
		servers.push_back(make_server(p));
	Fd s = sctp_socket(true);
	std::vector<Peer> peers;
	for (const auto p : ports)
		peers.push_back(peer_at(p));
	ConnectOptions o;
	o.wait = std::chrono::milliseconds(5000);
	auto r = client().connectx(s.get(), peers, o);
	ASSERT_TRUE(r.ok()) << r.error().message();
	ASSERT_EQ(r->peers.size(), 3U);
	for (std::uint32_t i = 0; i < 3; i++) {
		EXPECT_EQ(r->peers[i].peer_index, i);
		ASSERT_TRUE(r->peers[i].result.ok());
		EXPECT_EQ(r->peers[i].result->state, SCTP_ESTABLISHED);
	}
	ASSERT_TRUE(r->wait_end.has_value());
	EXPECT_EQ(*r->wait_end, WaitEnd::Settled);
	/* Ids are the socket's own: listing finds them. */
	auto l = client().list(s.get());
	ASSERT_TRUE(l.ok());
	EXPECT_EQ(l->assocs.size(), 3U);
}

TEST_P(ConnectxTest, RefusedPeerIsReportedPerPeer)
{
	std::uint16_t live = 0;
	std::uint16_t dead = 0;
	Fd srv = make_server(live);
	{
		Fd gone = make_server(dead);
	}
	Fd s = sctp_socket(true);
	const std::vector<Peer> peers{peer_at(live), peer_at(dead)};
	ConnectOptions o;
	o.wait = std::chrono::milliseconds(5000);
	auto r = client().connectx(s.get(), peers, o);
	ASSERT_TRUE(r.ok()) << r.error().message();
	ASSERT_TRUE(r->peers[0].result.ok());
	EXPECT_EQ(r->peers[0].result->state, SCTP_ESTABLISHED);
	ASSERT_FALSE(r->peers[1].result.ok());
	EXPECT_EQ(r->peers[1].result.error().errnum(), ECONNREFUSED);
	EXPECT_EQ(*r->wait_end, WaitEnd::Settled);
}

TEST_P(ConnectxTest, NoWaitStillGivesTheId)
{
	std::uint16_t port = 0;
	Fd srv = make_server(port);
	Fd s = sctp_socket(true);
	auto r = client().connectx(s.get(), peer_at(port));
	ASSERT_TRUE(r.ok());
	ASSERT_TRUE(r->peers[0].result.ok());
	EXPECT_NE(r->peers[0].result->id, 0U);
	EXPECT_FALSE(r->wait_end.has_value());
}

TEST_P(ConnectxTest, PeerErrorsMatchTheModule)
{
	Fd nb = sctp_socket(true);
	auto noport = client().connectx(nb.get(), Peer{{*Address::parse("127.0.0.1")}});
	ASSERT_FALSE(noport.ok());
	EXPECT_EQ(noport.error().errnum(), EINVAL);
	EXPECT_EQ(noport.error().extack, "address has no port");
	auto v6 = client().connectx(nb.get(), Peer{{*Address::parse("::1", 9)}});
	EXPECT_EQ(v6.error().extack, "IPv6 address on an IPv4 socket");
	auto noaddr = client().connectx(nb.get(), Peer{});
	EXPECT_EQ(noaddr.error().extack, "peer has no address");
	Fd blocking = sctp_socket(false);
	const std::vector<Peer> two{peer_at(9), peer_at(10)};
	auto batch = client().connectx(blocking.get(), two);
	EXPECT_EQ(batch.error().extack,
		  "a batch of peers needs a non-blocking socket");
}

/* sctp_connectx(3) on a blocking socket whose SO_SNDTIMEO expires: EINPROGRESS with the id. */
TEST_P(ConnectxTest, BlockingSendTimeoutIsEinprogressWithTheId)
{
	std::uint16_t port = 0;
	Fd deaf = make_deaf_server(port);
	Fd s = sctp_socket(false);
	const timeval tv{0, 300000};
	ASSERT_EQ(setsockopt(s.get(), SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)), 0);
	auto r = client().connectx(s.get(), peer_at(port));
	ASSERT_TRUE(r.ok()) << r.error().message();
	ASSERT_EQ(r->peers.size(), 1U);
	ASSERT_FALSE(r->peers[0].result.ok());
	EXPECT_EQ(r->peers[0].result.error().errnum(), EINPROGRESS);
	EXPECT_NE(r->peers[0].id, 0U);
	EXPECT_EQ(*r->wait_end, WaitEnd::Timeout);
}

/* The wait on a non-blocking socket ends at the caller's timeout, with every state. */
TEST_P(ConnectxTest, UnansweredPeersEndAtTheTimeoutInProgress)
{
	std::uint16_t live = 0;
	std::uint16_t port = 0;
	Fd srv = make_server(live);
	Fd deaf = make_deaf_server(port);
	Fd s = sctp_socket(true);
	const std::vector<Peer> peers{peer_at(live), peer_at(port)};
	ConnectOptions o;
	o.wait = std::chrono::milliseconds(400);
	const auto t0 = std::chrono::steady_clock::now();
	auto r = client().connectx(s.get(), peers, o);
	const auto took = std::chrono::steady_clock::now() - t0;
	ASSERT_TRUE(r.ok()) << r.error().message();
	ASSERT_TRUE(r->peers[0].result.ok());
	EXPECT_EQ(r->peers[0].result->state, SCTP_ESTABLISHED);
	ASSERT_FALSE(r->peers[1].result.ok());
	EXPECT_EQ(r->peers[1].result.error().errnum(), EINPROGRESS);
	EXPECT_NE(r->peers[1].id, 0U);
	EXPECT_EQ(r->peers[1].state, SCTP_COOKIE_WAIT);
	EXPECT_EQ(*r->wait_end, WaitEnd::Timeout);
	EXPECT_GE(took, std::chrono::milliseconds(400));
	EXPECT_LT(took, std::chrono::milliseconds(2000));
}

/*
 * The library's wait for a big batch: 500 peers (500 servers, each on its
 * own port of 127.0.0.1: one server would see 500 INITs from one peer
 * address and port, which is one association), split at max_peers, all
 * waited for in parallel, all established, and the wait settled early.
 */
TEST_P(ConnectxTest, FiveHundredPeersAllEstablished)
{
	std::vector<Fd> servers;
	std::vector<Peer> peers;
	in_addr lo{};
	lo.s_addr = htonl(INADDR_LOOPBACK);
	for (std::uint32_t i = 0; i < 500; i++) {
		std::uint16_t port = 0;
		servers.push_back(make_server(port));
		ASSERT_TRUE(servers.back().valid());
		peers.push_back(Peer{{Address::v4(lo, port)}});
	}
	Fd s = sctp_socket(true);
	ConnectOptions o;
	o.wait = std::chrono::milliseconds(30000);
	const auto t0 = std::chrono::steady_clock::now();
	auto r = client().connectx(s.get(), peers, o);
	const auto took = std::chrono::steady_clock::now() - t0;
	ASSERT_TRUE(r.ok()) << r.error().message();
	ASSERT_EQ(r->peers.size(), 500U);
	std::size_t up = 0;
	for (std::uint32_t i = 0; i < 500; i++) {
		EXPECT_EQ(r->peers[i].peer_index, i);
		up += r->peers[i].result.ok() && r->peers[i].result->state == SCTP_ESTABLISHED ? 1 : 0;
	}
	EXPECT_EQ(up, 500U);
	EXPECT_EQ(*r->wait_end, WaitEnd::Settled);
	EXPECT_LT(took, std::chrono::milliseconds(30000)) << "settled before the deadline";
	EXPECT_EQ(assoc_count(s.get()), 500U);
}

/* A signal during sctp_connectx(3)'s blocking wait: EINTR, the association lives on. */
TEST_P(ConnectxTest, BlockingConnectInterruptedBySignalIsEintr)
{
	std::uint16_t port = 0;
	Fd deaf = make_deaf_server(port);
	Fd s = sctp_socket(false);
	struct sigaction sa {};
	sa.sa_handler = on_usr1; /* no SA_RESTART */
	struct sigaction old {};
	ASSERT_EQ(sigaction(SIGUSR1, &sa, &old), 0);
	auto poke = std::make_unique<Poker>();
	auto r = client().connectx(s.get(), peer_at(port));
	poke.reset();
	sigaction(SIGUSR1, &old, nullptr);
	ASSERT_TRUE(r.ok()) << r.error().message();
	ASSERT_FALSE(r->peers[0].result.ok());
	EXPECT_EQ(r->peers[0].result.error().errnum(), EINTR);
	EXPECT_EQ(*r->wait_end, WaitEnd::Signal);
	EXPECT_NE(r->peers[0].id, 0U) << "found again by its address";
	EXPECT_EQ(assoc_count(s.get()), 1U) << "the association lives on, as with lksctp";
}

/* The library's own wait (non-blocking socket) ends at a signal with EINTR and the id. */
TEST_P(ConnectxTest, SignalEndsTheLibrarysWait)
{
	std::uint16_t port = 0;
	Fd deaf = make_deaf_server(port);
	Fd s = sctp_socket(true);
	struct sigaction sa {};
	sa.sa_handler = on_usr1;
	sa.sa_flags = SA_RESTART; /* the wait ends all the same */
	struct sigaction old {};
	ASSERT_EQ(sigaction(SIGUSR1, &sa, &old), 0);
	auto poke = std::make_unique<Poker>();
	ConnectOptions o;
	o.wait = std::chrono::milliseconds(10000);
	const auto t0 = std::chrono::steady_clock::now();
	auto r = client().connectx(s.get(), peer_at(port), o);
	const auto took = std::chrono::steady_clock::now() - t0;
	poke.reset();
	sigaction(SIGUSR1, &old, nullptr);
	ASSERT_TRUE(r.ok()) << r.error().message();
	EXPECT_EQ(*r->wait_end, WaitEnd::Signal);
	ASSERT_FALSE(r->peers[0].result.ok());
	EXPECT_EQ(r->peers[0].result.error().errnum(), EINTR);
	EXPECT_NE(r->peers[0].id, 0U);
	EXPECT_LT(took, std::chrono::milliseconds(5000));
	EXPECT_EQ(assoc_count(s.get()), 1U) << "the association is still being set up";
}

/*
 * An association peeled off through the library while connectx waits for
 * it is alive on its own socket, not failed: the wait sees it vanish from
 * the caller's socket and asks the library's record of peels, which
 * records only while a connectx wait watches. The deaf server keeps it in
 * COOKIE_WAIT, so only the peel can end the wait before its 5 s.
 */
TEST_P(ConnectxTest, PeeledDuringTheWaitIsAlive)
{
	std::uint16_t port = 0;
	Fd deaf = make_deaf_server(port);
	Fd s = sctp_socket(true);
	ConnectOptions o;
	o.wait = std::chrono::milliseconds(5000);
	Result<ConnectResult> r{Error{}};
	std::chrono::steady_clock::duration took{};
	std::atomic<bool> done{false};
	AssocId id = 0;
	Fd peeled;
	{
		/* Joined at the end of this block, even when an assertion returns early. */
		const std::jthread waiter([&] {
			const auto t0 = std::chrono::steady_clock::now();
			r = client().connectx(s.get(), peer_at(port), o);
			took = std::chrono::steady_clock::now() - t0;
			done = true;
		});
		const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(2);
		while ((id = first_assoc_id(s.get())) == 0 && std::chrono::steady_clock::now() < until)
			std::this_thread::sleep_for(std::chrono::milliseconds(2));
		ASSERT_NE(id, 0U) << "no association on the socket within 2 s";
		/*
		 * Let connectx finish starting it first: a peel while the
		 * module path is still starting the association is reported
		 * refused (sctpx_connectx(3), NOTES), which is not what this
		 * test is about.
		 */
		std::this_thread::sleep_for(std::chrono::milliseconds(50));
		ASSERT_FALSE(done) << "the wait ended before the peel";
		const std::vector<AssocId> ids{id};
		PeelOptions po;
		po.brief = true;
		auto p = client().peeloff(s.get(), ids, po);
		ASSERT_TRUE(p.ok()) << p.error().message();
		ASSERT_EQ(p->entries.size(), 1U);
		ASSERT_TRUE(p->entries[0].fd.ok()) << p->entries[0].fd.error().message();
		peeled = std::move(*p->entries[0].fd);
	}
	ASSERT_TRUE(r.ok()) << r.error().message();
	/* The way the test names is the path that waited. */
	EXPECT_EQ(r->path, GetParam() == Way::Module ? Path::Module : Path::Fallback);
	ASSERT_EQ(r->peers.size(), 1U);
	ASSERT_TRUE(r->peers[0].result.ok())
		<< "peeled, not failed: " << r->peers[0].result.error().message() << " (id "
		<< r->peers[0].id << ", last state " << state_name(r->peers[0].state) << ")";
	EXPECT_EQ(r->peers[0].result->id, id);
	ASSERT_TRUE(r->wait_end.has_value());
	EXPECT_EQ(*r->wait_end, WaitEnd::Settled);
	/* Settled by the peel, not at the deadline: the poll for the id took at most 2 s. */
	EXPECT_LT(took, std::chrono::milliseconds(4000));
	EXPECT_EQ(assoc_count(s.get()), 0U) << "gone from the caller's socket";
	/*
	 * Still there, on its own socket (a one-to-one socket ignores the
	 * id), and still unanswered: the deaf server never lets it further.
	 */
	sctp_status st{};
	socklen_t len = sizeof(st);
	ASSERT_EQ(getsockopt(peeled.get(), SOL_SCTP, SCTP_STATUS, &st, &len), 0)
		<< std::strerror(errno);
	EXPECT_EQ(st.sstat_state, SCTP_COOKIE_WAIT) << "state " << state_name(st.sstat_state);
}

/* A CONNECTX reply the module could not deliver: recovered, every id told. */
TEST_P(ConnectxTest, LostReplyIsRecovered)
{
	if (GetParam() != Way::Module)
		return; /* the fallback has no reply to lose */
	(void)mount("debugfs", "/sys/kernel/debug", "debugfs", 0, nullptr);
	std::vector<std::uint16_t> ports(3);
	std::vector<Fd> servers;
	for (auto &p : ports)
		servers.push_back(make_server(p));
	Fd s = sctp_socket(true);
	std::vector<Peer> peers;
	for (const auto p : ports)
		peers.push_back(peer_at(p));
	auto before = client().counters();
	ASSERT_TRUE(before.ok());
	{
		std::ofstream knob("/sys/kernel/debug/sctpx/fail_replies");
		ASSERT_TRUE(knob.good()) << "no fail_replies knob";
		knob << "1\n";
		knob.flush();
		ASSERT_TRUE(knob.good());
	}
	ConnectOptions o;
	o.wait = std::chrono::milliseconds(5000);
	auto r = client().connectx(s.get(), peers, o);
	ASSERT_TRUE(r.ok()) << r.error().message();
	ASSERT_EQ(r->peers.size(), 3U);
	for (const PeerOutcome &p : r->peers) {
		ASSERT_TRUE(p.result.ok()) << p.result.error().message();
		EXPECT_EQ(p.result->state, SCTP_ESTABLISHED);
	}
	auto after = client().counters();
	ASSERT_TRUE(after.ok());
	EXPECT_EQ(after->reply_errors - before->reply_errors, 1U) << "the loss really happened";
	EXPECT_EQ(assoc_count(s.get()), 3U);
}

INSTANTIATE_TEST_SUITE_P(, ConnectxTest, ::testing::Values(Way::Module, Way::Forced, Way::Absent),
			 way_name);

} // namespace
} // namespace sctpx::vm
