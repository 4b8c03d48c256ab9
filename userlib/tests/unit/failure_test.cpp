// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The failure paths: a reply left in a pooled socket, a reply the
 * module could not deliver, a reply that does not match its request, a
 * forked child, a moved-from client, allocation failures at every
 * point, many threads on one client; and descriptor accounting around
 * every unit test of the binary (the process's descriptor table before
 * and after each test must be the same).
 */
#include <algorithm>
#include <atomic>
#include <cstring>
#include <functional>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <linux/sctpx.h>
#include <map>
#include <mutex>
#include <netinet/in.h>
#include <netinet/sctp.h>
#include <set>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>

#include "child.hpp"
#include "codec.hpp"
#include "fake_transport.hpp"
#include "peeled.hpp"
#include "sctpx/sctpx.h"

namespace sctpx::test {
namespace {

/* --- descriptor accounting around every test of the binary ------------- */

class FdAccounting : public ::testing::EmptyTestEventListener {
public:
	void OnTestStart(const ::testing::TestInfo & /*t*/) override { before_ = open_fds(); }
	void OnTestEnd(const ::testing::TestInfo &t) override
	{
		const auto after = open_fds();
		if (after != before_)
			bad_.push_back(std::string(t.test_suite_name()) + "." + t.name() + ": " +
				       std::to_string(before_.size()) + " descriptors before, " +
				       std::to_string(after.size()) + " after");
	}
	static std::vector<std::string> bad_;

private:
	std::vector<int> before_;
};
std::vector<std::string> FdAccounting::bad_;

class FdAccountingCheck : public ::testing::Environment {
public:
	void TearDown() override
	{
		for (const std::string &b : FdAccounting::bad_)
			ADD_FAILURE() << "descriptor table changed: " << b;
	}
};

const bool fd_accounting_installed = [] {
	::testing::UnitTest::GetInstance()->listeners().Append(new FdAccounting);
	::testing::AddGlobalTestEnvironment(new FdAccountingCheck);
	return true;
}();

/* --- a fake module with associations and real descriptors -------------- */

struct PeelModule {
	std::mutex mu;
	std::uint32_t max_batch = 64;
	std::uint32_t max_peers = 64;
	std::uint32_t version = SCTPX_FAMILY_VERSION;
	std::set<std::uint32_t> assocs;
	std::vector<int> handed_out; /* every descriptor put in a reply */
	/* PEELOFF: leave this id out of the reply (it is still peeled). */
	std::uint32_t omit = 0;
	/* PEELOFF by selection: fail the request with this number (1-based). */
	int fail_select_request = 0;
	int select_requests = 0;
	std::vector<std::size_t> connectx_sizes;
	std::vector<std::size_t> connectx_bytes;

	int new_fd()
	{
		const int fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
		handed_out.push_back(fd);
		return fd;
	}

	Result<std::vector<detail::Message>> handle(const Request &r)
	{
		const std::lock_guard lock(mu);
		switch (r.cmd()) {
		case SCTPX_CMD_INFO_GET:
			if (version != SCTPX_FAMILY_VERSION)
				return std::vector<detail::Message>{info_reply_version(version, all_ops())};
			return std::vector<detail::Message>{info_reply(all_ops(), max_batch, max_peers)};
		case SCTPX_CMD_ASSOC_GET: {
			ReplyBuilder b(SCTPX_CMD_ASSOC_GET, NLM_F_MULTI);
			for (const std::uint32_t id : assocs)
				b.entry(id, SCTP_ESTABLISHED);
			return std::vector<detail::Message>{b.done(), done_reply(0)};
		}
		case SCTPX_CMD_PEELOFF:
			return peel(r);
		case SCTPX_CMD_CONNECTX: {
			const auto peers = r.all(SCTPX_A_PEER);
			connectx_sizes.push_back(peers.size());
			connectx_bytes.push_back(r.msg.hdr()->nlmsg_len);
			ReplyBuilder b(SCTPX_CMD_CONNECTX);
			for (std::size_t i = 0; i < peers.size(); i++)
				b.entry(static_cast<std::uint32_t>(1000 + i), SCTP_COOKIE_WAIT, -1, 0,
					static_cast<long>(i));
			return std::vector<detail::Message>{b.done()};
		}
		default:
			return Error{EOPNOTSUPP};
		}
	}

