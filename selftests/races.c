// SPDX-License-Identifier: GPL-2.0
/*
 * sctpx selftests: races.
 *
 * Each test races requests against something that changes the socket
 * under them, in several rounds, and then accounts for every association
 * it created: it must be found exactly once, in an fd the caller
 * received, still on the parent (SCTP_GET_ASSOC_ID_LIST), or gone
 * because its peer ended it (the tests end peers deterministically, so
 * they know which ones may be gone).
 *
 * peeloff.c already has one round of three overlapping peelers and of a
 * parent closed mid-batch; these go further: more threads, ids and
 * selections mixed, many rounds, peers aborting and shutting down,
 * CONNECTX against PEELOFF on one socket, and rmmod under load.
 *
 * Rounds: sctpx_race_rounds in the environment (default 3).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/sctp.h>

#include "kselftest_harness.h"
#include "sctpx_test.h"

static int rounds(void)
{
	const char *s = getenv("sctpx_race_rounds");
	int n = s ? atoi(s) : 0;

	return n > 0 ? n : 3;
}

/* Totals over the whole binary, printed by each test. */
static unsigned long total_accounted;

/* Does @fd see its association end (EOF or reset) within @timeout_ms? */
static bool ended_eof(int fd, int timeout_ms)
{
	char buf[16];
	int i;

	for (i = 0; i <= timeout_ms / 10; i++) {
		ssize_t r = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);

		if (r == 0 || (r < 0 && errno != EAGAIN))
			return true;
		usleep(10000);
	}
	return false;
}

/*
 * Has the association of peeled @fd ended? A peeled socket is one-to-many
 * underneath (recv() does not report EOF): ask SCTP_STATUS.
 */
static bool peeled_ended(int fd, int timeout_ms)
{
	int i;

	for (i = 0; i <= timeout_ms / 10; i++) {
		struct sctp_status st = { 0 };
		socklen_t len = sizeof(st);

		if (getsockopt(fd, SOL_SCTP, SCTP_STATUS, &st, &len) ||
		    st.sstat_state >= SCTP_SHUTDOWN_PENDING)
			return true;
		usleep(10000);
	}
	return false;
}

/* Which of @p's ids are still on its server: a bitmap by client index. */
static int on_parent(const struct sx_pool *p, char *on)
{
	uint32_t *ids;
	size_t n, i;

	memset(on, 0, p->n);
	if (p->srv < 0)
		return 0;
	if (sx_assoc_ids(p->srv, &ids, &n))
		return -1;
	for (i = 0; i < n; i++) {
		int c = sx_pool_index(p, ids[i]);

		if (c < 0) {
			free(ids);
			return -1;
		}
		on[c]++;
	}
	free(ids);
	return 0;
}

struct peeler {
	pthread_t t;
	int srv;
	uint32_t *ids;
	size_t n;
	bool by_select;
	uint32_t limit;
	uint32_t flags;
	struct sx_nl nl;
	struct sx_result res;
	int ret;
	pthread_barrier_t *go;
	struct timespec sent, answered;	/* around the request */
};

static double ts_ms(const struct timespec *t)
{
	return t->tv_sec * 1e3 + t->tv_nsec / 1e6;
}

static void *peeler_run(void *arg)
{
	struct peeler *r = arg;
	struct sx_select sel = { .limit = r->limit };

	if (r->go)
		pthread_barrier_wait(r->go);
	clock_gettime(CLOCK_MONOTONIC, &r->sent);
	r->ret = sx_peeloff(&r->nl, r->srv, r->flags, false, r->ids, r->n,
			    r->by_select ? &sel : NULL, &r->res);
	clock_gettime(CLOCK_MONOTONIC, &r->answered);
	return NULL;
}

/*
 * Collect the fds of a set of results into got[c] (client index), check
 * each fd belongs to the client the id says, and count duplicates.
 */
static void collect(struct __test_metadata *_metadata, const struct sx_pool *p,
		    struct sx_result *res, int *got_fd, int *got)
{
	size_t i;

	for (i = 0; i < res->n; i++) {
		const struct sx_assoc *a = &res->v[i];
		int c = sx_pool_index(p, a->id);

		ASSERT_LE(0, c) TH_LOG("reply names unknown id %u", a->id);
		if (a->fd < 0)
			continue;
		ASSERT_EQ(0, a->error);
		got[c]++;
		if (got_fd[c] >= 0)
			close(got_fd[c]);
		got_fd[c] = a->fd;
	}
}

