// SPDX-License-Identifier: GPL-2.0
/*
 * sctpx selftests: PEELOFF.
 *
 * Each rule of the op has a test that fails if the rule breaks: explicit
 * ids at several sizes, every selection, the flags on every new fd, data
 * queued before the peel read after it in both directions, every error
 * with its errno and extended ack, duplicates, EMFILE leaving everything
 * on the parent, all-or-nothing, concurrent peelers, namespaces and an
 * unprivileged caller. Where the module has no PEELOFF (a kernel without
 * sctp_do_peeloff(), 6.16 on), each test asserts the refusal instead
 * (SX_PEELOFF_OR_ASSERT_ABSENT()).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/sctp.h>
#include <linux/capability.h>

#include "kselftest_harness.h"
#include "sctpx_test.h"

#define BATCH_PARAM "/sys/module/sctpx/parameters/max_batch"

/*
 * What the tests share: the module, a netlink socket, and a pool of
 * associations the test sizes (sx_pool_make(&self->p, n)). The teardown
 * frees the pool and closes the socket and every descriptor the test
 * left open, so a failed assertion leaks nothing into the next test.
 * peel_batch has the same, with a variant per batch size.
 */
static void peel_env_open(struct __test_metadata *_metadata, struct sx_nl *nl,
			  struct sx_pool *p, int *top)
{
	*top = sx_max_fd();
	p->srv = -1;
	ASSERT_EQ(0, sx_module_ensure());
	ASSERT_EQ(0, sx_nl_open(nl));
}

static void peel_env_close(struct sx_nl *nl, struct sx_pool *p, int top)
{
	sx_pool_free(p);
	sx_nl_close(nl);
	sx_close_above(top);
}

FIXTURE(peel) {
	struct sx_nl nl;
	struct sx_pool p;
	int top;	/* the highest descriptor before setup */
};

FIXTURE_SETUP(peel)
{
	peel_env_open(_metadata, &self->nl, &self->p, &self->top);
}

FIXTURE_TEARDOWN(peel)
{
	peel_env_close(&self->nl, &self->p, self->top);
}

static void subscribe_data_io(int fd)
{
	struct sctp_event_subscribe ev = { .sctp_data_io_event = 1 };

	setsockopt(fd, SOL_SCTP, SCTP_EVENTS, &ev, sizeof(ev));
}

static int so_type(int fd)
{
	int type = -1;
	socklen_t len = sizeof(type);

	getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &len);
	return type;
}

/*
 * Check one successful entry: a one-to-one SCTP socket with exactly the
 * requested flags, whose peer is the expected client, with the metadata
 * the reply claims.
 */
static void check_entry(struct __test_metadata *_metadata,
			const struct sx_pool *p, const struct sx_assoc *a,
			uint32_t flags)
{
	struct sctp_status st = { 0 };
	socklen_t len = sizeof(st);
	int c;

	ASSERT_EQ(0, a->error) TH_LOG("id %u: error %d", a->id, a->error);
	ASSERT_TRUE(a->has_id);
	ASSERT_LE(0, a->fd);
	EXPECT_EQ(!!(flags & SOCK_NONBLOCK), sx_fd_nonblock(a->fd));
	EXPECT_EQ(!!(flags & SOCK_CLOEXEC), sx_fd_cloexec(a->fd));
	EXPECT_EQ(SOCK_SEQPACKET, so_type(a->fd));

	c = sx_pool_index(p, a->id);
	ASSERT_LE(0, c) TH_LOG("id %u not in the pool", a->id);
	ASSERT_LE(1, a->naddrs);
	EXPECT_EQ(sx_local_port(p->cli[c]), a->addrs[0].port);
	EXPECT_EQ(p->port, a->local_port);
	EXPECT_EQ(SCTP_ESTABLISHED, a->state);

	/* The new socket holds the association the reply described. */
	ASSERT_EQ(0, getsockopt(a->fd, SOL_SCTP, SCTP_STATUS, &st, &len));
	EXPECT_EQ(a->id, (uint32_t)st.sstat_assoc_id);
	EXPECT_EQ(a->instreams, st.sstat_instrms);
	EXPECT_EQ(a->outstreams, st.sstat_outstrms);
	EXPECT_EQ(SCTP_ESTABLISHED, st.sstat_state);
}

/*
 * Peel n associations by explicit ids with data queued on each before the
 * peel, then check every entry and the data both ways.
 */
static void peel_n(struct __test_metadata *_metadata, struct sx_nl *nl,
		   struct sx_pool *p, int n, uint32_t flags)
{
	struct sx_result res;
	char buf[64], got[64];
	int i, before;

	ASSERT_EQ(0, sx_pool_make(p, n));

	for (i = 0; i < n; i++) {
		snprintf(buf, sizeof(buf), "to-server %d", i);
		ASSERT_EQ(0, sx_send(p->cli[i], buf, strlen(buf)));
	}
	for (i = 0; i < n; i++)
		ASSERT_EQ(0, sx_wait_acked(p->cli[i]));

	before = sx_count_fds();
	ASSERT_EQ(0, sx_peeloff(nl, p->srv, flags, false, p->ids, n, NULL, &res))
		TH_LOG("%s", nl->extack);
	ASSERT_EQ(n, res.n);
	EXPECT_EQ(before + n, sx_count_fds());
	EXPECT_EQ(0, sx_assoc_count(p->srv));

	for (i = 0; i < n; i++) {
		const struct sx_assoc *a = &res.v[i];
		int c;

		/* Results come back in request order. */
		ASSERT_EQ(p->ids[i], a->id);
		check_entry(_metadata, p, a, flags);
		c = sx_pool_index(p, a->id);

		/* Queued before the peel, readable after it. */
		snprintf(buf, sizeof(buf), "to-server %d", c);
		memset(got, 0, sizeof(got));
		ASSERT_EQ((ssize_t)strlen(buf), sx_recv(a->fd, got, sizeof(got), 5000));
		EXPECT_STREQ(buf, got);

		/* And the other way. */
		snprintf(buf, sizeof(buf), "to-client %d", c);
		ASSERT_EQ(0, sx_send(a->fd, buf, strlen(buf)));
		memset(got, 0, sizeof(got));
		ASSERT_EQ((ssize_t)strlen(buf), sx_recv(p->cli[c], got, sizeof(got), 5000));
		EXPECT_STREQ(buf, got);
		close(a->fd);
	}
	sx_result_free(&res);
}

/* Explicit ids at several sizes, with each pair of flags. */
FIXTURE(peel_batch) {
	struct sx_nl nl;
	struct sx_pool p;
	int top;
};

FIXTURE_VARIANT(peel_batch) {
	int n;
	uint32_t flags;
	const char *max_batch;	/* set for the test, then back to 1024 */
};

FIXTURE_VARIANT_ADD(peel_batch, one) {
	.n = 1, .flags = SOCK_NONBLOCK | SOCK_CLOEXEC,
};

FIXTURE_VARIANT_ADD(peel_batch, hundred_no_flags) {
	.n = 100, .flags = 0,
};

FIXTURE_VARIANT_ADD(peel_batch, hundred_nonblock) {
	.n = 100, .flags = SOCK_NONBLOCK,
};

FIXTURE_VARIANT_ADD(peel_batch, hundred_cloexec) {
	.n = 100, .flags = SOCK_CLOEXEC,
};

/* max_batch's upper bound: full entries for all of them in one reply. */
FIXTURE_VARIANT_ADD(peel_batch, four_thousand_ninety_six) {
	.n = 4096, .flags = SOCK_NONBLOCK | SOCK_CLOEXEC, .max_batch = "4096",
};

FIXTURE_SETUP(peel_batch)
{
	peel_env_open(_metadata, &self->nl, &self->p, &self->top);
}

FIXTURE_TEARDOWN(peel_batch)
{
	peel_env_close(&self->nl, &self->p, self->top);
}

TEST_F(peel_batch, explicit_ids)
{
	SX_PEELOFF_OR_ASSERT_ABSENT();
	if (variant->max_batch)
		ASSERT_EQ(0, sx_sysfs_write(BATCH_PARAM, variant->max_batch));
	peel_n(_metadata, &self->nl, &self->p, variant->n, variant->flags);
	if (variant->max_batch)
		ASSERT_EQ(0, sx_sysfs_write(BATCH_PARAM, "1024"));
}

TEST_F(peel, order_and_messages_within_a_stream)
{
	SX_PEELOFF_OR_ASSERT_ABSENT();
	struct sctp_sndrcvinfo sinfo = { 0 };
	int next[4] = { 0, 1, 2, 3 };
	struct sx_result res;
	char buf[32], got[32];
	int i, n, flags;

	/* Many messages on several streams, queued before the peel. */
	ASSERT_EQ(0, sx_pool_make(&self->p, 2));
	for (i = 0; i < 200; i++) {
		snprintf(buf, sizeof(buf), "m%03d", i);
		ASSERT_LT(0, sctp_sendmsg(self->p.cli[0], buf, strlen(buf), NULL, 0,
					  0, 0, i % 4, 0, 0));
	}
	ASSERT_EQ(0, sx_wait_acked(self->p.cli[0]));
	ASSERT_EQ(0, sx_peeloff(&self->nl, self->p.srv, 0, false, self->p.ids, 1, NULL, &res));
	ASSERT_EQ(1, res.n);
	ASSERT_LE(0, res.v[0].fd);
	subscribe_data_io(res.v[0].fd);

	/* Per stream, in the order sent; nothing lost, nothing doubled. */
	for (i = 0; i < 200; i++) {
		flags = 0;
		memset(got, 0, sizeof(got));
		n = sctp_recvmsg(res.v[0].fd, got, sizeof(got), NULL, NULL,
				 &sinfo, &flags);
		ASSERT_EQ(4, n);
		ASSERT_GT(4, sinfo.sinfo_stream);
		snprintf(buf, sizeof(buf), "m%03d", next[sinfo.sinfo_stream]);
		EXPECT_STREQ(buf, got);
		next[sinfo.sinfo_stream] += 4;
	}
	EXPECT_EQ(0, sx_recv(res.v[0].fd, got, sizeof(got), 100));
	/* The other association kept its place on the parent. */
	EXPECT_EQ(1, sx_assoc_count(self->p.srv));
	close(res.v[0].fd);
	sx_result_free(&res);
}

