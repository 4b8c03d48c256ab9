// SPDX-License-Identifier: GPL-2.0
/*
 * sctpx selftests: a netlink fuzzer for every op.
 *
 * Requests are built byte by byte on a raw generic netlink socket (libnl
 * would refuse to build most of them): random and mutated attributes,
 * wrong types and lengths, missing and repeated attributes, broken and
 * deep nests, huge counts, and as socket descriptors every kind of fd a
 * process can hold (pipe, file, directory, eventfd, TCP, UDP, unix,
 * netlink, one-to-one SCTP, peeled SCTP, negative and closed numbers),
 * with association ids of the named socket, of other sockets and made up.
 *
 * After every request (the 300 warm-up requests included) the fuzzer
 * checks that
 *   - an answer came: an errno the op documents, or a well-formed reply
 *     (every attribute inside its message, every PEELOFF entry an id with
 *     exactly one of an fd and an errno the op documents, CONNECTX
 *     entries in peer order), and nothing more than that answer; a
 *     request the rules refuse as a whole is refused;
 *   - the fd table is the one before plus exactly the fds the reply
 *     handed over, each a new SCTP socket that holds, by SCTP_STATUS, the
 *     association its entry names, with the peer that association had on
 *     the socket it came from (the one the request named), and the
 *     requested flags;
 *   - every SCTP socket the fuzzer holds (pools, CONNECTX socket and
 *     target, the one-to-one and peeled ones) lost only associations
 *     handed over in exactly one fd (or ones a CONNECTX started, which
 *     may fail on their own) and gained only associations a CONNECTX
 *     reply names; CONNECTX ids are new and unique, and a failed peer
 *     leaves none behind; PEELOFF of explicit ids peels exactly the ids
 *     the rules allow, in request order; ASSOC_GET of a whole socket
 *     lists every association that was there throughout, ascending.
 * About 8% of the undamaged PEELOFF and CONNECTX requests (no ack asked
 * for) have their reply dropped through debugfs sctpx/fail_replies, as
 * netlink drops one it cannot queue: recv() must say ENOBUFS and nothing
 * else, then SCTPX_CMD_LOST_REPLY_GET must give the reply back once, under
 * the request's own sequence number and command, and it goes through the
 * checks above like any reply (so every fd it carries is accounted for);
 * a second LOST_REPLY_GET is ENOENT. LOST_REPLY_GET is also sent at
 * random, where nothing was lost: ENOENT (EINVAL with attributes,
 * EOPNOTSUPP as a dump).
 * At the end, with everything closed, unreclaimable slab must be back
 * within SLAB_BOUND_KB of what it was before the fuzzing, and each op
 * must have had requests, successes and something in them (unknown
 * commands: no success; PEELOFF on a module without it: no success, no
 * fd, every request its policy lets through refused with EOPNOTSUPP:
 * only those errnos or the policy's); replies must have been lost,
 * every one recovered, and (where PEELOFF exists) some carried fds.
 *
 * The request count comes from the environment: sctpx_fuzz_requests
 * (default FUZZ_DEFAULT), sctpx_fuzz_seed (default 1). Pass them on the
 * guest kernel command line (scripts/vm.sh -a "sctpx_fuzz_requests=...")
 * and the guest's init hands them down.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <dirent.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/sctp.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>

#include "kselftest_harness.h"
#include "sctpx_test.h"
#include "fuzz.h"


/* ---- the fuzz loop ---- */

/*
 * TH_LOG() for fuzz_oracle.c, which cannot include the harness (it
 * defines the runner): the same line, naming the caller's file and line.
 */
void fuzz_log(struct __test_metadata *_metadata, const char *file, int line,
	      const char *fmt, ...)
{
	va_list ap;

	if (!TH_LOG_ENABLED)
		return;
	fprintf(TH_LOG_STREAM, "# %s:%d:%s:", file, line, _metadata->name);
	va_start(ap, fmt);
	vfprintf(TH_LOG_STREAM, fmt, ap);
	va_end(ap);
	fputc('\n', TH_LOG_STREAM);
}

static unsigned long env_ul(const char *name, unsigned long def)
{
	const char *s = getenv(name);

	return s && *s ? strtoul(s, NULL, 0) : def;
}

