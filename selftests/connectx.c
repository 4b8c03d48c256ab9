// SPDX-License-Identifier: GPL-2.0
/*
 * sctpx selftests: CONNECTX.
 *
 * Every test that makes associations runs in a network namespace of its
 * own (the harness forks each test) whose loopback holds 127.0.0.1/32
 * and ::1 only: 127.0.0.2 then has no route at all, a peer address that
 * never answers and never sends anything anywhere.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <netinet/sctp.h>
#include <netlink/msg.h>

#include "kselftest_harness.h"
#include "sctpx_test.h"
#include "connectx.h"

/*
 * What every test that makes associations starts from and ends with: the
 * module, a network namespace of its own (cx_netns()), a netlink socket,
 * and at the end every descriptor the test opened closed again. The
 * teardown checks that count where the test got that far, then closes
 * whatever is still open, so a failed assertion leaks nothing.
 */
FIXTURE(cx) {
	struct sx_nl nl;
	int fds0;	/* open before the netlink socket */
	int top;	/* the highest descriptor before setup */
};

FIXTURE_SETUP(cx)
{
	self->top = sx_max_fd();
	ASSERT_EQ(0, sx_module_ensure());
	ASSERT_EQ(0, cx_netns());
	self->fds0 = sx_count_fds();
	ASSERT_EQ(0, sx_nl_open(&self->nl));
}

FIXTURE_TEARDOWN(cx)
{
	sx_nl_close(&self->nl);
	if (_metadata->exit_code == KSFT_PASS)
		EXPECT_EQ(self->fds0, sx_count_fds());
	sx_close_above(self->top);
}

/* Check one successful result: index, id of @fd, state. */
#define CX_EXPECT_OK(res, i, fd, want_state) do {			\
	const struct sx_assoc *_a = &(res).v[i];			\
	EXPECT_TRUE(_a->has_index);					\
	EXPECT_EQ((uint32_t)(i), _a->peer_index);			\
	EXPECT_EQ(0, _a->error) TH_LOG("peer %d: error %d", (int)(i),	\
				       _a->error);			\
	EXPECT_TRUE(_a->has_id);					\
	EXPECT_NE(0, _a->id);						\
	EXPECT_TRUE(_a->has_state);					\
	EXPECT_EQ((uint32_t)(want_state), _a->state);			\
	EXPECT_TRUE(cx_has_id(fd, _a->id));				\
} while (0)

/*
 * Check one failed result. A peer that failed after its association was
 * started keeps the id it had (the tests check separately that no
 * association is left behind).
 */
#define CX_EXPECT_ERR(res, i, want_err) do {				\
	const struct sx_assoc *_a = &(res).v[i];			\
	EXPECT_TRUE(_a->has_index);					\
	EXPECT_EQ((uint32_t)(i), _a->peer_index);			\
	EXPECT_EQ(want_err, _a->error);					\
	EXPECT_EQ(_a->has_id, _a->has_state);				\
} while (0)

TEST_F(cx, single_peer_ipv4)
{
	struct sx_result res;
	struct sx_addr a;
	uint16_t port;
	int srv, fd;

	srv = sx_server(AF_INET, &port);
	ASSERT_LE(0, srv);
	fd = cx_socket(AF_INET, true);
	ASSERT_LE(0, fd);

	a = sx_addr4("127.0.0.1", port);
	ASSERT_EQ(0, cx_one(&self->nl, fd, &a, 1, 10000, &res)) TH_LOG("%s", self->nl.extack);
	ASSERT_EQ(1, res.n);
	EXPECT_EQ(CX_SETTLED, cx_end);
	CX_EXPECT_OK(res, 0, fd, SCTP_ESTABLISHED);
	EXPECT_EQ(port, cx_peer_port(fd, res.v[0].id));
	EXPECT_EQ(SCTP_ESTABLISHED, cx_state(fd, res.v[0].id));
	EXPECT_EQ(1, sx_assoc_count(fd));
	EXPECT_EQ(1, sx_assoc_count(srv));
	sx_result_free(&res);

	close(fd);
	close(srv);
}

/*
 * The first address has no route: the INIT to it is lost, T1-init
 * expires and the kernel retransmits the INIT to the next address,
 * which answers.
 */
TEST_F(cx, first_address_unreachable)
{
	struct sx_addr a[3];
	struct sx_result res;
	uint16_t port;
	int srv, fd;

	srv = sx_server(AF_INET, &port);
	ASSERT_LE(0, srv);

	/* Non-blocking socket and a wait. */
	fd = cx_socket(AF_INET, true);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, cx_fast_rto(fd, 300));
	a[0] = sx_addr4(CX_DEAD, port);
	a[1] = sx_addr4("127.0.0.3", port);	/* no route either */
	a[2] = sx_addr4("127.0.0.1", port);
	ASSERT_EQ(0, cx_one(&self->nl, fd, a, 3, 20000, &res)) TH_LOG("%s", self->nl.extack);
	ASSERT_EQ(1, res.n);
	EXPECT_EQ(CX_SETTLED, cx_end);
	CX_EXPECT_OK(res, 0, fd, SCTP_ESTABLISHED);
	EXPECT_EQ(1, sx_assoc_count(srv));
	sx_result_free(&res);
	close(fd);

	close(srv);
}

static bool cx_paddrs_have(int fd, uint32_t id, int family)
{
	struct sockaddr *addrs = NULL;
	bool found = false;
	char *p;
	int n, i;

	n = sctp_getpaddrs(fd, id, &addrs);
	if (n <= 0)
		return false;
	p = (char *)addrs;
	for (i = 0; i < n; i++) {
		struct sockaddr *sa = (struct sockaddr *)p;

		if (sa->sa_family == AF_INET) {
			found |= family == AF_INET;
			p += sizeof(struct sockaddr_in);
		} else {
			struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)sa;

			if (IN6_IS_ADDR_V4MAPPED(&s6->sin6_addr))
				found |= family == AF_INET;
			else
				found |= family == AF_INET6;
			p += sizeof(struct sockaddr_in6);
		}
	}
	sctp_freepaddrs(addrs);
	return found;
}