TEST_F(peel, busy_parent_keeps_every_queue_in_order)
{
	SX_PEELOFF_OR_ASSERT_ABSENT();
	struct sctp_sndrcvinfo sinfo;
	struct sx_result res;
	uint32_t ids[10];
	int next[20] = { 0 };
	char buf[32], got[32];
	int i, r, c, n, flags;

	/*
	 * 200 messages queued on the parent, ten per association, sent
	 * round-robin; then half the associations are peeled in one batch
	 * (the module splits a busy parent's queue for the batch). Each
	 * peeled fd must read its own ten in order, and the parent must still
	 * hold the other hundred, each association's in order, none lost.
	 */
	ASSERT_EQ(0, sx_pool_make(&self->p, 20));
	for (r = 0; r < 10; r++) {
		for (c = 0; c < 20; c++) {
			snprintf(buf, sizeof(buf), "c%02d m%d", c, r);
			ASSERT_EQ(0, sx_send(self->p.cli[c], buf, strlen(buf)));
		}
	}
	for (c = 0; c < 20; c++)
		ASSERT_EQ(0, sx_wait_acked(self->p.cli[c]));
	for (i = 0; i < 10; i++)
		ids[i] = self->p.ids[2 * i];
	ASSERT_EQ(0, sx_peeloff(&self->nl, self->p.srv, 0, false, ids, 10, NULL, &res));
	ASSERT_EQ(10, res.n);

	for (i = 0; i < 10; i++) {
		ASSERT_LE(0, res.v[i].fd);
		for (r = 0; r < 10; r++) {
			snprintf(buf, sizeof(buf), "c%02d m%d", 2 * i, r);
			memset(got, 0, sizeof(got));
			ASSERT_EQ((ssize_t)strlen(buf), sx_recv(res.v[i].fd, got, sizeof(got), 5000));
			EXPECT_STREQ(buf, got);
		}
		EXPECT_EQ(0, sx_recv(res.v[i].fd, got, sizeof(got), 50));
		close(res.v[i].fd);
	}

	subscribe_data_io(self->p.srv);
	for (n = 0; n < 100; n++) {
		flags = 0;
		memset(got, 0, sizeof(got));
		ASSERT_LT(0, sctp_recvmsg(self->p.srv, got, sizeof(got), NULL, NULL,
					  &sinfo, &flags));
		c = sx_pool_index(&self->p, sinfo.sinfo_assoc_id);
		ASSERT_LE(0, c);
		ASSERT_EQ(1, c % 2) TH_LOG("message of a peeled association on the parent: %s", got);
		snprintf(buf, sizeof(buf), "c%02d m%d", c, next[c]++);
		EXPECT_STREQ(buf, got);
	}
	EXPECT_EQ(0, sx_recv(self->p.srv, got, sizeof(got), 50));
	sx_result_free(&res);
}

/* One recvmsg() within timeout_ms: its length, its msg_flags in *flags. */
static ssize_t recv_flags(int fd, void *buf, size_t len, int *flags,
			  int timeout_ms)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	struct iovec iov = { .iov_base = buf, .iov_len = len };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
	ssize_t r;

	if (poll(&pfd, 1, timeout_ms * sx_timeout_scale()) <= 0)
		return 0;
	r = recvmsg(fd, &mh, MSG_DONTWAIT);
	*flags = mh.msg_flags;
	return r < 0 ? -errno : r;
}

/*
 * The server of the partial-delivery test: a receive buffer of 400,000
 * bytes (each association's window is half of it) and partial delivery of
 * a message from its first 4 KiB on.
 */
static int pd_server(int srv)
{
	int rcvbuf = 200000, pd_point = 4096;

	if (setsockopt(srv, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf)))
		return -1;
	return setsockopt(srv, SOL_SCTP, SCTP_PARTIAL_DELIVERY_POINT,
			  &pd_point, sizeof(pd_point));
}

#define PD_CLIENTS	12	/* clients 0-7 are peeled, 8-11 stay */
#define PD_EARLY	6	/* each, queued before the partial delivery */
#define PD_LATE		3	/* each, sent while it is in progress */
#define PD_BIG		2000000	/* the message in partial delivery */

/*
 * Documentation/sctpx.rst: PEELOFF never splits the parent's queue while
 * one of its associations is in partial delivery, because migrating that
 * association splices the parent's partial-delivery lobby (the other
 * associations' messages that arrived meanwhile) into the receive queue.
 * Here everything that would make it split is there (72 messages queued,
 * 9 associations peeled) and the association in partial delivery is one
 * of them. The lobby's messages must then all reach their readers, in
 * order: those of the associations that stay on the parent, those of the
 * peeled ones on their new descriptors, and the big message whole on its.
 */
TEST_F(peel, no_queue_split_during_partial_delivery)
{
	static char big[PD_BIG], got[PD_BIG];
	int next[PD_CLIENTS] = { 0 }, pending = -1, rcvbuf;
	socklen_t optlen = sizeof(rcvbuf);
	struct pollfd pfd = { .events = POLLIN };
	struct sctp_status bst = { 0 };
	struct sctp_sndrcvinfo sinfo;
	int sndbuf = 4 << 20, i, c, r, flags, big_fd = -1, stable;
	uint32_t ids[9];
	struct sx_result res;
	char buf[64], msg[64];
	size_t have;
	ssize_t n;

	SX_PEELOFF_OR_ASSERT_ABSENT();

	/* Clients 0..11 send small messages; client 12 sends the big one. */
	ASSERT_EQ(0, sx_pool_make_setup(&self->p, PD_CLIENTS + 1, pd_server));
	for (r = 0; r < PD_EARLY; r++)
		for (c = 0; c < PD_CLIENTS; c++) {
			snprintf(buf, sizeof(buf), "c%02d m%d", c, r);
			ASSERT_EQ(0, sx_send(self->p.cli[c], buf, strlen(buf)));
		}
	for (c = 0; c < PD_CLIENTS; c++)
		ASSERT_EQ(0, sx_wait_acked(self->p.cli[c]));

	/*
	 * The big message: more than the association's window, so it stays
	 * incomplete on the server (nobody reads), past the partial delivery
	 * point, so the server is in partial delivery.
	 */
	for (i = 0; i < PD_BIG; i++)
		big[i] = 'a' + i % 23;
	ASSERT_EQ(0, setsockopt(self->p.cli[PD_CLIENTS], SOL_SOCKET, SO_SNDBUFFORCE,
				&sndbuf, sizeof(sndbuf)));
	ASSERT_EQ(PD_BIG, send(self->p.cli[PD_CLIENTS], big, PD_BIG, MSG_DONTWAIT))
		TH_LOG("send: %s", strerror(errno));
	for (i = 0, stable = 0; i < 500 * sx_timeout_scale() && stable < 20; i++) {
		struct sctp_status st = { 0 };
		socklen_t len = sizeof(st);

		usleep(10000);
		ASSERT_EQ(0, getsockopt(self->p.cli[PD_CLIENTS], SOL_SCTP, SCTP_STATUS, &st, &len));
		stable = (int)st.sstat_unackdata == pending ? stable + 1 : 0;
		pending = st.sstat_unackdata;
	}
	ASSERT_EQ(20, stable) TH_LOG("the big message's sender never stalled");
	/* It cannot all be there: the server's buffer is smaller. */
	ASSERT_EQ(0, getsockopt(self->p.srv, SOL_SOCKET, SO_RCVBUF, &rcvbuf, &optlen));
	ASSERT_GT(PD_BIG / 2, rcvbuf);
	bst.sstat_assoc_id = self->p.ids[PD_CLIENTS];
	optlen = sizeof(bst);
	ASSERT_EQ(0, getsockopt(self->p.srv, SOL_SCTP, SCTP_STATUS, &bst, &optlen));
	TH_LOG("big message stalled: %d chunks in flight, server buffer %d, its window %u",
	       pending, rcvbuf, bst.sstat_rwnd);

	/* These go to the partial-delivery lobby. */
	for (r = PD_EARLY; r < PD_EARLY + PD_LATE; r++)
		for (c = 0; c < PD_CLIENTS; c++) {
			snprintf(buf, sizeof(buf), "c%02d m%d", c, r);
			ASSERT_EQ(0, sx_send(self->p.cli[c], buf, strlen(buf)));
		}
	for (c = 0; c < PD_CLIENTS; c++)
		ASSERT_EQ(0, sx_wait_acked(self->p.cli[c])) TH_LOG("client %d", c);

	/* 72 messages queued, 9 peels: all a split needs but the rule. */
	for (i = 0; i < 8; i++)
		ids[i] = self->p.ids[i];
	ids[8] = self->p.ids[PD_CLIENTS];
	ASSERT_EQ(0, sx_peeloff(&self->nl, self->p.srv, 0, false, ids, 9, NULL, &res));
	ASSERT_EQ(9, res.n);
	for (i = 0; i < 9; i++) {
		ASSERT_LE(0, res.v[i].fd) TH_LOG("entry %d: errno %d", i, res.v[i].error);
		ASSERT_TRUE(sx_fd_holds(res.v[i].fd, ids[i]));
	}

	/* The associations that stayed: every message, in order, nothing else. */
	subscribe_data_io(self->p.srv);
	pfd.fd = self->p.srv;
	for (i = 0; i < (PD_CLIENTS - 8) * (PD_EARLY + PD_LATE); i++) {
		flags = 0;
		memset(msg, 0, sizeof(msg));
		ASSERT_EQ(1, poll(&pfd, 1, 2000 * sx_timeout_scale()))
			TH_LOG("the parent holds %d of its messages", i);
		ASSERT_LT(0, sctp_recvmsg(self->p.srv, msg, sizeof(msg), NULL, NULL,
					  &sinfo, &flags));
		c = sx_pool_index(&self->p, sinfo.sinfo_assoc_id);
		ASSERT_LE(8, c) TH_LOG("a peeled association's message on the parent: %s", msg);
		ASSERT_GT(PD_CLIENTS, c);
		snprintf(buf, sizeof(buf), "c%02d m%d", c, next[c]++);
		EXPECT_STREQ(buf, msg);
	}
	EXPECT_EQ(0, sx_recv(self->p.srv, msg, sizeof(msg), 100));

	/* Each peeled small sender: its early and its late messages. */
	for (i = 0; i < 8; i++) {
		for (r = 0; r < PD_EARLY + PD_LATE; r++) {
			snprintf(buf, sizeof(buf), "c%02d m%d", i, r);
			memset(msg, 0, sizeof(msg));
			ASSERT_EQ((ssize_t)strlen(buf), sx_recv(res.v[i].fd, msg, sizeof(msg), 2000))
				TH_LOG("client %d message %d", i, r);
			EXPECT_STREQ(buf, msg);
		}
		EXPECT_EQ(0, sx_recv(res.v[i].fd, msg, sizeof(msg), 50));
	}

	/* The big one: its first read is a partial delivery, then all of it. */
	big_fd = res.v[8].fd;
	have = 0;
	for (i = 0; have < PD_BIG; i++) {
		flags = 0;
		n = recv_flags(big_fd, got + have, PD_BIG - have, &flags, 3000);
		ASSERT_LT(0, n) TH_LOG("big message: %zu of %d bytes", have, PD_BIG);
		if (!i)
			EXPECT_FALSE(flags & MSG_EOR) TH_LOG("not in partial delivery");
		have += n;
		if (flags & MSG_EOR)
			break;
	}
	EXPECT_EQ(PD_BIG, have);
	EXPECT_EQ(0, memcmp(big, got, PD_BIG));
	for (i = 0; i < 9; i++)
		close(res.v[i].fd);
	sx_result_free(&res);
}