/*
 * One request, generated, sent, answered and checked. Returns false (with
 * the reason logged) when a rule broke.
 */
/* One request's state, from its generation to the last check. */
struct step {
	unsigned long i;	/* its number */
	uint8_t cmd;
	int op;			/* cmd as an index of w->op_*: 0 if unknown */
	int fd;			/* the socket it names; -1: none */
	bool ack, dump, mutated, strict;
	size_t payload;		/* where the attributes start */
	struct ids srv, other;	/* the pools' associations before it */
	struct fdset *before, *after;
};

/* The command: mostly the ops, sometimes 0 or one the family lacks. */
static uint8_t step_cmd(uint32_t x)
{
	return x < 10 ? SCTPX_CMD_INFO_GET : x < 35 ? SCTPX_CMD_ASSOC_GET :
	       x < 70 ? SCTPX_CMD_PEELOFF : x < 94 ? SCTPX_CMD_CONNECTX :
	       x < 97 ? SCTPX_CMD_LOST_REPLY_GET :
	       chance(50) ? 0 : SCTPX_CMD_MAX + 1 + rnd(250);
}

/* What the oracle compares the answer with: pools, tracked sockets, fds. */
static bool step_snapshot(struct __test_metadata *_metadata, struct world *w,
			  struct step *s)
{
	if (ids_get(w->srv.srv, &s->srv) || ids_get(w->other.srv, &s->other)) {
		TH_LOG("request %lu: cannot list the pool", s->i);
		return false;
	}
	track_build(w);
	if (track_before(w)) {
		TH_LOG("request %lu: cannot list the tracked sockets", s->i);
		return false;
	}
	fdset_read(s->before);
	return true;
}

/* A dump started and left unread: nothing may change. */
static bool step_abandon(struct __test_metadata *_metadata, struct world *w,
			 struct answer *ans, struct step *s)
{
	bool ok = true;

	abandon_dump(w, pick_fd(w, false));
	fdset_read(s->after);
	if (s->after->n != s->before->n ||
	    memcmp(s->after->v, s->before->v, s->after->n * sizeof(int))) {
		TH_LOG("request %lu: fd table changed by an abandoned dump", s->i);
		ok = false;
	}
	ans->nent = ans->nfds = 0;
	ans->err = 0;
	/* Nothing may have moved. */
	if (!oracle(_metadata, w, ans, 0, -1, false, s->i))
		ok = false;
	return ok;
}

/* The netlink and genetlink headers, then the op's attributes. */
static void step_build(struct world *w, struct req *r, struct step *s)
{
	struct nlmsghdr *nlh = (struct nlmsghdr *)r->b;
	struct genlmsghdr *g;

	memset(r, 0, NLMSG_HDRLEN + GENL_HDRLEN);
	r->len = NLMSG_HDRLEN + GENL_HDRLEN;
	r->overflow = false;
	nlh->nlmsg_type = w->family;
	nlh->nlmsg_flags = NLM_F_REQUEST | (s->dump ? NLM_F_DUMP : 0) |
			   (s->ack ? NLM_F_ACK : 0);
	g = (struct genlmsghdr *)(r->b + NLMSG_HDRLEN);
	g->cmd = s->cmd;
	g->version = SCTPX_FAMILY_VERSION;
	s->payload = r->len;
	w->req_bad = w->req_sel = false;
	w->nreq_ids = 0;
	w->cx_npeers = 0;

	switch (s->cmd) {
	case SCTPX_CMD_INFO_GET:
		break;
	case SCTPX_CMD_ASSOC_GET:
		s->fd = pick_fd(w, false);
		gen_dump(w, r, s->fd);
		break;
	case SCTPX_CMD_PEELOFF:
		s->fd = pick_fd(w, false);
		gen_peeloff(w, r, &s->fd, &s->srv, &s->other);
		break;
	case SCTPX_CMD_CONNECTX:
		s->fd = pick_fd(w, true);
		gen_connectx(w, r, s->fd);
		break;
	default:
		break;
	}
	/* A do-only op asked for as a dump, or the reverse: EOPNOTSUPP. */
	if (s->dump != (s->cmd == SCTPX_CMD_ASSOC_GET))
		w->req_bad = true;
}