	Result<std::vector<detail::Message>> peel(const Request &r)
	{
		ReplyBuilder b(SCTPX_CMD_PEELOFF);
		if (r.one(SCTPX_A_SELECT) != nullptr) {
			if (++select_requests == fail_select_request)
				return Error{EMFILE, "cannot reserve a descriptor for every association"};
			std::uint32_t taken = 0;
			while (taken < max_batch && !assocs.empty()) {
				const std::uint32_t id = *assocs.begin();
				assocs.erase(assocs.begin());
				b.entry(id, SCTP_ESTABLISHED, new_fd());
				taken++;
			}
			nla_put_u32(b.msg(), SCTPX_A_REMAINING, static_cast<std::uint32_t>(assocs.size()));
			return std::vector<detail::Message>{b.done()};
		}
		for (const std::uint32_t id : request_ids(r)) {
			const bool ok = assocs.erase(id) != 0;
			const int fd = ok ? new_fd() : -1;
			if (id == omit)
				continue;
			if (ok)
				b.entry(id, SCTP_ESTABLISHED, fd);
			else
				b.entry(id, 0, -1, EINVAL);
		}
		return std::vector<detail::Message>{b.done()};
	}

	/* Close what the module handed out and nobody closed (a test's own cleanup). */
	void close_leftovers(const std::set<int> &delivered_and_closed = {})
	{
		for (const int fd : handed_out)
			if (delivered_and_closed.count(fd) == 0 && fcntl(fd, F_GETFD) >= 0)
				close(fd);
		handed_out.clear();
	}
};

struct FailureTest : ::testing::Test {
	std::shared_ptr<FakeKernel> k = std::make_shared<FakeKernel>();
	std::shared_ptr<PeelModule> m = std::make_shared<PeelModule>();
	Fd sock, other;

	void SetUp() override
	{
		int sv[2];
		ASSERT_EQ(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, sv), 0);
		sock.reset(sv[0]);
		other.reset(sv[1]);
		detail::forget_peeled();
	}