static double ts_ms(const struct timespec *t)
{
	return t->tv_sec * 1e3 + t->tv_nsec / 1e6;
}

struct poller {
	int fd;
	int timeout_ms;
	volatile int go, stop;
	int polls, odd;		/* odd: an error or not just POLLIN */
	int timeouts;		/* polls not woken before their timeout */
	int slept;			/* polls that slept, then saw POLLIN */
	struct timespec slept_from, slept_to;	/* the last of those */
};

/*
 * poll() the parent for POLLIN over and over (it has messages queued, so
 * each returns at once) until told to stop. A poll that sleeps shows as a
 * voluntary context switch of this thread.
 */
static void *poller_run(void *arg)
{
	struct poller *pl = arg;
	struct pollfd pfd = { .fd = pl->fd, .events = POLLIN };
	struct rusage a, b;
	struct timespec t0, t1;
	cpu_set_t cpus;
	int r;

	/* Not on the CPU of the batch. */
	CPU_ZERO(&cpus);
	CPU_SET(1, &cpus);
	sched_setaffinity(0, sizeof(cpus), &cpus);
	while (!pl->go)
		;
	while (!pl->stop) {
		getrusage(RUSAGE_THREAD, &a);
		clock_gettime(CLOCK_MONOTONIC, &t0);
		r = poll(&pfd, 1, pl->timeout_ms);
		clock_gettime(CLOCK_MONOTONIC, &t1);
		getrusage(RUSAGE_THREAD, &b);
		pl->polls++;
		if (!r) {
			pl->timeouts++;
			break;
		}
		if (r < 0 || pfd.revents != POLLIN) {
			pl->odd++;
			break;
		}
		if (b.ru_nvcsw > a.ru_nvcsw) {
			pl->slept++;
			pl->slept_from = t0;
			pl->slept_to = t1;
			/*
			 * poll() looks at the queue once more when its time
			 * is up: one that ran out its time was not woken.
			 */
			if (ts_ms(&t1) - ts_ms(&t0) > pl->timeout_ms / 2) {
				pl->timeouts++;
				break;
			}
		}
	}
	return NULL;
}

/*
 * Documentation/sctpx.rst: a lockless poll() of the parent during a batch
 * that splits its queue may find the queue empty; the rebuild wakes such
 * sleepers. A thread polls the parent for input while a batch of 512
 * peels runs on a parent holding 88 messages of other associations: a
 * poll that went to sleep during the batch must come back with POLLIN,
 * not sleep until its timeout with messages queued.
 */
TEST_F(peel, queue_rebuild_wakes_poll_sleepers)
{
	const int peel = 512, stay = 88;
	struct timespec t_start, t_end;
	cpu_set_t cpus;
	struct poller pl;
	struct sx_result res;
	int round, i, c;
	char msg[32];
	pthread_t t;

	SX_PEELOFF_OR_ASSERT_ABSENT();

	ASSERT_EQ(0, sx_raise_nofile(4 * (peel + stay) + 64));
	CPU_ZERO(&cpus);
	CPU_SET(0, &cpus);
	ASSERT_EQ(0, sched_setaffinity(0, sizeof(cpus), &cpus));
	/* A poll must sleep during the batch: give it five batches. */
	for (round = 0; round < 5; round++) {
		ASSERT_EQ(0, sx_pool_make(&self->p, peel + stay));
		for (c = peel; c < peel + stay; c++) {
			snprintf(msg, sizeof(msg), "c%03d", c);
			ASSERT_EQ(0, sx_send(self->p.cli[c], msg, strlen(msg)));
		}
		for (c = peel; c < peel + stay; c++)
			ASSERT_EQ(0, sx_wait_acked(self->p.cli[c]));

		memset(&pl, 0, sizeof(pl));
		pl.fd = self->p.srv;
		pl.timeout_ms = 6000 * sx_timeout_scale();
		ASSERT_EQ(0, pthread_create(&t, NULL, poller_run, &pl));
		pl.go = 1;
		usleep(1000);
		clock_gettime(CLOCK_MONOTONIC, &t_start);
		ASSERT_EQ(0, sx_peeloff(&self->nl, self->p.srv, 0, false, self->p.ids, peel, NULL, &res));
		clock_gettime(CLOCK_MONOTONIC, &t_end);
		pl.stop = 1;
		pthread_join(t, NULL);

		ASSERT_EQ(peel, res.n);
		for (i = 0; i < peel; i++) {
			ASSERT_LE(0, res.v[i].fd);
			close(res.v[i].fd);
		}
		sx_result_free(&res);
		TH_LOG("round %d: %d polls, %d slept; batch %.1f ms", round,
		       pl.polls, pl.slept, ts_ms(&t_end) - ts_ms(&t_start));
		ASSERT_EQ(0, pl.timeouts)
			TH_LOG("a poll slept %.0f ms (timeout %d ms) with %d messages queued",
			       ts_ms(&pl.slept_to) - ts_ms(&pl.slept_from),
			       pl.timeout_ms, stay);
		ASSERT_EQ(0, pl.odd);
		/* Every message is still there, nothing else. */
		for (c = 0; c < stay; c++)
			ASSERT_LT(0, sx_recv(self->p.srv, msg, sizeof(msg), 1000));
		EXPECT_EQ(0, sx_recv(self->p.srv, msg, sizeof(msg), 50));
		sx_pool_free(&self->p);
		if (pl.slept && ts_ms(&pl.slept_from) > ts_ms(&t_start) &&
		    ts_ms(&pl.slept_from) < ts_ms(&t_end))
			break;
	}
	ASSERT_GT(5, round) TH_LOG("no poll slept during any of the batches");
	TH_LOG("a poll slept %.2f ms, from %.2f ms into the batch",
	       ts_ms(&pl.slept_to) - ts_ms(&pl.slept_from),
	       ts_ms(&pl.slept_from) - ts_ms(&t_start));
}

TEST_F(peel, select_all)
{
	SX_PEELOFF_OR_ASSERT_ABSENT();
	struct sx_select sel = { 0 };
	struct sx_result res;
	size_t i;

	ASSERT_EQ(0, sx_pool_make(&self->p, 40));
	ASSERT_EQ(0, sx_peeloff(&self->nl, self->p.srv, SOCK_CLOEXEC, false, NULL, 0, &sel, &res))
		TH_LOG("%s", self->nl.extack);
	ASSERT_EQ(40, res.n);
	ASSERT_TRUE(res.has_remaining);
	EXPECT_EQ(0, res.remaining);
	for (i = 0; i < res.n; i++) {
		check_entry(_metadata, &self->p, &res.v[i], SOCK_CLOEXEC);
		/* Ascending id order by default. */
		if (i)
			EXPECT_LT(res.v[i - 1].id, res.v[i].id);
		close(res.v[i].fd);
	}
	EXPECT_EQ(0, sx_assoc_count(self->p.srv));
	sx_result_free(&res);

	/* Nothing left: an empty, successful answer. */
	ASSERT_EQ(0, sx_peeloff(&self->nl, self->p.srv, 0, false, NULL, 0, &sel, &res));
	EXPECT_EQ(0, res.n);
	sx_result_free(&res);
}

/*
 * Start an association from the server socket itself to an address that
 * never answers: it stays in COOKIE_WAIT, retransmitting INIT into
 * nothing.
 */
static uint32_t start_unreachable(struct __test_metadata *_metadata, int srv)
{
	struct sockaddr_in sin = { .sin_family = AF_INET,
				   .sin_port = htons(9) };
	sctp_assoc_t id = 0;
	int fl = fcntl(srv, F_GETFL);

	/*
	 * TEST-NET-1 routed to loopback: INIT goes out lo and is dropped on
	 * the way in (not a local address, no forwarding), so nothing ever
	 * answers and nothing leaves the guest.
	 */
	if (system("ip route replace 192.0.2.0/24 dev lo src 192.0.2.100"))
		TH_LOG("cannot add the test route");
	inet_pton(AF_INET, "192.0.2.1", &sin.sin_addr);
	fcntl(srv, F_SETFL, fl | O_NONBLOCK);
	if (sctp_connectx(srv, (struct sockaddr *)&sin, 1, &id) &&
	    errno != EINPROGRESS) {
		TH_LOG("sctp_connectx: %s", strerror(errno));
		id = 0;
	}
	fcntl(srv, F_SETFL, fl);
	return id;
}