/*
 * The module, room for many descriptors, and the pool of the round under
 * way (made and freed by each round). The teardown frees the pool a
 * failed round left and closes every descriptor still open, the
 * requesters' netlink sockets and peeled fds too.
 */
FIXTURE(races) {
	struct sx_pool p;
	int top;	/* the highest descriptor before setup */
};

FIXTURE_SETUP(races)
{
	sx_fix_begin(NULL, &self->p, &self->top);
	ASSERT_EQ(0, sx_module_ensure());
	ASSERT_EQ(0, sx_raise_nofile(1 << 18));
}

FIXTURE_TEARDOWN(races)
{
	sx_fix_end(NULL, &self->p, self->top);
}

/*
 * Four threads per round: two peel random overlapping id sets (in random
 * order, with duplicates), two peel by selection with a limit. Every
 * association ends in exactly one fd or stays on the parent.
 */
TEST_F_TIMEOUT(races, overlapping_ids_and_selections, 600)
{
	const int N = 400, T = 4;
	unsigned long accounted = 0;
	int round, R = rounds();

	SX_PEELOFF_OR_ASSERT_ABSENT();
	srand(1);
	for (round = 0; round < R; round++) {
		struct peeler r[4];
		pthread_barrier_t go;
		int got_fd[400], got[400], k, i;
		char on[400];

		ASSERT_EQ(0, sx_pool_make(&self->p, N));
		pthread_barrier_init(&go, NULL, T);
		for (k = 0; k < T; k++) {
			memset(&r[k], 0, sizeof(r[k]));
			r[k].srv = self->p.srv;
			r[k].go = &go;
			r[k].flags = k & 1 ? SOCK_CLOEXEC : SOCK_NONBLOCK;
			if (k >= 2) {
				r[k].by_select = true;
				r[k].limit = 50 + rand() % 150;
			} else {
				r[k].n = 100 + rand() % 300;
				r[k].ids = calloc(r[k].n, sizeof(uint32_t));
				for (i = 0; i < (int)r[k].n; i++)
					r[k].ids[i] = self->p.ids[rand() % N];
			}
			ASSERT_EQ(0, sx_nl_open(&r[k].nl));
		}
		for (k = 0; k < T; k++)
			ASSERT_EQ(0, pthread_create(&r[k].t, NULL, peeler_run, &r[k]));
		for (k = 0; k < T; k++)
			pthread_join(r[k].t, NULL);

		memset(got, 0, sizeof(got));
		for (i = 0; i < N; i++)
			got_fd[i] = -1;
		for (k = 0; k < T; k++) {
			ASSERT_EQ(0, r[k].ret) TH_LOG("thread %d: %s", k, r[k].nl.extack);
			/* Errors only for ids another thread (or a duplicate) took. */
			for (i = 0; i < (int)r[k].res.n; i++)
				if (r[k].res.v[i].error)
					ASSERT_EQ(EINVAL, r[k].res.v[i].error);
			collect(_metadata, &self->p, &r[k].res, got_fd, got);
		}
		ASSERT_EQ(0, on_parent(&self->p, on));
		for (i = 0; i < N; i++) {
			ASSERT_EQ(1, got[i] + on[i])
				TH_LOG("round %d: association %d in %d fds, %d times on the parent",
				       round, i, got[i], on[i]);
			if (got_fd[i] >= 0) {
				ASSERT_EQ(self->p.port, sx_local_port(got_fd[i]));
				ASSERT_EQ(sx_local_port(self->p.cli[i]), sx_peer_port(got_fd[i]));
				/* A sample talks both ways. */
				if (i % 16 == 0)
					ASSERT_TRUE(sx_ping(got_fd[i], self->p.cli[i]));
				close(got_fd[i]);
			}
			accounted++;
		}
		for (k = 0; k < T; k++) {
			sx_result_free(&r[k].res);
			sx_nl_close(&r[k].nl);
			free(r[k].ids);
		}
		pthread_barrier_destroy(&go);
		sx_pool_free(&self->p);
	}
	total_accounted += accounted;
	TH_LOG("%d rounds, %lu associations accounted for", R, accounted);
}

struct ender {
	pthread_t t;
	struct sx_pool *p;
	pthread_barrier_t *go;
};

