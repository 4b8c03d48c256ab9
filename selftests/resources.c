// SPDX-License-Identifier: GPL-2.0
/*
 * sctpx selftests: running out of resources.
 *
 * RLIMIT_NOFILE at every point of a batch (and fds taken by another
 * thread while it runs): EMFILE, nothing peeled, nothing lost. The
 * system-wide file limit (an unprivileged caller's sock_alloc_file()
 * failing after the peel): each entry reports it and the association
 * ends, never a silent loss. A netlink receive buffer far smaller than
 * the reply. The per-request caps at and one past their values. And
 * 10,000 associations through one request stream, listed and peeled,
 * every one accounted for, with slab back to its baseline afterwards.
 *
 * Size of the last: sctpx_many_assocs in the environment (default 10000).
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
#include <sys/wait.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/sctp.h>

#include "kselftest_harness.h"
#include "sctpx_test.h"

#define PARAM(x) "/sys/module/sctpx/parameters/" x

/* Fill the fd table so that exactly @free slots stay under the limit. */
struct squeeze {
	struct rlimit old;
	int *spare;
	int n;
};

static int squeeze(struct squeeze *s, int free_slots)
{
	struct rlimit rl;
	int fd;

	if (getrlimit(RLIMIT_NOFILE, &s->old))
		return -1;
	rl = s->old;
	rl.rlim_cur = sx_max_fd() + 1 + 64;
	if (setrlimit(RLIMIT_NOFILE, &rl))
		return -1;
	s->spare = calloc(128, sizeof(int));
	s->n = 0;
	while ((fd = dup(0)) >= 0)
		s->spare[s->n++] = fd;
	if (errno != EMFILE || s->n < free_slots)
		return -1;
	while (free_slots--)
		close(s->spare[--s->n]);
	return 0;
}

static void unsqueeze(struct squeeze *s)
{
	while (s->n)
		close(s->spare[--s->n]);
	free(s->spare);
	setrlimit(RLIMIT_NOFILE, &s->old);
}

/*
 * The module with max_batch at its upper bound and room for many
 * descriptors; the netlink socket and the pool the test opens and sizes
 * (a test that needs them afresh frees and makes them again). The
 * teardown frees them, closes every descriptor the test left, and puts
 * the parameters back.
 */
FIXTURE(res) {
	struct sx_nl nl;
	struct sx_pool p;
	int top;	/* the highest descriptor before setup */
};

FIXTURE_SETUP(res)
{
	sx_fix_begin(&self->nl, &self->p, &self->top);
	ASSERT_EQ(0, sx_module_ensure());
	ASSERT_EQ(0, sx_raise_nofile(1 << 18));
	ASSERT_EQ(0, sx_sysfs_write(PARAM("max_batch"), "4096"));
}

FIXTURE_TEARDOWN(res)
{
	sx_fix_end(&self->nl, &self->p, self->top);
	sx_sysfs_write(PARAM("max_batch"), "1024");
	sx_sysfs_write(PARAM("max_peers"), "1024");
	sx_sysfs_write(PARAM("max_peer_addrs"), "64");
}

/*
 * RLIMIT_NOFILE with 0 .. 64 free slots for a 40-association batch, by
 * ids, by selection and all-or-nothing: short of room is EMFILE with the
 * parent untouched and the fd table unchanged; with room, every one.
 */