TEST_F(peel, select_by_state)
{
	SX_PEELOFF_OR_ASSERT_ABSENT();
	struct sx_select sel = { .states = 1u << SCTP_ESTABLISHED };
	struct sx_result res;
	uint32_t pending;
	size_t i;

	/*
	 * SCTP only starts an association from an address of the right
	 * scope: the server lives on a TEST-NET address of lo.
	 */
	ASSERT_EQ(0, system("ip addr replace 192.0.2.100/32 dev lo"));
	ASSERT_EQ(0, sx_pool_make_at(&self->p, AF_INET, "192.0.2.100", 10));
	pending = start_unreachable(_metadata, self->p.srv);
	ASSERT_NE(0, pending);
	ASSERT_EQ(11, sx_assoc_count(self->p.srv));

	/* Established only: the ten, not the one still setting up. */
	ASSERT_EQ(0, sx_peeloff(&self->nl, self->p.srv, 0, false, NULL, 0, &sel, &res))
		TH_LOG("%s", self->nl.extack);
	EXPECT_EQ(10, res.n);
	for (i = 0; i < res.n; i++) {
		EXPECT_EQ(SCTP_ESTABLISHED, res.v[i].state);
		EXPECT_NE(pending, res.v[i].id);
		close(res.v[i].fd);
	}
	sx_result_free(&res);

	/* COOKIE_WAIT only: that one, which can be peeled too. */
	sel.states = 1u << SCTP_COOKIE_WAIT;
	ASSERT_EQ(0, sx_peeloff(&self->nl, self->p.srv, 0, false, NULL, 0, &sel, &res));
	ASSERT_EQ(1, res.n);
	EXPECT_EQ(pending, res.v[0].id);
	EXPECT_EQ(SCTP_COOKIE_WAIT, res.v[0].state);
	EXPECT_LE(0, res.v[0].fd);
	close(res.v[0].fd);
	sx_result_free(&res);
	EXPECT_EQ(0, sx_assoc_count(self->p.srv));
	/* Later tests expect loopback alone on lo. */
	EXPECT_EQ(0, system("ip route del 192.0.2.0/24 dev lo && ip addr del 192.0.2.100/32 dev lo"));
}

TEST_F(peel, select_peer_port_and_addr)
{
	SX_PEELOFF_OR_ASSERT_ABSENT();
	struct sx_select sel = { 0 };
	struct sx_result res;
	uint16_t port;

	ASSERT_EQ(0, sx_pool_make(&self->p, 8));

	/* By peer port: exactly client 3. */
	port = sx_local_port(self->p.cli[3]);
	sel.port = port;
	ASSERT_EQ(0, sx_peeloff(&self->nl, self->p.srv, 0, false, NULL, 0, &sel, &res));
	ASSERT_EQ(1, res.n);
	EXPECT_EQ(self->p.ids[3], res.v[0].id);
	close(res.v[0].fd);
	sx_result_free(&res);

	/* By address and port: exactly client 5. */
	memset(&sel, 0, sizeof(sel));
	sel.has_addr = true;
	sel.addr = sx_addr4("127.0.0.1", sx_local_port(self->p.cli[5]));
	ASSERT_EQ(0, sx_peeloff(&self->nl, self->p.srv, 0, false, NULL, 0, &sel, &res));
	ASSERT_EQ(1, res.n);
	EXPECT_EQ(self->p.ids[5], res.v[0].id);
	close(res.v[0].fd);
	sx_result_free(&res);

	/* By address alone (port 0: any): the six left, all on 127.0.0.1. */
	sel.addr.port = 0;
	ASSERT_EQ(0, sx_peeloff(&self->nl, self->p.srv, 0, false, NULL, 0, &sel, &res));
	EXPECT_EQ(6, res.n);
	while (res.n)
		close(res.v[--res.n].fd);
	sx_result_free(&res);

	/* An address nobody uses selects nothing. */
	sx_pool_free(&self->p);
	ASSERT_EQ(0, sx_pool_make(&self->p, 2));
	sel.addr = sx_addr4("127.0.0.9", 0);
	ASSERT_EQ(0, sx_peeloff(&self->nl, self->p.srv, 0, false, NULL, 0, &sel, &res));
	EXPECT_EQ(0, res.n);
	EXPECT_EQ(2, sx_assoc_count(self->p.srv));
	sx_result_free(&res);
}

TEST_F(peel, select_busiest_k)
{
	SX_PEELOFF_OR_ASSERT_ABSENT();
	struct sx_select sel = { .has_order = true,
				 .order = SCTPX_ORDER_TRAFFIC, .limit = 3 };
	struct sx_result res;
	char buf[8] = "x";
	int i, j;

	ASSERT_EQ(0, sx_pool_make(&self->p, 10));

	/* Client i sends (i + 1) * 5 messages: 9, 8, 7 are the busiest. */
	for (i = 0; i < 10; i++)
		for (j = 0; j < (i + 1) * 5; j++)
			ASSERT_EQ(0, sx_send(self->p.cli[i], buf, 1));
	for (i = 0; i < 10; i++)
		ASSERT_EQ(0, sx_wait_acked(self->p.cli[i]));

	ASSERT_EQ(0, sx_peeloff(&self->nl, self->p.srv, 0, false, NULL, 0, &sel, &res))
		TH_LOG("%s", self->nl.extack);
	ASSERT_EQ(3, res.n);
	EXPECT_EQ(self->p.ids[9], res.v[0].id);
	EXPECT_EQ(self->p.ids[8], res.v[1].id);
	EXPECT_EQ(self->p.ids[7], res.v[2].id);
	EXPECT_EQ(50, res.v[0].data_in);
	EXPECT_EQ(45, res.v[1].data_in);
	EXPECT_TRUE(res.has_remaining);
	EXPECT_EQ(7, res.remaining);
	for (i = 0; i < 3; i++) {
		int got = 0;

		/* Every queued message moved with its association. */
		while (sx_recv(res.v[i].fd, buf, sizeof(buf), 200) > 0)
			got++;
		EXPECT_EQ((10 - i) * 5, got);
		close(res.v[i].fd);
	}
	EXPECT_EQ(7, sx_assoc_count(self->p.srv));
	sx_result_free(&res);
}

/*
 * Busiest K counts DATA chunks sent plus received (SCTPX_ORDER_TRAFFIC),
 * ties by ascending id. Client 2 ranks first with 3 in and 4 out, though
 * others received (client 0: 6) or sent (client 1: 6) more one way;
 * clients 0 and 1 tie at 6 and come by id; then client 3 with 5.
 */
TEST_F(peel, select_busiest_k_sent_plus_received_ties_by_id)
{
	SX_PEELOFF_OR_ASSERT_ABSENT();
	static const int in[6] = { 6, 0, 3, 5, 0, 0 };
	static const int out[6] = { 0, 6, 4, 0, 2, 0 };
	struct sx_select sel = { .has_order = true,
				 .order = SCTPX_ORDER_TRAFFIC, .limit = 4 };
	struct sx_result res;
	char buf[8] = "x";
	int want[4], i, j;

	ASSERT_EQ(0, sx_pool_make(&self->p, 6));
	for (i = 0; i < 6; i++) {
		struct sctp_sndrcvinfo si = { .sinfo_assoc_id = self->p.ids[i] };

		for (j = 0; j < in[i]; j++)
			ASSERT_EQ(0, sx_send(self->p.cli[i], buf, 1));
		for (j = 0; j < out[i]; j++)
			ASSERT_EQ(1, sctp_send(self->p.srv, buf, 1, &si, 0));
		/* Delivered both ways before the counters are read. */
		for (j = 0; j < out[i]; j++)
			ASSERT_LT(0, sx_recv(self->p.cli[i], buf, sizeof(buf), 2000));
		ASSERT_EQ(0, sx_wait_acked(self->p.cli[i]));
	}
	want[0] = 2;
	want[1] = self->p.ids[0] < self->p.ids[1] ? 0 : 1;
	want[2] = self->p.ids[0] < self->p.ids[1] ? 1 : 0;
	want[3] = 3;

	ASSERT_EQ(0, sx_peeloff(&self->nl, self->p.srv, 0, false, NULL, 0, &sel, &res))
		TH_LOG("%s", self->nl.extack);
	ASSERT_EQ(4, res.n);
	for (i = 0; i < 4; i++) {
		int c = want[i];

		EXPECT_EQ(self->p.ids[c], res.v[i].id)
			TH_LOG("place %d: association %u (in %llu, out %llu), want client %d's %u",
			       i, res.v[i].id, (unsigned long long)res.v[i].data_in,
			       (unsigned long long)res.v[i].data_out, c, self->p.ids[c]);
		EXPECT_EQ(in[c], res.v[i].data_in);
		EXPECT_EQ(out[c], res.v[i].data_out);
		EXPECT_TRUE(sx_fd_holds(res.v[i].fd, self->p.ids[c]));
		close(res.v[i].fd);
	}
	EXPECT_TRUE(res.has_remaining);
	EXPECT_EQ(2, res.remaining);
	EXPECT_EQ(2, sx_assoc_count(self->p.srv));
	sx_result_free(&res);
}

TEST_F(peel, select_limit_pages_through)
{
	SX_PEELOFF_OR_ASSERT_ABSENT();
	struct sx_select sel = { .limit = 7 };
	struct sx_result res;
	int total = 0, rounds = 0;

	/* Repeated limited selections take everything, each exactly once. */
	ASSERT_EQ(0, sx_pool_make(&self->p, 30));
	do {
		ASSERT_EQ(0, sx_peeloff(&self->nl, self->p.srv, 0, false, NULL, 0, &sel, &res));
		total += res.n;
		rounds++;
		while (res.n)
			close(res.v[--res.n].fd);
		ASSERT_EQ(30 - total, res.remaining);
		sx_result_free(&res);
	} while (total < 30 && rounds < 10);
	EXPECT_EQ(30, total);
	EXPECT_EQ(5, rounds);
}