/*
 * Clients i % 3 == 0 abort, i % 3 == 1 shut down, the rest stay. From the
 * last to the first, against the peel's first to last: the last ones end
 * before the batch reaches them, the first ones after it peeled them.
 */
static void *ender_run(void *arg)
{
	struct ender *e = arg;
	struct linger lg = { 1, 0 };
	int i;

	pthread_barrier_wait(e->go);
	for (i = e->p->n - 1; i >= 0; i--) {
		int fd = e->p->cli[i];

		if (i % 3 == 0) {
			setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
			close(fd);
			e->p->cli[i] = -1;
		} else if (i % 3 == 1) {
			shutdown(fd, SHUT_RDWR);
		}
	}
	return NULL;
}

TEST_F_TIMEOUT(races, peers_abort_and_shut_down_during_batch, 600)
{
	const int N = 600;
	unsigned long accounted = 0, peeled_alive = 0, gone = 0, peeled_dying = 0;
	int round, R = rounds(), extra = 0;

	SX_PEELOFF_OR_ASSERT_ABSENT();
	/*
	 * Each outcome for an ended peer (gone before the peel reached it,
	 * peeled then ended) must happen at least once: a race may need
	 * more rounds for that, up to 10 more.
	 */
	for (round = 0; round < R || ((!gone || !peeled_dying) && extra++ < 10);
	     round++) {
		pthread_barrier_t go;
		struct peeler r = { 0 };
		struct ender e;
		int got_fd[600], got[600], i;
		char on[600];

		ASSERT_EQ(0, sx_pool_make(&self->p, N));
		pthread_barrier_init(&go, NULL, 2);
		r.srv = self->p.srv;
		r.ids = self->p.ids;
		r.n = N;
		r.go = &go;
		e.p = &self->p;
		e.go = &go;
		ASSERT_EQ(0, sx_nl_open(&r.nl));
		ASSERT_EQ(0, pthread_create(&r.t, NULL, peeler_run, &r));
		ASSERT_EQ(0, pthread_create(&e.t, NULL, ender_run, &e));
		pthread_join(r.t, NULL);
		pthread_join(e.t, NULL);
		ASSERT_EQ(0, r.ret) TH_LOG("%s", r.nl.extack);
		ASSERT_EQ(N, r.res.n);

		/* Let the shutdowns and aborts finish. */
		usleep(300000);
		memset(got, 0, sizeof(got));
		for (i = 0; i < N; i++)
			got_fd[i] = -1;
		collect(_metadata, &self->p, &r.res, got_fd, got);
		ASSERT_EQ(0, on_parent(&self->p, on));
		for (i = 0; i < N; i++) {
			const struct sx_assoc *a = &r.res.v[i];
			bool peer_ended = i % 3 != 2;

			ASSERT_EQ(self->p.ids[i], a->id);
			ASSERT_GE(1, got[i] + on[i])
				TH_LOG("association %d in an fd and on the parent", i);
			if (!peer_ended) {
				/* Nothing ended it: it must be in its fd, working. */
				ASSERT_EQ(1, got[i]) TH_LOG("round %d: live association %d: error %d, on parent %d",
							    round, i, a->error, on[i]);
				ASSERT_TRUE(sx_ping(got_fd[i], self->p.cli[i]));
				peeled_alive++;
			} else if (got[i]) {
				/* Peeled before its peer ended it: the end shows on the fd. */
				ASSERT_TRUE(peeled_ended(got_fd[i], 3000))
					TH_LOG("association %d peeled, its peer ended it, the fd did not see it", i);
				peeled_dying++;
			} else {
				/* Gone before the peel reached it. */
				ASSERT_EQ(EINVAL, a->error);
				ASSERT_EQ(0, on[i]) TH_LOG("association %d: peer ended it, still on the parent after 300 ms", i);
				gone++;
			}
			if (got_fd[i] >= 0)
				close(got_fd[i]);
			accounted++;
		}
		sx_result_free(&r.res);
		sx_nl_close(&r.nl);
		pthread_barrier_destroy(&go);
		sx_pool_free(&self->p);
	}
	total_accounted += accounted;
	TH_LOG("%d rounds, %lu associations accounted for: %lu peeled alive, %lu peeled then ended by the peer, %lu gone before the peel",
	       round, accounted, peeled_alive, peeled_dying, gone);
	/* Each outcome for ended peers, at least once. */
	EXPECT_LT(0, gone);
	EXPECT_LT(0, peeled_dying);
}