TEST_F(res, emfile_at_every_point_of_a_batch)
{
	static const int frees[] = { 0, 1, 20, 39, 40, 64 };
	const int N = 40;
	int f, mode;

	SX_PEELOFF_OR_ASSERT_ABSENT();
	for (mode = 0; mode < 3; mode++) {
		for (f = 0; f < 6; f++) {
			struct sx_select sel = { 0 };
			struct sx_result res;
			struct squeeze sq;
			int before, ret, i;

			ASSERT_EQ(0, sx_nl_open(&self->nl));
			ASSERT_EQ(0, sx_pool_make(&self->p, N));
			/* Counted with room to spare: counting needs a slot. */
			before = sx_count_fds();
			ASSERT_EQ(0, squeeze(&sq, frees[f]));
			ret = sx_peeloff(&self->nl, self->p.srv, SOCK_CLOEXEC, mode == 2,
					 self->p.ids, N, mode == 1 ? &sel : NULL, &res);
			unsqueeze(&sq);
			if (frees[f] < N) {
				ASSERT_EQ(-EMFILE, ret) TH_LOG("mode %d, %d free", mode, frees[f]);
				ASSERT_EQ(before, sx_count_fds());
				ASSERT_EQ(N, sx_assoc_count(self->p.srv));
			} else {
				ASSERT_EQ(0, ret) TH_LOG("%s", self->nl.extack);
				ASSERT_EQ(N, res.n);
				ASSERT_EQ(before + N, sx_count_fds());
				ASSERT_EQ(0, sx_assoc_count(self->p.srv));
				for (i = 0; i < N; i++) {
					int c = sx_pool_index(&self->p, res.v[i].id);

					ASSERT_LE(0, c);
					ASSERT_EQ(sx_local_port(self->p.cli[c]),
						  sx_peer_port(res.v[i].fd));
					close(res.v[i].fd);
				}
			}
			sx_result_free(&res);
			/* Everything left on the parent still works. */
			if (frees[f] < N) {
				struct sx_result r2;

				ASSERT_EQ(0, sx_peeloff(&self->nl, self->p.srv, 0, false,
							self->p.ids, N, NULL, &r2));
				for (i = 0; i < N; i++) {
					ASSERT_LE(0, r2.v[i].fd);
					if (i % 8 == 0)
						ASSERT_TRUE(sx_ping(r2.v[i].fd, self->p.cli[i]));
					close(r2.v[i].fd);
				}
				sx_result_free(&r2);
			}
			sx_pool_free(&self->p);
			sx_nl_close(&self->nl);
		}
	}
}

struct grabber {
	atomic_int go, stop;
	int fds[4096];
	int n;
};

static void *grab_run(void *arg)
{
	struct grabber *g = arg;
	int fd;

	while (!atomic_load(&g->go))
		;
	while (!atomic_load(&g->stop) && g->n < 30) {
		fd = dup(0);
		if (fd < 0)
			continue;
		g->fds[g->n++] = fd;
	}
	return NULL;
}

/*
 * Another thread takes descriptors while a batch reserves its own: the
 * batch either gets all of them or fails with EMFILE having peeled none.
 */
TEST_F(res, emfile_racing_another_thread)
{
	const int N = 300;
	int round, emfile = 0, whole = 0;

	SX_PEELOFF_OR_ASSERT_ABSENT();
	for (round = 0; round < 6; round++) {
		static struct grabber g;
		struct sx_result res;
		struct squeeze sq;
		struct rlimit rl;
		pthread_t t;
		int ret, i;

		ASSERT_EQ(0, sx_nl_open(&self->nl));
		ASSERT_EQ(0, sx_pool_make(&self->p, N));
		/* Room for the batch plus a little; the grabber eats the rest. */
		ASSERT_EQ(0, getrlimit(RLIMIT_NOFILE, &sq.old));
		rl = sq.old;
		rl.rlim_cur = sx_max_fd() + 1 + N + 20 * round;
		ASSERT_EQ(0, setrlimit(RLIMIT_NOFILE, &rl));
		memset(&g, 0, sizeof(g));
		ASSERT_EQ(0, pthread_create(&t, NULL, grab_run, &g));
		atomic_store(&g.go, 1);
		ret = sx_peeloff(&self->nl, self->p.srv, 0, false, self->p.ids, N, NULL, &res);
		atomic_store(&g.stop, 1);
		pthread_join(t, NULL);
		while (g.n)
			close(g.fds[--g.n]);
		ASSERT_EQ(0, setrlimit(RLIMIT_NOFILE, &sq.old));

		if (ret == -EMFILE) {
			emfile++;
			ASSERT_EQ(N, sx_assoc_count(self->p.srv));
		} else {
			ASSERT_EQ(0, ret) TH_LOG("%s", self->nl.extack);
			whole++;
			ASSERT_EQ(0, sx_assoc_count(self->p.srv));
			ASSERT_EQ(N, res.n);
			for (i = 0; i < N; i++) {
				ASSERT_LE(0, res.v[i].fd);
				close(res.v[i].fd);
			}
		}
		sx_result_free(&res);
		sx_pool_free(&self->p);
		sx_nl_close(&self->nl);
	}
	TH_LOG("6 rounds: %d EMFILE with nothing peeled, %d whole batches", emfile, whole);
	/* From the third round on there is room for both. */
	EXPECT_LE(4, whole);
}