TEST_F(peel, bad_descriptors)
{
	SX_PEELOFF_OR_ASSERT_ABSENT();
	struct sx_result res;
	uint32_t id = 5;
	int pipefd[2], tcp, udp, one2one, closed;


	closed = dup(0);
	close(closed);
	EXPECT_EQ(-EBADF, sx_peeloff(&self->nl, closed, 0, false, &id, 1, NULL, &res));
	EXPECT_STREQ("descriptor is not open", self->nl.extack);
	EXPECT_EQ(-EBADF, sx_peeloff(&self->nl, -1, 0, false, &id, 1, NULL, &res));

	ASSERT_EQ(0, pipe(pipefd));
	EXPECT_EQ(-ENOTSOCK, sx_peeloff(&self->nl, pipefd[0], 0, false, &id, 1, NULL, &res));
	EXPECT_STREQ("descriptor is not a socket", self->nl.extack);
	EXPECT_LE(0, self->nl.bad_attr_off);

	tcp = socket(AF_INET, SOCK_STREAM, 0);
	udp = socket(AF_INET6, SOCK_DGRAM, 0);
	EXPECT_EQ(-EOPNOTSUPP, sx_peeloff(&self->nl, tcp, 0, false, &id, 1, NULL, &res));
	EXPECT_STREQ("socket is not an SCTP socket", self->nl.extack);
	EXPECT_EQ(-EOPNOTSUPP, sx_peeloff(&self->nl, udp, 0, false, &id, 1, NULL, &res));
	EXPECT_EQ(-EOPNOTSUPP, sx_peeloff(&self->nl, nl_socket_get_fd(self->nl.sk), 0, false,
					  &id, 1, NULL, &res));

	/* One-to-one SCTP: as sctp_peeloff(3), EINVAL. */
	one2one = socket(AF_INET, SOCK_STREAM, IPPROTO_SCTP);
	EXPECT_EQ(-EINVAL, sx_peeloff(&self->nl, one2one, 0, false, &id, 1, NULL, &res));
	EXPECT_STREQ("socket is not a one-to-many SCTP socket", self->nl.extack);

	close(pipefd[0]);
	close(pipefd[1]);
	close(tcp);
	close(udp);
	close(one2one);
}

TEST_F(peel, peeled_socket_as_parent)
{
	SX_PEELOFF_OR_ASSERT_ABSENT();
	struct sx_result res, res2;

	ASSERT_EQ(0, sx_pool_make(&self->p, 2));
	ASSERT_EQ(0, sx_peeloff(&self->nl, self->p.srv, 0, false, self->p.ids, 1, NULL, &res));
	ASSERT_LE(0, res.v[0].fd);
	EXPECT_EQ(-EINVAL, sx_peeloff(&self->nl, res.v[0].fd, 0, false, self->p.ids, 1,
				      NULL, &res2));
	EXPECT_STREQ("socket is not a one-to-many SCTP socket", self->nl.extack);
	close(res.v[0].fd);
	sx_result_free(&res);
}

TEST_F(peel, bad_ids)
{
	SX_PEELOFF_OR_ASSERT_ABSENT();
	struct sx_result res;
	struct sx_pool p, other;
	uint32_t ids[7];
	int before;

	ASSERT_EQ(0, sx_pool_make(&p, 3));
	ASSERT_EQ(0, sx_pool_make(&other, 1));

	/* Peel p.ids[2] first: it is "already peeled" below. */
	ASSERT_EQ(0, sx_peeloff(&self->nl, p.srv, 0, false, &p.ids[2], 1, NULL, &res));
	ASSERT_LE(0, res.v[0].fd);
	close(res.v[0].fd);
	sx_result_free(&res);

	ids[0] = 0;			/* reserved */
	ids[1] = 2;			/* reserved (SCTP_ALL_ASSOC) */
	ids[2] = 0x7ffffff0;		/* unknown */
	ids[3] = other.ids[0];		/* another socket's */
	ids[4] = p.ids[2];		/* already peeled */
	ids[5] = p.ids[0];		/* fine */
	ids[6] = p.ids[0];		/* duplicate */
	before = sx_count_fds();
	ASSERT_EQ(0, sx_peeloff(&self->nl, p.srv, 0, false, ids, 7, NULL, &res))
		TH_LOG("%s", self->nl.extack);
	ASSERT_EQ(7, res.n);
	EXPECT_EQ(EINVAL, res.v[0].error);
	EXPECT_EQ(EINVAL, res.v[1].error);
	EXPECT_EQ(EINVAL, res.v[2].error);
	EXPECT_EQ(EINVAL, res.v[3].error);
	EXPECT_EQ(EINVAL, res.v[4].error);
	EXPECT_EQ(0, res.v[5].error);
	EXPECT_LE(0, res.v[5].fd);
	EXPECT_EQ(EINVAL, res.v[6].error);
	EXPECT_EQ(-1, res.v[6].fd);
	EXPECT_EQ(ids[6], res.v[6].id);
	/* Only the one good entry produced a descriptor. */
	EXPECT_EQ(before + 1, sx_count_fds());
	/* The other socket's association was not touched. */
	EXPECT_EQ(1, sx_assoc_count(other.srv));
	EXPECT_EQ(1, sx_assoc_count(p.srv));
	close(res.v[5].fd);
	sx_result_free(&res);
	sx_pool_free(&p);
	sx_pool_free(&other);
}

TEST_F(peel, atomic_all_or_nothing)
{
	SX_PEELOFF_OR_ASSERT_ABSENT();
	struct sx_result res;
	uint32_t ids[11];
	int i, before;

	ASSERT_EQ(0, sx_pool_make(&self->p, 10));
	memcpy(ids, self->p.ids, sizeof(uint32_t) * 10);
	ids[10] = ids[7];	/* a duplicate makes the request invalid */

	before = sx_count_fds();
	EXPECT_EQ(-EINVAL, sx_peeloff(&self->nl, self->p.srv, 0, true, ids, 11, NULL, &res));
	EXPECT_STREQ("association id repeated in the request", self->nl.extack);
	EXPECT_LE(0, self->nl.bad_attr_off);
	EXPECT_EQ(10, sx_assoc_count(self->p.srv));
	EXPECT_EQ(before, sx_count_fds());

	ids[10] = 0x7ffffff0;
	EXPECT_EQ(-EINVAL, sx_peeloff(&self->nl, self->p.srv, 0, true, ids, 11, NULL, &res));
	EXPECT_STREQ("no such association on this socket", self->nl.extack);
	EXPECT_EQ(10, sx_assoc_count(self->p.srv));
	EXPECT_EQ(before, sx_count_fds());

	/* Valid: all taken. */
	ASSERT_EQ(0, sx_peeloff(&self->nl, self->p.srv, 0, true, ids, 10, NULL, &res));
	ASSERT_EQ(10, res.n);
	for (i = 0; i < 10; i++) {
		check_entry(_metadata, &self->p, &res.v[i], 0);
		close(res.v[i].fd);
	}
	sx_result_free(&res);
}

TEST_F(peel, bad_requests)
{
	SX_PEELOFF_OR_ASSERT_ABSENT();
	struct sx_select sel = { 0 };
	struct sx_result res;
	struct nl_msg *msg;
	uint32_t *ids;
	int i;

	ASSERT_EQ(0, sx_pool_make(&self->p, 5));

	/* Flags other than SOCK_NONBLOCK | SOCK_CLOEXEC. */
	EXPECT_EQ(-EINVAL, sx_peeloff(&self->nl, self->p.srv, O_APPEND, false, self->p.ids, 1,
				      NULL, &res));
	EXPECT_STREQ("reserved bit set",
		     self->nl.extack);
	EXPECT_LE(0, self->nl.bad_attr_off);

	/* Neither ids nor a selection. */
	EXPECT_EQ(-EINVAL, sx_peeloff(&self->nl, self->p.srv, 0, false, NULL, 0, NULL, &res));
	EXPECT_STREQ("missing association ids (SCTPX_A_ASSOC_ID) or selection (SCTPX_A_SELECT)",
		     self->nl.extack);
	/* NLMSGERR_ATTR_MISS_TYPE exists from 6.0; before, none is sent. */
	EXPECT_EQ(sx_kernel_at_least(6, 0) ? SCTPX_A_ASSOC_ID : -1, self->nl.miss_type);

	/* Both. */
	msg = sx_msg(&self->nl, SCTPX_CMD_PEELOFF, 0);
	ASSERT_EQ(0, nla_put_s32(msg, SCTPX_A_SOCK_FD, self->p.srv));
	ASSERT_EQ(0, nla_put_u32(msg, SCTPX_A_ASSOC_ID, self->p.ids[0]));
	ASSERT_EQ(0, sx_put_select(msg, &sel));
	EXPECT_EQ(-EINVAL, sx_request(&self->nl, msg, NULL, NULL));
	EXPECT_STREQ("give association ids or a selection, not both", self->nl.extack);

	/* Over the cap. */
	ASSERT_EQ(0, sx_sysfs_write(BATCH_PARAM, "4"));
	EXPECT_EQ(-E2BIG, sx_peeloff(&self->nl, self->p.srv, 0, false, self->p.ids, 5, NULL, &res));
	EXPECT_STREQ("more association ids than max_batch", self->nl.extack);
	EXPECT_EQ(-E2BIG, sx_peeloff(&self->nl, self->p.srv, 0, false, NULL, 0, &sel, &res));
	EXPECT_STREQ("selection matches more associations than max_batch; set a limit",
		     self->nl.extack);
	sel.limit = 5;
	EXPECT_EQ(-E2BIG, sx_peeloff(&self->nl, self->p.srv, 0, false, NULL, 0, &sel, &res));
	EXPECT_STREQ("selection limit above max_batch", self->nl.extack);
	ASSERT_EQ(0, sx_sysfs_write(BATCH_PARAM, "1024"));
	EXPECT_EQ(5, sx_assoc_count(self->p.srv));

	/* Order beyond the enum, limit 0: the policy refuses them. */
	sel.limit = 0;
	sel.has_order = true;
	sel.order = SCTPX_ORDER_MAX + 1;
	EXPECT_EQ(-ERANGE, sx_peeloff(&self->nl, self->p.srv, 0, false, NULL, 0, &sel, &res));
	EXPECT_NE(0, strlen(self->nl.extack));

	/* A big explicit list over the cap is refused before any work. */
	ids = calloc(5000, sizeof(*ids));
	for (i = 0; i < 5000; i++)
		ids[i] = self->p.ids[i % 5];
	EXPECT_EQ(-E2BIG, sx_peeloff(&self->nl, self->p.srv, 0, false, ids, 5000, NULL, &res));
	free(ids);
	EXPECT_EQ(5, sx_assoc_count(self->p.srv));
}