/* Junk attributes, truncation, mutation: the rules then judge less. */
static void step_damage(struct world *w, struct req *r, struct step *s)
{
	if (chance(s->cmd == SCTPX_CMD_INFO_GET ? 40 : 10)) {
		gen_junk_attrs(r);
		s->strict = false;	/* a junk SOCK_FD may have replaced fd */
	}
	if (r->overflow) {
		/* Too big to build: send what we have, truncated. */
		r->len = REQ_MAX - 64;
		s->strict = false;
	}
	if (chance(25)) {
		mutate(r, s->payload);
		s->mutated = true;
		s->strict = false;
		w->mutated++;
	}
}

/*
 * Some undamaged PEELOFF and CONNECTX requests have their reply
 * dropped (debugfs sctpx/fail_replies, one reply). Without an ack
 * asked for, recv() then says ENOBUFS and nothing else comes.
 */
static bool step_arm_loss(struct __test_metadata *_metadata, struct world *w,
			  const struct step *s)
{
	if ((s->cmd == SCTPX_CMD_PEELOFF || s->cmd == SCTPX_CMD_CONNECTX) &&
	    !s->dump && !s->ack && !s->mutated && chance(LOSS_PERCENT)) {
		if (sx_sysfs_write(FAIL_REPLIES, "1")) {
			TH_LOG("request %lu: cannot write %s", s->i, FAIL_REPLIES);
			return false;
		}
		w->loss_armed = true;
	}
	return true;
}

/*
 * A dropped reply: recv() said ENOBUFS and LOST_REPLY_GET gives it back.
 * No reply dropped: no ENOBUFS. False in *ok for a broken rule; the
 * return value false when the knob cannot be written.
 */
static bool step_check_loss(struct __test_metadata *_metadata, struct world *w,
			    struct answer *ans, const struct step *s, bool *ok)
{
	unsigned long i = s->i;
	uint8_t cmd = s->cmd;

	if (w->loss_armed) {
		/* 0: the reply was dropped; 1: there was none (an error). */
		long left = knob_read();

		w->loss_armed = false;
		if (left != 0 && sx_sysfs_write(FAIL_REPLIES, "0")) {
			TH_LOG("request %lu: cannot write %s", i, FAIL_REPLIES);
			return false;
		}
		if (left == 0) {
			w->lost_forced++;
			if (!ans->lost) {
				TH_LOG("request %lu (cmd %u): reply dropped, recv() never said ENOBUFS",
				       i, cmd);
				*ok = false;
			} else if (!recover_lost(w, ans, cmd, w->seq)) {
				TH_LOG("request %lu (cmd %u): lost reply not recovered: %s",
				       i, cmd, ans->why);
				*ok = false;
			} else {
				w->lost_recovered++;
				w->lost_fds += ans->nfds;
			}
		} else if (left != 1 || ans->lost) {
			TH_LOG("request %lu (cmd %u): fail_replies %ld, ENOBUFS %d, but no reply",
			       i, cmd, left, ans->lost);
			*ok = false;
		}
	} else if (ans->lost) {
		TH_LOG("request %lu (cmd %u): ENOBUFS with no reply dropped", i, cmd);
		*ok = false;
	}
	return true;
}