static long file_max_get(void)
{
	char buf[64];

	if (sx_sysfs_read("/proc/sys/fs/file-max", buf, sizeof(buf)))
		return -1;
	return atol(buf);
}

static long files_in_use(void)
{
	char buf[128];
	long used = -1;

	if (sx_sysfs_read("/proc/sys/fs/file-nr", buf, sizeof(buf)))
		return -1;
	sscanf(buf, "%ld", &used);
	return used;
}

/*
 * The system-wide file limit hits an unprivileged caller after the peel
 * (sock_alloc_file(), which root is exempt from). Nothing can undo a
 * peel, so the kernel's own rule applies: the new socket is released and
 * its association ends. Checked: every entry is an fd or ENFILE, an
 * ENFILE association is neither on the parent nor anywhere else, and its
 * peer sees the end. Nothing is lost silently.
 */
TEST_F(res, enfile_after_peel_is_reported)
{
	const int N = 100;
	int to_child[2], to_parent[2], status;
	long fmax = file_max_get();
	char c = 0, buf[32];
	pid_t pid;

	SX_PEELOFF_OR_ASSERT_ABSENT();
	ASSERT_LT(0, fmax);
	ASSERT_EQ(0, pipe(to_child));
	ASSERT_EQ(0, pipe(to_parent));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		struct sx_result res;
		int i, t, fds = 0, enfile = 0;

		if (setgid(65534) || setuid(65534))
			_exit(2);
		if (sx_pool_make(&self->p, N) || sx_nl_open(&self->nl))
			_exit(3);
		if (write(to_parent[1], "r", 1) != 1 || read(to_child[0], &c, 1) != 1)
			_exit(4);
		if (sx_peeloff(&self->nl, self->p.srv, 0, false, self->p.ids, N, NULL, &res))
			_exit(5);
		if (write(to_parent[1], "d", 1) != 1)
			_exit(4);
		if ((int)res.n != N)
			_exit(6);
		usleep(200000);
		for (i = 0; i < N; i++) {
			const struct sx_assoc *a = &res.v[i];
			int k = sx_pool_index(&self->p, a->id);
			char buf[8];

			if (k < 0)
				_exit(7);
			if (a->fd >= 0) {
				fds++;
				if (!sx_ping(a->fd, self->p.cli[k]))
					_exit(8);
				continue;
			}
			if (a->error != ENFILE)
				_exit(9);
			enfile++;
			/* Ended: the client reads EOF or an error. */
			for (t = 0; t < 200; t++) {
				ssize_t r = recv(self->p.cli[k], buf, sizeof(buf), MSG_DONTWAIT);

				if (r == 0 || (r < 0 && errno != EAGAIN))
					break;
				usleep(10000);
			}
			if (t == 200)
				_exit(10);
		}
		if (sx_assoc_count(self->p.srv) != 0)
			_exit(11);
		printf("# %d peeled, %d ENFILE (ended, reported)\n", fds, enfile);
		_exit(enfile > 0 && fds > 0 ? 0 : 12);
	}
	ASSERT_EQ(1, read(to_parent[0], &c, 1));
	/* Five more files system-wide, then the limit. */
	snprintf(buf, sizeof(buf), "%ld", files_in_use() + 5);
	ASSERT_EQ(0, sx_sysfs_write("/proc/sys/fs/file-max", buf));
	ASSERT_EQ(1, write(to_child[1], "g", 1));
	ASSERT_EQ(1, read(to_parent[0], &c, 1));
	snprintf(buf, sizeof(buf), "%ld", fmax);
	ASSERT_EQ(0, sx_sysfs_write("/proc/sys/fs/file-max", buf));
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(sx_child_ok(status));
}

