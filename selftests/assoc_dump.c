// SPDX-License-Identifier: GPL-2.0
/*
 * sctpx selftests: ASSOC_GET, the association listing.
 *
 * The listing pages through thousands of associations in ascending id
 * order, each exactly once even while associations come and go between
 * pages, with the right state, addresses, ports, streams and counters,
 * and honours its filters.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/sctp.h>

#include "kselftest_harness.h"
#include "sctpx_test.h"

/* Every test; those that list a pool of associations size it. */
SX_FIXTURE_NL_POOL(dump)

struct conn {
	int srv;
	uint16_t port;
	int n;
	int *cli;
};

static int conn_make(struct conn *c, int n)
{
	memset(c, 0, sizeof(*c));
	c->n = n;
	c->cli = calloc(n ? n : 1, sizeof(int));
	c->srv = sx_server(AF_INET, &c->port);
	if (!c->cli || c->srv < 0)
		return -1;
	return sx_clients(AF_INET, c->port, n, c->cli);
}

static void conn_free(struct conn *c)
{
	int i;

	for (i = 0; i < c->n; i++)
		if (c->cli[i] >= 0)
			close(c->cli[i]);
	close(c->srv);
	free(c->cli);
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

TEST_F(dump, lists_every_association_once_over_many_pages)
{
	struct sx_result res;
	struct conn c;
	uint32_t *ids;
	size_t n, i;

	ASSERT_EQ(0, conn_make(&c, 1500));
	ASSERT_EQ(0, sx_assoc_ids(c.srv, &ids, &n));
	ASSERT_EQ(1500, n);
	qsort(ids, n, sizeof(*ids), cmp_u32);

	ASSERT_EQ(0, sx_assoc_dump(&self->nl, c.srv, NULL, &res)) TH_LOG("%s", self->nl.extack);
	ASSERT_EQ(1500, res.n);
	/* More than fit one message: the dump really paged. */
	EXPECT_LT(2, res.nmsgs);
	for (i = 0; i < n; i++) {
		const struct sx_assoc *a = &res.v[i];

		/* Ascending, each once: exactly the kernel's own id list. */
		ASSERT_EQ(ids[i], a->id);
		EXPECT_EQ(SCTP_ESTABLISHED, a->state);
		EXPECT_EQ(c.port, a->local_port);
		/* Primary first: the address the client connected from. */
		ASSERT_LE(1, a->naddrs);
		EXPECT_EQ(AF_INET, a->addrs[0].family);
		EXPECT_EQ(htonl(INADDR_LOOPBACK), a->addrs[0].v4.s_addr);
		EXPECT_LE(0, sx_client_by_port(c.cli, c.n, a->addrs[0].port));
		EXPECT_TRUE(a->has_counters);
		/* A listing hands out no descriptors and reports no errors. */
		EXPECT_EQ(-1, a->fd);
		EXPECT_EQ(0, a->error);
	}
	free(ids);
	sx_result_free(&res);
	conn_free(&c);
}

TEST_F(dump, fields_match_sctp_status)
{
	struct sctp_initmsg init = { .sinit_num_ostreams = 7,
				     .sinit_max_instreams = 5 };
	struct sctp_status st = { 0 };
	struct sx_result res;
	socklen_t len = sizeof(st);
	uint16_t port;
	int srv, cli, i;
	char buf[4] = "abc";

	srv = sx_server(AF_INET, &port);
	ASSERT_LE(0, srv);
	ASSERT_EQ(0, setsockopt(srv, SOL_SCTP, SCTP_INITMSG, &init, sizeof(init)));
	ASSERT_EQ(0, sx_clients(AF_INET, port, 1, &cli));
	for (i = 0; i < 9; i++)
		ASSERT_EQ(0, sx_send(cli, buf, 3));
	for (i = 0; i < 9; i++)
		ASSERT_LT(0, sx_recv(srv, buf, sizeof(buf), 5000));

	ASSERT_EQ(0, sx_assoc_dump(&self->nl, srv, NULL, &res));
	ASSERT_EQ(1, res.n);
	st.sstat_assoc_id = res.v[0].id;
	ASSERT_EQ(0, getsockopt(srv, SOL_SCTP, SCTP_STATUS, &st, &len));
	EXPECT_EQ(st.sstat_instrms, res.v[0].instreams);
	EXPECT_EQ(st.sstat_outstrms, res.v[0].outstreams);
	EXPECT_EQ(st.sstat_state, res.v[0].state);
	EXPECT_EQ(9, res.v[0].data_in);
	EXPECT_EQ(0, res.v[0].data_out);
	/* DATA chunks are bundled: fewer packets than messages, not none. */
	EXPECT_LE(1, res.v[0].packets_in);
	EXPECT_EQ(sx_local_port(cli), res.v[0].addrs[0].port);
	sx_result_free(&res);

	/* A one-to-one socket lists its single association too. */
	ASSERT_EQ(0, sx_assoc_dump(&self->nl, cli, NULL, &res));
	ASSERT_EQ(1, res.n);
	EXPECT_EQ(port, res.v[0].addrs[0].port);
	EXPECT_EQ(9, res.v[0].data_out);
	sx_result_free(&res);
	close(cli);
	close(srv);
}

TEST_F(dump, empty_socket)
{
	struct sx_result res;
	uint16_t port;
	int srv;

	srv = sx_server(AF_INET, &port);
	ASSERT_EQ(0, sx_assoc_dump(&self->nl, srv, NULL, &res));
	EXPECT_EQ(0, res.n);
	sx_result_free(&res);
	close(srv);
}

/*
 * A listing whose filter matches none of the socket's associations. The
 * debug kernel's kmemleak found that every such dump leaked the array it
 * had collected into (8 bytes per association on the socket); 20,000
 * of them over 128 associations would leak 20 MB.
 */
TEST_F(dump, nothing_matching_leaks_nothing)
{
	struct sx_select f = { 0 };
	struct sx_result res;
	struct sx_slab_snap snap0;
	long slab0, slab1;
	int i;

	ASSERT_EQ(0, sx_pool_make(&self->p, 128));
	f.port = 1;	/* no client has it */
	ASSERT_EQ(0, sx_assoc_dump(&self->nl, self->p.srv, &f, &res));
	ASSERT_EQ(0, res.n);
	sx_result_free(&res);

	ASSERT_EQ(0, sx_slab_snap(&snap0));
	slab0 = snap0.unreclaim_kb;
	for (i = 0; i < 20000; i++) {
		ASSERT_EQ(0, sx_assoc_dump(&self->nl, self->p.srv, &f, &res));
		ASSERT_EQ(0, res.n);
		sx_result_free(&res);
	}
	/* A leak stays; anything else (RCU, per-CPU slabs) drains in 10 s. */
	slab1 = sx_slab_settle(&snap0, 1024, 10);
	sx_slab_snap_free(&snap0);
	TH_LOG("20000 empty listings: SUnreclaim %ld kB before, %ld kB after",
	       slab0, slab1);
	EXPECT_GE(slab0 + 1024, slab1);
}

TEST_F(dump, filters)
{
	struct sx_select f = { 0 };
	struct sx_result res;
	struct conn c;

	ASSERT_EQ(0, conn_make(&c, 20));

	f.port = sx_local_port(c.cli[4]);
	ASSERT_EQ(0, sx_assoc_dump(&self->nl, c.srv, &f, &res));
	ASSERT_EQ(1, res.n);
	EXPECT_EQ(f.port, res.v[0].addrs[0].port);
	sx_result_free(&res);

	memset(&f, 0, sizeof(f));
	f.has_addr = true;
	f.addr = sx_addr4("127.0.0.1", sx_local_port(c.cli[9]));
	ASSERT_EQ(0, sx_assoc_dump(&self->nl, c.srv, &f, &res));
	ASSERT_EQ(1, res.n);
	EXPECT_EQ(f.addr.port, res.v[0].addrs[0].port);
	sx_result_free(&res);

	f.addr.port = 0;
	ASSERT_EQ(0, sx_assoc_dump(&self->nl, c.srv, &f, &res));
	EXPECT_EQ(20, res.n);
	sx_result_free(&res);

	memset(&f, 0, sizeof(f));
	f.states = 1u << SCTP_COOKIE_WAIT;
	ASSERT_EQ(0, sx_assoc_dump(&self->nl, c.srv, &f, &res));
	EXPECT_EQ(0, res.n);
	sx_result_free(&res);
	f.states |= 1u << SCTP_ESTABLISHED;
	ASSERT_EQ(0, sx_assoc_dump(&self->nl, c.srv, &f, &res));
	EXPECT_EQ(20, res.n);
	sx_result_free(&res);

	/* Order and limit belong to PEELOFF: a filter refuses them. */
	memset(&f, 0, sizeof(f));
	f.limit = 3;
	EXPECT_EQ(-EINVAL, sx_assoc_dump(&self->nl, c.srv, &f, &res));
	EXPECT_NE(0, strlen(self->nl.extack));
	sx_result_free(&res);
	conn_free(&c);
}

/* How many entries a filter on one address (and port) lists. */
static int listed(struct __test_metadata *_metadata, struct sx_nl *nl, int srv,
		  struct sx_addr a)
{
	struct sx_select f = { .has_addr = true, .addr = a };
	struct sx_result res;
	int n;

	if (sx_assoc_dump(nl, srv, &f, &res)) {
		TH_LOG("dump: %s", nl->extack);
		return -1;
	}
	n = (int)res.n;
	sx_result_free(&res);
	return n;
}

/*
 * The module compares addresses as documented (Documentation/sctpx.rst,
 * "Common: addresses"): an IPv4 address equals its IPv4-mapped IPv6 form,
 * both ways: IPv4 associations found by ::ffff:127.0.0.1, IPv4 clients of
 * an IPv6 socket found by 127.0.0.1 and by the mapped form.
 */
TEST_F(dump, filter_v4_equals_v4_mapped)
{
	struct conn c;
	uint16_t port6, cport;
	int srv6, cli[2];

	ASSERT_EQ(0, conn_make(&c, 3));
	cport = sx_local_port(c.cli[1]);
	EXPECT_EQ(1, listed(_metadata, &self->nl, c.srv, sx_addr4("127.0.0.1", cport)));
	EXPECT_EQ(1, listed(_metadata, &self->nl, c.srv, sx_addr6("::ffff:127.0.0.1", cport)));
	EXPECT_EQ(3, listed(_metadata, &self->nl, c.srv, sx_addr6("::ffff:127.0.0.1", 0)));
	/* Not any IPv6 address: another mapped one, and ::1, match nothing. */
	EXPECT_EQ(0, listed(_metadata, &self->nl, c.srv, sx_addr6("::ffff:127.0.0.2", 0)));
	EXPECT_EQ(0, listed(_metadata, &self->nl, c.srv, sx_addr6("::1", cport)));
	conn_free(&c);

	/* IPv4 clients of an IPv6 (dual-stack) socket. */
	srv6 = sx_server_at(AF_INET6, "::", &port6);
	ASSERT_LE(0, srv6);
	ASSERT_EQ(0, sx_clients_to(AF_INET, "127.0.0.1", port6, 2, cli));
	cport = sx_local_port(cli[0]);
	EXPECT_EQ(1, listed(_metadata, &self->nl, srv6, sx_addr4("127.0.0.1", cport)));
	EXPECT_EQ(1, listed(_metadata, &self->nl, srv6, sx_addr6("::ffff:127.0.0.1", cport)));
	EXPECT_EQ(2, listed(_metadata, &self->nl, srv6, sx_addr4("127.0.0.1", 0)));
	EXPECT_EQ(0, listed(_metadata, &self->nl, srv6, sx_addr4("127.0.0.2", 0)));
	close(cli[0]);
	close(cli[1]);
	close(srv6);
}

/*
 * Two IPv6 link-local addresses differ only when both carry a scope id
 * and the ids differ: an association whose peer is fe80::1 on lo is found
 * by fe80::1 with no scope id and with lo's, not with another scope id.
 */
TEST_F(dump, filter_link_local_scope)
{
	struct sockaddr_in6 sa = { .sin6_family = AF_INET6 };
	struct sx_addr a;
	uint16_t port, cport;
	int srv, cli, lo, rc, tries;

	/*
	 * A network namespace of this test's own: nothing to undo after. The
	 * fixture's netlink socket stays in the one it was opened in: ask
	 * from a socket opened in the new one.
	 */
	sx_nl_close(&self->nl);
	ASSERT_EQ(0, unshare(CLONE_NEWNET));
	ASSERT_EQ(0, system("ip link set lo up && ip -6 addr add fe80::1/64 dev lo"));
	lo = if_nametoindex("lo");
	ASSERT_LT(0, lo);
	ASSERT_EQ(0, sx_nl_open(&self->nl));
	inet_pton(AF_INET6, "fe80::1", &sa.sin6_addr);
	sa.sin6_scope_id = lo;
	srv = socket(AF_INET6, SOCK_SEQPACKET, IPPROTO_SCTP);
	ASSERT_LE(0, srv);
	/*
	 * The new address is tentative until addrconf's work has run (seen
	 * once on 6.12 under TCG: EADDRNOTAVAIL); busybox ip has no nodad.
	 */
	for (tries = 0; (rc = bind(srv, (struct sockaddr *)&sa, sizeof(sa))) &&
	     errno == EADDRNOTAVAIL && tries < 200; tries++)
		usleep(10000);
	ASSERT_EQ(0, rc) TH_LOG("bind: %m");
	ASSERT_EQ(0, listen(srv, 8));
	port = sx_local_port(srv);
	cli = socket(AF_INET6, SOCK_STREAM, IPPROTO_SCTP);
	ASSERT_LE(0, cli);
	ASSERT_EQ(0, bind(cli, (struct sockaddr *)&sa, sizeof(sa))) TH_LOG("bind: %m");
	sa.sin6_port = htons(port);
	ASSERT_EQ(0, connect(cli, (struct sockaddr *)&sa, sizeof(sa))) TH_LOG("connect: %m");
	ASSERT_EQ(1, sx_assoc_count(srv));
	cport = sx_local_port(cli);

	a = sx_addr6("fe80::1", cport);
	EXPECT_EQ(1, listed(_metadata, &self->nl, srv, a));		/* no scope id */
	a.scope_id = lo;
	EXPECT_EQ(1, listed(_metadata, &self->nl, srv, a));		/* the same one */
	a.scope_id = lo + 100;
	EXPECT_EQ(0, listed(_metadata, &self->nl, srv, a));		/* another */
	a = sx_addr6("fe80::2", cport);
	EXPECT_EQ(0, listed(_metadata, &self->nl, srv, a));

	close(cli);
	close(srv);
}

TEST_F(dump, bad_descriptors)
{
	struct sx_result res;
	int pipefd[2], tcp, closed;

	closed = dup(0);
	close(closed);
	EXPECT_EQ(-EBADF, sx_assoc_dump(&self->nl, closed, NULL, &res));
	ASSERT_EQ(0, pipe(pipefd));
	EXPECT_EQ(-ENOTSOCK, sx_assoc_dump(&self->nl, pipefd[0], NULL, &res));
	tcp = socket(AF_INET, SOCK_STREAM, 0);
	EXPECT_EQ(-EOPNOTSUPP, sx_assoc_dump(&self->nl, tcp, NULL, &res));
	/* Before 6.2 a dump's .start has no extended ack: none arrives. */
	EXPECT_STREQ(sx_kernel_at_least(6, 2) ? "socket is not an SCTP socket" : "",
		     self->nl.extack);
	close(pipefd[0]);
	close(pipefd[1]);
	close(tcp);
}

/*
 * Between two pages, end associations behind the cursor and ahead of it,
 * and start new ones (higher ids, so ahead of it too). The paging rule
 * (Documentation/sctpx.rst: each pass collects the associations that
 * exist with ids from the cursor on) then fixes every outcome: the ones
 * already listed stay listed once, the ones ended ahead of the cursor
 * are never listed, the new ones are listed once, every other once.
 * The churn runs in the callback of the first page, when the kernel has
 * made at most two more (one per recvmsg(), libnl peeks first); the ids
 * ended ahead are asserted to lie beyond three first pages, and the
 * callback waits until the server has dropped them.
 */
#define CHURN_N		1200
#define CHURN_BEHIND	50	/* of the first page's ids */
#define CHURN_AHEAD	100	/* from sorted index CHURN_AHEAD_AT on */
#define CHURN_AHEAD_AT	600
#define CHURN_NEW	100

struct churn {
	struct sx_pool *p;
	const uint32_t *sorted;	/* the pool's ids, ascending */
	int extra[CHURN_NEW];
	bool done;
	size_t first_page;	/* entries in the first page */
	uint32_t listed_max;	/* highest id listed when the churn ran */
	uint32_t behind[CHURN_BEHIND];
	int err;		/* what went wrong in the callback */
	struct sx_result *res;
};

/* End client c's association with an ABORT and wait until the server drops it. */
static int abort_and_wait(struct sx_pool *p, int c)
{
	struct linger lg = { 1, 0 };
	int i;

	setsockopt(p->cli[c], SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
	close(p->cli[c]);
	p->cli[c] = -1;
	for (i = 0; i < 2000 * sx_timeout_scale(); i++) {
		struct sctp_status st = { .sstat_assoc_id = p->ids[c] };
		socklen_t len = sizeof(st);

		if (getsockopt(p->srv, SOL_SCTP, SCTP_STATUS, &st, &len))
			return 0;
		usleep(1000);
	}
	return -ETIMEDOUT;
}

static int churn_cb(struct nlmsghdr *nlh, void *arg)
{
	struct churn *ch = arg;
	int i, c, ret = sx_collect_cb(nlh, ch->res);

	if (ret || ch->done)
		return ret;
	ch->done = true;
	ch->first_page = ch->res->n;
	ch->listed_max = ch->res->v[ch->res->n - 1].id;
	if (ch->first_page < CHURN_BEHIND || 3 * ch->first_page > CHURN_AHEAD_AT) {
		ch->err = -ERANGE;
		return 0;
	}
	/* Behind the cursor: the first CHURN_BEHIND ids, already listed. */
	for (i = 0; i < CHURN_BEHIND; i++) {
		ch->behind[i] = ch->sorted[i];
		c = sx_pool_index(ch->p, ch->sorted[i]);
		if (c < 0 || abort_and_wait(ch->p, c))
			ch->err = -EIO;
	}
	/* Ahead of it: no pass has reached these yet. */
	for (i = CHURN_AHEAD_AT; i < CHURN_AHEAD_AT + CHURN_AHEAD; i++) {
		c = sx_pool_index(ch->p, ch->sorted[i]);
		if (c < 0 || abort_and_wait(ch->p, c))
			ch->err = -EIO;
	}
	ret = sx_clients(AF_INET, ch->p->port, CHURN_NEW, ch->extra);
	if (ret)
		ch->err = ret;
	return 0;
}

static int count_listed(const struct sx_result *res, uint32_t id)
{
	size_t k;
	int n = 0;

	for (k = 0; k < res->n; k++)
		n += res->v[k].id == id;
	return n;
}

TEST_F(dump, pages_stay_consistent_under_churn)
{
	struct sx_result res = { 0 };
	struct churn ch = { 0 };
	struct nl_msg *msg;
	uint32_t *sorted, *now;
	size_t n, i, k;
	int new_seen = 0;

	ASSERT_EQ(0, sx_raise_nofile(4 * CHURN_N));
	ASSERT_EQ(0, sx_pool_make(&self->p, CHURN_N));
	sorted = calloc(CHURN_N, sizeof(*sorted));
	memcpy(sorted, self->p.ids, CHURN_N * sizeof(*sorted));
	qsort(sorted, CHURN_N, sizeof(*sorted), cmp_u32);

	ch.p = &self->p;
	ch.sorted = sorted;
	ch.res = &res;
	msg = sx_msg(&self->nl, SCTPX_CMD_ASSOC_GET, NLM_F_DUMP);
	ASSERT_EQ(0, nla_put_s32(msg, SCTPX_A_SOCK_FD, self->p.srv));
	ASSERT_EQ(0, sx_request(&self->nl, msg, churn_cb, &ch)) TH_LOG("%s", self->nl.extack);
	ASSERT_TRUE(ch.done);
	ASSERT_EQ(0, ch.err) TH_LOG("first page of %zu entries; churn failed", ch.first_page);
	TH_LOG("%zu entries in %d messages, %zu in the first; churn after id %u",
	       res.n, res.nmsgs, ch.first_page, ch.listed_max);
	/* The ids ended ahead were beyond what had been listed. */
	ASSERT_LT(ch.listed_max, sorted[CHURN_AHEAD_AT]);
	ASSERT_LE(ch.behind[CHURN_BEHIND - 1], ch.listed_max);

	/* No id twice, ascending throughout. */
	for (k = 1; k < res.n; k++)
		ASSERT_LT(res.v[k - 1].id, res.v[k].id);

	for (i = 0; i < CHURN_N; i++) {
		int times = count_listed(&res, sorted[i]);

		if (i >= CHURN_AHEAD_AT && i < CHURN_AHEAD_AT + CHURN_AHEAD) {
			EXPECT_EQ(0, times) TH_LOG("id %u, ended ahead of the cursor, listed", sorted[i]);
		} else {
			EXPECT_EQ(1, times) TH_LOG("id %u (index %zu) listed %d times", sorted[i], i, times);
		}
	}
	/* The new ones: ids above every other, each listed once. */
	ASSERT_EQ(0, sx_assoc_ids(self->p.srv, &now, &n));
	ASSERT_EQ(CHURN_N - CHURN_BEHIND - CHURN_AHEAD + CHURN_NEW, n);
	for (i = 0; i < n; i++) {
		if (sx_pool_index(&self->p, now[i]) >= 0)
			continue;
		EXPECT_LT(sorted[CHURN_N - 1], now[i]);
		EXPECT_EQ(1, count_listed(&res, now[i])) TH_LOG("new id %u", now[i]);
		new_seen++;
	}
	EXPECT_EQ(CHURN_NEW, new_seen);
	EXPECT_EQ(CHURN_N - CHURN_BEHIND - CHURN_AHEAD + CHURN_NEW + CHURN_BEHIND, res.n);
	free(now);
	free(sorted);
	for (i = 0; i < CHURN_NEW; i++)
		close(ch.extra[i]);
	sx_result_free(&res);
}

SX_HARNESS_MAIN