struct closer {
	pthread_t t;
	int fd;
	int delay_us;
	struct timespec called, returned;	/* around close() */
};

static void *closer_run(void *arg)
{
	struct closer *c = arg;

	usleep(c->delay_us);
	clock_gettime(CLOCK_MONOTONIC, &c->called);
	close(c->fd);
	clock_gettime(CLOCK_MONOTONIC, &c->returned);
	return NULL;
}

/*
 * The close must land inside the request at least once, shown by its
 * order: close() called after the request was sent and returned before
 * its answer came, and the request not EBADF (it had taken its reference
 * to the socket first). Then the request completes: every association is
 * peeled. Rounds go on (up to 10 more) until that has been seen.
 */
TEST_F_TIMEOUT(races, parent_closed_mid_request_rounds, 600)
{
	const int N = 500;
	unsigned long accounted = 0, peeled = 0, ended_by_close = 0, ebadf = 0;
	unsigned long mid = 0, after = 0;
	int round, R = 2 * rounds(), extra = 0;

	SX_PEELOFF_OR_ASSERT_ABSENT();
	for (round = 0; round < R || (!mid && extra++ < 10); round++) {
		struct peeler r = { 0 };
		struct closer c;
		int got_fd[500], got[500], i;
		bool inside;

		ASSERT_EQ(0, sx_pool_make(&self->p, N));
		r.srv = self->p.srv;
		r.ids = self->p.ids;
		r.n = N;
		/* Selection on odd rounds: evaluated under the lock too. */
		r.by_select = round & 1;
		ASSERT_EQ(0, sx_nl_open(&r.nl));
		c.fd = self->p.srv;
		c.delay_us = (round * 1500) % 6000;
		ASSERT_EQ(0, pthread_create(&r.t, NULL, peeler_run, &r));
		ASSERT_EQ(0, pthread_create(&c.t, NULL, closer_run, &c));
		pthread_join(r.t, NULL);
		pthread_join(c.t, NULL);
		self->p.srv = -1;
		inside = ts_ms(&c.called) > ts_ms(&r.sent) &&
			 ts_ms(&c.returned) < ts_ms(&r.answered);

		memset(got, 0, sizeof(got));
		for (i = 0; i < N; i++)
			got_fd[i] = -1;
		if (r.ret == -EBADF) {
			/* Lost the race for the descriptor: nothing peeled. */
			ASSERT_EQ(0, r.res.n);
			ebadf++;
		} else {
			ASSERT_EQ(0, r.ret) TH_LOG("%s", r.nl.extack);
			/* It held the socket: the whole batch went through. */
			ASSERT_EQ(N, r.res.n) TH_LOG("round %d: close %s the request",
						     round, inside ? "inside" : "outside");
			collect(_metadata, &self->p, &r.res, got_fd, got);
			if (inside)
				mid++;
			else if (ts_ms(&c.called) > ts_ms(&r.answered))
				after++;
		}
		/*
		 * The parent is closed: whatever was not peeled ended with it
		 * (its client sees EOF); whatever was peeled still works.
		 */
		for (i = 0; i < N; i++) {
			if (r.ret == 0)
				ASSERT_EQ(1, got[i]) TH_LOG("round %d: association %d not peeled", round, i);
			if (got[i]) {
				ASSERT_EQ(1, got[i]);
				ASSERT_TRUE(sx_ping(got_fd[i], self->p.cli[i]))
					TH_LOG("round %d: peeled association %d does not work", round, i);
				close(got_fd[i]);
				peeled++;
			} else {
				ASSERT_TRUE(ended_eof(self->p.cli[i], 3000))
					TH_LOG("round %d: association %d neither peeled nor ended", round, i);
				ended_by_close++;
			}
			accounted++;
		}
		sx_result_free(&r.res);
		sx_nl_close(&r.nl);
		sx_pool_free(&self->p);
	}
	total_accounted += accounted;
	TH_LOG("%d rounds, %lu associations accounted for: %lu peeled, %lu ended with the parent; rounds: %lu closed mid-request, %lu after it, %lu lost the descriptor race (EBADF)",
	       round, accounted, peeled, ended_by_close, mid, after, ebadf);
	EXPECT_LT(0, mid) TH_LOG("no close landed inside a request");
}

/* ---- CONNECTX against PEELOFF on one socket ---- */

#define CX_PEERS	400