/*
 * A netlink receive buffer far smaller than the reply: an empty queue
 * takes any one message, so the whole reply arrives, every fd with it.
 */
TEST_F(res, tiny_netlink_rcvbuf)
{
	const int N = 1000;
	struct sx_result res;
	int rcv = 1, got = 0, before, i;
	socklen_t len = sizeof(rcv);

	SX_PEELOFF_OR_ASSERT_ABSENT();
	ASSERT_EQ(0, sx_nl_open(&self->nl));
	ASSERT_EQ(0, sx_pool_make(&self->p, N));
	ASSERT_EQ(0, setsockopt(nl_socket_get_fd(self->nl.sk), SOL_SOCKET, SO_RCVBUF,
				&rcv, sizeof(rcv)));
	getsockopt(nl_socket_get_fd(self->nl.sk), SOL_SOCKET, SO_RCVBUF, &rcv, &len);
	before = sx_count_fds();
	ASSERT_EQ(0, sx_peeloff(&self->nl, self->p.srv, 0, false, self->p.ids, N, NULL, &res))
		TH_LOG("%s", self->nl.extack);
	ASSERT_EQ(N, res.n);
	for (i = 0; i < N; i++)
		if (res.v[i].fd >= 0)
			got++;
	EXPECT_EQ(N, got);
	EXPECT_EQ(before + N, sx_count_fds());
	EXPECT_EQ(0, sx_assoc_count(self->p.srv));
	TH_LOG("rcvbuf %d bytes, reply of %d entries delivered whole", rcv, N);
	for (i = 0; i < N; i++)
		close(res.v[i].fd);
	sx_result_free(&res);
}

static int connectx_peers(struct sx_nl *nl, int fd, int npeers, int naddrs,
			  uint16_t port, struct sx_result *res)
{
	struct nl_msg *msg = nlmsg_alloc_size(npeers * naddrs * 40 + 4096);
	int i, j;

	memset(res, 0, sizeof(*res));
	if (!msg || !genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, nl->family, 0, 0,
				 SCTPX_CMD_CONNECTX, SCTPX_FAMILY_VERSION))
		return -ENOMEM;
	nla_put_s32(msg, SCTPX_A_SOCK_FD, fd);
	for (i = 0; i < npeers; i++) {
		struct nlattr *peer = sx_nest_start(msg, SCTPX_A_PEER);

		for (j = 0; j < naddrs; j++) {
			char ip[32];
			struct sx_addr a;

			snprintf(ip, sizeof(ip), "127.0.%d.%d", 1 + i / 250, 1 + j);
			a = sx_addr4(ip, port);
			sx_put_addr(msg, SCTPX_PEER_A_ADDR, &a);
		}
		nla_nest_end(msg, peer);
	}
	return sx_request(nl, msg, sx_collect_cb, res);
}