TEST_F(cx, address_families)
{
	struct sx_addr v4, v6, mix[2];
	struct sx_result res;
	struct nl_msg *msg;
	uint16_t p4, p6, pboth, pboth2;
	int s4, s6, sboth, sboth2, fd, fd4;
	size_t i;

	s4 = sx_server(AF_INET, &p4);
	s6 = sx_server(AF_INET6, &p6);
	sboth = sx_server_at(AF_INET6, "::", &pboth);
	sboth2 = sx_server_at(AF_INET6, "::", &pboth2);
	ASSERT_LE(0, s4);
	ASSERT_LE(0, s6);
	ASSERT_LE(0, sboth);
	ASSERT_LE(0, sboth2);

	/* AF_INET6 socket: IPv4 peer, IPv6 peer, mixed peers both ways. */
	fd = cx_socket(AF_INET6, true);
	ASSERT_LE(0, fd);
	v4 = sx_addr4("127.0.0.1", p4);
	v6 = sx_addr6("::1", p6);
	msg = cx_begin(&self->nl, fd, 10000, 4);
	ASSERT_NE(NULL, msg);
	ASSERT_EQ(0, cx_peer(msg, &v4, 1));
	ASSERT_EQ(0, cx_peer(msg, &v6, 1));
	mix[0] = sx_addr6("::1", pboth);
	mix[1] = sx_addr4("127.0.0.1", pboth);
	ASSERT_EQ(0, cx_peer(msg, mix, 2));
	mix[0] = sx_addr4("127.0.0.1", pboth2);
	mix[1] = sx_addr6("::1", pboth2);
	ASSERT_EQ(0, cx_peer(msg, mix, 2));
	ASSERT_EQ(0, cx_run(&self->nl, msg, &res)) TH_LOG("%s", self->nl.extack);
	ASSERT_EQ(4, res.n);
	EXPECT_EQ(CX_SETTLED, cx_end);
	for (i = 0; i < 4; i++)
		CX_EXPECT_OK(res, i, fd, SCTP_ESTABLISHED);
	EXPECT_EQ(p4, cx_peer_port(fd, res.v[0].id));
	EXPECT_EQ(p6, cx_peer_port(fd, res.v[1].id));
	EXPECT_EQ(pboth, cx_peer_port(fd, res.v[2].id));
	EXPECT_EQ(pboth2, cx_peer_port(fd, res.v[3].id));
	EXPECT_TRUE(cx_paddrs_have(fd, res.v[0].id, AF_INET));
	EXPECT_TRUE(cx_paddrs_have(fd, res.v[1].id, AF_INET6));
	/* The multi-family peers know both of their addresses. */
	for (i = 2; i < 4; i++) {
		EXPECT_TRUE(cx_paddrs_have(fd, res.v[i].id, AF_INET));
		EXPECT_TRUE(cx_paddrs_have(fd, res.v[i].id, AF_INET6));
	}
	EXPECT_EQ(4, sx_assoc_count(fd));
	sx_result_free(&res);

	/* AF_INET socket: IPv4 works, IPv6 is refused with its reason. */
	fd4 = cx_socket(AF_INET, true);
	ASSERT_LE(0, fd4);
	mix[0] = sx_addr4("127.0.0.1", pboth);
	mix[1] = sx_addr6("::1", pboth);
	EXPECT_EQ(-EINVAL, cx_one(&self->nl, fd4, mix, 2, 0, &res));
	EXPECT_STREQ("IPv6 address on an IPv4 socket", self->nl.extack);
	EXPECT_LE(0, self->nl.bad_attr_off);
	EXPECT_EQ(0, sx_assoc_count(fd4));
	ASSERT_EQ(0, cx_one(&self->nl, fd4, mix, 1, 10000, &res)) TH_LOG("%s", self->nl.extack);
	ASSERT_EQ(1, res.n);
	CX_EXPECT_OK(res, 0, fd4, SCTP_ESTABLISHED);
	sx_result_free(&res);

	close(fd4);
	close(fd);
	close(s4);
	close(s6);
	close(sboth);
	close(sboth2);
}

#define CX_BATCH 512

TEST_F(cx, batch_512_peers)
{
	static int srv[CX_BATCH];
	static uint16_t port[CX_BATCH];
	uint32_t *ids = NULL;
	struct sx_result res;
	struct nl_msg *msg;
	size_t nids = 0, i, j;
	int fd;

	ASSERT_EQ(0, sx_raise_nofile(65536));

	/* Half the servers on 127.0.0.1, half on ::1, each its own port. */
	for (i = 0; i < CX_BATCH; i++) {
		srv[i] = sx_server(i % 2 ? AF_INET6 : AF_INET, &port[i]);
		ASSERT_LE(0, srv[i]);
	}
	fd = cx_socket(AF_INET6, true);
	ASSERT_LE(0, fd);

	msg = cx_begin(&self->nl, fd, 60000, CX_BATCH);
	ASSERT_NE(NULL, msg);
	for (i = 0; i < CX_BATCH; i++) {
		struct sx_addr a = i % 2 ? sx_addr6("::1", port[i]) :
				   sx_addr4("127.0.0.1", port[i]);

		ASSERT_EQ(0, cx_peer(msg, &a, 1));
	}
	ASSERT_EQ(0, cx_run(&self->nl, msg, &res)) TH_LOG("%s", self->nl.extack);
	ASSERT_EQ(CX_BATCH, res.n);
	EXPECT_EQ(1, res.nmsgs);
	EXPECT_EQ(CX_SETTLED, cx_end);

	ASSERT_EQ(0, sx_assoc_ids(fd, &ids, &nids));
	EXPECT_EQ(CX_BATCH, nids);
	for (i = 0; i < res.n; i++) {
		const struct sx_assoc *a = &res.v[i];
		bool listed = false;

		EXPECT_TRUE(a->has_index);
		EXPECT_EQ(i, a->peer_index);
		EXPECT_EQ(0, a->error) TH_LOG("peer %zu: error %d", i, a->error);
		EXPECT_NE(0, a->id);
		EXPECT_EQ(SCTP_ESTABLISHED, a->state);
		for (j = 0; j < nids; j++)
			listed |= ids[j] == a->id;
		EXPECT_TRUE(listed) TH_LOG("peer %zu: id %u not on the socket",
					   i, a->id);
		EXPECT_EQ(SCTP_ESTABLISHED, cx_state(fd, a->id));
		EXPECT_EQ(port[i], cx_peer_port(fd, a->id));
		EXPECT_EQ(1, sx_assoc_count(srv[i]));
		/* Every id once. */
		for (j = 0; j < i; j++)
			EXPECT_NE(res.v[j].id, a->id);
		if (_metadata->exit_code)
			break;
	}
	free(ids);
	sx_result_free(&res);

	close(fd);
	for (i = 0; i < CX_BATCH; i++)
		close(srv[i]);
}