/* Count the answer; its errno must be one the op documents. */
static bool step_check_errno(struct __test_metadata *_metadata,
			     struct world *w, const struct answer *ans,
			     const struct step *s)
{
	unsigned long i = s->i;
	uint8_t cmd = s->cmd;
	int k, op = s->op, fd = s->fd;
	bool ok = true;

	for (k = 0; k < ans->nent; k++)
		if (ans->ent[k].has_err)
			w->entry_errno_count[ans->ent[k].err < 159 ? ans->ent[k].err : 159]++;
	if (op == SCTPX_CMD_LOST_REPLY_GET && s->strict && !s->dump && ans->err != ENOENT) {
		/* Nothing is ever left lost: every loss was recovered at once. */
		TH_LOG("request %lu: LOST_REPLY_GET answered %d, not ENOENT", i, ans->err);
		ok = false;
	}
	if (ans->err) {
		w->errors++;
		w->err_by_cmd[cmd < 7 ? cmd : 7]++;
		w->errno_count[ans->err < 159 ? ans->err : 159]++;
		/*
		 * The errno is one the op documents; the socket layer's own
		 * refusals of a datagram come before any op.
		 */
		if (ans->send_failed ? !(ans->err == EMSGSIZE || ans->err == ENOBUFS ||
					 ans->err == ENOMEM) :
		    !request_errno_ok(cmd, ans->err) &&
		    /* a damaged header (reserved bits) before the command lookup */
		    !(s->mutated && ans->err == EINVAL)) {
			TH_LOG("request %lu (cmd %u fd %d%s%s): errno %d (%s) is not one the op documents",
			       i, cmd, fd, s->mutated ? ", mutated" : "",
			       ans->send_failed ? ", from send()" : "", ans->err,
			       strerror(ans->err));
			ok = false;
		}
	} else {
		w->replies++;
		w->op_ok[op]++;
		if (op == SCTPX_CMD_INFO_GET)
			w->op_items[op]++;
		else if (op == SCTPX_CMD_ASSOC_GET)
			w->op_items[op] += ans->nent;
		else if (op == SCTPX_CMD_PEELOFF)
			w->op_items[op] += ans->nfds;
		/* CONNECTX: its started associations, counted by the oracle. */
		if (s->strict && w->req_bad) {
			TH_LOG("request %lu (cmd %u fd %d): a request the rules refuse succeeded",
			       i, cmd, fd);
			ok = false;
		}
	}
	return ok;
}

/*
 * The fd table is the one before plus exactly the fds the reply
 * handed over, each a new SCTP socket.
 */
static bool step_check_fds(struct __test_metadata *_metadata,
			   const struct answer *ans, const struct step *s)
{
	const struct fdset *before = s->before, *after = s->after;
	bool ok = true;
	int k;

	fdset_read(s->after);
	if (after->n != before->n + ans->nfds) {
		TH_LOG("request %lu (cmd %u): %d fds before, %d handed over, %d after",
		       s->i, s->cmd, before->n, ans->nfds, after->n);
		ok = false;
	}
	for (k = 0; k < before->n; k++) {
		if (!fdset_has(after, before->v[k])) {
			TH_LOG("request %lu (cmd %u): fd %d was closed", s->i, s->cmd,
			       before->v[k]);
			ok = false;
		}
	}
	for (k = 0; k < ans->nfds; k++) {
		int nfd = ans->fds[k];

		if (fdset_has(before, nfd) || !fdset_has(after, nfd) ||
		    !fd_kind_ok(nfd)) {
			TH_LOG("request %lu: reply fd %d is not a new SCTP socket", s->i, nfd);
			ok = false;
		}
	}
	return ok;
}

/* Close the fds handed over, and the pool clients at their other end. */
static void step_release(struct world *w, struct answer *ans)
{
	int k;

	for (k = 0; k < ans->nfds; k++) {
		struct sctp_status st = { 0 };
		socklen_t len = sizeof(st);

		/* The pool client at the other end goes too. */
		if (!getsockopt(ans->fds[k], SOL_SCTP, SCTP_STATUS, &st, &len)) {
			uint16_t pport = ntohs(((struct sockaddr_in *)
				&st.sstat_primary.spinfo_address)->sin_port);

			if (!pool_drop_port(&w->srv, pport))
				pool_drop_port(&w->other, pport);
		}
		if (w->npeeled < (1 << 20))
			w->peeled_ids[w->npeeled++] = ans->fd_ids[k];
		w->fds_received++;
		close(ans->fds[k]);
	}
	ans->nfds = 0;
}

/* Keep the pools stocked; recycle the CONNECTX socket. */
static bool step_restock(struct world *w, unsigned long i)
{
	if (w->srv.ncli < POOL_LOW && pool_grow(&w->srv, POOL_ADD))
		return false;
	if (w->other.ncli < 4 && pool_grow(&w->other, 4))
		return false;
	if (i % 200 == 199) {
		close(w->scratch);
		w->scratch = scratch_open();
	}
	return true;
}

/*
 * One request: generate it, send it, and judge the answer and everything
 * it may have changed. False when a rule broke (logged) or the world
 * could not be read or kept up.
 */
static bool fuzz_one(struct __test_metadata *_metadata, struct world *w,
		     struct answer *ans, struct req *r, unsigned long i)
{
	static struct fdset before, after;
	struct step s = { .i = i, .fd = -1, .strict = true,
			  .before = &before, .after = &after };
	bool ok = true;
	uint32_t x;