/* Every cap at its value and one past it. */
TEST_F(res, per_request_caps)
{
	struct sx_select sel = { 0 };
	struct sx_result res;
	uint16_t dead;
	int fd, i, s, offered;
	char why[256];

	ASSERT_EQ(0, sx_nl_open(&self->nl));
	ASSERT_EQ(0, sx_pool_make(&self->p, 30));
	offered = sx_peeloff_offered();
	ASSERT_LE(0, offered);
	if (!offered) {
		/* No PEELOFF in this module: refused whatever max_batch is. */
		ASSERT_EQ(0, sx_sysfs_write(PARAM("max_batch"), "1"));
		EXPECT_EQ(0, sx_peeloff_absent_check(why, sizeof(why))) TH_LOG("%s", why);
		goto peers;
	}

	/* max_batch: 10 ids pass, 11 are E2BIG; a selection too. */
	ASSERT_EQ(0, sx_sysfs_write(PARAM("max_batch"), "10"));
	EXPECT_EQ(-E2BIG, sx_peeloff(&self->nl, self->p.srv, 0, false, self->p.ids, 11, NULL, &res));
	EXPECT_EQ(30, sx_assoc_count(self->p.srv));
	sel.limit = 11;
	EXPECT_EQ(-E2BIG, sx_peeloff(&self->nl, self->p.srv, 0, false, NULL, 0, &sel, &res));
	sel.limit = 0;
	EXPECT_EQ(-E2BIG, sx_peeloff(&self->nl, self->p.srv, 0, false, NULL, 0, &sel, &res));
	EXPECT_EQ(30, sx_assoc_count(self->p.srv));
	ASSERT_EQ(0, sx_peeloff(&self->nl, self->p.srv, 0, false, self->p.ids, 10, NULL, &res));
	ASSERT_EQ(10, res.n);
	for (i = 0; i < 10; i++)
		close(res.v[i].fd);
	sx_result_free(&res);
	sel.limit = 10;
	ASSERT_EQ(0, sx_peeloff(&self->nl, self->p.srv, 0, false, NULL, 0, &sel, &res));
	ASSERT_EQ(10, res.n);
	EXPECT_EQ(10, res.remaining);
	for (i = 0; i < 10; i++)
		close(res.v[i].fd);
	sx_result_free(&res);
	/* A cap of 1 takes one. */
	ASSERT_EQ(0, sx_sysfs_write(PARAM("max_batch"), "1"));
	EXPECT_EQ(-E2BIG, sx_peeloff(&self->nl, self->p.srv, 0, false,
				     self->p.ids + 20, 2, NULL, &res));
	ASSERT_EQ(0, sx_peeloff(&self->nl, self->p.srv, 0, false,
				self->p.ids + 20, 1, NULL, &res));
	ASSERT_EQ(1, res.n);
	close(res.v[0].fd);
	sx_result_free(&res);
	EXPECT_EQ(9, sx_assoc_count(self->p.srv));

peers:
	/* max_peers and max_peer_addrs, against a port nobody listens on. */
	s = sx_server(AF_INET, &dead);
	ASSERT_LE(0, s);
	close(s);
	fd = socket(AF_INET, SOCK_SEQPACKET | SOCK_NONBLOCK, IPPROTO_SCTP);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, sx_sysfs_write(PARAM("max_peers"), "20"));
	EXPECT_EQ(-E2BIG, connectx_peers(&self->nl, fd, 21, 1, dead, &res));
	EXPECT_STREQ("more peers than max_peers", self->nl.extack);
	sx_result_free(&res);
	EXPECT_EQ(0, sx_assoc_count(fd));
	ASSERT_EQ(0, connectx_peers(&self->nl, fd, 20, 1, dead, &res)) TH_LOG("%s", self->nl.extack);
	EXPECT_EQ(20, res.n);
	sx_result_free(&res);
	ASSERT_EQ(0, sx_sysfs_write(PARAM("max_peer_addrs"), "5"));
	EXPECT_EQ(-E2BIG, connectx_peers(&self->nl, fd, 1, 6, dead, &res));
	EXPECT_STREQ("peer has more addresses than max_peer_addrs", self->nl.extack);
	sx_result_free(&res);
	close(fd);
	fd = socket(AF_INET, SOCK_SEQPACKET | SOCK_NONBLOCK, IPPROTO_SCTP);
	ASSERT_EQ(0, connectx_peers(&self->nl, fd, 1, 5, dead, &res)) TH_LOG("%s", self->nl.extack);
	EXPECT_EQ(1, res.n);
	sx_result_free(&res);
	close(fd);
}

/*
 * Slab bounds. Each is at most half of what a leak of 400 bytes per
 * request (or per association) would add, so such a leak fails the test
 * whatever the noise: SUnreclaim drifts by a few hundred kB over a run
 * once the shrinkers have run (Documentation/hardening.rst has the
 * figures). REQ_BOUND_KB for 5,000 requests of each kind: 400 bytes
 * each would be 1,953 kB.
 */
#define LEAK_REQUESTS	5000
#define REQ_BOUND_KB	512