struct cx_race {
	int sock;
	uint16_t lport[CX_PEERS];
	atomic_int done;
	/* connectx results, by peer number */
	uint32_t id[CX_PEERS];
	int err[CX_PEERS];
	int cx_fail;
	/* peeled */
	uint32_t *pid;
	int *pfd;
	size_t np, pcap;
	int peel_fail;
};

static void *cx_run(void *arg)
{
	struct cx_race *x = arg;
	const int batch = 40, total = CX_PEERS;
	struct sx_nl nl;
	int b;

	if (sx_nl_open(&nl)) {
		x->cx_fail = -1;
		atomic_store(&x->done, 1);
		return NULL;
	}
	for (b = 0; b < total; b += batch) {
		struct nl_msg *msg = sx_msg(&nl, SCTPX_CMD_CONNECTX, 0);
		struct sx_result res = { 0 };
		size_t i;
		int k;

		nla_put_s32(msg, SCTPX_A_SOCK_FD, x->sock);
		for (k = b; k < b + batch; k++) {
			struct nlattr *peer = sx_nest_start(msg, SCTPX_A_PEER);
			struct sx_addr a = sx_addr4("127.0.0.1", x->lport[k]);

			sx_put_addr(msg, SCTPX_PEER_A_ADDR, &a);
			nla_nest_end(msg, peer);
		}
		if (sx_request(&nl, msg, sx_collect_cb, &res)) {
			x->cx_fail = -nl.err;
			sx_result_free(&res);
			break;
		}
		for (i = 0; i < res.n; i++) {
			const struct sx_assoc *a = &res.v[i];

			x->id[b + a->peer_index] = a->has_id ? a->id : 0;
			x->err[b + a->peer_index] = a->error;
		}
		sx_result_free(&res);
	}
	sx_nl_close(&nl);
	atomic_store(&x->done, 1);
	return NULL;
}

static void peel_some(struct cx_race *x, struct sx_nl *nl, uint32_t limit)
{
	struct sx_select sel = { .limit = limit };
	struct sx_result res;
	size_t i;

	if (sx_peeloff(nl, x->sock, SOCK_CLOEXEC, false, NULL, 0, &sel, &res)) {
		x->peel_fail = nl->err;
		return;
	}
	for (i = 0; i < res.n; i++) {
		if (res.v[i].fd < 0)
			continue;
		if (x->np == x->pcap) {
			x->pcap = x->pcap ? x->pcap * 2 : 256;
			x->pid = realloc(x->pid, x->pcap * sizeof(*x->pid));
			x->pfd = realloc(x->pfd, x->pcap * sizeof(*x->pfd));
		}
		x->pid[x->np] = res.v[i].id;
		x->pfd[x->np++] = res.v[i].fd;
	}
	sx_result_free(&res);
}

static void *peel_loop(void *arg)
{
	struct cx_race *x = arg;
	struct sx_nl nl;

	if (sx_nl_open(&nl)) {
		x->peel_fail = -1;
		return NULL;
	}
	while (!atomic_load(&x->done)) {
		peel_some(x, &nl, 16);
		usleep(500);
	}
	sx_nl_close(&nl);
	return NULL;
}

static int assoc_state(int fd, uint32_t id)
{
	struct sctp_status st = { .sstat_assoc_id = id };
	socklen_t len = sizeof(st);

	if (getsockopt(fd, SOL_SCTP, SCTP_STATUS, &st, &len))
		return -1;
	return st.sstat_state;
}