	/* The generator's draws stay in the order they always had. */
	s.ack = chance(15);
	x = rnd(100);
	if (!step_snapshot(_metadata, w, &s))
		return false;

	s.cmd = step_cmd(x);
	s.dump = s.cmd == SCTPX_CMD_ASSOC_GET ? chance(95) : chance(3);
	s.op = s.cmd >= SCTPX_CMD_INFO_GET && s.cmd <= SCTPX_CMD_LOST_REPLY_GET ?
	       s.cmd : 0;

	if (s.cmd == SCTPX_CMD_ASSOC_GET && chance(2)) {
		ok = step_abandon(_metadata, w, ans, &s);
		goto out;
	}

	step_build(w, r, &s);
	step_damage(w, r, &s);
	if (!step_arm_loss(_metadata, w, &s))
		return false;

	w->requests++;
	w->by_cmd[s.cmd < 7 ? s.cmd : 7]++;
	w->op_req[s.op]++;
	if (transact(w, r, ans, s.cmd, s.ack) || ans->why[0]) {
		TH_LOG("request %lu (cmd %u fd %d%s): %s", i, s.cmd, s.fd,
		       s.mutated ? ", mutated" : "", ans->why);
		ok = false;
	}
	if (!step_check_loss(_metadata, w, ans, &s, &ok))
		return false;
	if (!step_check_errno(_metadata, w, ans, &s))
		ok = false;
	if (!step_check_fds(_metadata, ans, &s))
		ok = false;
	/* What each fd holds, and what every tracked socket lost and gained. */
	if (!oracle(_metadata, w, ans, s.cmd, s.fd, s.strict, i))
		ok = false;
	step_release(w, ans);
out:
	free(s.srv.v);
	free(s.other.v);
	if (!step_restock(w, i))
		return false;
	return ok;
}

FIXTURE(fuzz) {
	int unused;
};

FIXTURE_SETUP(fuzz)
{
	ASSERT_EQ(0, sx_module_ensure());
	ASSERT_EQ(0, sx_raise_nofile(1 << 16));
	sx_debugfs(FAIL_REPLIES);
	ASSERT_EQ(0, sx_sysfs_write(FAIL_REPLIES, "0"))
		TH_LOG("%s: %s", FAIL_REPLIES, strerror(errno));
}

FIXTURE_TEARDOWN(fuzz)
{
}

