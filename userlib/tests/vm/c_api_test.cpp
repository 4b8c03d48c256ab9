// SPDX-License-Identifier: LGPL-2.1-or-later
/* The C API end to end, the three ways. */
#include <arpa/inet.h>
#include <atomic>
#include <cstring>
#include <dirent.h>
#include <thread>
#include <fcntl.h>
#include <fstream>
#include <sys/mount.h>
#include <netinet/in.h>
#include <netinet/sctp.h>
#include <unistd.h>

#include "env.hpp"
#include "sctpx/sctpx.h"

namespace sctpx::vm {
namespace {

int fd_count()
{
	int n = 0;
	DIR *d = opendir("/proc/self/fd");
	if (d == nullptr)
		return -1;
	while (const dirent *e = readdir(d))
		n += e->d_name[0] != '.' ? 1 : 0;
	closedir(d);
	return n - 1; /* the directory's own */
}

const struct sctpx_assoc *at(const struct sctpx_assocs *r, std::size_t i)
{
	return sctpx_assocs_at(r, i);
}

const struct sctpx_peer_result *at(const struct sctpx_connect_result *r, std::size_t i)
{
	return sctpx_connect_result_at(r, i);
}

class CApiTest : public WayTest {
protected:
	void SetUp() override
	{
		WayTest::SetUp();
		ASSERT_EQ(sctpx_open(&c_, c_open_flags()), 0) << sctpx_extack();
	}
	void TearDown() override { sctpx_close(c_); }
	[[nodiscard]] int path(Op op) const
	{
		return expected_path(op) == Path::Module ? SCTPX_PATH_MODULE
							 : SCTPX_PATH_FALLBACK;
	}
	sctpx_client *c_ = nullptr;
};

TEST_P(CApiTest, InfoAndCounters)
{
	struct sctpx_info i;
	SCTPX_INIT(&i);
	ASSERT_EQ(sctpx_get_info(c_, &i), 0);
	EXPECT_EQ(i.module_loaded, GetParam() == Way::Absent ? 0 : 1);
	EXPECT_EQ(i.peeloff_path, path(Op::Peeloff));
	struct sctpx_counters k;
	SCTPX_INIT(&k);
	/* The module's counters, only where the module is used. */
	EXPECT_EQ(sctpx_get_counters(c_, &k), GetParam() == Way::Module ? 0 : -ENOENT);
}

TEST_P(CApiTest, ListAndPeeloff)
{
	Assocs a = make_assocs(4);
	struct sctpx_assocs *l = nullptr;
	ASSERT_EQ(sctpx_assoc_list(c_, a.server.get(), nullptr, &l), 0) << sctpx_extack();
	EXPECT_EQ(l->n, 4U);
	EXPECT_EQ(l->path, path(Op::List));
	ASSERT_GE(sctpx_assocs_at(l, 0)->naddrs, 1U);
	EXPECT_EQ(sctpx_assocs_at(l, 0)->addrs[0].sa.sa_family, AF_INET);
	sctpx_assocs_free(l);

	const std::uint32_t ids[] = {a.ids[1], 999999};
	struct sctpx_assocs *r = nullptr;
	ASSERT_EQ(sctpx_peeloff(c_, a.server.get(), ids, 2, SOCK_NONBLOCK | SOCK_CLOEXEC, &r), 0);
	ASSERT_EQ(r->n, 2U);
	EXPECT_EQ(r->path, path(Op::Peeloff));
	EXPECT_EQ(at(r, 0)->id, a.ids[1]);
	ASSERT_GE(at(r, 0)->fd, 0);
	EXPECT_TRUE(nonblocking(at(r, 0)->fd));
	EXPECT_EQ(ntohs(at(r, 0)->addrs[0].v4.sin_port), a.client_ports[1]);
	EXPECT_EQ(at(r, 1)->fd, -1);
	EXPECT_EQ(at(r, 1)->error, EINVAL);
	close(at(r, 0)->fd); /* the caller's */
	sctpx_assocs_free(r);

	EXPECT_EQ(sctpx_peeloff(c_, a.server.get(), ids, 2, SCTPX_PEEL_ATOMIC, &r), -EINVAL);
	EXPECT_STREQ(sctpx_extack(), "no such association on this socket");

	struct sctpx_select sel;
	SCTPX_INIT(&sel);
	sel.peer_port = a.client_ports[3];
	ASSERT_EQ(sctpx_peeloff_select(c_, a.server.get(), &sel, SOCK_CLOEXEC, &r), 0);
	ASSERT_EQ(r->n, 1U);
	EXPECT_EQ(at(r, 0)->id, a.ids[3]);
	EXPECT_TRUE(cloexec(at(r, 0)->fd));
	close(at(r, 0)->fd);
	sctpx_assocs_free(r);
}

TEST_P(CApiTest, Connectx)
{
	std::uint16_t p1 = 0;
	std::uint16_t p2 = 0;
	Fd s1 = make_server(p1);
	Fd s2 = make_server(p2);
	Fd s(socket(AF_INET, SOCK_SEQPACKET | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_SCTP));
	union sctpx_sockaddr a1 {};
	union sctpx_sockaddr a2 {};
	a1.v4.sin_family = a2.v4.sin_family = AF_INET;
	a1.v4.sin_addr.s_addr = a2.v4.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	a1.v4.sin_port = htons(p1);
	a2.v4.sin_port = htons(p2);
	const struct sctpx_peer peers[] = {{&a1, 1}, {&a2, 1}};
	struct sctpx_connect_result *r = nullptr;
	struct sctpx_connect_opts o;
	SCTPX_INIT(&o);
	o.wait_ms = 5000;
	ASSERT_EQ(sctpx_connectx(c_, s.get(), peers, 2, &o, &r), 0) << sctpx_extack();
	ASSERT_EQ(r->n, 2U);
	EXPECT_EQ(r->path, path(Op::Connectx));
	EXPECT_EQ(r->wait_end, SCTPX_WAIT_SETTLED);
	for (std::size_t i = 0; i < 2; i++) {
		EXPECT_EQ(at(r, i)->peer_index, i);
		EXPECT_EQ(at(r, i)->error, 0);
		EXPECT_EQ(at(r, i)->state, SCTP_ESTABLISHED);
	}
	sctpx_connect_result_free(r);
}

/*
 * A PEELOFF reply the module could not deliver (forced through its debugfs
 * knob): the library recovers it with LOST_REPLY_GET; every descriptor
 * reaches the caller, none is left behind in the process.
 */
TEST_P(CApiTest, LostReplyIsRecoveredWithEveryDescriptor)
{
	if (GetParam() != Way::Module || expected_path(Op::Peeloff) != Path::Module)
		return; /* the fallback has no reply to lose */
	(void)mount("debugfs", "/sys/kernel/debug", "debugfs", 0, nullptr);
	Assocs a = make_assocs(5);
	const int before = fd_count();
	{
		std::ofstream knob("/sys/kernel/debug/sctpx/fail_replies");
		ASSERT_TRUE(knob.good()) << "no fail_replies knob";
		knob << "1\n";
		knob.flush();
		ASSERT_TRUE(knob.good()) << "fail_replies refused the write";
	}
	struct sctpx_counters k0;
	SCTPX_INIT(&k0);
	ASSERT_EQ(sctpx_get_counters(c_, &k0), 0);
	struct sctpx_assocs *r = nullptr;
	ASSERT_EQ(sctpx_peeloff(c_, a.server.get(), a.ids.data(), a.ids.size(), SOCK_CLOEXEC, &r), 0)
		<< sctpx_extack();
	ASSERT_EQ(r->n, a.ids.size());
	for (std::size_t i = 0; i < r->n; i++) {
		EXPECT_EQ(at(r, i)->id, a.ids[i]);
		ASSERT_GE(at(r, i)->fd, 0) << at(r, i)->error_msg;
		EXPECT_TRUE(cloexec(at(r, i)->fd));
	}
	EXPECT_EQ(fd_count(), before + static_cast<int>(r->n)) << "exactly the caller's new fds";
	for (std::size_t i = 0; i < r->n; i++)
		close(at(r, i)->fd);
	sctpx_assocs_free(r);
	EXPECT_EQ(fd_count(), before);
	EXPECT_EQ(assoc_count(a.server.get()), 0U);
	struct sctpx_counters k1;
	SCTPX_INIT(&k1);
	ASSERT_EQ(sctpx_get_counters(c_, &k1), 0);
	EXPECT_EQ(k1.reply_errors - k0.reply_errors, 1U) << "the loss really happened";
	EXPECT_EQ(k1.lost_replies_dropped, k0.lost_replies_dropped);
}

/*
 * One handle, several threads at once: each peels its own associations,
 * and one thread's error message never shows up in another thread.
 */
TEST_P(CApiTest, ThreadsShareOneHandle)
{
	constexpr std::size_t kThreads = 4;
	constexpr std::size_t kEach = 8;
	Assocs a = make_assocs(kThreads * kEach);
	std::atomic<int> wrong{0};
	std::vector<std::thread> ts;
	for (std::size_t t = 0; t < kThreads; t++)
		ts.emplace_back([&, t] {
			for (std::size_t i = 0; i < kEach; i++) {
				const std::uint32_t id = a.ids[t * kEach + i];
				struct sctpx_assocs *r = nullptr;
				if (sctpx_peeloff(c_, a.server.get(), &id, 1, 0, &r) != 0 || r->n != 1 ||
				    at(r, 0)->id != id || at(r, 0)->fd < 0) {
					wrong++;
				} else {
					close(at(r, 0)->fd);
				}
				sctpx_assocs_free(r);
				/* This thread's own error, and its own message. */
				const std::uint32_t bad = 0;
				if (sctpx_peeloff(c_, a.server.get(), &bad, 1, SCTPX_PEEL_ATOMIC, &r) != -EINVAL ||
				    std::strcmp(sctpx_extack(), "association id 0, 1 and 2 are reserved") != 0)
					wrong++;
			}
		});
	for (auto &t : ts)
		t.join();
	EXPECT_EQ(wrong, 0);
	EXPECT_EQ(assoc_count(a.server.get()), 0U);
}

INSTANTIATE_TEST_SUITE_P(, CApiTest, ::testing::Values(Way::Module, Way::Forced, Way::Absent),
			 way_name);

} // namespace
} // namespace sctpx::vm