TEST_F(cx, nonblocking_without_wait)
{
	struct sx_result res;
	struct nl_msg *msg;
	struct sx_addr a;
	uint16_t port[4];
	int srv[4], fd, i;
	double t0;

	for (i = 0; i < 4; i++) {
		srv[i] = sx_server(AF_INET, &port[i]);
		ASSERT_LE(0, srv[i]);
	}
	fd = cx_socket(AF_INET, true);
	ASSERT_LE(0, fd);

	/* Four answering peers and one that never answers: no wait. */
	msg = cx_begin(&self->nl, fd, 0, 5);
	ASSERT_NE(NULL, msg);
	for (i = 0; i < 4; i++) {
		a = sx_addr4("127.0.0.1", port[i]);
		ASSERT_EQ(0, cx_peer(msg, &a, 1));
	}
	a = sx_addr4(CX_DEAD, port[0]);
	ASSERT_EQ(0, cx_peer(msg, &a, 1));
	t0 = cx_now();
	ASSERT_EQ(0, cx_run(&self->nl, msg, &res)) TH_LOG("%s", self->nl.extack);
	/* Generous: a wait for the dead peer would take minutes. */
	EXPECT_GT(10.0, cx_now() - t0);
	ASSERT_EQ(5, res.n);
	EXPECT_EQ(0, cx_end);	/* no wait, no WAIT_END */
	for (i = 0; i < 5; i++) {
		EXPECT_EQ(i, res.v[i].peer_index);
		EXPECT_EQ(0, res.v[i].error);
		EXPECT_NE(0, res.v[i].id);
		EXPECT_TRUE(res.v[i].has_state);
		EXPECT_TRUE(cx_in_progress(res.v[i].state))
			TH_LOG("peer %d state %u", i, res.v[i].state);
		EXPECT_TRUE(cx_has_id(fd, res.v[i].id));
	}
	EXPECT_EQ(SCTP_COOKIE_WAIT, res.v[4].state);
	/* The answering ones get established on their own. */
	for (i = 0; i < 4; i++)
		EXPECT_EQ(SCTP_ESTABLISHED,
			  cx_wait_established(fd, res.v[i].id, 10000));
	EXPECT_EQ(SCTP_COOKIE_WAIT, cx_state(fd, res.v[4].id));
	EXPECT_EQ(5, sx_assoc_count(fd));
	sx_result_free(&res);
	close(fd);

	/* The same batch with a wait: everything settled and established. */
	fd = cx_socket(AF_INET, true);
	ASSERT_LE(0, fd);
	msg = cx_begin(&self->nl, fd, 20000, 4);
	ASSERT_NE(NULL, msg);
	for (i = 0; i < 4; i++) {
		a = sx_addr4("127.0.0.1", port[i]);
		ASSERT_EQ(0, cx_peer(msg, &a, 1));
	}
	ASSERT_EQ(0, cx_run(&self->nl, msg, &res)) TH_LOG("%s", self->nl.extack);
	ASSERT_EQ(4, res.n);
	EXPECT_EQ(CX_SETTLED, cx_end);
	for (i = 0; i < 4; i++)
		CX_EXPECT_OK(res, i, fd, SCTP_ESTABLISHED);
	sx_result_free(&res);
	close(fd);

	for (i = 0; i < 4; i++)
		close(srv[i]);
}

/* A request that must fail as a whole, with @err and @text. */
static void cx_expect_refused(struct __test_metadata *_metadata,
			      struct sx_nl *nl, struct nl_msg *msg, int fd,
			      int err, const char *text, bool attr)
{
	struct sx_result res;

	ASSERT_NE(NULL, msg);
	EXPECT_EQ(-err, cx_run(nl, msg, &res)) TH_LOG("%s", text);
	EXPECT_STREQ(text, nl->extack);
	if (attr)
		EXPECT_LE(0, nl->bad_attr_off) TH_LOG("%s: no attribute", text);
	EXPECT_EQ(0, res.n);
	if (fd >= 0)
		EXPECT_EQ(0, sx_assoc_count(fd)) TH_LOG("%s: started", text);
	sx_result_free(&res);
}

/*
 * A blocking socket is refused, one peer or many: the kernel's connect
 * would wait for the handshake inside the handler. Nothing is started,
 * nothing counted, and the socket works for sctp_connectx(3) after.
 */
TEST_F(cx, blocking_socket)
{
	static const char text[] =
		"socket is blocking; CONNECTX never waits: make it non-blocking, or connect it with sctp_connectx(3)";
	struct sockaddr_in sin = { .sin_family = AF_INET };
	struct sx_info i0, i1;
	struct sx_addr a[2];
	struct nl_msg *msg;
	uint16_t port, port2;
	int srv, srv2, fd;
	sctp_assoc_t rid = 0;

	srv = sx_server(AF_INET, &port);
	srv2 = sx_server(AF_INET, &port2);
	ASSERT_LE(0, srv);
	ASSERT_LE(0, srv2);
	fd = cx_socket(AF_INET, false);
	ASSERT_LE(0, fd);
	a[0] = sx_addr4("127.0.0.1", port);
	a[1] = sx_addr4("127.0.0.1", port2);

	ASSERT_EQ(0, sx_info(&self->nl, &i0));
	msg = cx_begin(&self->nl, fd, 0, 1);
	ASSERT_EQ(0, cx_peer(msg, &a[0], 1));
	cx_expect_refused(_metadata, &self->nl, msg, fd, EINVAL, text, true);
	msg = cx_begin(&self->nl, fd, 0, 2);
	ASSERT_EQ(0, cx_peer(msg, &a[0], 1));
	ASSERT_EQ(0, cx_peer(msg, &a[1], 1));
	cx_expect_refused(_metadata, &self->nl, msg, fd, EINVAL, text, true);
	ASSERT_EQ(0, sx_info(&self->nl, &i1));
	EXPECT_EQ(i0.stats[SCTPX_STATS_A_CONNECTX_REQUESTS],
		  i1.stats[SCTPX_STATS_A_CONNECTX_REQUESTS]);
	EXPECT_EQ(i0.stats[SCTPX_STATS_A_CONNECTX_STARTED],
		  i1.stats[SCTPX_STATS_A_CONNECTX_STARTED]);
	EXPECT_EQ(0, sx_assoc_count(srv));
	EXPECT_EQ(0, sx_assoc_count(srv2));

	/* The caller's own sctp_connectx(3) waits in its own thread. */
	sin.sin_port = htons(port);
	inet_pton(AF_INET, "127.0.0.1", &sin.sin_addr);
	ASSERT_EQ(0, sctp_connectx(fd, (struct sockaddr *)&sin, 1, &rid));
	EXPECT_NE(0, rid);
	EXPECT_EQ(SCTP_ESTABLISHED, cx_state(fd, rid));

	close(fd);
	close(srv);
	close(srv2);
}