TEST_F_TIMEOUT(races, connectx_against_peeloff, 600)
{
	unsigned long accounted = 0, in_fd = 0, on_sock = 0, failed = 0;
	unsigned long err_but_alive = 0;
	int round, R = rounds();

	SX_PEELOFF_OR_ASSERT_ABSENT();
	for (round = 0; round < R; round++) {
		static struct cx_race x;
		static int lsn[CX_PEERS];
		int lsum = 0, k, i;
		const int total = CX_PEERS;
		pthread_t tc, tp;
		uint32_t *ids;
		size_t n;

		memset(&x, 0, sizeof(x));
		for (k = 0; k < CX_PEERS; k++) {
			lsn[k] = sx_server(AF_INET, &x.lport[k]);
			ASSERT_LE(0, lsn[k]);
		}
		x.sock = socket(AF_INET, SOCK_SEQPACKET | SOCK_NONBLOCK, IPPROTO_SCTP);
		ASSERT_LE(0, x.sock);
		ASSERT_EQ(0, pthread_create(&tc, NULL, cx_run, &x));
		ASSERT_EQ(0, pthread_create(&tp, NULL, peel_loop, &x));
		pthread_join(tc, NULL);
		pthread_join(tp, NULL);
		ASSERT_EQ(0, x.cx_fail);
		ASSERT_EQ(0, x.peel_fail);
		usleep(100000);

		/* Exactly once: in a peeled fd or still on the socket. */
		ASSERT_EQ(0, sx_assoc_ids(x.sock, &ids, &n));
		for (i = 0; i < total; i++) {
			int fds = 0, on = 0;
			size_t j;

			if (!x.id[i]) {
				/* Never started: no association may exist for it. */
				ASSERT_NE(0, x.err[i]);
				failed++;
				accounted++;
				continue;
			}
			for (j = 0; j < x.np; j++)
				fds += x.pid[j] == x.id[i];
			for (j = 0; j < n; j++)
				on += ids[j] == x.id[i];
			ASSERT_GE(1, fds + on)
				TH_LOG("round %d: association %u (peer %d) in %d fds and %d times on the socket",
				       round, x.id[i], i, fds, on);
			if (fds + on == 0) {
				ASSERT_NE(0, x.err[i])
					TH_LOG("round %d: association %u (peer %d) reported started, found nowhere",
					       round, x.id[i], i);
				failed++;
			} else {
				if (x.err[i])
					err_but_alive++;
				if (fds)
					in_fd++;
				else
					on_sock++;
			}
			accounted++;
		}
		/* The peers see each association exactly once too. */
		for (k = 0; k < CX_PEERS; k++)
			lsum += sx_assoc_count(lsn[k]);
		EXPECT_EQ((int)(x.np + n), lsum)
			TH_LOG("round %d: %zu peeled + %zu on the socket, listeners hold %d",
			       round, x.np, n, lsum);
		/* Every peeled fd holds a live association with its listener. */
		for (i = 0; i < (int)x.np; i++) {
			int st = assoc_state(x.pfd[i], 0);

			EXPECT_TRUE(st == SCTP_ESTABLISHED || st == SCTP_COOKIE_ECHOED ||
				    st == SCTP_COOKIE_WAIT) TH_LOG("peeled fd state %d", st);
			close(x.pfd[i]);
		}
		free(ids);
		free(x.pid);
		free(x.pfd);
		close(x.sock);
		for (k = 0; k < CX_PEERS; k++)
			close(lsn[k]);
	}
	total_accounted += accounted;
	TH_LOG("%d rounds, %lu associations accounted for: %lu in peeled fds, %lu still on the socket, %lu failed; %lu reported failed by CONNECTX but alive (peeled under its wait)",
	       R, accounted, in_fd, on_sock, failed, err_but_alive);
	EXPECT_LT(0, in_fd);
	/* CONNECTX finds an association peeled under its wait: never "failed". */
	EXPECT_EQ(0, err_but_alive);
}

/* ---- rmmod while requests are in flight ---- */

struct hammer {
	pthread_t t;
	int kind;		/* 0 info, 1 dump, 2 peeloff */
	bool no_peeloff;	/* the module has none: its refusal is an answer */
	struct sx_pool *p;
	pthread_mutex_t *lock;	/* guards the pool's bookkeeping */
	int *got;		/* fds by client index */
	atomic_int *stop;
	unsigned long ok, failed_clean, reopen;
	int bad_errno, bad_nlerr;	/* the last errno not documented */
};