/*
 * Every request kind that needs no new association, 5,000 times each:
 * INFO_GET, an ASSOC_GET dump listing 16 associations, a PEELOFF
 * selection that matches nothing (a successful, empty answer), and a
 * PEELOFF of 8 unknown ids (8 EINVAL entries). None may leave slab
 * behind. The peels themselves are ten_thousand_associations' part.
 */
TEST_F_TIMEOUT(res, repeated_requests_leak_nothing, 300)
{
	struct sx_select none = { .port = 1 };
	uint32_t bad[8] = { 1000001, 1000002, 1000003, 1000004, 1000005,
			    1000006, 1000007, 1000008 };
	struct sx_slab_snap snap0;
	struct sx_result res;
	struct sx_info info;
	long slab0, slab1;
	int i, k, offered = sx_peeloff_offered();

	ASSERT_LE(0, offered);
	ASSERT_EQ(0, sx_nl_open(&self->nl));
	ASSERT_EQ(0, sx_pool_make(&self->p, 16));
	/* Warm: the first requests fill per-CPU caches. */
	for (i = 0; i < 200; i++) {
		ASSERT_EQ(0, sx_info(&self->nl, &info));
		ASSERT_EQ(0, sx_assoc_dump(&self->nl, self->p.srv, NULL, &res));
		sx_result_free(&res);
	}
	sleep(1);
	ASSERT_EQ(0, sx_slab_snap(&snap0));
	slab0 = snap0.unreclaim_kb;
	for (i = 0; i < LEAK_REQUESTS; i++) {
		ASSERT_EQ(0, sx_info(&self->nl, &info));
		ASSERT_EQ(0, sx_assoc_dump(&self->nl, self->p.srv, NULL, &res));
		ASSERT_EQ(16, res.n);
		sx_result_free(&res);
		if (!offered) {
			/* Refused where the module has no PEELOFF: nothing kept. */
			ASSERT_EQ(-EOPNOTSUPP, sx_peeloff(&self->nl, self->p.srv, 0, false, NULL,
							  0, &none, &res));
			ASSERT_EQ(-EOPNOTSUPP, sx_peeloff(&self->nl, self->p.srv, 0, false, bad,
							  8, NULL, &res));
			continue;
		}
		ASSERT_EQ(0, sx_peeloff(&self->nl, self->p.srv, 0, false, NULL, 0, &none, &res))
			TH_LOG("%s", self->nl.extack);
		ASSERT_EQ(0, res.n);
		sx_result_free(&res);
		ASSERT_EQ(0, sx_peeloff(&self->nl, self->p.srv, 0, false, bad, 8, NULL, &res))
			TH_LOG("%s", self->nl.extack);
		ASSERT_EQ(8, res.n);
		for (k = 0; k < 8; k++)
			ASSERT_EQ(EINVAL, res.v[k].error);
		sx_result_free(&res);
	}
	slab1 = sx_slab_settle(&snap0, REQ_BOUND_KB, 10);
	sx_slab_snap_free(&snap0);
	TH_LOG("%d requests of each of 4 kinds: SUnreclaim %ld kB before, %ld kB after (bound +%d kB)",
	       LEAK_REQUESTS, slab0, slab1, REQ_BOUND_KB);
	EXPECT_GE(slab0 + REQ_BOUND_KB, slab1);
	EXPECT_EQ(16, sx_assoc_count(self->p.srv));
}

static int many(void)
{
	const char *s = getenv("sctpx_many_assocs");

	return s && atoi(s) > 0 ? atoi(s) : 10000;
}

/*
 * Ten thousand associations on one socket through one request stream:
 * a listing, then peels in max_batch chunks, then a final one of
 * everything left in a single big request. Each association once, each
 * fd with the right peer; slab back within 200 bytes per association
 * (the associations themselves take ~180 MB) once everything is closed.
 */