TEST_F(cx, validation_errors)
{
	struct sx_addr good, bad[2], many[65];
	struct sx_info i0, i1;
	struct nl_msg *msg;
	uint16_t port, port2;
	int srv, srv2, fd, fd4, only6, one = 1, i;

	srv = sx_server_at(AF_INET6, "::", &port);
	srv2 = sx_server_at(AF_INET6, "::", &port2);
	ASSERT_LE(0, srv);
	ASSERT_LE(0, srv2);
	fd = cx_socket(AF_INET6, true);
	fd4 = cx_socket(AF_INET, true);
	only6 = cx_socket(AF_INET6, true);
	ASSERT_LE(0, fd);
	ASSERT_LE(0, fd4);
	ASSERT_LE(0, only6);
	ASSERT_EQ(0, setsockopt(only6, IPPROTO_IPV6, IPV6_V6ONLY, &one,
				sizeof(one)));
	ASSERT_EQ(0, sx_info(&self->nl, &i0));

	/*
	 * In each request a valid peer comes first: the request must fail
	 * as a whole without starting it.
	 */
	good = sx_addr4("127.0.0.1", port);

	msg = cx_begin(&self->nl, fd, 1000, 0);
	cx_expect_refused(_metadata, &self->nl, msg, fd, EINVAL,
			  "missing peers (SCTPX_A_PEER)", false);
	/* NLMSGERR_ATTR_MISS_TYPE exists from 6.0; before, none is sent. */
	EXPECT_EQ(sx_kernel_at_least(6, 0) ? SCTPX_A_PEER : -1, self->nl.miss_type);

	msg = cx_begin(&self->nl, fd, 1000, 2);
	cx_peer(msg, &good, 1);
	cx_peer(msg, NULL, 0);
	cx_expect_refused(_metadata, &self->nl, msg, fd, EINVAL,
			  "peer has no address", true);

	msg = cx_begin(&self->nl, fd, 1000, 2);
	cx_peer(msg, &good, 1);
	bad[0] = sx_addr4("127.0.0.1", port2);
	bad[1] = sx_addr4("127.0.0.1", 0);
	cx_peer(msg, bad, 2);
	cx_expect_refused(_metadata, &self->nl, msg, fd, EINVAL,
			  "address has no port", true);

	msg = cx_begin(&self->nl, fd, 1000, 2);
	cx_peer(msg, &good, 1);
	bad[0] = sx_addr6("::1", port2);
	bad[1] = sx_addr4("127.0.0.1", port);
	cx_peer(msg, bad, 2);
	cx_expect_refused(_metadata, &self->nl, msg, fd, EINVAL,
			  "addresses of one peer must share one port", true);

	msg = cx_begin(&self->nl, fd4, 1000, 2);
	cx_peer(msg, &good, 1);
	bad[0] = sx_addr4("127.0.0.1", port2);
	bad[1] = sx_addr6("::1", port2);
	cx_peer(msg, bad, 2);
	cx_expect_refused(_metadata, &self->nl, msg, fd4, EINVAL,
			  "IPv6 address on an IPv4 socket", true);

	msg = cx_begin(&self->nl, only6, 1000, 2);
	bad[0] = sx_addr6("::1", port);
	cx_peer(msg, bad, 1);
	bad[0] = sx_addr6("::1", port2);
	bad[1] = sx_addr4("127.0.0.1", port2);
	cx_peer(msg, bad, 2);
	cx_expect_refused(_metadata, &self->nl, msg, only6, EINVAL,
			  "IPv4 address on an IPV6_V6ONLY socket", true);

	msg = cx_begin(&self->nl, fd, 1000, 2);
	cx_peer(msg, &good, 1);
	bad[0] = sx_addr6("fe80::1", port2);
	cx_peer(msg, bad, 1);
	cx_expect_refused(_metadata, &self->nl, msg, fd, EINVAL,
			  "link-local IPv6 address needs a scope id", true);

	/* max_peer_addrs (64) addresses are fine to parse, 65 are not. */
	for (i = 0; i < 65; i++) {
		char ip[32];

		snprintf(ip, sizeof(ip), "127.0.1.%d", i + 1);
		many[i] = sx_addr4(ip, port2);
	}
	msg = cx_begin(&self->nl, fd, 1000, 2);
	cx_peer(msg, &good, 1);
	cx_peer(msg, many, 65);
	cx_expect_refused(_metadata, &self->nl, msg, fd, E2BIG,
			  "peer has more addresses than max_peer_addrs", true);

	/* Socket errors. */
	msg = cx_begin(&self->nl, 1000999, 1000, 1);
	cx_peer(msg, &good, 1);
	cx_expect_refused(_metadata, &self->nl, msg, -1, EBADF,
			  "descriptor is not open", true);
	{
		int devnull = open("/dev/null", O_RDONLY);
		int udp = socket(AF_INET, SOCK_DGRAM, 0);
		int tcp = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);

		ASSERT_LE(0, devnull);
		ASSERT_LE(0, udp);
		ASSERT_LE(0, tcp);
		msg = cx_begin(&self->nl, devnull, 1000, 1);
		cx_peer(msg, &good, 1);
		cx_expect_refused(_metadata, &self->nl, msg, -1, ENOTSOCK,
				  "descriptor is not a socket", true);
		msg = cx_begin(&self->nl, udp, 1000, 1);
		cx_peer(msg, &good, 1);
		cx_expect_refused(_metadata, &self->nl, msg, -1, EOPNOTSUPP,
				  "socket is not an SCTP socket", true);
		msg = cx_begin(&self->nl, tcp, 1000, 1);
		cx_peer(msg, &good, 1);
		cx_expect_refused(_metadata, &self->nl, msg, -1, EOPNOTSUPP,
				  "socket is not an SCTP socket", true);
		close(devnull);
		close(udp);
		close(tcp);
	}
	msg = cx_begin(&self->nl, CX_NO_FD, 1000, 1);
	cx_peer(msg, &good, 1);
	cx_expect_refused(_metadata, &self->nl, msg, -1, EINVAL,
			  "missing socket descriptor (SCTPX_A_SOCK_FD)", false);

	/* None of these reached the socket. */
	ASSERT_EQ(0, sx_info(&self->nl, &i1));
	EXPECT_EQ(i0.stats[SCTPX_STATS_A_CONNECTX_REQUESTS],
		  i1.stats[SCTPX_STATS_A_CONNECTX_REQUESTS]);
	EXPECT_EQ(i0.stats[SCTPX_STATS_A_CONNECTX_STARTED],
		  i1.stats[SCTPX_STATS_A_CONNECTX_STARTED]);
	EXPECT_EQ(i0.stats[SCTPX_STATS_A_CONNECTX_ERRORS],
		  i1.stats[SCTPX_STATS_A_CONNECTX_ERRORS]);
	EXPECT_EQ(0, sx_assoc_count(srv));
	EXPECT_EQ(0, sx_assoc_count(srv2));

	close(fd);
	close(fd4);
	close(only6);
	close(srv);
	close(srv2);
}