static void *hammer_run(void *arg)
{
	struct hammer *h = arg;
	struct sx_nl nl;
	bool open = false;
	int next = h->kind == 2 ? 0 : -1;

	while (!atomic_load(h->stop)) {
		struct sx_result res;
		struct sx_info info;
		int ret;

		if (!open) {
			/* Resolving the family loads the module on demand. */
			if (sx_nl_open(&nl)) {
				h->failed_clean++;
				usleep(1000);
				continue;
			}
			open = true;
			h->reopen++;
		}
		if (h->kind == 0) {
			ret = sx_info(&nl, &info);
		} else if (h->kind == 1) {
			ret = sx_assoc_dump(&nl, h->p->srv, NULL, &res);
			sx_result_free(&res);
		} else {
			uint32_t id;

			pthread_mutex_lock(h->lock);
			id = next < h->p->n ? h->p->ids[next] : 1;
			pthread_mutex_unlock(h->lock);
			ret = sx_peeloff(&nl, h->p->srv, 0, false, &id, 1, NULL, &res);
			if (!ret && res.n == 1 && res.v[0].fd >= 0 && next < h->p->n) {
				pthread_mutex_lock(h->lock);
				h->got[next]++;
				close(res.v[0].fd);
				pthread_mutex_unlock(h->lock);
			}
			if (!ret && next < h->p->n)
				next++;
			if (ret == -EOPNOTSUPP && h->no_peeloff &&
			    !strcmp(nl.extack, SX_NO_PEELOFF_MSG) && !res.n)
				ret = 0;	/* the module answered: no PEELOFF */
			sx_result_free(&res);
		}
		if (!ret) {
			h->ok++;
			continue;
		}
		/*
		 * The family went away under us: a clean errno, then reopen.
		 * A dump that starts while the module is going fails its
		 * try_module_get() with EPROTONOSUPPORT.
		 */
		if (ret != -ENOENT && ret != -EOPNOTSUPP &&
		    !(ret == -EPROTONOSUPPORT && h->kind == 1)) {
			h->bad_errno = ret;
			h->bad_nlerr = nl.nlerr;
		}
		h->failed_clean++;
		sx_nl_close(&nl);
		open = false;
	}
	if (open)
		sx_nl_close(&nl);
	return NULL;
}

TEST_F_TIMEOUT(races, rmmod_with_requests_in_flight, 600)
{
	const int N = 300;
	struct hammer h[3];
	pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
	atomic_int stop = 0;
	int got[300] = { 0 }, i, k, unloaded = 0, refused = 0, attempts;
	char on[300];
	struct stat st;

	ASSERT_EQ(0, sx_pool_make(&self->p, N));
	i = sx_peeloff_offered();
	ASSERT_LE(0, i);
	for (k = 0; k < 3; k++) {
		memset(&h[k], 0, sizeof(h[k]));
		h[k].kind = k;
		h[k].no_peeloff = !i;
		h[k].p = &self->p;
		h[k].lock = &lock;
		h[k].got = got;
		h[k].stop = &stop;
		ASSERT_EQ(0, pthread_create(&h[k].t, NULL, hammer_run, &h[k]));
	}
	attempts = 20 * rounds();
	for (i = 0; i < attempts; i++) {
		int ret;

		usleep(20000 + (i % 5) * 7000);
		ret = syscall(SYS_delete_module, "sctpx", O_NONBLOCK) ? -errno : 0;
		if (ret == 0) {
			unloaded++;
			/* Until someone resolves the family again, it is gone. */
			usleep(5000);
			ret = sx_module_load();
			ASSERT_TRUE(ret == 0 || ret == -EEXIST) TH_LOG("reload: %d", ret);
		} else {
			ASSERT_TRUE(ret == -EWOULDBLOCK || ret == -EBUSY ||
				    ret == -ENOENT) TH_LOG("delete_module: %d", ret);
			refused++;
		}
	}
	atomic_store(&stop, 1);
	for (k = 0; k < 3; k++)
		pthread_join(h[k].t, NULL);
	ASSERT_EQ(0, sx_module_ensure());
	ASSERT_EQ(0, stat("/sys/module/sctpx", &st));

	for (k = 0; k < 3; k++) {
		TH_LOG("thread %d: %lu ok, %lu failed cleanly, %lu (re)opens", k,
		       h[k].ok, h[k].failed_clean, h[k].reopen);
		EXPECT_EQ(0, h[k].bad_errno) TH_LOG("thread %d: %s (libnl: %s)", k,
						    strerror(-h[k].bad_errno),
						    h[k].bad_nlerr ? nl_geterror(h[k].bad_nlerr) : "-");
		EXPECT_LT(0, h[k].ok);
	}
	/* Every association: peeled once (and closed), or still on the parent. */
	ASSERT_EQ(0, on_parent(&self->p, on));
	for (i = 0; i < N; i++) {
		int g = got[i], o = on[i];

		ASSERT_EQ(1, g + o) TH_LOG("association %d: %d fds, %d on parent",
					   i, g, o);
	}
	total_accounted += N;
	TH_LOG("%d rmmod attempts: %d unloaded while busy, %d refused; %d associations accounted for",
	       attempts, unloaded, refused, N);
	EXPECT_LT(0, unloaded);
}

SX_HARNESS_MAIN