TEST_F(peel, emfile_leaves_everything)
{
	SX_PEELOFF_OR_ASSERT_ABSENT();
	struct sx_result res;
	struct rlimit old;
	char buf[16], got[16];
	int i, before;

	ASSERT_EQ(0, sx_pool_make(&self->p, 50));
	ASSERT_EQ(0, getrlimit(RLIMIT_NOFILE, &old));

	/*
	 * Leave exactly ten free descriptor slots under the limit, then ask
	 * for fifty.
	 */
	before = sx_count_fds();
	{
		struct rlimit rl = { old.rlim_cur, old.rlim_max };
		int spare[256], ns = 0, fd;

		rl.rlim_cur = sx_max_fd() + 100;
		ASSERT_EQ(0, setrlimit(RLIMIT_NOFILE, &rl));
		while (ns < 256 && (fd = dup(0)) >= 0)
			spare[ns++] = fd;
		ASSERT_EQ(EMFILE, errno);
		ASSERT_LE(10, ns);
		for (i = 0; i < 10; i++)
			close(spare[--ns]);
		EXPECT_EQ(-EMFILE, sx_peeloff(&self->nl, self->p.srv, SOCK_CLOEXEC, false,
					      self->p.ids, 50, NULL, &res));
		EXPECT_STREQ("cannot reserve a descriptor for every association (RLIMIT_NOFILE); none was peeled off",
			     self->nl.extack);
		/* Ten fit: the same request for ten ids succeeds. */
		ASSERT_EQ(0, sx_peeloff(&self->nl, self->p.srv, 0, false, self->p.ids, 10, NULL, &res));
		ASSERT_EQ(10, res.n);
		for (i = 0; i < 10; i++) {
			check_entry(_metadata, &self->p, &res.v[i], 0);
			close(res.v[i].fd);
			close(self->p.cli[i]);
			self->p.cli[i] = -1;
		}
		sx_result_free(&res);
		while (ns)
			close(spare[--ns]);
	}
	ASSERT_EQ(0, setrlimit(RLIMIT_NOFILE, &old));

	/* Every other association is still on the parent and still works. */
	subscribe_data_io(self->p.srv);
	usleep(100000);
	EXPECT_EQ(40, sx_assoc_count(self->p.srv));
	EXPECT_EQ(before - 10, sx_count_fds());
	for (i = 10; i < 50; i++) {
		snprintf(buf, sizeof(buf), "still %d", i);
		ASSERT_EQ(0, sx_send(self->p.cli[i], buf, strlen(buf)));
	}
	for (i = 10; i < 50; i++) {
		struct sctp_sndrcvinfo sinfo;
		int flags = 0, n;

		memset(got, 0, sizeof(got));
		n = sctp_recvmsg(self->p.srv, got, sizeof(got), NULL, NULL, &sinfo, &flags);
		ASSERT_LT(0, n);
		EXPECT_EQ(0, strncmp(got, "still ", 6));
		EXPECT_LE(0, sx_pool_index(&self->p, sinfo.sinfo_assoc_id));
	}

	/* With room, the rest goes in one request. */
	ASSERT_EQ(0, sx_peeloff(&self->nl, self->p.srv, SOCK_CLOEXEC, false, self->p.ids + 10, 40,
				NULL, &res));
	ASSERT_EQ(40, res.n);
	for (i = 0; i < 40; i++) {
		check_entry(_metadata, &self->p, &res.v[i], SOCK_CLOEXEC);
		close(res.v[i].fd);
	}
	sx_result_free(&res);
}

struct racer {
	int srv;
	const uint32_t *ids;
	size_t n;
	struct sx_nl nl;	/* opened before the thread starts */
	struct sx_result res;
	int ret;
};

static void *race_peel(void *arg)
{
	struct racer *r = arg;

	r->ret = sx_peeloff(&r->nl, r->srv, SOCK_CLOEXEC, false, r->ids, r->n,
			    NULL, &r->res);
	sx_nl_close(&r->nl);
	return NULL;
}

TEST(concurrent_overlapping_peelers)
{
	SX_PEELOFF_OR_ASSERT_ABSENT();
	struct racer r[3];
	pthread_t t[3];
	struct sx_pool p;
	int *won;
	size_t i, k;

	/* Three threads, overlapping id ranges: each id goes to exactly one. */
	ASSERT_EQ(0, sx_module_ensure());
	ASSERT_EQ(0, sx_pool_make(&p, 900));
	won = calloc(900, sizeof(int));
	for (k = 0; k < 3; k++) {
		r[k].srv = p.srv;
		r[k].ids = p.ids + k * 200;
		r[k].n = 500;
		ASSERT_EQ(0, sx_nl_open(&r[k].nl));
		ASSERT_EQ(0, pthread_create(&t[k], NULL, race_peel, &r[k]));
	}
	for (k = 0; k < 3; k++)
		pthread_join(t[k], NULL);

	for (k = 0; k < 3; k++) {
		ASSERT_EQ(0, r[k].ret);
		ASSERT_EQ(500, r[k].res.n);
		for (i = 0; i < r[k].res.n; i++) {
			const struct sx_assoc *a = &r[k].res.v[i];
			int c = sx_pool_index(&p, a->id);

			ASSERT_LE(0, c);
			if (a->error) {
				EXPECT_EQ(EINVAL, a->error);
				continue;
			}
			check_entry(_metadata, &p, a, SOCK_CLOEXEC);
			won[c]++;
			close(a->fd);
		}
		sx_result_free(&r[k].res);
	}
	for (i = 0; i < 900; i++) {
		int times = won[i];

		EXPECT_EQ(1, times) TH_LOG("association %zu taken %d times", i, times);
	}
	EXPECT_EQ(0, sx_assoc_count(p.srv));
	free(won);
	sx_pool_free(&p);
}

struct sleeper {
	int srv;
	uint32_t id;
	volatile int sent;	/* messages sent so far */
	volatile int done;
	int err;		/* errno of the send that failed */
};

/* Send to one association of the parent until a send fails. */
static void *sleeper_run(void *arg)
{
	struct sleeper *s = arg;
	struct sctp_sndrcvinfo si = { .sinfo_assoc_id = s->id };
	char buf[1000];

	memset(buf, 'z', sizeof(buf));
	for (;;) {
		if (sctp_send(s->srv, buf, sizeof(buf), &si, MSG_NOSIGNAL) < 0) {
			s->err = errno;
			break;
		}
		s->sent++;
	}
	s->done = 1;
	return NULL;
}

/*
 * An association on which a thread sleeps in sendmsg() waiting for buffer
 * space is peeled all the same; the sleeping sender then fails with EPIPE
 * and may send again on the new descriptor (Documentation/sctpx.rst).
 */
TEST_F(peel, sender_sleeping_in_sendmsg_gets_epipe)
{
	SX_PEELOFF_OR_ASSERT_ABSENT();
	struct sleeper sl = { 0 };
	struct sx_result res;
	char buf[2000];
	pthread_t t;
	int last = -1, stable = 0, i, seen = 0, sndbuf = 16384;
	ssize_t r;

	ASSERT_EQ(0, sx_pool_make(&self->p, 1));
	ASSERT_EQ(0, setsockopt(self->p.srv, SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof(sndbuf)));
	sl.srv = self->p.srv;
	sl.id = self->p.ids[0];
	ASSERT_EQ(0, pthread_create(&t, NULL, sleeper_run, &sl));
	/* The peer reads nothing: wait until the sender has stopped, asleep. */
	for (i = 0; i < 3000 && stable < 30; i++) {
		usleep(10000);
		stable = sl.sent == last ? stable + 1 : 0;
		last = sl.sent;
	}
	ASSERT_FALSE(sl.done) TH_LOG("the sender failed before the peel: %s", strerror(sl.err));
	ASSERT_EQ(30, stable) TH_LOG("the sender never blocked (%d sent)", sl.sent);
	TH_LOG("sender asleep after %d messages", sl.sent);

	ASSERT_EQ(0, sx_peeloff(&self->nl, self->p.srv, 0, false, self->p.ids, 1, NULL, &res));
	ASSERT_EQ(1, res.n);
	ASSERT_LE(0, res.v[0].fd) TH_LOG("errno %d", res.v[0].error);
	EXPECT_TRUE(sx_fd_holds(res.v[0].fd, self->p.ids[0]));
	for (i = 0; i < 500 && !sl.done; i++)
		usleep(10000);
	ASSERT_TRUE(sl.done) TH_LOG("the sender still sleeps after the peel");
	pthread_join(t, NULL);
	EXPECT_EQ(EPIPE, sl.err) TH_LOG("the sender got %s", strerror(sl.err));

	/*
	 * Every message sent before the peel reaches the peer; then the new
	 * descriptor sends, and that arrives next.
	 */
	for (i = 0; i < sl.sent; i++) {
		r = sx_recv(self->p.cli[0], buf, sizeof(buf), 2000);
		ASSERT_EQ(1000, r) TH_LOG("message %d of %d: %zd", i, sl.sent, r);
	}
	ASSERT_EQ(0, sx_send(res.v[0].fd, "after-the-peel", 14));
	r = sx_recv(self->p.cli[0], buf, sizeof(buf), 2000);
	seen = r == 14 && !memcmp(buf, "after-the-peel", 14);
	EXPECT_TRUE(seen) TH_LOG("got %zd bytes", r);
	close(res.v[0].fd);
	sx_result_free(&res);
}

TEST(parent_closed_by_another_thread)
{
	static const int delay_us[] = { 2000, 5000, 10000, 20000, 40000 };
	int round, completed = 0, ebadf = 0;

	SX_PEELOFF_OR_ASSERT_ABSENT();

	/*
	 * Closing the parent while a batch runs: the batch holds its own
	 * reference, finishes, and every peeled fd works; associations not
	 * peeled end with the parent, as a close always does. A close that
	 * wins the race for the descriptor gets EBADF and checks nothing,
	 * so rounds go on, the close later each time, until a batch has
	 * completed (at most five).
	 */
	ASSERT_EQ(0, sx_module_ensure());
	for (round = 0; round < 5 && !completed; round++) {
		struct racer r = { 0 };
		struct sx_pool p;
		pthread_t t;
		size_t i;
		int ok = 0;

		ASSERT_EQ(0, sx_pool_make(&p, 800));
		r.srv = p.srv;
		r.ids = p.ids;
		r.n = 800;
		/*
		 * Everything that allocates a descriptor happens before the
		 * close, or the closed number could be reused under the
		 * racer's feet.
		 */
		ASSERT_EQ(0, sx_nl_open(&r.nl));
		ASSERT_EQ(0, pthread_create(&t, NULL, race_peel, &r));
		usleep(delay_us[round]);
		close(p.srv);
		p.srv = -1;
		pthread_join(t, NULL);

		if (r.ret == 0) {
			/* Every peeled fd works: its association, and data both ways. */
			for (i = 0; i < r.res.n; i++) {
				const struct sx_assoc *a = &r.res.v[i];
				int c = sx_pool_index(&p, a->id);

				if (a->error)
					continue;
				EXPECT_EQ(SOCK_SEQPACKET, so_type(a->fd));
				EXPECT_TRUE(sx_fd_holds(a->fd, a->id));
				ASSERT_LE(0, c) TH_LOG("id %u not in the pool", a->id);
				EXPECT_TRUE(sx_ping(a->fd, p.cli[c]))
					TH_LOG("peeled association %u does not carry data", a->id);
				ok++;
				close(a->fd);
			}
			EXPECT_EQ(800, ok);
			completed++;
		} else {
			/* The close won the race for the descriptor itself. */
			EXPECT_EQ(-EBADF, r.ret);
			ebadf++;
		}
		sx_result_free(&r.res);
		sx_pool_free(&p);
	}
	TH_LOG("%d rounds: %d completed with the parent closed, %d EBADF", round,
	       completed, ebadf);
	EXPECT_EQ(1, completed) TH_LOG("no batch completed: its fds were never checked");
}