TEST_F_TIMEOUT(fuzz, every_op, 7200)
{
	static struct answer ans;
	static struct req r;
	unsigned long n = env_ul("sctpx_fuzz_requests", FUZZ_DEFAULT);
	unsigned long seed = env_ul("sctpx_fuzz_seed", 1), i, failures = 0;
	unsigned long warm_failures;
	static const char *const op_name[OPS] = { "unknown", "info_get",
		"assoc_get", "peeloff", "connectx", "lost_reply_get" };
	int op;
	struct world w;
	struct fdset start, end;
	struct sx_slab_snap snap0;
	long slab0, slab1;
	struct timespec t0, t1;
	double secs;

	rng = seed * 0x9E3779B97F4A7C15ULL + 1;
	fdset_read(&start);

	/*
	 * Warm up (caches, percpu lists), tear down, measure the baseline.
	 * The warm-up's requests are judged like any other.
	 */
	ASSERT_EQ(0, world_open(&w));
	for (i = 0; i < 300; i++) {
		if (!fuzz_one(_metadata, &w, &ans, &r, i) && ++failures >= 10)
			break;
	}
	world_close(&w);
	EXPECT_EQ(0, failures) TH_LOG("%lu warm-up requests broke a rule", failures);
	warm_failures = failures;
	failures = 0;
	sleep(1);
	ASSERT_EQ(0, sx_slab_snap(&snap0));
	slab0 = snap0.unreclaim_kb;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	ASSERT_EQ(0, world_open(&w));
	w.requests = 0;
	for (i = 0; i < n; i++) {
		if (!fuzz_one(_metadata, &w, &ans, &r, i) && ++failures >= 10)
			break;
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	secs = (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;

	TH_LOG("seed %lu: %lu requests in %.1f s (%lu mutated): %lu replies, %lu errors, %lu fds received and checked, %lu abandoned dumps",
	       seed, w.requests, secs, w.mutated, w.replies, w.errors,
	       w.fds_received, w.abandoned_dumps);
	TH_LOG("by command (requests/errors): unspec-or-unknown %lu/%lu info %lu/%lu assoc_get %lu/%lu peeloff %lu/%lu connectx %lu/%lu lost_reply_get %lu/%lu",
	       w.by_cmd[0] + w.by_cmd[7] + w.by_cmd[6], w.err_by_cmd[0] + w.err_by_cmd[7] + w.err_by_cmd[6],
	       w.by_cmd[1], w.err_by_cmd[1], w.by_cmd[2], w.err_by_cmd[2],
	       w.by_cmd[3], w.err_by_cmd[3], w.by_cmd[4], w.err_by_cmd[4],
	       w.by_cmd[5], w.err_by_cmd[5]);
	for (op = 0; op < OPS; op++)
		TH_LOG("%s: %lu requests, %lu answered without error, %lu items (replies, entries listed, fds, associations started)",
		       op_name[op], w.op_req[op], w.op_ok[op], w.op_items[op]);
	TH_LOG("%lu fds proven to hold the association their entry names; %zu associations started by CONNECTX",
	       w.checked_fds, w.ncx);
	TH_LOG("%lu replies dropped through %s, %lu recovered with LOST_REPLY_GET, carrying %lu fds",
	       w.lost_forced, FAIL_REPLIES, w.lost_recovered, w.lost_fds);
	for (i = 1; i < 160; i++)
		if (w.errno_count[i])
			TH_LOG("errno %lu (%s): %lu", i, strerror(i), w.errno_count[i]);
	for (i = 1; i < 160; i++)
		if (w.entry_errno_count[i])
			TH_LOG("entry errno %lu (%s): %lu", i, strerror(i),
			       w.entry_errno_count[i]);
	world_close(&w);

	fdset_read(&end);
	EXPECT_EQ(start.n, end.n);
	EXPECT_EQ(0, memcmp(start.v, end.v, start.n * sizeof(int)));
	slab1 = sx_slab_settle(&snap0, SLAB_BOUND_KB, 10);
	sx_slab_snap_free(&snap0);
	TH_LOG("SUnreclaim: %ld kB before, %ld kB after (bound +%d kB)", slab0,
	       slab1, SLAB_BOUND_KB);
	EXPECT_GE(slab0 + SLAB_BOUND_KB, slab1);
	EXPECT_EQ(0, warm_failures);
	EXPECT_EQ(0, failures);
	EXPECT_EQ(n, w.requests + w.abandoned_dumps);
	/*
	 * Every op really exercised, each on its own: requests, successful
	 * answers, and what a success carries (an INFO_GET reply, listed
	 * entries, peeled fds, started associations). Unknown commands
	 * never succeed.
	 */
	for (op = SCTPX_CMD_INFO_GET; op <= SCTPX_CMD_LOST_REPLY_GET; op++) {
		EXPECT_LT(0, w.op_req[op]) TH_LOG("%s: no request", op_name[op]);
		if (op == SCTPX_CMD_PEELOFF && w.no_peeloff) {
			/* No PEELOFF in this module: none succeeds, no fd. */
			EXPECT_EQ(0, w.op_ok[op]);
			EXPECT_EQ(0, w.fds_received);
			EXPECT_LT(0, w.peel_refused_absent);
			continue;
		}
		EXPECT_LT(0, w.op_ok[op]) TH_LOG("%s: no success", op_name[op]);
		EXPECT_LT(0, w.op_items[op]) TH_LOG("%s: nothing in its successes", op_name[op]);
	}
	EXPECT_LT(0, w.op_req[0]);
	EXPECT_EQ(0, w.op_ok[0]);
	/*
	 * Lost replies: forced, each recovered, and, where PEELOFF exists,
	 * some carried fds.
	 */
	EXPECT_LT(0, w.lost_forced);
	EXPECT_EQ(w.lost_forced, w.lost_recovered);
	EXPECT_LT(0, w.lost_fds + w.no_peeloff);
	EXPECT_LT(0, w.checked_fds + w.no_peeloff);
	EXPECT_EQ(w.fds_received, w.checked_fds);
}

SX_HARNESS_MAIN