	Client client(ClientOptions o = {})
	{
		k->handler = [mod = m](const Request &r) { return mod->handle(r); };
		auto c = ClientAccess::make(fake_factory(k), o);
		EXPECT_TRUE(c.ok());
		return std::move(*c);
	}
};

bool is_open(int fd) { return fcntl(fd, F_GETFD) >= 0; }

/* --- 1. replies matched to requests, transports discarded after a failure */

TEST_F(FailureTest, StaleReplyInAPooledSocketNeverAnswersTheNextCall)
{
	m->assocs = {3, 4, 5, 6};
	Client c = client();
	{
		const std::lock_guard lock(k->mu);
		k->withhold_replies = 1; /* the PEELOFF reply stays in its socket */
	}
	const std::vector<AssocId> ids{3, 4};
	auto p = c.peeloff(sock.get(), ids);
	ASSERT_FALSE(p.ok());
	EXPECT_EQ(p.error().errnum(), EINTR);
	const std::vector<int> withheld = m->handed_out;
	ASSERT_EQ(withheld.size(), 2U);

	/* The next call must not read that reply: it gets its own. */
	auto l = c.list(sock.get());
	ASSERT_TRUE(l.ok()) << l.error().message();
	ASSERT_EQ(l->assocs.size(), 2U) << "a listing of the socket, not the old peeloff reply";
	EXPECT_EQ(l->assocs[0].id, 5U);
	EXPECT_EQ(l->assocs[1].id, 6U);
	/* The withheld descriptors were not closed behind anyone's back. */
	for (const int fd : withheld)
		EXPECT_TRUE(is_open(fd)) << "fd " << fd << " was closed: its association ended";
	{
		const std::lock_guard lock(k->mu);
		ASSERT_GE(k->request_transport.size(), 3U);
		EXPECT_NE(k->request_transport.back(), k->request_transport[k->request_transport.size() - 2])
			<< "the failed transport was reused";
	}
	m->close_leftovers();
}

TEST_F(FailureTest, ReplyMatchingChecksSequenceTypeCommandAndPort)
{
	ReplyBuilder b(SCTPX_CMD_PEELOFF);
	detail::Message msg = b.done();
	auto *h = const_cast<nlmsghdr *>(msg.hdr());
	h->nlmsg_seq = 7;
	h->nlmsg_pid = 1234;
	detail::Expect x;
	x.seq = 7;
	x.port = 1234;
	x.family = fake_family;
	x.cmd = SCTPX_CMD_PEELOFF;
	EXPECT_TRUE(detail::reply_matches(h, x));
	h->nlmsg_seq = 6;
	EXPECT_FALSE(detail::reply_matches(h, x)) << "an older request's reply";
	h->nlmsg_seq = 7;
	h->nlmsg_pid = 99;
	EXPECT_FALSE(detail::reply_matches(h, x)) << "another socket's";
	h->nlmsg_pid = 1234;
	x.cmd = SCTPX_CMD_ASSOC_GET;
	EXPECT_FALSE(detail::reply_matches(h, x)) << "another command's";
	x.cmd = SCTPX_CMD_PEELOFF;
	h->nlmsg_type = fake_family + 1;
	EXPECT_FALSE(detail::reply_matches(h, x)) << "another family's";
	/* LOST_REPLY_GET: the kept reply has the lost request's seq; its own errors the new one. */
	auto err = error_reply(ENOENT, "none");
	auto *eh = const_cast<nlmsghdr *>(err.hdr());
	eh->nlmsg_pid = 1234;
	eh->nlmsg_seq = 8;
	EXPECT_FALSE(detail::reply_matches(eh, x));
	x.alt_seq = 8;
	EXPECT_TRUE(detail::reply_matches(eh, x));
}

/* --- lost replies: ENOBUFS, then LOST_REPLY_GET on the same socket ----- */

TEST_F(FailureTest, LostPeeloffReplyIsRecoveredWithEveryDescriptor)
{
	m->assocs = {3, 4, 5};
	Client c = client();
	{
		const std::lock_guard lock(k->mu);
		k->lose_replies = 1;
	}
	const std::vector<AssocId> ids{3, 4, 5};
	auto p = c.peeloff(sock.get(), ids);
	ASSERT_TRUE(p.ok()) << p.error().message();
	ASSERT_EQ(p->entries.size(), 3U);
	for (std::size_t i = 0; i < 3; i++) {
		EXPECT_EQ(p->entries[i].info.id, ids[i]);
		ASSERT_TRUE(p->entries[i].fd.ok());
		EXPECT_EQ(p->entries[i].fd->get(), m->handed_out[i]);
	}
	const std::lock_guard lock(k->mu);
	ASSERT_EQ(k->lost_reply_gets.size(), 1U);
	/* Asked on the socket the reply was lost on (the module keeps it per socket). */
	const auto peel_at = std::find_if(k->requests.begin(), k->requests.end(),
					  [](const Request &q) { return q.cmd() == SCTPX_CMD_PEELOFF; });
	ASSERT_NE(peel_at, k->requests.end());
	EXPECT_EQ(k->lost_reply_gets[0],
		  k->request_transport[static_cast<std::size_t>(peel_at - k->requests.begin())]);
}

TEST_F(FailureTest, LostConnectxReplyIsRecovered)
{
	Client c = client();
	{
		const std::lock_guard lock(k->mu);
		k->lose_replies = 1;
	}
	const std::vector<Peer> peers(2, Peer{{*Address::parse("127.0.0.1", 9)}});
	auto r = c.connectx(sock.get(), peers);
	ASSERT_TRUE(r.ok()) << r.error().message();
	ASSERT_EQ(r->peers.size(), 2U);
	EXPECT_EQ(r->peers[1].result->id, 1001U);
}

TEST_F(FailureTest, LostReplyTheModuleCouldNotKeepIsReportedNotSwallowed)
{
	m->assocs = {3};
	Client c = client();
	{
		const std::lock_guard lock(k->mu);
		k->lose_replies = 1;
		k->keep_lost = false;
	}
	const std::vector<AssocId> ids{3};
	auto p = c.peeloff(sock.get(), ids);
	ASSERT_FALSE(p.ok());
	EXPECT_EQ(p.error().errnum(), ENOBUFS);
	EXPECT_NE(p.error().extack.find("not kept"), std::string::npos) << p.error().extack;
	m->close_leftovers();
}

/* --- 3. a reply that does not match the request loses nothing --------- */

TEST_F(FailureTest, MissingEntryKeepsEveryOtherDescriptor)
{
	m->assocs = {3, 4, 5};
	m->omit = 4;
	Client c = client();
	const std::vector<AssocId> ids{3, 4, 5};
	auto p = c.peeloff(sock.get(), ids);
	ASSERT_TRUE(p.ok()) << "one entry missing must not fail the call: " << p.error().message();
	ASSERT_EQ(p->entries.size(), 3U);
	ASSERT_TRUE(p->entries[0].fd.ok());
	EXPECT_EQ(p->entries[0].info.id, 3U);
	ASSERT_FALSE(p->entries[1].fd.ok());
	EXPECT_EQ(p->entries[1].fd.error().errnum(), EPROTO);
	ASSERT_TRUE(p->entries[2].fd.ok());
	EXPECT_EQ(p->entries[2].info.id, 5U);
	std::set<int> mine{p->entries[0].fd->get(), p->entries[2].fd->get()};
	p = Error{};
	m->close_leftovers(mine); /* the omitted one's descriptor: the fake's leak */
}

/* A module answering in another order, with an entry nobody asked for. */
TEST_F(FailureTest, OutOfOrderReplyIsMatchedByIdAndKeepsTheExtraEntry)
{
	std::map<std::uint32_t, int> fd_of; /* id -> the descriptor the fake handed out */
	k->handler = [&fd_of](const Request &r) -> Result<std::vector<detail::Message>> {
		if (r.cmd() == SCTPX_CMD_INFO_GET)
			return std::vector<detail::Message>{info_reply(all_ops(), 64, 64)};
		std::vector<std::uint32_t> ids = request_ids(r);
		std::reverse(ids.begin(), ids.end());
		if (ids.size() > 2)
			ids.insert(ids.begin() + 1, 99); /* one more, in the middle */
		ReplyBuilder b(SCTPX_CMD_PEELOFF);
		for (const std::uint32_t id : ids) {
			fd_of[id] = open("/dev/null", O_RDONLY | O_CLOEXEC);
			b.brief_entry(id, fd_of[id]);
		}
		return std::vector<detail::Message>{b.done()};
	};
	auto c = ClientAccess::make(fake_factory(k), {});
	ASSERT_TRUE(c.ok());
	/* Same size, another order; then one entry more than asked. */
	for (const std::vector<AssocId> &ids : {std::vector<AssocId>{3, 4}, std::vector<AssocId>{5, 6, 7}}) {
		fd_of.clear();
		auto p = c->peeloff(sock.get(), ids);
		ASSERT_TRUE(p.ok()) << p.error().message();
		const bool extra = ids.size() > 2;
		ASSERT_EQ(p->entries.size(), ids.size() + (extra ? 1 : 0));
		for (std::size_t i = 0; i < ids.size(); i++) {
			EXPECT_EQ(p->entries[i].info.id, ids[i]);
			ASSERT_TRUE(p->entries[i].fd.ok()) << "id " << ids[i];
			EXPECT_EQ(p->entries[i].fd->get(), fd_of.at(ids[i])) << "id " << ids[i];
		}
		if (extra) {
			EXPECT_EQ(p->entries.back().info.id, 99U) << "the unasked entry goes at the end";
			ASSERT_TRUE(p->entries.back().fd.ok());
			EXPECT_EQ(p->entries.back().fd->get(), fd_of.at(99));
		}
		ASSERT_EQ(fd_of.size(), p->entries.size()) << "the fake answered";
		p = Error{};
		for (const auto &[id, fd] : fd_of)
			EXPECT_FALSE(is_open(fd)) << "id " << id << ": every descriptor reached the caller";
	}
}

TEST_F(FailureTest, TruncatedReplyKeepsTheDescriptorsItCarries)
{
	/* A reply cut in the middle of its last entry: what it carries is delivered. */
	std::vector<int> fds;
	k->handler = [&fds](const Request &r) -> Result<std::vector<detail::Message>> {
		if (r.cmd() == SCTPX_CMD_INFO_GET)
			return std::vector<detail::Message>{info_reply(all_ops(), 64, 64)};
		ReplyBuilder b(SCTPX_CMD_PEELOFF);
		for (const std::uint32_t id : request_ids(r)) {
			fds.push_back(open("/dev/null", O_RDONLY | O_CLOEXEC));
			b.brief_entry(id, fds.back());
		}
		detail::Message whole = b.done();
		std::vector<std::uint32_t> words(whole.hdr()->nlmsg_len / 4);
		std::memcpy(words.data(), whole.hdr(), whole.hdr()->nlmsg_len);
		auto *h = reinterpret_cast<nlmsghdr *>(words.data());
		h->nlmsg_len -= 8; /* the last entry's FD attribute is gone */
		return std::vector<detail::Message>{detail::Message(h)};
	};
	auto c = ClientAccess::make(fake_factory(k), {});
	ASSERT_TRUE(c.ok());
	const std::vector<AssocId> ids{3, 4, 5};
	auto p = c->peeloff(sock.get(), ids);
	ASSERT_TRUE(p.ok()) << p.error().message();
	ASSERT_EQ(p->entries.size(), 3U);
	EXPECT_TRUE(p->entries[0].fd.ok());
	EXPECT_TRUE(p->entries[1].fd.ok());
	ASSERT_FALSE(p->entries[2].fd.ok()) << "the cut entry has no descriptor to give";
	EXPECT_EQ(p->entries[2].fd.error().errnum(), EPROTO);
	p = Error{};
	ASSERT_EQ(fds.size(), 3U);
	EXPECT_FALSE(is_open(fds[0]));
	EXPECT_FALSE(is_open(fds[1]));
	EXPECT_TRUE(is_open(fds[2])) << "left open: its number never reached the library";
	close(fds[2]);
}

/* --- 8. errors not swallowed ---------------------------------------------- */

TEST_F(FailureTest, SelectionLoopReportsALaterRequestsFailure)
{
	for (std::uint32_t id = 3; id < 13; id++)
		m->assocs.insert(id);
	m->max_batch = 4;
	m->fail_select_request = 2;
	Client c = client();
	auto p = c.peeloff(sock.get(), Selection::all());
	ASSERT_TRUE(p.ok()) << p.error().message();
	EXPECT_EQ(p->entries.size(), 4U) << "what the first request moved";
	ASSERT_TRUE(p->incomplete.has_value()) << "the second request's EMFILE was dropped";
	EXPECT_EQ(p->incomplete->errnum(), EMFILE);
	EXPECT_EQ(p->remaining, 6U);
}

TEST_F(FailureTest, OneFailedReprobeDoesNotMoveTheClientToTheFallback)
{
	m->assocs = {3};
	Client c = client();
	ASSERT_EQ(c.path_for(Op::List), Path::Module);
	{
		const std::lock_guard lock(k->mu);
		k->factory_failures = 1; /* the next netlink socket cannot be opened */
	}
	(void)c.refresh();
	EXPECT_EQ(c.path_for(Op::List), Path::Module) << "EMFILE is not 'module absent'";
	auto l = c.list(sock.get());
	ASSERT_TRUE(l.ok());
	EXPECT_EQ(l->path, Path::Module);
}

TEST_F(FailureTest, AClientThatCouldNotAskAsksAgainInsteadOfFallingBack)
{
	m->assocs = {3};
	{
		const std::lock_guard lock(k->mu);
		k->factory_failures = 2; /* no netlink socket at open, nor at the first call */
	}
	Client c = client();
	auto first = c.list(sock.get());
	ASSERT_FALSE(first.ok()) << "served by the fallback for want of asking";
	EXPECT_EQ(first.error().errnum(), EMFILE);
	auto second = c.list(sock.get());
	ASSERT_TRUE(second.ok()) << second.error().message();
	EXPECT_EQ(second->path, Path::Module);
}

TEST_F(FailureTest, ForcedFallbackNeverLoadsTheModule)
{
	ClientOptions o;
	o.force_fallback = true;
	Client c = client(o);
	(void)c.info();
	const std::lock_guard lock(k->mu);
	ASSERT_FALSE(k->resolves.empty());
	for (const bool autoload : k->resolves)
		EXPECT_FALSE(autoload) << "resolving with autoload loads the module on demand";
}

TEST_F(FailureTest, CountersUnderForcedFallbackAreEnoent)
{
	ClientOptions o;
	o.force_fallback = true;
	Client c = client(o);
	auto r = c.counters();
	ASSERT_FALSE(r.ok());
	EXPECT_EQ(r.error().errnum(), ENOENT);
}

TEST_F(FailureTest, Version1ModuleIsReportedButNotUsed)
{
	m->version = 1;
	Client c = client();
	EXPECT_EQ(c.path_for(Op::Peeloff), Path::Fallback);
	EXPECT_EQ(c.path_for(Op::Connectx), Path::Fallback);
	auto i = c.info();
	ASSERT_TRUE(i.ok());
	EXPECT_TRUE(i->module_loaded);
	EXPECT_EQ(i->family_version, 1U);
	EXPECT_FALSE(i->module_usable);
}

/* --- 2. fork ------------------------------------------------------------ */

/* body() in a child made by spawn: true if it returned true there. */
bool in_child(pid_t (*spawn)(), const std::function<bool()> &body)
{
	return child_status(spawn, [&] { return body() ? 0 : 1; }) == 0;
}

std::size_t requests_sent(FakeKernel &k)
{
	const std::lock_guard lock(k.mu);
	return k.requests.size();
}

/* In the child, a call on the parent's client fails with ECHILD and sends nothing. */
bool refused_in_child(Client &c, FakeKernel &k, int sock)
{
	const std::size_t before = requests_sent(k);
	const std::vector<AssocId> ids{3};
	auto p = c.peeloff(sock, ids);
	auto l = c.list(sock);
	return !p.ok() && p.error().errnum() == ECHILD && !l.ok() && l.error().errnum() == ECHILD &&
	       c.path_for(Op::Peeloff) == Path::Fallback && requests_sent(k) == before;
}

TEST_F(FailureTest, ForkedChildGetsEchildAndSendsNothing)
{
	m->assocs = {3, 4};
	Client c = client();
	EXPECT_TRUE(in_child(plain_fork, [&] { return refused_in_child(c, *k, sock.get()); }))
		<< "the child used the parent's client";
	/* The parent's client is unaffected. */
	const std::vector<AssocId> ids{3};
	auto p = c.peeloff(sock.get(), ids);
	ASSERT_TRUE(p.ok()) << p.error().message();
}

TEST_F(FailureTest, ChildOfARawCloneGetsEchildToo)
{
	m->assocs = {3, 4};
	Client c = client();
	ASSERT_EQ(c.path_for(Op::Peeloff), Path::Module);
	EXPECT_TRUE(in_child(raw_clone, [&] { return refused_in_child(c, *k, sock.get()); }))
		<< "a child made without atfork handlers used the parent's client";
	const std::vector<AssocId> ids{3};
	ASSERT_TRUE(c.peeloff(sock.get(), ids).ok());
}

/* A client opened in the child has sockets of its own; a grandchild is refused. */
TEST_F(FailureTest, ChildOpensItsOwnClientOnItsOwnSockets)
{
	m->assocs = {3, 4};
	Client c = client();
	const std::vector<AssocId> three{3};
	ASSERT_TRUE(c.peeloff(sock.get(), three).ok());
	std::set<int> parents;
	{
		const std::lock_guard lock(k->mu);
		parents.insert(k->request_transport.begin(), k->request_transport.end());
	}
	ASSERT_FALSE(parents.empty());
	EXPECT_TRUE(in_child(plain_fork, [&] {
		if (!refused_in_child(c, *k, sock.get()))
			return false;
		auto own = ClientAccess::make(fake_factory(k), {});
		if (!own.ok())
			return false;
		const std::size_t before = requests_sent(*k);
		const std::vector<AssocId> four{4};
		auto p = own->peeloff(sock.get(), four);
		if (!p.ok() || !p->entries.at(0).fd.ok() || requests_sent(*k) == before)
			return false;
		{
			const std::lock_guard lock(k->mu);
			for (std::size_t i = before; i < k->request_transport.size(); i++)
				if (parents.count(k->request_transport[i]) != 0)
					return false; /* the parent's socket, reused */
		}
		/* Still the parent's client refuses; the child's is its own. */
		return refused_in_child(c, *k, sock.get()) &&
		       in_child(plain_fork, [&] { return refused_in_child(*own, *k, sock.get()); });
	})) << "the child's own client failed or reused the parent's transports";
}

/* --- 7. no abort on bad input, moved-from objects ----------------------- */

TEST_F(FailureTest, MovedFromClientFailsWithAClearError)
{
	Client a = client();
	Client b = std::move(a);
	auto l = a.list(sock.get()); // NOLINT(bugprone-use-after-move): the point of the test
	ASSERT_FALSE(l.ok());
	EXPECT_EQ(l.error().errnum(), EINVAL);
	EXPECT_NE(l.error().extack.find("moved"), std::string::npos);
	EXPECT_EQ(a.path_for(Op::List), Path::Fallback); // NOLINT(bugprone-use-after-move)
	EXPECT_FALSE(a.info().ok());                     // NOLINT(bugprone-use-after-move)
}

TEST_F(FailureTest, CApiHugePeerCountIsAnErrorNotAnAbort)
{
	sctpx_client *cc = c_handle(client());
	union sctpx_sockaddr a {};
	a.v4.sin_family = AF_INET;
	const struct sctpx_peer p {&a, 1};
	struct sctpx_connect_result *r = nullptr;
	/* std::vector::reserve(SIZE_MAX) throws std::length_error. */
	EXPECT_EQ(sctpx_connectx(cc, sock.get(), &p, SIZE_MAX, nullptr, &r), -ENOMEM);
	EXPECT_EQ(r, nullptr);
	sctpx_close(cc);
}

TEST_F(FailureTest, CApiStructsCarryTheirSize)
{
	sctpx_client *cc = c_handle(client());
	struct sctpx_counters unset {};
	EXPECT_EQ(sctpx_get_counters(cc, &unset), -EINVAL) << "size 0: not set";
	/* A newer caller's bigger struct: the library fills what it knows, by name. */
	struct Bigger {
		struct sctpx_counters k;
		std::uint64_t newer[4];
	} big{};
	big.k.size = sizeof(big);
	std::memset(big.newer, 0xab, sizeof(big.newer));
	ASSERT_EQ(sctpx_get_counters(cc, &big.k), 0) << sctpx_extack();
	EXPECT_EQ(big.k.size, sizeof(big)) << "size is the caller's, kept";
	EXPECT_EQ(big.k.peeled, 7U);
	EXPECT_EQ(big.k.reply_errors, 1U);
	EXPECT_EQ(big.k.lost_replies_dropped, 2U);
	for (const std::uint64_t v : big.newer)
		EXPECT_EQ(v, 0xababababababababULL) << "written past the library's struct";
	struct sctpx_select s {};
	struct sctpx_assocs *r = nullptr;
	EXPECT_EQ(sctpx_assoc_list(cc, sock.get(), &s, &r), -EINVAL);
	sctpx_close(cc);
}

TEST_F(FailureTest, CApiPerEntryMessagesAndGetters)
{
	m->assocs = {3};
	sctpx_client *cc = c_handle(client());
	const std::uint32_t ids[] = {3, 3};
	struct sctpx_assocs *r = nullptr;
	ASSERT_EQ(sctpx_peeloff(cc, sock.get(), ids, 2, 0, &r), 0) << sctpx_extack();
	ASSERT_EQ(r->n, 2U);
	const struct sctpx_assoc *a0 = sctpx_assocs_at(r, 0);
	const struct sctpx_assoc *a1 = sctpx_assocs_at(r, 1);
	ASSERT_NE(a0, nullptr);
	ASSERT_NE(a1, nullptr);
	EXPECT_EQ(sctpx_assocs_at(r, 2), nullptr);
	EXPECT_GE(a0->fd, 0);
	EXPECT_STREQ(a0->error_msg, "");
	EXPECT_EQ(a1->error, EINVAL);
	ASSERT_NE(a1->error_msg, nullptr);
	close(a0->fd);
	sctpx_assocs_free(r);
	sctpx_close(cc);
}

/* --- 5. allocation failures after the kernel installed descriptors ------ */

TEST_F(FailureTest, NoAllocationFailureEverClosesAPeeledDescriptor)
{
	sctpx_client *cc = c_handle(client());
	int ok_runs = 0;
	int enomem_runs = 0;
	for (long n = 0; n < 400; n++) {
		{
			const std::lock_guard lock(m->mu);
			m->assocs = {3, 4, 5};
			m->handed_out.clear();
		}
		const std::uint32_t ids[] = {3, 4, 5};
		struct sctpx_assocs *r = nullptr;
		fail_allocations_after(n);
		const int rc = sctpx_peeloff(cc, sock.get(), ids, 3, 0, &r);
		const long failed = failed_allocations();
		stop_failing_allocations();
		std::vector<int> handed;
		{
			const std::lock_guard lock(m->mu);
			handed = m->handed_out;
		}
		if (rc == 0) {
			ASSERT_EQ(r->n, 3U);
			for (std::size_t i = 0; i < 3; i++) {
				ASSERT_GE(sctpx_assocs_at(r, i)->fd, 0) << "at allocation " << n;
				EXPECT_TRUE(is_open(sctpx_assocs_at(r, i)->fd));
				close(sctpx_assocs_at(r, i)->fd);
			}
			sctpx_assocs_free(r);
			ok_runs++;
			if (failed == 0)
				break; /* every allocation point has been tried */
		} else {
			EXPECT_EQ(rc, -ENOMEM) << "at allocation " << n;
			/* Not delivered: then left open (the association lives), never closed. */
			for (const int fd : handed) {
				EXPECT_TRUE(is_open(fd)) << "allocation " << n << " closed fd " << fd;
				close(fd);
			}
			enomem_runs++;
		}
	}
	EXPECT_GT(enomem_runs, 5) << "the injection reached the library";
	EXPECT_EQ(ok_runs, 1);
	sctpx_close(cc);
}

/* --- many threads on one client ------------------------------------------ */

TEST_F(FailureTest, ManyThreadsOnOneClientEachGetTheirOwnReplies)
{
	constexpr int kThreads = 8;
	constexpr int kCalls = 40;
	for (std::uint32_t id = 3; id < 3 + kThreads * kCalls; id++)
		m->assocs.insert(id);
	Client c = client();
	std::atomic<int> wrong{0};
	std::vector<std::thread> ts;
	std::mutex fds_mu;
	std::set<int> fds;
	for (int t = 0; t < kThreads; t++)
		ts.emplace_back([&, t] {
			for (int i = 0; i < kCalls; i++) {
				const auto id = static_cast<AssocId>(3 + t * kCalls + i);
				const std::vector<AssocId> ids{id};
				auto p = c.peeloff(sock.get(), ids);
				if (!p.ok() || p->entries.size() != 1 || p->entries[0].info.id != id ||
				    !p->entries[0].fd.ok()) {
					wrong++;
					continue;
				}
				const std::lock_guard lock(fds_mu);
				if (!fds.insert(p->entries[0].fd->get()).second)
					wrong++;
				(void)p->entries[0].fd->release();
			}
		});
	for (auto &t : ts)
		t.join();
	EXPECT_EQ(wrong, 0);
	EXPECT_EQ(fds.size(), std::size_t{kThreads * kCalls});
	for (const int fd : fds)
		close(fd);
	EXPECT_TRUE(m->assocs.empty());
}

/* --- 4. connectx: big peers, requests split by bytes --------------------- */

TEST_F(FailureTest, PeerTooBigForOneAttributeIsRefusedAloneBeforeAnythingStarts)
{
	Client c = client();
	Peer big;
	for (int i = 0; i < 2048; i++)
		big.addrs.push_back(*Address::parse("2001:db8::" + std::to_string(i + 1), 9));
	const std::vector<Peer> peers{Peer{{*Address::parse("127.0.0.1", 9)}}, big,
				      Peer{{*Address::parse("127.0.0.2", 9)}}};
	auto r = c.connectx(sock.get(), peers);
	ASSERT_TRUE(r.ok()) << r.error().message();
	ASSERT_EQ(r->peers.size(), 3U);
	EXPECT_TRUE(r->peers[0].result.ok());
	ASSERT_FALSE(r->peers[1].result.ok());
	EXPECT_EQ(r->peers[1].result.error().errnum(), EMSGSIZE);
	EXPECT_EQ(r->peers[1].id, 0U) << "never started";
	EXPECT_TRUE(r->peers[2].result.ok());
	EXPECT_EQ(m->connectx_sizes, (std::vector<std::size_t>{2}));
}

TEST_F(FailureTest, ConnectxRequestsAreSplitByBytesToo)
{
	m->max_peers = 1024;
	Client c = client();
	Peer p;
	for (int i = 0; i < 11; i++)
		p.addrs.push_back(*Address::parse("2001:db8::" + std::to_string(i + 1), 9));
	const std::vector<Peer> peers(1024, p);
	auto r = c.connectx(sock.get(), peers);
	ASSERT_TRUE(r.ok()) << r.error().message();
	ASSERT_EQ(r->peers.size(), 1024U);
	std::size_t total = 0;
	for (const std::size_t n : m->connectx_sizes)
		total += n;
	EXPECT_EQ(total, 1024U);
	EXPECT_GT(m->connectx_sizes.size(), 1U) << "1,024 peers of 364 bytes in one request";
	for (const std::size_t b : m->connectx_bytes)
		EXPECT_LE(b, detail::kMaxConnectxBytes + 1024);
	for (std::uint32_t i = 0; i < 1024; i++)
		EXPECT_EQ(r->peers[i].peer_index, i);
}

} // namespace
} // namespace sctpx::test