TEST_F(peel, ipv6_peer_addresses)
{
	SX_PEELOFF_OR_ASSERT_ABSENT();
	struct sx_result res;

	ASSERT_EQ(0, sx_pool_make_at(&self->p, AF_INET6, "::1", 3));
	ASSERT_EQ(0, sx_peeloff(&self->nl, self->p.srv, 0, false, self->p.ids, 3, NULL, &res));
	ASSERT_EQ(3, res.n);
	EXPECT_EQ(AF_INET6, res.v[0].addrs[0].family);
	EXPECT_TRUE(IN6_IS_ADDR_LOOPBACK(&res.v[0].addrs[0].v6));
	check_entry(_metadata, &self->p, &res.v[1], 0);
	while (res.n)
		close(res.v[--res.n].fd);
	sx_result_free(&res);
}

TEST(other_netns_refused)
{
	SX_PEELOFF_OR_ASSERT_ABSENT();
	struct sx_result res;
	struct sx_nl nl;
	struct sx_pool p;
	int status;
	pid_t pid;

	ASSERT_EQ(0, sx_module_ensure());
	ASSERT_EQ(0, sx_pool_make(&p, 2));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		/* The socket stays in the old namespace; the caller moves. */
		if (unshare(CLONE_NEWNET))
			_exit(2);
		if (sx_nl_open(&nl))
			_exit(3);
		if (sx_peeloff(&nl, p.srv, 0, false, p.ids, 2, NULL, &res) != -EINVAL)
			_exit(4);
		if (strcmp(nl.extack, "socket belongs to another network namespace"))
			_exit(5);
		_exit(0);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(sx_child_ok(status));
	EXPECT_EQ(2, sx_assoc_count(p.srv));
	sx_pool_free(&p);
}

TEST(unprivileged_own_sockets)
{
	SX_PEELOFF_OR_ASSERT_ABSENT();
	struct sx_result res;
	struct sx_nl nl;
	struct sx_pool p;
	int status, i;
	pid_t pid;

	/* No capability is needed to act on one's own sockets. */
	ASSERT_EQ(0, sx_module_ensure());
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		if (setgid(65534) || setuid(65534))
			_exit(2);
		if (sx_pool_make(&p, 4))
			_exit(3);
		if (sx_nl_open(&nl))
			_exit(4);
		if (sx_peeloff(&nl, p.srv, SOCK_NONBLOCK, false, p.ids, 4, NULL, &res))
			_exit(5);
		if (res.n != 4)
			_exit(6);
		/* Every entry: its own association, non-blocking, working. */
		for (i = 0; i < 4; i++)
			if (res.v[i].fd < 0 || res.v[i].id != p.ids[i] ||
			    !sx_fd_nonblock(res.v[i].fd) ||
			    !sx_fd_holds(res.v[i].fd, p.ids[i]) ||
			    !sx_ping(res.v[i].fd, p.cli[i]))
				_exit(7 + i);
		_exit(0);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(sx_child_ok(status));
}

/*
 * SCTPX_STATS_A_PEELOFF_REQUESTS counts only requests that reached the
 * socket (parsed, and naming a one-to-many SCTP socket of the caller's
 * namespace): refusals before that move no counter; a request whose only
 * entry fails counts once, with one PEEL_ERROR and nothing peeled.
 */
TEST(counters_skip_requests_refused_before_the_socket)
{
	SX_PEELOFF_OR_ASSERT_ABSENT();
	static const int stats[] = { SCTPX_STATS_A_PEELOFF_REQUESTS,
				     SCTPX_STATS_A_PEELED,
				     SCTPX_STATS_A_PEEL_ERRORS };
	static const char *const names[] = { "PEELOFF_REQUESTS", "PEELED",
					     "PEEL_ERRORS" };
	struct sx_info a, b;
	struct sx_result res;
	struct sx_nl nl;
	struct sx_pool p;
	uint32_t *many, bogus = 0x7ffffff0;
	int closed, k;

	ASSERT_EQ(0, sx_module_ensure());
	ASSERT_EQ(0, sx_nl_open(&nl));
	ASSERT_EQ(0, sx_pool_make(&p, 2));
	many = calloc(5000, sizeof(*many));
	ASSERT_NE(NULL, many);
	for (k = 0; k < 5000; k++)
		many[k] = p.ids[k % 2] + 1000000 + k;
	closed = dup(0);
	close(closed);
	ASSERT_EQ(0, sx_info(&nl, &a));
	EXPECT_EQ(-EINVAL, sx_peeloff(&nl, p.srv, 0x8000, false, p.ids, 1, NULL, &res));
	EXPECT_EQ(-E2BIG, sx_peeloff(&nl, p.srv, 0, false, many, 5000, NULL, &res));
	EXPECT_EQ(-EBADF, sx_peeloff(&nl, closed, 0, false, p.ids, 1, NULL, &res));
	EXPECT_EQ(-EINVAL, sx_peeloff(&nl, p.cli[0], 0, false, p.ids, 1, NULL, &res));
	EXPECT_STREQ("socket is not a one-to-many SCTP socket", nl.extack);
	ASSERT_EQ(0, sx_info(&nl, &b));
	/* Braces: the harness runs a TH_LOG after its EXPECT's statement. */
	for (k = 0; k < 3; k++) {
		EXPECT_EQ(a.stats[stats[k]], b.stats[stats[k]])
			TH_LOG("%s moved", names[k]);
	}
	EXPECT_EQ(2, sx_assoc_count(p.srv));

	/* Reached the socket: counted, though nothing was peeled. */
	ASSERT_EQ(0, sx_peeloff(&nl, p.srv, 0, false, &bogus, 1, NULL, &res));
	ASSERT_EQ(1, res.n);
	EXPECT_EQ(EINVAL, res.v[0].error);
	sx_result_free(&res);
	ASSERT_EQ(0, sx_info(&nl, &a));
	EXPECT_EQ(b.stats[SCTPX_STATS_A_PEELOFF_REQUESTS] + 1,
		  a.stats[SCTPX_STATS_A_PEELOFF_REQUESTS]);
	EXPECT_EQ(b.stats[SCTPX_STATS_A_PEELED], a.stats[SCTPX_STATS_A_PEELED]);
	EXPECT_EQ(b.stats[SCTPX_STATS_A_PEEL_ERRORS] + 1,
		  a.stats[SCTPX_STATS_A_PEEL_ERRORS]);
	free(many);
	sx_pool_free(&p);
	sx_nl_close(&nl);
}

TEST(counters_move)
{
	SX_PEELOFF_OR_ASSERT_ABSENT();
	struct sx_info a, b;
	struct sx_result res;
	struct sx_nl nl;
	struct sx_pool p;
	uint32_t ids[2];

	ASSERT_EQ(0, sx_module_ensure());
	ASSERT_EQ(0, sx_nl_open(&nl));
	ASSERT_EQ(0, sx_pool_make(&p, 3));
	ASSERT_EQ(0, sx_info(&nl, &a));
	ids[0] = p.ids[0];
	ids[1] = 0x7ffffff0;
	ASSERT_EQ(0, sx_peeloff(&nl, p.srv, 0, false, ids, 2, NULL, &res));
	ASSERT_EQ(0, sx_info(&nl, &b));
	EXPECT_EQ(a.stats[SCTPX_STATS_A_PEELOFF_REQUESTS] + 1,
		  b.stats[SCTPX_STATS_A_PEELOFF_REQUESTS]);
	EXPECT_EQ(a.stats[SCTPX_STATS_A_PEELED] + 1, b.stats[SCTPX_STATS_A_PEELED]);
	EXPECT_EQ(a.stats[SCTPX_STATS_A_PEEL_ERRORS] + 1,
		  b.stats[SCTPX_STATS_A_PEEL_ERRORS]);
	EXPECT_EQ(a.stats[SCTPX_STATS_A_REPLY_ERRORS],
		  b.stats[SCTPX_STATS_A_REPLY_ERRORS]);
	close(res.v[0].fd);
	sx_result_free(&res);
	sx_pool_free(&p);
	sx_nl_close(&nl);
}

/* Family version 3: the timing counters (8, 9, 11) are never sent. */
TEST(stats_carry_no_timing)
{
	const uint64_t gone = 1ULL << SCTPX_STATS_A_RESERVED_8 |
			      1ULL << SCTPX_STATS_A_RESERVED_9 |
			      1ULL << SCTPX_STATS_A_RESERVED_11;
	const uint64_t want = 1ULL << SCTPX_STATS_A_PEELOFF_REQUESTS |
			      1ULL << SCTPX_STATS_A_PEELED |
			      1ULL << SCTPX_STATS_A_PEEL_ERRORS |
			      1ULL << SCTPX_STATS_A_CONNECTX_REQUESTS |
			      1ULL << SCTPX_STATS_A_CONNECTX_STARTED |
			      1ULL << SCTPX_STATS_A_CONNECTX_ERRORS |
			      1ULL << SCTPX_STATS_A_REPLY_ERRORS |
			      1ULL << SCTPX_STATS_A_LOST_REPLIES_DROPPED;
	struct sx_nl nl;
	uint64_t types;

	ASSERT_EQ(0, sx_module_ensure());
	ASSERT_EQ(0, sx_nl_open(&nl));
	ASSERT_EQ(0, sx_stats_types(&nl, &types));
	/* Every counter came: the nest was read. */
	EXPECT_EQ(want, types & want);
	EXPECT_EQ(0, types & gone) TH_LOG("stats types %#llx",
					   (unsigned long long)types);
	sx_nl_close(&nl);
}