TEST_F(cx, max_peers)
{
	struct sx_addr a, many[64];
	struct sx_result res;
	struct nl_msg *msg;
	char saved[32];
	uint16_t port[5];
	int srv[5], fd, i;

	for (i = 0; i < 5; i++) {
		srv[i] = sx_server(AF_INET, &port[i]);
		ASSERT_LE(0, srv[i]);
	}
	fd = cx_socket(AF_INET, true);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, sx_sysfs_read(CX_MAXPEERS, saved, sizeof(saved)));
	ASSERT_EQ(0, sx_sysfs_write(CX_MAXPEERS, "4"));

	msg = cx_begin(&self->nl, fd, 5000, 5);
	for (i = 0; i < 5; i++) {
		a = sx_addr4("127.0.0.1", port[i]);
		cx_peer(msg, &a, 1);
	}
	cx_expect_refused(_metadata, &self->nl, msg, fd, E2BIG,
			  "more peers than max_peers", false);

	/* At the limit: fine. */
	msg = cx_begin(&self->nl, fd, 5000, 4);
	ASSERT_NE(NULL, msg);
	for (i = 0; i < 4; i++) {
		a = sx_addr4("127.0.0.1", port[i]);
		cx_peer(msg, &a, 1);
	}
	EXPECT_EQ(0, cx_run(&self->nl, msg, &res)) TH_LOG("%s", self->nl.extack);
	EXPECT_EQ(4, res.n);
	for (i = 0; i < 4 && i < (int)res.n; i++)
		CX_EXPECT_OK(res, i, fd, SCTP_ESTABLISHED);
	sx_result_free(&res);

	ASSERT_EQ(0, sx_sysfs_write(CX_MAXPEERS, saved));

	/* max_peer_addrs (64) addresses for one peer: fine. */
	for (i = 0; i < 64; i++) {
		char ip[32];

		snprintf(ip, sizeof(ip), "127.0.1.%d", i);
		many[i] = sx_addr4(i ? ip : "127.0.0.1", port[4]);
	}
	EXPECT_EQ(0, cx_one(&self->nl, fd, many, 64, 10000, &res))
		TH_LOG("%s", self->nl.extack);
	ASSERT_EQ(1, res.n);
	CX_EXPECT_OK(res, 0, fd, SCTP_ESTABLISHED);
	EXPECT_EQ(port[4], cx_peer_port(fd, res.v[0].id));
	sx_result_free(&res);
	close(fd);
	for (i = 0; i < 5; i++)
		close(srv[i]);
}

TEST(socket_of_another_netns)
{
	struct sx_addr a = sx_addr4("127.0.0.1", 9);
	struct nl_msg *msg;
	struct sx_nl nl;
	int fd;

	ASSERT_EQ(0, sx_module_ensure());
	fd = cx_socket(AF_INET, true);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, cx_netns());
	ASSERT_EQ(0, sx_nl_open(&nl));
	msg = cx_begin(&nl, fd, 1000, 1);
	cx_peer(msg, &a, 1);
	cx_expect_refused(_metadata, &nl, msg, fd, EINVAL,
			  "socket belongs to another network namespace", true);
	close(fd);
	sx_nl_close(&nl);
}

TEST_F(cx, already_associated)
{
	struct sx_result res;
	struct nl_msg *msg;
	struct sx_addr a;
	uint16_t port[3];
	int srv[3], fd, i;
	uint32_t first;

	for (i = 0; i < 3; i++) {
		srv[i] = sx_server(AF_INET, &port[i]);
		ASSERT_LE(0, srv[i]);
	}
	fd = cx_socket(AF_INET, true);
	ASSERT_LE(0, fd);

	a = sx_addr4("127.0.0.1", port[1]);
	ASSERT_EQ(0, cx_one(&self->nl, fd, &a, 1, 10000, &res));
	ASSERT_EQ(1, res.n);
	CX_EXPECT_OK(res, 0, fd, SCTP_ESTABLISHED);
	first = res.v[0].id;
	sx_result_free(&res);

	/* The middle peer is already associated; the others are not. */
	msg = cx_begin(&self->nl, fd, 10000, 3);
	ASSERT_NE(NULL, msg);
	for (i = 0; i < 3; i++) {
		a = sx_addr4("127.0.0.1", port[i]);
		ASSERT_EQ(0, cx_peer(msg, &a, 1));
	}
	ASSERT_EQ(0, cx_run(&self->nl, msg, &res)) TH_LOG("%s", self->nl.extack);
	ASSERT_EQ(3, res.n);
	EXPECT_EQ(CX_SETTLED, cx_end);
	CX_EXPECT_OK(res, 0, fd, SCTP_ESTABLISHED);
	CX_EXPECT_OK(res, 2, fd, SCTP_ESTABLISHED);
	EXPECT_TRUE(res.v[1].error == EISCONN || res.v[1].error == EALREADY)
		TH_LOG("error %d", res.v[1].error);
	EXPECT_FALSE(res.v[1].has_id);
	EXPECT_NE(first, res.v[0].id);
	EXPECT_NE(first, res.v[2].id);
	sx_result_free(&res);
	/* The old association is untouched. */
	EXPECT_EQ(SCTP_ESTABLISHED, cx_state(fd, first));
	EXPECT_EQ(3, sx_assoc_count(fd));
	for (i = 0; i < 3; i++)
		EXPECT_EQ(1, sx_assoc_count(srv[i]));

	/* One peer twice in one request: the second is the kernel's error. */
	a = sx_addr4("127.0.0.1", port[0]);
	close(srv[0]);
	srv[0] = sx_server(AF_INET, &port[0]);
	ASSERT_LE(0, srv[0]);
	a = sx_addr4("127.0.0.1", port[0]);
	msg = cx_begin(&self->nl, fd, 10000, 2);
	ASSERT_NE(NULL, msg);
	ASSERT_EQ(0, cx_peer(msg, &a, 1));
	ASSERT_EQ(0, cx_peer(msg, &a, 1));
	ASSERT_EQ(0, cx_run(&self->nl, msg, &res)) TH_LOG("%s", self->nl.extack);
	ASSERT_EQ(2, res.n);
	CX_EXPECT_OK(res, 0, fd, SCTP_ESTABLISHED);
	EXPECT_TRUE(res.v[1].error == EISCONN || res.v[1].error == EALREADY)
		TH_LOG("error %d", res.v[1].error);
	EXPECT_EQ(1, sx_assoc_count(srv[0]));
	sx_result_free(&res);

	close(fd);
	for (i = 0; i < 3; i++)
		close(srv[i]);
}

TEST_F(cx, refused_peer_in_batch)
{
	struct sx_result res;
	struct nl_msg *msg;
	struct sx_addr a;
	uint16_t port[2], dead;
	int srv[2], fd, i, family;


	for (family = AF_INET; family; family = family == AF_INET ? AF_INET6 : 0) {
		const char *ip = family == AF_INET ? "127.0.0.1" : "::1";

		for (i = 0; i < 2; i++) {
			srv[i] = sx_server(family, &port[i]);
			ASSERT_LE(0, srv[i]);
		}
		dead = cx_dead_port();
		ASSERT_NE(0, dead);
		fd = cx_socket(family, true);
		ASSERT_LE(0, fd);

		msg = cx_begin(&self->nl, fd, 10000, 3);
		ASSERT_NE(NULL, msg);
		a = family == AF_INET ? sx_addr4(ip, port[0]) : sx_addr6(ip, port[0]);
		ASSERT_EQ(0, cx_peer(msg, &a, 1));
		a = family == AF_INET ? sx_addr4(ip, dead) : sx_addr6(ip, dead);
		ASSERT_EQ(0, cx_peer(msg, &a, 1));
		a = family == AF_INET ? sx_addr4(ip, port[1]) : sx_addr6(ip, port[1]);
		ASSERT_EQ(0, cx_peer(msg, &a, 1));
		ASSERT_EQ(0, cx_run(&self->nl, msg, &res)) TH_LOG("%s", self->nl.extack);
		ASSERT_EQ(3, res.n);
		EXPECT_EQ(CX_SETTLED, cx_end);
		CX_EXPECT_OK(res, 0, fd, SCTP_ESTABLISHED);
		CX_EXPECT_ERR(res, 1, ECONNREFUSED);
		CX_EXPECT_OK(res, 2, fd, SCTP_ESTABLISHED);
		sx_result_free(&res);

		/* Nothing is left of the refused one. */
		EXPECT_EQ(2, sx_assoc_count(fd));
		EXPECT_FALSE(cx_has_peer_port(fd, dead));
		close(fd);
		for (i = 0; i < 2; i++)
			close(srv[i]);
	}
}