TEST_F_TIMEOUT(res, ten_thousand_associations, 900)
{
	const int N = many();
	struct sx_result res;
	int *fd_of, before, i, n, requests = 0, got = 0, offered;
	struct sx_slab_snap snap0;
	long slab0, slab1, bound_kb;
	size_t k;
	char *seen;

	ASSERT_EQ(0, sx_raise_nofile(4 * N + 1024));
	sleep(1);
	ASSERT_EQ(0, sx_slab_snap(&snap0));
	slab0 = snap0.unreclaim_kb;
	ASSERT_EQ(0, sx_nl_open(&self->nl));
	ASSERT_EQ(0, sx_pool_make(&self->p, N)) TH_LOG("cannot build %d associations", N);
	fd_of = calloc(N, sizeof(int));
	seen = calloc(N, 1);

	/* The listing: every association exactly once. */
	ASSERT_EQ(0, sx_assoc_dump(&self->nl, self->p.srv, NULL, &res));
	ASSERT_EQ(N, res.n);
	for (k = 0; k < res.n; k++) {
		int c = sx_pool_index(&self->p, res.v[k].id);

		ASSERT_LE(0, c);
		ASSERT_EQ(0, seen[c]);
		seen[c] = 1;
	}
	TH_LOG("listing: %d associations in %d messages", N, res.nmsgs);
	sx_result_free(&res);

	offered = sx_peeloff_offered();
	ASSERT_LE(0, offered);
	if (!offered) {
		/* No PEELOFF in this module: refused, every association stays. */
		EXPECT_EQ(-EOPNOTSUPP, sx_peeloff(&self->nl, self->p.srv, SOCK_CLOEXEC,
						  false, self->p.ids,
						  N < 4096 ? N : 4096, NULL, &res));
		EXPECT_STREQ(SX_NO_PEELOFF_MSG, self->nl.extack);
		EXPECT_EQ(0, res.n);
		sx_result_free(&res);
		EXPECT_EQ(N, sx_assoc_count(self->p.srv));
		goto free;
	}

	before = sx_count_fds();
	/* Requests of max_batch's upper bound, 4096, and the rest. */
	for (i = 0; i < N; i += n) {
		n = N - i < 4096 ? N - i : 4096;
		ASSERT_EQ(0, sx_peeloff(&self->nl, self->p.srv, SOCK_CLOEXEC, false,
					self->p.ids + i, n, NULL, &res))
			TH_LOG("%s", self->nl.extack);
		requests++;
		ASSERT_EQ(n, res.n);
		for (k = 0; k < res.n; k++) {
			int c = sx_pool_index(&self->p, res.v[k].id);

			ASSERT_EQ(i + (int)k, c);
			ASSERT_LE(0, res.v[k].fd);
			fd_of[c] = res.v[k].fd;
			got++;
		}
		sx_result_free(&res);
	}
	ASSERT_EQ(0, sx_sysfs_write(PARAM("max_batch"), "4096"));
	ASSERT_EQ(N, got);
	ASSERT_EQ(before + N, sx_count_fds());
	ASSERT_EQ(0, sx_assoc_count(self->p.srv));
	for (i = 0; i < N; i++) {
		ASSERT_EQ(sx_local_port(self->p.cli[i]), sx_peer_port(fd_of[i]));
		if (i % 500 == 0)
			ASSERT_TRUE(sx_ping(fd_of[i], self->p.cli[i]));
		close(fd_of[i]);
	}
free:
	sx_pool_free(&self->p);
	sx_nl_close(&self->nl);
	free(fd_of);
	free(seen);

	/*
	 * Association teardown is asynchronous: give it 100 s (stretched).
	 * The bound is 200 bytes per association (1,953 kB for 10,000): a
	 * leak of 400 bytes per association would be twice that.
	 */
	bound_kb = N / 5;
	slab1 = sx_slab_settle(&snap0, bound_kb, 100);
	sx_slab_snap_free(&snap0);
	TH_LOG("%d associations, %d peel requests; SUnreclaim %ld kB before, %ld kB after (bound +%ld kB); %d associations left in the kernel",
	       N, requests, slab0, slab1, bound_kb, sx_kernel_assoc_count());
	EXPECT_GE(slab0 + bound_kb, slab1);
}

SX_HARNESS_MAIN