/*
 * The timing lives in the sctpx_peeloff tracepoint: enabled, a PEELOFF
 * that peeled records one event with the reply's counts, the two times
 * and the stages between; off, nothing is recorded. Without PEELOFF the
 * module has no event (trace.o is built with peeloff.o); a kernel without
 * tracefs has none to offer.
 */
TEST(peeloff_event_carries_the_timing)
{
	static const char enable[] = "events/sctpx/sctpx_peeloff/enable";
	int offered = sx_peeloff_offered(), tr, k, peeled = 0;
	struct sx_peeloff_event ev[4];
	uint64_t stages = 0;
	char dir[128], path[256], fmt[4096], field[64];
	struct sx_result res;
	struct sx_nl nl;
	struct sx_pool p;
	uint32_t ids[3];

	ASSERT_LE(0, offered);
	tr = sx_tracefs(dir, sizeof(dir));
	ASSERT_LE(0, tr) TH_LOG("tracefs: %s", strerror(-tr));
	if (!tr) {
		/* Nothing to trace with; what the module must do is below. */
		EXPECT_NE(0, access("/sys/kernel/tracing/events", F_OK));
		TH_LOG("no tracefs in this kernel: no events asserted");
		SX_PEELOFF_OR_ASSERT_ABSENT();
		return;
	}
	snprintf(path, sizeof(path), "%s/events/sctpx", dir);
	if (!offered) {
		/* The module's only event belongs to PEELOFF. */
		EXPECT_EQ(-1, access(path, F_OK));
		EXPECT_EQ(ENOENT, errno);
		TH_LOG("tracefs at %s: no events/sctpx, as a module without PEELOFF must",
		       dir);
		/* Asserts the refusal and ends the test. */
		SX_PEELOFF_OR_ASSERT_ABSENT();
	}
	/* Registered: the kernel accepted the module's taints for tracing. */
	snprintf(path, sizeof(path), "%s/%s", dir, enable);
	ASSERT_EQ(0, access(path, F_OK)) TH_LOG("%s: %s", path, strerror(errno));
	/*
	 * The format that perf, trace-cmd and filters read names every
	 * stage as a field of its own, and no module constant they could
	 * not resolve.
	 */
	snprintf(path, sizeof(path), "%s/events/sctpx/sctpx_peeloff/format", dir);
	ASSERT_EQ(0, sx_sysfs_read(path, fmt, sizeof(fmt)));
	for (k = 0; k < SX_STAGES; k++) {
		snprintf(field, sizeof(field), "field:u64 %s_ns;",
			 sx_stage_names[k]);
		EXPECT_NE(NULL, strstr(fmt, field)) TH_LOG("no %s", field);
	}
	EXPECT_EQ(NULL, strstr(fmt, "SCTPX_")) TH_LOG("%s", fmt);

	ASSERT_EQ(0, sx_nl_open(&nl));
	ASSERT_EQ(0, sx_pool_make(&p, 4));
	ASSERT_EQ(0, sx_trace_write(dir, "tracing_on", "1"));
	ASSERT_EQ(0, sx_trace_clear(dir));
	ASSERT_EQ(0, sx_trace_write(dir, enable, "1"));
	ids[0] = p.ids[0];
	ids[1] = 0x7ffffff0;		/* refused: requested, not peeled */
	ids[2] = p.ids[1];
	ASSERT_EQ(0, sx_peeloff(&nl, p.srv, 0, false, ids, 3, NULL, &res));
	ASSERT_EQ(0, sx_trace_write(dir, enable, "0"));
	ASSERT_EQ(3, res.n);
	for (k = 0; k < 3; k++) {
		if (res.v[k].fd >= 0) {
			peeled++;
			close(res.v[k].fd);
		}
	}
	sx_result_free(&res);
	EXPECT_EQ(2, peeled);
	ASSERT_EQ(1, sx_trace_peeloff_events(dir, ev, 4));
	TH_LOG("event: requested=%u peeled=%u floor_ns=%llu request_ns=%llu",
	       ev[0].requested, ev[0].peeled,
	       (unsigned long long)ev[0].floor_ns,
	       (unsigned long long)ev[0].request_ns);
	EXPECT_EQ(3, ev[0].requested);
	EXPECT_EQ(peeled, ev[0].peeled);
	EXPECT_LT(0, ev[0].floor_ns);
	EXPECT_LE(ev[0].floor_ns, ev[0].request_ns);
	/*
	 * The stages follow one another inside the request: together they
	 * took time, and no more than the request; the reservation is part
	 * of the floor, and the rest of the floor part of the peel stage.
	 */
	for (k = 0; k < SX_STAGES; k++) {
		TH_LOG("%s_ns=%llu", sx_stage_names[k],
		       (unsigned long long)ev[0].stage_ns[k]);
		stages += ev[0].stage_ns[k];
	}
	EXPECT_LT(0, stages);
	EXPECT_LE(stages, ev[0].request_ns);
	EXPECT_LE(ev[0].stage_ns[SX_STAGE_RESERVE], ev[0].floor_ns);
	EXPECT_LE(ev[0].floor_ns - ev[0].stage_ns[SX_STAGE_RESERVE],
		  ev[0].stage_ns[SX_STAGE_PEEL]);

	/* Off: a PEELOFF that peels records nothing. */
	ASSERT_EQ(0, sx_trace_clear(dir));
	ASSERT_EQ(0, sx_peeloff(&nl, p.srv, 0, false, &p.ids[2], 1, NULL, &res));
	ASSERT_EQ(1, res.n);
	EXPECT_LE(0, res.v[0].fd);
	if (res.v[0].fd >= 0)
		close(res.v[0].fd);
	sx_result_free(&res);
	EXPECT_EQ(0, sx_trace_peeloff_events(dir, ev, 4));

	sx_pool_free(&p);
	sx_nl_close(&nl);
}

TEST(brief_entries_carry_id_and_fd_only)
{
	SX_PEELOFF_OR_ASSERT_ABSENT();
	struct sx_result res;
	struct sx_nl nl;
	struct sx_pool p;
	uint32_t ids[3];
	size_t i;

	ASSERT_EQ(0, sx_module_ensure());
	ASSERT_EQ(0, sx_nl_open(&nl));
	ASSERT_EQ(0, sx_pool_make(&p, 2));
	ids[0] = p.ids[1];
	ids[1] = 0x7ffffff0;
	ids[2] = p.ids[0];
	ASSERT_EQ(0, sx_peeloff(&nl, p.srv, SOCK_NONBLOCK, SX_PEEL_BRIEF, ids, 3,
				NULL, &res))
		TH_LOG("%s", nl.extack);
	ASSERT_EQ(3, res.n);
	for (i = 0; i < res.n; i++) {
		const struct sx_assoc *a = &res.v[i];

		EXPECT_TRUE(a->has_id);
		EXPECT_EQ(ids[i], a->id);
		EXPECT_FALSE(a->has_state);
		EXPECT_EQ(0, a->naddrs);
		EXPECT_FALSE(a->has_counters);
		EXPECT_EQ(0, a->local_port);
		EXPECT_EQ(0, a->instreams);
		EXPECT_EQ(0, a->outstreams);
	}
	EXPECT_EQ(-1, res.v[1].fd);
	EXPECT_EQ(EINVAL, res.v[1].error);
	for (i = 0; i < 3; i += 2) {
		ASSERT_LE(0, res.v[i].fd);
		EXPECT_EQ(0, res.v[i].error);
		EXPECT_TRUE(sx_fd_nonblock(res.v[i].fd));
		EXPECT_TRUE(sx_ping(res.v[i].fd, p.cli[i ? 0 : 1]));
		close(res.v[i].fd);
	}
	EXPECT_EQ(0, sx_assoc_count(p.srv));
	sx_result_free(&res);
	sx_pool_free(&p);
	sx_nl_close(&nl);
}

TEST_F(peel, reply_room_checked_first)
{
	SX_PEELOFF_OR_ASSERT_ABSENT();
	struct sx_result res;
	struct nl_msg *msg;
	int rcv = 4096, i;

	/*
	 * Fill the netlink socket's receive queue past its buffer with
	 * unread INFO_GET replies: a PEELOFF must then refuse with ENOBUFS
	 * before touching anything, not peel and lose the reply.
	 */
	ASSERT_EQ(0, sx_pool_make(&self->p, 20));
	ASSERT_EQ(0, setsockopt(nl_socket_get_fd(self->nl.sk), SOL_SOCKET, SO_RCVBUF,
				&rcv, sizeof(rcv)));
	for (i = 0; i < 20; i++) {
		msg = sx_msg(&self->nl, SCTPX_CMD_INFO_GET, 0);
		ASSERT_LT(0, nl_send_auto(self->nl.sk, msg));
		nlmsg_free(msg);
	}
	msg = sx_msg(&self->nl, SCTPX_CMD_PEELOFF, 0);
	ASSERT_EQ(0, nla_put_s32(msg, SCTPX_A_SOCK_FD, self->p.srv));
	for (i = 0; i < 20; i++)
		ASSERT_EQ(0, nla_put_u32(msg, SCTPX_A_ASSOC_ID, self->p.ids[i]));
	ASSERT_LT(0, nl_send_auto(self->nl.sk, msg));
	nlmsg_free(msg);
	/* The error itself may not fit either; the state is what matters. */
	usleep(100000);
	EXPECT_EQ(20, sx_assoc_count(self->p.srv));
	sx_nl_close(&self->nl);

	/* A fresh socket with the same tiny buffer gets the whole reply. */
	ASSERT_EQ(0, sx_nl_open(&self->nl));
	ASSERT_EQ(0, setsockopt(nl_socket_get_fd(self->nl.sk), SOL_SOCKET, SO_RCVBUF,
				&rcv, sizeof(rcv)));
	ASSERT_EQ(0, sx_peeloff(&self->nl, self->p.srv, 0, false, self->p.ids, 20, NULL, &res));
	ASSERT_EQ(20, res.n);
	for (i = 0; i < 20; i++) {
		check_entry(_metadata, &self->p, &res.v[i], 0);
		close(res.v[i].fd);
	}
	sx_result_free(&res);
}

SX_HARNESS_MAIN