/* A peer that never answers, and INIT retransmissions running out. */
TEST_F(cx, init_timeout)
{
	struct sctp_initmsg im = { .sinit_max_attempts = 1 };
	struct sx_result res;
	struct nl_msg *msg;
	struct sx_addr a;
	uint16_t port;
	int srv, fd;

	srv = sx_server(AF_INET, &port);
	ASSERT_LE(0, srv);
	fd = cx_socket(AF_INET, true);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, cx_fast_rto(fd, 100));
	ASSERT_EQ(0, setsockopt(fd, SOL_SCTP, SCTP_INITMSG, &im, sizeof(im)));

	msg = cx_begin(&self->nl, fd, 20000, 2);
	ASSERT_NE(NULL, msg);
	a = sx_addr4(CX_DEAD, port);
	ASSERT_EQ(0, cx_peer(msg, &a, 1));
	a = sx_addr4("127.0.0.1", port);
	ASSERT_EQ(0, cx_peer(msg, &a, 1));
	ASSERT_EQ(0, cx_run(&self->nl, msg, &res)) TH_LOG("%s", self->nl.extack);
	ASSERT_EQ(2, res.n);
	EXPECT_EQ(CX_SETTLED, cx_end);
	CX_EXPECT_ERR(res, 0, ETIMEDOUT);
	CX_EXPECT_OK(res, 1, fd, SCTP_ESTABLISHED);
	EXPECT_EQ(1, sx_assoc_count(fd));
	sx_result_free(&res);

	close(fd);
	close(srv);
}

/*
 * Several CONNECTX requests in one send: the replies come in the order of
 * the requests (the starts run after the handlers, in one batch per send).
 */
TEST_F(cx, batched_requests_answered_in_order)
{
	static char buf[1 << 16];
	struct nl_msg *m[3];
	uint16_t port[3];
	int srv[3], fd, nlfd, i;
	size_t len = 0;

	nlfd = nl_socket_get_fd(self->nl.sk);
	fd = cx_socket(AF_INET, true);
	ASSERT_LE(0, fd);
	for (i = 0; i < 3; i++) {
		struct sx_addr a;

		srv[i] = sx_server(AF_INET, &port[i]);
		ASSERT_LE(0, srv[i]);
		a = sx_addr4("127.0.0.1", port[i]);
		m[i] = cx_begin(&self->nl, fd, 0, 1);
		ASSERT_NE(NULL, m[i]);
		ASSERT_EQ(0, cx_peer(m[i], &a, 1));
		nlmsg_hdr(m[i])->nlmsg_seq = 100 + i;
		nlmsg_hdr(m[i])->nlmsg_pid = 0;
		nlmsg_hdr(m[i])->nlmsg_flags |= NLM_F_REQUEST;
		memcpy(buf + len, nlmsg_hdr(m[i]), nlmsg_hdr(m[i])->nlmsg_len);
		len += NLMSG_ALIGN(nlmsg_hdr(m[i])->nlmsg_len);
		nlmsg_free(m[i]);
	}
	ASSERT_EQ((ssize_t)len, send(nlfd, buf, len, 0));
	for (i = 0; i < 3; i++) {
		struct nlmsghdr *h = (struct nlmsghdr *)buf;
		ssize_t n = recv(nlfd, buf, sizeof(buf), 0);

		ASSERT_LT(0, n) TH_LOG("recv: %s", strerror(errno));
		EXPECT_EQ(self->nl.family, h->nlmsg_type);
		EXPECT_EQ(100 + i, (int)h->nlmsg_seq) TH_LOG("reply %d", i);
	}
	EXPECT_EQ(3, sx_assoc_count(fd));
	for (i = 0; i < 3; i++)
		close(srv[i]);
	close(fd);
}

/*
 * CONNECTX replies after its request returns; an ack it asked for follows
 * that reply, never precedes it. Three requests in one send, the first
 * and last asking for an ack: reply 0, ack 0, reply 1, reply 2, ack 2,
 * and nothing more.
 */
TEST_F(cx, ack_follows_reply)
{
	static const struct { int seq; bool ack; } want[] = {
		{ 100, false }, { 100, true }, { 101, false }, { 102, false },
		{ 102, true },
	};
	static char buf[1 << 16];
	int srv[3], fd, nlfd, i, got = 0, one = 1;
	struct nlmsghdr ours = { 0 }, core;
	struct nl_msg *info;
	uint16_t port[3];
	size_t len = 0;

	nlfd = nl_socket_get_fd(self->nl.sk);
	/* Where the options change netlink's acks, the module's must too. */
	ASSERT_EQ(0, setsockopt(nlfd, SOL_NETLINK, NETLINK_CAP_ACK, &one,
				sizeof(one)));
	ASSERT_EQ(0, setsockopt(nlfd, SOL_NETLINK, NETLINK_EXT_ACK, &one,
				sizeof(one)));
	fd = cx_socket(AF_INET, true);
	ASSERT_LE(0, fd);
	for (i = 0; i < 3; i++) {
		struct nl_msg *m;
		struct sx_addr a;

		srv[i] = sx_server(AF_INET, &port[i]);
		ASSERT_LE(0, srv[i]);
		a = sx_addr4("127.0.0.1", port[i]);
		m = cx_begin(&self->nl, fd, 0, 1);
		ASSERT_NE(NULL, m);
		ASSERT_EQ(0, cx_peer(m, &a, 1));
		nlmsg_hdr(m)->nlmsg_seq = 100 + i;
		nlmsg_hdr(m)->nlmsg_pid = 0;
		nlmsg_hdr(m)->nlmsg_flags |= NLM_F_REQUEST |
					     (i != 1 ? NLM_F_ACK : 0);
		memcpy(buf + len, nlmsg_hdr(m), nlmsg_hdr(m)->nlmsg_len);
		len += NLMSG_ALIGN(nlmsg_hdr(m)->nlmsg_len);
		nlmsg_free(m);
	}
	ASSERT_EQ((ssize_t)len, send(nlfd, buf, len, 0));
	/* Everything was sent before send() returned. */
	for (;;) {
		ssize_t n = recv(nlfd, buf, sizeof(buf), MSG_DONTWAIT);
		struct nlmsghdr *h = (struct nlmsghdr *)buf;
		int left = n;

		if (n < 0) {
			ASSERT_EQ(EAGAIN, errno) TH_LOG("recv: %s", strerror(errno));
			break;
		}
		for (; NLMSG_OK(h, left); h = NLMSG_NEXT(h, left), got++) {
			ASSERT_GT(5, got) TH_LOG("message %d too many", got);
			EXPECT_EQ(want[got].seq, (int)h->nlmsg_seq) TH_LOG("message %d", got);
			if (!want[got].ack) {
				EXPECT_EQ(self->nl.family, h->nlmsg_type) TH_LOG("message %d", got);
				continue;
			}
			ASSERT_EQ(NLMSG_ERROR, h->nlmsg_type) TH_LOG("message %d", got);
			ASSERT_LE(NLMSG_LENGTH(sizeof(struct nlmsgerr)), h->nlmsg_len);
			EXPECT_EQ(0, ((struct nlmsgerr *)NLMSG_DATA(h))->error);
			EXPECT_EQ(want[got].seq,
				  (int)((struct nlmsgerr *)NLMSG_DATA(h))->msg.nlmsg_seq);
			EXPECT_TRUE(h->nlmsg_flags & NLM_F_CAPPED);
			ours = *h;
		}
	}
	EXPECT_EQ(5, got);
	EXPECT_EQ(3, sx_assoc_count(fd));

	/* The core's ack of an ordinary request looks the same. */
	info = sx_msg(&self->nl, SCTPX_CMD_INFO_GET, NLM_F_ACK);
	ASSERT_NE(NULL, info);
	ASSERT_LT(0, nl_send_auto(self->nl.sk, info));
	nlmsg_free(info);
	do {
		ASSERT_LT(0, recv(nlfd, buf, sizeof(buf), 0))
			TH_LOG("recv: %s", strerror(errno));
		core = *(struct nlmsghdr *)buf;
	} while (core.nlmsg_type != NLMSG_ERROR);
	EXPECT_EQ(0, ((struct nlmsgerr *)NLMSG_DATA((struct nlmsghdr *)buf))->error);
	EXPECT_EQ(core.nlmsg_len, ours.nlmsg_len);
	EXPECT_EQ(core.nlmsg_flags, ours.nlmsg_flags);
	EXPECT_EQ(core.nlmsg_pid, ours.nlmsg_pid);
	for (i = 0; i < 3; i++)
		close(srv[i]);
	close(fd);
}

/* Version 1's wait attribute is refused, with the reason, nothing started. */
TEST_F(cx, wait_attribute_refused)
{
	struct sx_addr a;
	struct nl_msg *msg;
	uint16_t port;
	int srv, fd;

	srv = sx_server(AF_INET, &port);
	ASSERT_LE(0, srv);
	fd = cx_socket(AF_INET, true);
	ASSERT_LE(0, fd);
	a = sx_addr4("127.0.0.1", port);
	msg = cx_begin(&self->nl, fd, 0, 1);
	ASSERT_NE(NULL, msg);
	ASSERT_EQ(0, nla_put_u32(msg, SCTPX_A_RESERVED_16, 1000));
	ASSERT_EQ(0, cx_peer(msg, &a, 1));
	cx_expect_refused(_metadata, &self->nl, msg, fd, EINVAL,
			  "CONNECTX no longer waits (family version 2): wait in user space",
			  true);
	EXPECT_EQ(0, sx_assoc_count(srv));
	close(fd);
	close(srv);
}

static int cx_sndtimeo_ms(int fd)
{
	struct timeval tv;
	socklen_t len = sizeof(tv);

	if (getsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, &len))
		return -errno;
	return tv.tv_sec * 1000 + tv.tv_usec / 1000;
}

struct cx_flipper {
	int fd;
	atomic_int stop;
	unsigned long flips;
};

/* Clear and set O_NONBLOCK as fast as possible until told to stop. */
static void *cx_flip(void *arg)
{
	struct cx_flipper *f = arg;

	while (!atomic_load(&f->stop)) {
		fcntl(f->fd, F_SETFL, 0);
		fcntl(f->fd, F_SETFL, O_NONBLOCK);
		f->flips++;
	}
	return NULL;
}

#define CX_FLIP_PEERS	8
/*
 * A refusal takes microseconds: while the flipper is preempted between its
 * two fcntl() calls (seen on 5.10 under TCG: all of 40 requests refused
 * within one of its time slices), a fixed number of requests can all be
 * refused. So each worker sends until it had its requests run (or this
 * many refusals).
 */
#define CX_FLIP_REFUSALS	100000

struct cx_flip_worker {
	int fd;
	int requests;
	int first_port;
	int started, refused, failed;
	double worst;
	char extack[300];
};

/* CONNECTX requests to peers that never answer, one peer each. */
static void *cx_flip_requests(void *arg)
{
	struct cx_flip_worker *w = arg;
	struct sx_nl nl;
	int i;

	if (sx_nl_open(&nl)) {
		w->failed++;
		return NULL;
	}
	for (i = 0; i < w->requests && w->refused < CX_FLIP_REFUSALS;) {
		struct nl_msg *msg = cx_begin(&nl, w->fd, 0, CX_FLIP_PEERS);
		struct sx_result res;
		double t0, dt;
		int err, k;

		for (k = 0; k < CX_FLIP_PEERS; k++) {
			struct sx_addr a = sx_addr4(CX_DEAD, w->first_port +
						    i * CX_FLIP_PEERS + k);

			cx_peer(msg, &a, 1);
		}
		t0 = cx_now();
		err = cx_run(&nl, msg, &res);
		dt = cx_now() - t0;
		if (dt > w->worst)
			w->worst = dt;
		if (err == -EINVAL && strstr(nl.extack, "socket is blocking")) {
			w->refused++;	/* saw the socket blocking: fine */
			sx_result_free(&res);
			continue;
		}
		i++;	/* its ports are used now */
		if (err || res.n != CX_FLIP_PEERS) {
			w->failed++;
			snprintf(w->extack, sizeof(w->extack), "%d %s", err,
				 nl.extack);
		}
		for (k = 0; !err && k < (int)res.n; k++) {
			if (res.v[k].error || !res.v[k].has_id ||
			    res.v[k].state != SCTP_COOKIE_WAIT)
				w->failed++;
			else
				w->started++;
		}
		sx_result_free(&res);
	}
	sx_nl_close(&nl);
	return NULL;
}

/*
 * Another thread clears O_NONBLOCK as fast as it can while two threads
 * send CONNECTX requests on the socket: a request that saw the socket
 * blocking is refused; one that started its peers reports each of them
 * started and still setting up, also when the kernel's connect waited
 * (it then waits in the requesting thread, up to the 1 s send timeout,
 * never in the handler: node.c's genetlink_never_stalls checks the rest
 * of the node under the same load). The send timeout is left as it was.
 */
TEST_F_TIMEOUT(cx, blocking_flip_starts_every_peer, 300)
{
	struct cx_flip_worker w[2] = { { 0 } };
	struct timeval tv = { .tv_sec = 1 };
	struct cx_flipper f = { 0 };
	int fd, i, started = 0;
	pthread_t th, tw[2];

	fd = cx_socket(AF_INET, true);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)));
	f.fd = fd;
	ASSERT_EQ(0, pthread_create(&th, NULL, cx_flip, &f));
	for (i = 0; i < 2; i++) {
		w[i].fd = fd;
		w[i].requests = 20;
		w[i].first_port = 1000 + i * 100 * CX_FLIP_PEERS;
		ASSERT_EQ(0, pthread_create(&tw[i], NULL, cx_flip_requests, &w[i]));
	}
	for (i = 0; i < 2; i++)
		pthread_join(tw[i], NULL);
	atomic_store(&f.stop, 1);
	pthread_join(th, NULL);

	for (i = 0; i < 2; i++) {
		TH_LOG("thread %d: %d started, %d refused, slowest %.3f s", i,
		       w[i].started, w[i].refused, w[i].worst);
		EXPECT_EQ(0, w[i].failed) TH_LOG("%s", w[i].extack);
		started += w[i].started;
	}
	TH_LOG("%lu flips", f.flips);
	EXPECT_LT(0, started);
	EXPECT_EQ(1000, cx_sndtimeo_ms(fd));
	EXPECT_EQ(started, sx_assoc_count(fd));

	close(fd);
}

/* The socket's send timeout survives CONNECTX, whatever its value. */
TEST_F(cx, sndtimeo_kept)
{
	static const struct timeval tvs[] = {
		{ .tv_sec = 7 },
		{ .tv_sec = 4294967, .tv_usec = 296000 },	/* 2^32 ms */
		{ .tv_sec = 0 },				/* forever */
	};
	size_t i;
	int fd;

	fd = cx_socket(AF_INET, true);
	ASSERT_LE(0, fd);
	for (i = 0; i < sizeof(tvs) / sizeof(tvs[0]); i++) {
		struct sx_addr a = sx_addr4(CX_DEAD, 2000 + i);
		struct timeval before, after;
		socklen_t len = sizeof(before);
		struct sx_result res;

		ASSERT_EQ(0, setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tvs[i],
					sizeof(tvs[i])));
		ASSERT_EQ(0, getsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &before,
					&len));
		ASSERT_EQ(0, cx_one(&self->nl, fd, &a, 1, 0, &res)) TH_LOG("%s", self->nl.extack);
		CX_EXPECT_OK(res, 0, fd, SCTP_COOKIE_WAIT);
		sx_result_free(&res);
		len = sizeof(after);
		ASSERT_EQ(0, getsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &after,
					&len));
		EXPECT_EQ(before.tv_sec, after.tv_sec);
		EXPECT_EQ(before.tv_usec, after.tv_usec);
	}
	close(fd);
}

TEST_F(cx, counters)
{
	struct sx_info i0, i1;
	struct sx_result res;
	struct nl_msg *msg;
	struct sx_addr a;
	uint16_t port[3];
	int srv[3], fd, i;

	for (i = 0; i < 3; i++) {
		srv[i] = sx_server(AF_INET, &port[i]);
		ASSERT_LE(0, srv[i]);
	}
	fd = cx_socket(AF_INET, true);
	ASSERT_LE(0, fd);

	ASSERT_EQ(0, sx_info(&self->nl, &i0));
	ASSERT_TRUE(i0.has_stats);
	a = sx_addr4("127.0.0.1", port[0]);
	ASSERT_EQ(0, cx_one(&self->nl, fd, &a, 1, 10000, &res));
	ASSERT_EQ(1, res.n);
	CX_EXPECT_OK(res, 0, fd, SCTP_ESTABLISHED);
	sx_result_free(&res);
	ASSERT_EQ(0, sx_info(&self->nl, &i1));
	EXPECT_EQ(i0.stats[SCTPX_STATS_A_CONNECTX_REQUESTS] + 1,
		  i1.stats[SCTPX_STATS_A_CONNECTX_REQUESTS]);
	EXPECT_EQ(i0.stats[SCTPX_STATS_A_CONNECTX_STARTED] + 1,
		  i1.stats[SCTPX_STATS_A_CONNECTX_STARTED]);
	EXPECT_EQ(i0.stats[SCTPX_STATS_A_CONNECTX_ERRORS],
		  i1.stats[SCTPX_STATS_A_CONNECTX_ERRORS]);

	/* Two new peers and one already associated (an error, no id). */
	i0 = i1;
	msg = cx_begin(&self->nl, fd, 10000, 3);
	ASSERT_NE(NULL, msg);
	for (i = 0; i < 3; i++) {
		a = sx_addr4("127.0.0.1", port[i]);
		ASSERT_EQ(0, cx_peer(msg, &a, 1));
	}
	ASSERT_EQ(0, cx_run(&self->nl, msg, &res));
	ASSERT_EQ(3, res.n);
	EXPECT_NE(0, res.v[0].error);
	CX_EXPECT_OK(res, 1, fd, SCTP_ESTABLISHED);
	CX_EXPECT_OK(res, 2, fd, SCTP_ESTABLISHED);
	sx_result_free(&res);
	ASSERT_EQ(0, sx_info(&self->nl, &i1));
	EXPECT_EQ(i0.stats[SCTPX_STATS_A_CONNECTX_REQUESTS] + 1,
		  i1.stats[SCTPX_STATS_A_CONNECTX_REQUESTS]);
	EXPECT_EQ(i0.stats[SCTPX_STATS_A_CONNECTX_STARTED] + 2,
		  i1.stats[SCTPX_STATS_A_CONNECTX_STARTED]);
	EXPECT_EQ(i0.stats[SCTPX_STATS_A_CONNECTX_ERRORS] + 1,
		  i1.stats[SCTPX_STATS_A_CONNECTX_ERRORS]);

	/* A request refused as a whole counts nothing. */
	i0 = i1;
	msg = cx_begin(&self->nl, fd, 10000, 1);
	ASSERT_NE(NULL, msg);
	ASSERT_EQ(0, cx_peer(msg, NULL, 0));
	EXPECT_EQ(-EINVAL, cx_run(&self->nl, msg, &res));
	sx_result_free(&res);
	ASSERT_EQ(0, sx_info(&self->nl, &i1));
	EXPECT_EQ(i0.stats[SCTPX_STATS_A_CONNECTX_REQUESTS],
		  i1.stats[SCTPX_STATS_A_CONNECTX_REQUESTS]);
	EXPECT_EQ(i0.stats[SCTPX_STATS_A_CONNECTX_STARTED],
		  i1.stats[SCTPX_STATS_A_CONNECTX_STARTED]);
	EXPECT_EQ(i0.stats[SCTPX_STATS_A_CONNECTX_ERRORS],
		  i1.stats[SCTPX_STATS_A_CONNECTX_ERRORS]);

	close(fd);
	for (i = 0; i < 3; i++)
		close(srv[i]);
}

SX_HARNESS_MAIN
