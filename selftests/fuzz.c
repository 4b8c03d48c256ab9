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

#define FUZZ_DEFAULT	5000
#define SLAB_BOUND_KB	1024
#define REQ_MAX		(256 << 10)
#define RBUF_MAX	(4 << 20)
#define POOL_LOW	12
#define POOL_ADD	16
#define ANSWER_MS	15000

static uint64_t rng;

static uint32_t rnd32(void)
{
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return (uint32_t)((rng * 0x2545F4914F6CDD1DULL) >> 32);
}

static uint32_t rnd(uint32_t n)
{
	return n ? rnd32() % n : 0;
}

static bool chance(int percent)
{
	return (int)rnd(100) < percent;
}

/* ---- building requests byte by byte ---- */

struct req {
	uint8_t b[REQ_MAX];
	size_t len;
	bool overflow;
};

static void put_raw(struct req *r, const void *p, size_t n)
{
	if (r->len + n > REQ_MAX) {
		r->overflow = true;
		return;
	}
	memcpy(r->b + r->len, p, n);
	r->len += n;
}

static void put_attr(struct req *r, uint16_t type, const void *p, size_t n)
{
	struct nlattr a = { .nla_len = (uint16_t)(NLA_HDRLEN + n),
			    .nla_type = type };
	static const uint8_t zero[4];

	if (n > 65535 - NLA_HDRLEN)
		n = 65535 - NLA_HDRLEN;
	put_raw(r, &a, sizeof(a));
	put_raw(r, p, n);
	put_raw(r, zero, NLA_ALIGN(n) - n);
}

static void put_u32(struct req *r, uint16_t type, uint32_t v)
{
	put_attr(r, type, &v, 4);
}

static void put_u16(struct req *r, uint16_t type, uint16_t v)
{
	put_attr(r, type, &v, 2);
}

static size_t nest_start(struct req *r, uint16_t type)
{
	size_t off = r->len;

	put_attr(r, type, NULL, 0);
	return off;
}

static void nest_end(struct req *r, size_t off)
{
	struct nlattr *a = (struct nlattr *)(r->b + off);

	if (r->len - off > 65535)
		r->overflow = true;
	else if (off + NLA_HDRLEN <= r->len)
		a->nla_len = (uint16_t)(r->len - off);
}

/* A nest type, usually flagged NLA_F_NESTED as strict validation wants. */
static uint16_t nested(uint16_t type)
{
	return chance(90) ? type | NLA_F_NESTED : type;
}

/* A value of a wrong length for an attribute of @type. */
static void put_junk(struct req *r, uint16_t type)
{
	static const size_t lens[] = { 0, 1, 2, 3, 5, 6, 7, 8, 12, 16, 17, 64, 300 };
	uint8_t buf[300];
	size_t n = lens[rnd(sizeof(lens) / sizeof(lens[0]))], i;

	for (i = 0; i < n; i++)
		buf[i] = rnd32();
	put_attr(r, type, buf, n);
}

/* ---- the world the requests talk about ---- */

#define ENTRIES_MAX 8192

/* A peer transport address, IPv4-mapped IPv6 folded to IPv4. */
struct paddr {
	int family;		/* 0: none */
	uint8_t a[16];
	uint16_t port;
};

/* From SCTP_STATUS's (packed) sstat_primary.spinfo_address. */
static void paddr_from_sa(struct paddr *p, const void *packed)
{
	struct sockaddr_storage st, *ss = &st;
	const struct sockaddr_in6 *s6 = (const void *)ss;
	const struct sockaddr_in *s4 = (const void *)ss;

	memcpy(&st, packed, sizeof(st));
	memset(p, 0, sizeof(*p));
	if (ss->ss_family == AF_INET) {
		p->family = AF_INET;
		memcpy(p->a, &s4->sin_addr, 4);
		p->port = ntohs(s4->sin_port);
	} else if (ss->ss_family == AF_INET6) {
		p->port = ntohs(s6->sin6_port);
		if (IN6_IS_ADDR_V4MAPPED(&s6->sin6_addr)) {
			p->family = AF_INET;
			memcpy(p->a, s6->sin6_addr.s6_addr + 12, 4);
		} else {
			p->family = AF_INET6;
			memcpy(p->a, &s6->sin6_addr, 16);
		}
	}
}

static bool paddr_eq(const struct paddr *x, const struct paddr *y)
{
	return x->family && x->family == y->family && x->port == y->port &&
	       !memcmp(x->a, y->a, x->family == AF_INET ? 4 : 16);
}

static const char *paddr_str(const struct paddr *p, char *buf, size_t len)
{
	char ip[INET6_ADDRSTRLEN] = "none";

	if (p->family)
		inet_ntop(p->family, p->a, ip, sizeof(ip));
	snprintf(buf, len, "%s port %u", ip, p->port);
	return buf;
}


struct pool {
	int srv;
	uint16_t port;
	int family;
	int *cli;
	int ncli;
	int cap;
};

/*
 * Every SCTP socket the fuzzer holds and may name in a request, with its
 * associations before and after each request.
 */
struct ids {
	uint32_t *v;
	size_t n;
};

struct tsock {
	int fd;
	const char *name;
	bool one_to_one;	/* its association by SCTP_STATUS, once established */
	bool churns;		/* associations come and go with other sockets */
	struct ids before, after;
};

/* An association seen before a request: on which socket, to which peer. */
struct prec {
	uint32_t id;
	int t;			/* index into world.track */
	struct paddr peer;	/* primary path, by SCTP_STATUS */
};

#define TRACK_MAX	12
#define OPS		6	/* 0: unknown commands, then INFO_GET .. LOST_REPLY_GET */
#define LOSS_PERCENT	8	/* PEELOFF and CONNECTX requests whose reply is dropped */
#define FAIL_REPLIES	"/sys/kernel/debug/sctpx/fail_replies"

struct world {
	int nl;			/* raw generic netlink socket */
	uint32_t portid;
	int family;		/* sctpx family id */
	uint32_t seq;
	struct pool srv, other;
	int srv6;		/* one-to-many IPv6 socket, no associations */
	uint16_t srv6_port;
	int cx_target;		/* where CONNECTX peers can really connect */
	uint16_t cx_port;
	uint16_t closed_port;	/* nobody listens there */
	int scratch;		/* non-blocking one-to-many for CONNECTX */
	int menu[32];		/* other kinds of descriptor */
	const char *menu_kind[32];
	int nmenu;
	uint32_t *peeled_ids;	/* ids already peeled, for reuse */
	size_t npeeled;
	bool no_peeloff;	/* the module has no PEELOFF (INFO_GET) */
	unsigned long peel_refused_absent;	/* its EOPNOTSUPPs */
	uint8_t *rbuf;
	/* figures */
	unsigned long requests, replies, errors, fds_received, mutated;
	unsigned long by_cmd[8], err_by_cmd[8], abandoned_dumps;
	unsigned long errno_count[160], entry_errno_count[160];
	/* per op: requests, successful answers, items (fds, ids, entries) */
	unsigned long op_req[OPS], op_ok[OPS], op_items[OPS], checked_fds;
	struct tsock track[TRACK_MAX];
	int ntrack;
	struct prec *prec;
	size_t nprec, prec_cap;
	uint32_t *cx_ids;	/* every id a CONNECTX reply named */
	size_t ncx, cx_cap;
	uint32_t max_batch;
	/* The request as generated; used only when it was sent undamaged. */
	uint32_t req_ids[ENTRIES_MAX];
	size_t nreq_ids;
	bool req_sel;		/* a selection (PEELOFF) or filter (ASSOC_GET) */
	bool req_bad;		/* must be refused as a whole */
	bool req_atomic;
	bool req_flags_ok;	/* req_flags is what the new fds must carry */
	uint32_t req_flags;
	size_t cx_npeers;	/* CONNECTX: peers, when known exactly */
	/* Lost replies: forced through debugfs, then asked for again. */
	bool loss_armed;	/* fail_replies is 1 for this request */
	unsigned long lost_forced, lost_recovered, lost_fds;
};

static void sctp_opts(int fd)
{
	struct timeval tv = { 0, 50000 };
	struct sctp_initmsg im = { .sinit_max_attempts = 2,
				   .sinit_max_init_timeo = 200 };

	/* Bound any wait CONNECTX may do on this socket. */
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SCTP, SCTP_INITMSG, &im, sizeof(im));
}

static int pool_grow(struct pool *p, int n)
{
	int i;

	if (p->ncli + n > p->cap) {
		int cap = (p->ncli + n) * 2;
		int *v = realloc(p->cli, cap * sizeof(int));

		if (!v)
			return -ENOMEM;
		p->cli = v;
		p->cap = cap;
	}
	if (sx_clients(p->family, p->port, n, p->cli + p->ncli))
		return -EIO;
	for (i = 0; i < n; i++)
		sctp_opts(p->cli[p->ncli + i]);
	p->ncli += n;
	/* The server side of each is there once connect() returned. */
	return 0;
}

static int pool_open(struct pool *p, int family, int n)
{
	memset(p, 0, sizeof(*p));
	p->family = family;
	p->srv = sx_server(family, &p->port);
	if (p->srv < 0)
		return p->srv;
	sctp_opts(p->srv);
	return pool_grow(p, n);
}

static void pool_close(struct pool *p)
{
	int i;

	for (i = 0; i < p->ncli; i++)
		close(p->cli[i]);
	if (p->srv >= 0)
		close(p->srv);
	free(p->cli);
	memset(p, 0, sizeof(*p));
	p->srv = -1;
}

/* Drop the client whose local port is @port (its association was peeled). */
static bool pool_drop_port(struct pool *p, uint16_t port)
{
	int i = sx_client_by_port(p->cli, p->ncli, port);

	if (i < 0)
		return false;
	close(p->cli[i]);
	p->cli[i] = p->cli[--p->ncli];
	return true;
}

static int scratch_open(void)
{
	int fd = socket(AF_INET, SOCK_SEQPACKET | SOCK_NONBLOCK, IPPROTO_SCTP);

	if (fd >= 0)
		sctp_opts(fd);
	return fd;
}

static void menu_add(struct world *w, int fd, const char *kind)
{
	if (w->nmenu < 32) {
		w->menu[w->nmenu] = fd;
		w->menu_kind[w->nmenu++] = kind;
	}
}

/* Every other kind of descriptor, opened once. */
static int menu_open(struct world *w)
{
	struct sockaddr_in sin = { .sin_family = AF_INET,
				   .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	int p[2], sv[2], fd, cli[1];
	uint16_t port;
	struct sx_nl nl;
	struct sx_result res;
	uint32_t *ids;
	size_t n;

	if (pipe(p))
		return -errno;
	menu_add(w, p[0], "pipe-r");
	menu_add(w, p[1], "pipe-w");
	fd = open("/tmp/sctpx-fuzz-file", O_RDWR | O_CREAT | O_TRUNC, 0600);
	menu_add(w, fd, "file");
	menu_add(w, open("/", O_RDONLY | O_DIRECTORY), "dir");
	menu_add(w, open("/", O_PATH), "o-path");
	menu_add(w, open("/dev/null", O_RDWR), "devnull");
	menu_add(w, eventfd(0, 0), "eventfd");
	menu_add(w, epoll_create1(0), "epoll");
	fd = socket(AF_INET, SOCK_STREAM, 0);
	if (fd >= 0 && !bind(fd, (struct sockaddr *)&sin, sizeof(sin)))
		listen(fd, 1);
	menu_add(w, fd, "tcp");
	menu_add(w, socket(AF_INET, SOCK_DGRAM, 0), "udp");
	menu_add(w, socket(AF_INET6, SOCK_DGRAM, 0), "udp6");
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv))
		return -errno;
	menu_add(w, sv[0], "unix-stream");
	close(sv[1]);
	if (socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv))
		return -errno;
	menu_add(w, sv[0], "unix-seqpacket");
	close(sv[1]);
	menu_add(w, socket(AF_NETLINK, SOCK_RAW, NETLINK_ROUTE), "netlink");
	menu_add(w, w->nl, "our-netlink");
	fd = socket(AF_INET, SOCK_STREAM, IPPROTO_SCTP);
	sctp_opts(fd);
	menu_add(w, fd, "sctp-1to1-unconnected");

	/* A connected one-to-one client (of the IPv6 server). */
	if (sx_clients(AF_INET6, w->srv6_port, 1, cli))
		return -EIO;
	sctp_opts(cli[0]);
	menu_add(w, cli[0], "sctp-1to1-client");

	/* An already peeled socket: peel srv6's one association. */
	if (sx_nl_open(&nl) || sx_assoc_ids(w->srv6, &ids, &n) || n != 1)
		return -EIO;
	if (w->no_peeloff) {
		/*
		 * The module cannot: the kernel's own peeloff. (7.3 returns
		 * the new fd from getsockopt() too, older kernels 0.)
		 */
		sctp_peeloff_flags_arg_t arg = { .p_arg.associd = ids[0] };
		socklen_t len = sizeof(arg);

		if (getsockopt(w->srv6, SOL_SCTP, SCTP_SOCKOPT_PEELOFF_FLAGS, &arg, &len) < 0)
			return -errno;
		res.v = calloc(1, sizeof(*res.v));
		if (!res.v)
			return -ENOMEM;
		res.n = 1;
		res.v[0].fd = arg.p_arg.sd;
	} else if (sx_peeloff(&nl, w->srv6, 0, false, ids, 1, NULL, &res) ||
		   res.n != 1 || res.v[0].fd < 0) {
		return -EIO;
	}
	sctp_opts(res.v[0].fd);
	menu_add(w, res.v[0].fd, "sctp-peeled");
	w->peeled_ids[w->npeeled++] = ids[0];
	free(ids);
	sx_result_free(&res);
	sx_nl_close(&nl);

	/* A listening one-to-many socket nobody connects to. */
	fd = sx_server(AF_INET, &port);
	sctp_opts(fd);
	menu_add(w, fd, "sctp-1tom-empty");
	for (n = 0; n < (size_t)w->nmenu; n++)
		if (w->menu[n] < 0)
			return -EIO;
	return 0;
}

/* ---- descriptor sets ---- */

struct fdset {
	int v[4096];
	int n;
};

static int cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;

	return x < y ? -1 : x > y;
}

static int fdset_read(struct fdset *s)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *de;
	int dfd;

	s->n = 0;
	if (!d)
		return -1;
	dfd = dirfd(d);
	while ((de = readdir(d))) {
		int fd;

		if (de->d_name[0] == '.')
			continue;
		fd = atoi(de->d_name);
		if (fd != dfd && s->n < 4096)
			s->v[s->n++] = fd;
	}
	closedir(d);
	qsort(s->v, s->n, sizeof(int), cmp_int);
	return 0;
}

static bool fdset_has(const struct fdset *s, int fd)
{
	return bsearch(&fd, s->v, s->n, sizeof(int), cmp_int) != NULL;
}

/* ---- generating requests ---- */

static int pick_fd(struct world *w, bool connectx)
{
	static const int odd[] = { -1, -2, INT_MIN, INT_MAX, 65000, 1000000 };
	uint32_t x = rnd(100);

	if (connectx) {
		if (x < 40)
			return w->scratch;
		if (x < 45)
			return w->srv.srv;
	} else {
		if (x < 45)
			return w->srv.srv;
		if (x < 55)
			return w->other.srv;
		if (x < 58)
			return w->srv6;
		if (x < 62)
			return w->scratch;
	}
	if (x < 70)
		return odd[rnd(sizeof(odd) / sizeof(odd[0]))];
	return w->menu[rnd(w->nmenu)];
}

static uint32_t pick_id(struct world *w, const struct ids *srv,
			const struct ids *other)
{
	static const uint32_t odd[] = { 0, 1, 2, 3, 0x7fffffff, 0x80000000,
					0xffffffff, 0xfffffffe };
	uint32_t x = rnd(100);

	if (x < 45 && srv->n)
		return srv->v[rnd(srv->n)];
	if (x < 60 && other->n)
		return other->v[rnd(other->n)];
	if (x < 70 && w->npeeled)
		return w->peeled_ids[rnd(w->npeeled)];
	if (x < 85)
		return odd[rnd(sizeof(odd) / sizeof(odd[0]))];
	return rnd32();
}

static uint16_t pick_port(struct world *w, bool for_connect)
{
	static const uint16_t odd[] = { 0, 1, 9, 65535 };
	uint32_t x = rnd(100);

	if (for_connect) {
		if (x < 45)
			return w->cx_port;
		if (x < 75)
			return w->closed_port;
	} else {
		if (x < 30 && w->srv.ncli)
			return sx_local_port(w->srv.cli[rnd(w->srv.ncli)]);
		if (x < 50)
			return w->srv.port;
	}
	if (x < 90)
		return odd[rnd(4)];
	return rnd32();
}

static void gen_addr(struct world *w, struct req *r, uint16_t type,
		     bool for_connect)
{
	static const char *v4[] = { "127.0.0.1", "127.0.0.2", "127.1.2.3",
				    "0.0.0.0", "255.255.255.255", "224.0.0.1",
				    "10.11.12.13", "192.0.2.1" };
	static const char *v6[] = { "::1", "::", "::ffff:127.0.0.1",
				    "fe80::1", "ff02::1", "2001:db8::1" };
	uint8_t a[16];
	size_t off = nest_start(r, nested(type));
	uint32_t x = rnd(100), i;

	if (x < 60 || x >= 97) {
		if (chance(80))
			inet_pton(AF_INET, v4[rnd(8)], a);
		else
			for (i = 0; i < 4; i++)
				a[i] = rnd32();
		if (chance(95))
			put_attr(r, SCTPX_ADDR_A_IN4, a, 4);
		else
			put_junk(r, SCTPX_ADDR_A_IN4);
	}
	if (x >= 60 && x < 98) {
		if (chance(80))
			inet_pton(AF_INET6, v6[rnd(6)], a);
		else
			for (i = 0; i < 16; i++)
				a[i] = rnd32();
		if (chance(95))
			put_attr(r, SCTPX_ADDR_A_IN6, a, 16);
		else
			put_junk(r, SCTPX_ADDR_A_IN6);
	}
	if (chance(85)) {
		if (chance(95))
			put_u16(r, SCTPX_ADDR_A_PORT, pick_port(w, for_connect));
		else
			put_junk(r, SCTPX_ADDR_A_PORT);
	}
	if (chance(10))
		put_u32(r, SCTPX_ADDR_A_SCOPE_ID, chance(50) ? 1 : rnd32());
	if (chance(3))
		put_junk(r, rnd(8));
	nest_end(r, off);
}

/* A selection; true if it carries ids, which only ASSOC_GET takes. */
static bool gen_select(struct world *w, struct req *r)
{
	size_t off = nest_start(r, nested(SCTPX_A_SELECT));
	bool ids = chance(15);
	int k;

	if (chance(30))
		put_u32(r, SCTPX_SELECT_A_STATES,
			chance(50) ? 1u << SCTP_ESTABLISHED : rnd32());
	if (chance(20))
		gen_addr(w, r, SCTPX_SELECT_A_PEER_ADDR, false);
	if (chance(20))
		put_u16(r, SCTPX_SELECT_A_PEER_PORT, pick_port(w, false));
	if (chance(20))
		put_u32(r, SCTPX_SELECT_A_ORDER, rnd(4));
	if (chance(40))
		put_u32(r, SCTPX_SELECT_A_LIMIT,
			chance(70) ? rnd(6) : chance(50) ? 4097 : rnd32());
	for (k = 0; ids && k < 1 + (int)rnd(8); k++)
		put_u32(r, SCTPX_SELECT_A_ASSOC_ID,
			w->npeeled && chance(30) ?
			w->peeled_ids[rnd(w->npeeled)] : rnd(5000));
	if (chance(5))
		put_junk(r, rnd(SCTPX_SELECT_A_MAX + 3));
	if (chance(2)) {
		/* Deep nesting where none is expected. */
		size_t o[8];
		int d, depth = 1 + rnd(8);

		for (d = 0; d < depth; d++)
			o[d] = nest_start(r, nested(1 + rnd(SCTPX_SELECT_A_MAX)));
		while (d--)
			nest_end(r, o[d]);
	}
	nest_end(r, off);
	return ids;
}

static void gen_peeloff(struct world *w, struct req *r, int *fd,
			const struct ids *srv, const struct ids *other)
{
	static const uint32_t flags[] = { 0, SOCK_NONBLOCK, SOCK_CLOEXEC,
					  SOCK_NONBLOCK | SOCK_CLOEXEC, 1, ~0u };
	size_t n = 0, i;
	uint32_t x, v;
	bool has_fd = chance(95);

	/* What the oracle may expect, when the request goes out undamaged. */
	w->nreq_ids = 0;
	w->req_sel = w->req_atomic = false;
	w->req_flags = 0;
	w->req_flags_ok = true;
	w->req_bad = !has_fd;	/* missing SCTPX_A_SOCK_FD */
	if (has_fd)
		put_u32(r, SCTPX_A_SOCK_FD, *fd);
	if (chance(3)) {
		/* Repeated: the last one counts. */
		*fd = pick_fd(w, false);
		put_u32(r, SCTPX_A_SOCK_FD, *fd);
		w->req_bad = false;
	}
	if (chance(40)) {
		v = flags[rnd(6)];
		put_u32(r, SCTPX_A_FLAGS, v);
		w->req_flags = v;
		if (v & ~(uint32_t)(SOCK_NONBLOCK | SOCK_CLOEXEC))
			w->req_bad = true;	/* unsupported flags */
	}
	if (chance(2)) {
		put_u32(r, SCTPX_A_ATOMIC, 0);	/* a flag with a payload */
		w->req_bad = true;
	}
	if (chance(20)) {
		put_attr(r, SCTPX_A_ATOMIC, NULL, 0);
		w->req_atomic = true;
	}
	if (chance(30))
		put_attr(r, SCTPX_A_BRIEF, NULL, 0);
	if (chance(2)) {
		put_u32(r, SCTPX_A_BRIEF, 1);	/* a flag with a payload */
		w->req_bad = true;
	}

	x = rnd(100);
	if (x < 25) {
		/* PEELOFF's selection policy refuses ids. */
		if (gen_select(w, r))
			w->req_bad = true;
		w->req_sel = true;
		if (chance(10)) {
			n = 1;	/* both: refused */
			w->req_bad = true;
		}
	} else if (x < 30) {
		n = 0;
		w->req_bad = true;	/* neither ids nor a selection */
	} else if (x < 85) {
		n = 1 + rnd(chance(70) ? 4 : 40);
	} else if (x < 88) {
		n = 4097 + rnd(1000);	/* over max_batch */
	} else {
		/* Many duplicates of real ids. */
		n = 100 + rnd(1000);
	}
	if (n > w->max_batch)
		w->req_bad = true;	/* E2BIG */
	for (i = 0; i < n; i++) {
		if (x >= 88 && i)
			v = srv->n ? srv->v[i % srv->n] : 5;
		else if (chance(97))
			v = pick_id(w, srv, other);
		else {
			put_junk(r, SCTPX_A_ASSOC_ID);
			w->req_bad = true;	/* a u32 of the wrong length */
			continue;
		}
		put_u32(r, SCTPX_A_ASSOC_ID, v);
		if (w->nreq_ids < ENTRIES_MAX)
			w->req_ids[w->nreq_ids++] = v;
	}
}

static void gen_connectx(struct world *w, struct req *r, int fd)
{
	size_t npeers, naddrs, i, j;
	uint32_t x = rnd(100);

	w->cx_npeers = 0;
	if (chance(95))
		put_u32(r, SCTPX_A_SOCK_FD, fd);
	/* Version 1's wait: refused by the policy since version 2. */
	if (chance(5))
		put_u32(r, SCTPX_A_RESERVED_16, rnd(1000));
	if (chance(40)) {
		/* Well formed: loopback peers that answer or refuse. */
		npeers = 1 + rnd(4);
		w->cx_npeers = npeers;
		for (i = 0; i < npeers; i++) {
			size_t off = nest_start(r, SCTPX_A_PEER | NLA_F_NESTED);
			size_t a = nest_start(r, SCTPX_PEER_A_ADDR | NLA_F_NESTED);
			uint32_t ip = htonl(0x7f000001 + rnd(250));

			put_attr(r, SCTPX_ADDR_A_IN4, &ip, 4);
			put_u16(r, SCTPX_ADDR_A_PORT,
				chance(80) ? w->cx_port : w->closed_port);
			nest_end(r, a);
			nest_end(r, off);
		}
		return;
	}
	npeers = x < 5 ? 0 : x < 93 ? 1 + rnd(4) : x < 96 ? 1025 : 2;
	for (i = 0; i < npeers; i++) {
		size_t off = nest_start(r, nested(SCTPX_A_PEER));

		naddrs = chance(3) ? 65 : chance(5) ? 0 : 1 + rnd(3);
		for (j = 0; j < naddrs; j++)
			gen_addr(w, r, SCTPX_PEER_A_ADDR, true);
		if (chance(3))
			put_junk(r, rnd(4));
		nest_end(r, off);
		if (r->overflow)
			break;
	}
}

static void gen_dump(struct world *w, struct req *r, int fd)
{
	w->req_bad = !chance(95);
	if (!w->req_bad)
		put_u32(r, SCTPX_A_SOCK_FD, fd);
	w->req_sel = chance(30);
	if (w->req_sel)
		gen_select(w, r);
}

/* Random junk attributes of any type, valid or not. */
static void gen_junk_attrs(struct req *r)
{
	int k = 1 + rnd(3);

	while (k--) {
		uint16_t type = chance(70) ? rnd(SCTPX_A_MAX + 3) : rnd32();

		if (chance(50))
			put_u32(r, type, rnd32());
		else
			put_junk(r, type);
	}
}

/* Damage a built request; the netlink header stays consistent. */
static void mutate(struct req *r, size_t payload)
{
	int k = 1 + rnd(3);

	while (k--) {
		uint32_t x = rnd(100);

		if (r->len <= payload)
			return;
		if (x < 40) {
			r->b[payload + rnd(r->len - payload)] ^= 1u << rnd(8);
		} else if (x < 60) {
			/* Some attribute's length, wrong. */
			size_t off = payload;
			size_t steps = rnd(8);

			while (steps-- && off + NLA_HDRLEN <= r->len) {
				struct nlattr *a = (struct nlattr *)(r->b + off);

				if (a->nla_len < NLA_HDRLEN)
					break;
				off += NLA_ALIGN(a->nla_len);
			}
			if (off + NLA_HDRLEN <= r->len) {
				struct nlattr *a = (struct nlattr *)(r->b + off);

				a->nla_len = chance(50) ? rnd(8) : rnd32();
			}
		} else if (x < 80) {
			r->len = payload + rnd(r->len - payload);
		} else if (x < 90) {
			uint8_t junk[16];
			size_t i, n = 1 + rnd(16);

			for (i = 0; i < n; i++)
				junk[i] = rnd32();
			put_raw(r, junk, n);
		} else {
			struct genlmsghdr *g = (struct genlmsghdr *)
				(r->b + NLMSG_HDRLEN);

			if (chance(50))
				g->version = rnd32();
			else
				g->reserved = rnd32();
		}
	}
}

/* ---- answers ---- */

/* Do the attributes exactly fill [p, p + len)? */
static bool attrs_ok(const void *p, int len)
{
	const struct nlattr *a = p;

	while (len >= NLA_HDRLEN) {
		if (a->nla_len < NLA_HDRLEN || a->nla_len > len)
			return false;
		len -= NLA_ALIGN(a->nla_len);
		a = (const void *)((const char *)a + NLA_ALIGN(a->nla_len));
	}
	return len == 0 || len < 0;
}

/* One SCTPX_A_ASSOC entry of a reply, as far as the oracle needs it. */
struct entry {
	bool has_id, has_fd, has_err;
	uint32_t id, err;
	int fd;
	struct paddr peer;	/* the first PEER_ADDR (the primary path) */
};

struct answer {
	int err;		/* positive errno, 0 for a reply */
	bool send_failed;	/* err came from send(), not from the family */
	bool lost;		/* recv() said ENOBUFS: the reply was lost */
	int nmsgs;
	int fds[ENTRIES_MAX];
	uint32_t fd_ids[ENTRIES_MAX];
	int nfds;
	struct entry ent[ENTRIES_MAX];
	int nent;
	char why[160];		/* non-empty: the answer is malformed */
};

/*
 * The errnos each op documents (Documentation/sctpx.rst). ERANGE is the
 * netlink core's answer to a policy range violation (NLA_POLICY_MIN/MAX,
 * and the exact lengths of IN4 and IN6, which are binary ranges); the
 * documentation folds those into EINVAL.
 */
static bool request_errno_ok(uint8_t cmd, int e)
{
	switch (cmd) {
	case SCTPX_CMD_INFO_GET:
		return e == EINVAL || e == ENOMEM || e == EMSGSIZE || e == EOPNOTSUPP;
	case SCTPX_CMD_ASSOC_GET:
		return e == EINVAL || e == ERANGE || e == EBADF || e == ENOTSOCK ||
		       e == EOPNOTSUPP || e == ENOMEM || e == EMSGSIZE;
	case SCTPX_CMD_PEELOFF:
		return e == EINVAL || e == ERANGE || e == E2BIG || e == EBADF ||
		       e == ENOTSOCK || e == EOPNOTSUPP || e == ENOMEM ||
		       e == EMFILE || e == EMSGSIZE || e == ENOBUFS;
	case SCTPX_CMD_CONNECTX:
		return e == EINVAL || e == ERANGE || e == E2BIG || e == EBADF ||
		       e == ENOTSOCK || e == EOPNOTSUPP || e == ENOMEM ||
		       e == EMSGSIZE || e == ENOBUFS;
	case SCTPX_CMD_LOST_REPLY_GET:
		/* Nothing kept (ENOENT); any attribute is EINVAL. */
		return e == ENOENT || e == EINVAL || e == ENOMEM ||
		       e == EOPNOTSUPP;
	default:
		/* An unknown command, or one asked for in the wrong mode. */
		return e == EOPNOTSUPP;
	}
}

/* Per-entry errnos. */
static bool entry_errno_ok(uint8_t cmd, uint32_t e)
{
	switch (cmd) {
	case SCTPX_CMD_PEELOFF:
		/* The entry checks; sctp_do_peeloff(); sock_alloc_file(). */
		return e == EINVAL || e == ENOMEM || e == ENFILE;
	case SCTPX_CMD_CONNECTX:
		/*
		 * The kernel's connect errors the documentation names, the
		 * ECONNREFUSED of an association that ended before its id
		 * could be read, ECONNRESET of one that entered shutdown;
		 * and the routing errors of the kernel's connect for the
		 * unreachable addresses the fuzzer sends (10.11.12.13,
		 * 192.0.2.1, 2001:db8::1 have no route in the guest).
		 */
		return e == EISCONN || e == EALREADY || e == EADDRNOTAVAIL ||
		       e == EAGAIN || e == EACCES || e == ECONNREFUSED ||
		       e == ETIMEDOUT || e == EINVAL || e == ECONNRESET ||
		       e == ENETUNREACH || e == EHOSTUNREACH;
	default:
		return false;
	}
}

static void bad(struct answer *a, const char *why, long v)
{
	if (!a->why[0])
		snprintf(a->why, sizeof(a->why), "%s (%ld)", why, v);
}

/* The first address of an address nest (IN4 or IN6, and PORT). */
static void parse_paddr(struct paddr *p, const void *d, int len)
{
	const struct nlattr *a = d;

	for (; len >= NLA_HDRLEN; len -= NLA_ALIGN(a->nla_len),
	     a = (const void *)((const char *)a + NLA_ALIGN(a->nla_len))) {
		const uint8_t *v = (const uint8_t *)a + NLA_HDRLEN;

		switch (a->nla_type & NLA_TYPE_MASK) {
		case SCTPX_ADDR_A_IN4:
			if (a->nla_len == NLA_HDRLEN + 4) {
				p->family = AF_INET;
				memcpy(p->a, v, 4);
			}
			break;
		case SCTPX_ADDR_A_IN6:
			if (a->nla_len == NLA_HDRLEN + 16) {
				if (IN6_IS_ADDR_V4MAPPED((const struct in6_addr *)v)) {
					p->family = AF_INET;
					memcpy(p->a, v + 12, 4);
				} else {
					p->family = AF_INET6;
					memcpy(p->a, v, 16);
				}
			}
			break;
		case SCTPX_ADDR_A_PORT:
			if (a->nla_len >= NLA_HDRLEN + 2)
				memcpy(&p->port, v, 2);
			break;
		default:
			break;
		}
	}
}

/* Check one SCTPX_A_ASSOC nest of a reply to @cmd. */
static void check_assoc(struct answer *ans, uint8_t cmd, const struct nlattr *nest,
			uint32_t *next_index)
{
	const struct nlattr *a = (const void *)((const char *)nest + NLA_HDRLEN);
	int len = nest->nla_len - NLA_HDRLEN;
	bool has_id = false, has_fd = false, has_err = false, has_idx = false;
	uint32_t id = 0, idx = 0, err = 0;
	struct paddr peer = { 0 };
	int fd = -1;

	if (!attrs_ok(a, len)) {
		bad(ans, "SCTPX_A_ASSOC nest overruns", len);
		return;
	}
	for (; len >= NLA_HDRLEN; len -= NLA_ALIGN(a->nla_len),
	     a = (const void *)((const char *)a + NLA_ALIGN(a->nla_len))) {
		const void *d = (const char *)a + NLA_HDRLEN;

		switch (a->nla_type & NLA_TYPE_MASK) {
		case SCTPX_ASSOC_A_ID:
			has_id = a->nla_len == NLA_HDRLEN + 4;
			memcpy(&id, d, 4);
			break;
		case SCTPX_ASSOC_A_FD:
			has_fd = a->nla_len == NLA_HDRLEN + 4;
			memcpy(&fd, d, 4);
			break;
		case SCTPX_ASSOC_A_ERROR:
			has_err = a->nla_len == NLA_HDRLEN + 4;
			memcpy(&err, d, 4);
			break;
		case SCTPX_ASSOC_A_PEER_INDEX:
			has_idx = a->nla_len == NLA_HDRLEN + 4;
			memcpy(&idx, d, 4);
			break;
		case SCTPX_ASSOC_A_PEER_ADDR:
			if (!attrs_ok(d, a->nla_len - NLA_HDRLEN))
				bad(ans, "address nest overruns", a->nla_len);
			else if (!peer.family)
				parse_paddr(&peer, d, a->nla_len - NLA_HDRLEN);
			break;
		default:
			break;
		}
	}
	if (has_err && !entry_errno_ok(cmd, err))
		bad(ans, "entry errno not documented for the op", err);
	if (ans->nent < ENTRIES_MAX) {
		struct entry *e = &ans->ent[ans->nent++];

		e->has_id = has_id;
		e->has_fd = has_fd;
		e->has_err = has_err;
		e->id = id;
		e->err = err;
		e->fd = fd;
		e->peer = peer;
	} else {
		bad(ans, "more entries than the fuzzer can hold", ans->nent);
	}
	switch (cmd) {
	case SCTPX_CMD_PEELOFF:
		if (!has_id)
			bad(ans, "PEELOFF entry without id", 0);
		if (has_fd == has_err)
			bad(ans, "PEELOFF entry needs exactly one of fd and error", has_fd);
		if (has_fd) {
			if (fd < 0 || ans->nfds >= 8192)
				bad(ans, "PEELOFF entry with a bad fd", fd);
			else {
				ans->fd_ids[ans->nfds] = id;
				ans->fds[ans->nfds++] = fd;
			}
		}
		break;
	case SCTPX_CMD_ASSOC_GET:
		if (!has_id || has_fd || has_err)
			bad(ans, "ASSOC_GET entry malformed", id);
		break;
	case SCTPX_CMD_CONNECTX:
		if (!has_idx || idx != *next_index)
			bad(ans, "CONNECTX entries out of peer order", idx);
		(*next_index)++;
		if (has_fd || (!has_id && !has_err))
			bad(ans, "CONNECTX entry malformed", idx);
		break;
	default:
		bad(ans, "SCTPX_A_ASSOC in an unexpected reply", cmd);
	}
}

static void check_reply(struct world *w, struct answer *ans, uint8_t cmd,
			const struct nlmsghdr *nlh, uint32_t *next_index)
{
	const struct genlmsghdr *g = NLMSG_DATA(nlh);
	const struct nlattr *a = (const void *)((const char *)g + GENL_HDRLEN);
	int len = nlh->nlmsg_len - NLMSG_HDRLEN - GENL_HDRLEN;
	bool version = false;

	if (nlh->nlmsg_type != w->family) {
		bad(ans, "reply of another family", nlh->nlmsg_type);
		return;
	}
	if (len < 0 || g->cmd != cmd) {
		bad(ans, "reply with the wrong command", g->cmd);
		return;
	}
	if (!attrs_ok(a, len)) {
		bad(ans, "reply attributes overrun", len);
		return;
	}
	for (; len >= NLA_HDRLEN; len -= NLA_ALIGN(a->nla_len),
	     a = (const void *)((const char *)a + NLA_ALIGN(a->nla_len))) {
		switch (a->nla_type & NLA_TYPE_MASK) {
		case SCTPX_A_ASSOC:
			check_assoc(ans, cmd, a, next_index);
			break;
		case SCTPX_A_FAMILY_VERSION:
			version = true;
			break;
		case SCTPX_A_RESERVED_17:
			bad(ans, "version 1's WAIT_END in a reply", cmd);
			break;
		default:
			break;
		}
	}
	if (cmd == SCTPX_CMD_INFO_GET && !version)
		bad(ans, "INFO_GET reply without version", 0);
}

/*
 * Send @r and read its whole answer: an NLMSG_ERROR, or replies up to the
 * last one (non-multipart, NLMSG_DONE, or the ack asked for).
 */
static int transact(struct world *w, struct req *r, struct answer *ans,
		    uint8_t cmd, bool ack)
{
	struct nlmsghdr *req = (struct nlmsghdr *)r->b;
	uint32_t next_index = 0;
	bool done = false;

	memset(ans, 0, offsetof(struct answer, fds));
	ans->nfds = 0;
	ans->nent = 0;
	ans->why[0] = 0;
	req->nlmsg_len = r->len;
	req->nlmsg_seq = ++w->seq;
	if (send(w->nl, r->b, r->len, 0) != (ssize_t)r->len) {
		/* The socket layer refused it: an errno all the same. */
		ans->err = errno;
		ans->send_failed = true;
		return 0;
	}
	while (!done) {
		struct pollfd p = { .fd = w->nl, .events = POLLIN };
		struct nlmsghdr *nlh;
		ssize_t n;
		int len;

		if (poll(&p, 1, ANSWER_MS) != 1) {
			bad(ans, "no answer within ms", ANSWER_MS);
			return -1;
		}
		n = recv(w->nl, w->rbuf, RBUF_MAX, MSG_TRUNC);
		if (n < 0 && errno == ENOBUFS && w->loss_armed) {
			/* The reply was dropped; nothing else comes (no ack). */
			ans->lost = true;
			break;
		}
		if (n < 0 || n > RBUF_MAX) {
			bad(ans, "recv failed or truncated", n < 0 ? errno : n);
			return -1;
		}
		len = n;
		for (nlh = (struct nlmsghdr *)w->rbuf; NLMSG_OK(nlh, len);
		     nlh = NLMSG_NEXT(nlh, len)) {
			if (nlh->nlmsg_seq != w->seq) {
				bad(ans, "message of another request", nlh->nlmsg_seq);
				continue;
			}
			if (done) {
				bad(ans, "message after the end of the answer", nlh->nlmsg_type);
				continue;
			}
			ans->nmsgs++;
			if (nlh->nlmsg_type == NLMSG_ERROR) {
				struct nlmsgerr *e = NLMSG_DATA(nlh);

				if (e->error > 0 || e->error < -4095)
					bad(ans, "nlmsgerr out of range", e->error);
				if (e->error == 0 && !ack)
					bad(ans, "ack nobody asked for", 0);
				if (e->error)
					ans->err = -e->error;
				done = true;
			} else if (nlh->nlmsg_type == NLMSG_DONE) {
				int e = 0;

				if (nlh->nlmsg_len >= NLMSG_HDRLEN + sizeof(int))
					memcpy(&e, NLMSG_DATA(nlh), sizeof(e));
				if (e > 0 || e < -4095)
					bad(ans, "NLMSG_DONE error out of range", e);
				ans->err = -e;
				done = true;
			} else {
				check_reply(w, ans, cmd, nlh, &next_index);
				if (!(nlh->nlmsg_flags & NLM_F_MULTI) && !ack)
					done = true;
			}
		}
		if (len > 0)
			bad(ans, "trailing bytes in a datagram", len);
	}
	/* Nothing may follow the answer. */
	if (recv(w->nl, w->rbuf, RBUF_MAX, MSG_DONTWAIT) >= 0)
		bad(ans, "extra message after the answer", 0);
	if (!ans->err && !ans->why[0] && ans->nmsgs == 0 && !ans->lost)
		bad(ans, "empty answer", 0);
	return 0;
}

static long knob_read(void)
{
	char buf[32];

	if (sx_sysfs_read(FAIL_REPLIES, buf, sizeof(buf)))
		return -1;
	return strtol(buf, NULL, 10);
}

/*
 * The reply of request @seq (command @cmd) was lost: ask for it with
 * SCTPX_CMD_LOST_REPLY_GET on the same socket. It must come back once,
 * as it was (its own command and sequence number), and be read into @ans
 * like any reply; a second LOST_REPLY_GET is ENOENT.
 */
static bool recover_lost(struct world *w, struct answer *ans, uint8_t cmd,
			 uint32_t seq)
{
	struct {
		struct nlmsghdr n;
		struct genlmsghdr g;
	} q = {
		.n = { .nlmsg_len = sizeof(q), .nlmsg_type = w->family,
		       .nlmsg_flags = NLM_F_REQUEST },
		.g = { .cmd = SCTPX_CMD_LOST_REPLY_GET,
		       .version = SCTPX_FAMILY_VERSION },
	};
	struct pollfd p = { .fd = w->nl, .events = POLLIN };
	uint32_t next_index = 0;
	struct nlmsghdr *nlh;
	int pass;
	ssize_t n;

	for (pass = 0; pass < 2; pass++) {
		q.n.nlmsg_seq = ++w->seq;
		w->op_req[SCTPX_CMD_LOST_REPLY_GET]++;
		if (send(w->nl, &q, sizeof(q), 0) != sizeof(q)) {
			bad(ans, "LOST_REPLY_GET not sent", errno);
			return false;
		}
		if (poll(&p, 1, ANSWER_MS) != 1) {
			bad(ans, "no answer to LOST_REPLY_GET within ms", ANSWER_MS);
			return false;
		}
		n = recv(w->nl, w->rbuf, RBUF_MAX, MSG_TRUNC);
		nlh = (struct nlmsghdr *)w->rbuf;
		if (n < 0 || n > RBUF_MAX || !NLMSG_OK(nlh, n) ||
		    NLMSG_ALIGN(nlh->nlmsg_len) < (size_t)n) {
			bad(ans, "LOST_REPLY_GET: not one message", n < 0 ? errno : n);
			return false;
		}
		if (pass == 1) {
			/* Once only. */
			if (nlh->nlmsg_type != NLMSG_ERROR || nlh->nlmsg_seq != w->seq ||
			    ((struct nlmsgerr *)NLMSG_DATA(nlh))->error != -ENOENT) {
				bad(ans, "second LOST_REPLY_GET not ENOENT", nlh->nlmsg_type);
				return false;
			}
			break;
		}
		if (nlh->nlmsg_type == NLMSG_ERROR) {
			bad(ans, "LOST_REPLY_GET failed",
			    ((struct nlmsgerr *)NLMSG_DATA(nlh))->error);
			return false;
		}
		if (nlh->nlmsg_seq != seq) {
			bad(ans, "kept reply not under its request's sequence number",
			    nlh->nlmsg_seq);
			return false;
		}
		if (nlh->nlmsg_flags & NLM_F_MULTI) {
			bad(ans, "kept reply is multipart", nlh->nlmsg_flags);
			return false;
		}
		ans->nmsgs++;
		check_reply(w, ans, cmd, nlh, &next_index);
		if (ans->why[0])
			return false;
		w->op_ok[SCTPX_CMD_LOST_REPLY_GET]++;
		w->op_items[SCTPX_CMD_LOST_REPLY_GET] += ans->nent;
	}
	return !ans->why[0];
}

/* ---- the fuzz loop ---- */

static int ids_get(int fd, struct ids *s)
{
	free(s->v);
	s->v = NULL;
	s->n = 0;
	if (sx_assoc_ids(fd, &s->v, &s->n))
		return -1;
	qsort(s->v, s->n, sizeof(uint32_t), cmp_int);
	return 0;
}

static bool ids_has(const struct ids *s, uint32_t id)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		if (s->v[i] == id)
			return true;
	return false;
}

static void track_add(struct world *w, int fd, const char *name,
		      bool one_to_one, bool churns)
{
	struct tsock *t;

	if (w->ntrack >= TRACK_MAX || fd < 0)
		return;
	t = &w->track[w->ntrack++];
	t->fd = fd;
	t->name = name;
	t->one_to_one = one_to_one;
	t->churns = churns;
}

/*
 * Every SCTP socket the fuzzer holds, rebuilt before each request (the
 * CONNECTX socket is recycled). The id lists stay allocated in place.
 */
static void track_build(struct world *w)
{
	int i;

	w->ntrack = 0;
	track_add(w, w->srv.srv, "main pool", false, false);
	track_add(w, w->other.srv, "other pool", false, false);
	track_add(w, w->srv6, "srv6", false, false);
	track_add(w, w->scratch, "connectx socket", false, false);
	/* Its associations come from CONNECTX and end with their peers. */
	track_add(w, w->cx_target, "connectx target", false, true);
	for (i = 0; i < w->nmenu; i++) {
		const char *k = w->menu_kind[i];

		if (!strcmp(k, "sctp-1tom-empty"))
			track_add(w, w->menu[i], k, false, false);
		else if (!strncmp(k, "sctp-", 5))
			track_add(w, w->menu[i], k, true, false);
	}
}

static void track_free(struct world *w)
{
	int i;

	for (i = 0; i < TRACK_MAX; i++) {
		free(w->track[i].before.v);
		free(w->track[i].after.v);
		memset(&w->track[i], 0, sizeof(w->track[i]));
	}
	w->ntrack = 0;
}

/*
 * A tracked socket's associations: the id list of a one-to-many socket;
 * of a one-to-one socket, its association by SCTP_STATUS (which answers
 * once it is established).
 */
static int track_ids(const struct tsock *t, struct ids *s)
{
	struct sctp_status st = { 0 };
	socklen_t len = sizeof(st);

	if (!t->one_to_one)
		return ids_get(t->fd, s);
	free(s->v);
	s->v = NULL;
	s->n = 0;
	if (getsockopt(t->fd, SOL_SCTP, SCTP_STATUS, &st, &len))
		return 0;
	s->v = malloc(sizeof(*s->v));
	if (!s->v)
		return -1;
	s->v[0] = st.sstat_assoc_id;
	s->n = 1;
	return 0;
}

static const struct prec *prec_find(const struct world *w, uint32_t id)
{
	size_t i;

	for (i = 0; i < w->nprec; i++)
		if (w->prec[i].id == id)
			return &w->prec[i];
	return NULL;
}

/* Before a request: every tracked socket's associations and their peers. */
static int track_before(struct world *w)
{
	int t;
	size_t j;

	w->nprec = 0;
	for (t = 0; t < w->ntrack; t++) {
		struct tsock *ts = &w->track[t];

		if (track_ids(ts, &ts->before))
			return -1;
		for (j = 0; j < ts->before.n; j++) {
			struct sctp_status st = { .sstat_assoc_id = ts->before.v[j] };
			socklen_t len = sizeof(st);
			struct prec *p;

			if (w->nprec == w->prec_cap) {
				size_t cap = w->prec_cap ? 2 * w->prec_cap : 256;

				p = realloc(w->prec, cap * sizeof(*p));
				if (!p)
					return -1;
				w->prec = p;
				w->prec_cap = cap;
			}
			p = &w->prec[w->nprec++];
			memset(p, 0, sizeof(*p));
			p->id = ts->before.v[j];
			p->t = t;
			/* An association that ended meanwhile keeps no peer. */
			if (!getsockopt(ts->fd, SOL_SCTP, SCTP_STATUS, &st, &len))
				paddr_from_sa(&p->peer, (const char *)&st.sstat_primary +
					      offsetof(struct sctp_paddrinfo, spinfo_address));
		}
	}
	return 0;
}

static bool cx_has(const struct world *w, uint32_t id)
{
	size_t i;

	for (i = 0; i < w->ncx; i++)
		if (w->cx_ids[i] == id)
			return true;
	return false;
}

static void cx_add(struct world *w, uint32_t id)
{
	if (cx_has(w, id))
		return;
	if (w->ncx == w->cx_cap) {
		size_t cap = w->cx_cap ? 2 * w->cx_cap : 1024;
		uint32_t *v = realloc(w->cx_ids, cap * sizeof(*v));

		if (!v)
			return;
		w->cx_ids = v;
		w->cx_cap = cap;
	}
	w->cx_ids[w->ncx++] = id;
}

static struct tsock *track_by_fd(struct world *w, int fd)
{
	int t;

	for (t = 0; t < w->ntrack; t++)
		if (w->track[t].fd == fd)
			return &w->track[t];
	return NULL;
}

#define OOPS(...) do { TH_LOG(__VA_ARGS__); ok = false; } while (0)

/*
 * After a request (cmd 0: an abandoned dump, no answer): what every
 * tracked socket lost and gained must be exactly what the answer says.
 * @fd is the socket the request named; @strict: the request went out as
 * generated (no junk attribute, no mutation), so the generator's record
 * of it holds.
 */
static bool oracle(struct __test_metadata *_metadata, struct world *w,
		   const struct answer *ans, uint8_t cmd, int fd, bool strict,
		   unsigned long i)
{
	struct tsock *req = track_by_fd(w, fd);
	char b1[80], b2[80];
	bool ok = true;
	int t, k, j;
	size_t n;

	for (t = 0; t < w->ntrack; t++)
		if (track_ids(&w->track[t], &w->track[t].after))
			OOPS("request %lu: cannot list the associations of %s", i,
			     w->track[t].name);

	/*
	 * Every descriptor handed over holds the association its entry names
	 * (SCTP_STATUS answers on it: a one-to-many socket would refuse
	 * association 0), which was on a socket the fuzzer holds (the one the
	 * request named) and is no longer there, with the same peer.
	 */
	for (k = 0; cmd == SCTPX_CMD_PEELOFF && k < ans->nent; k++) {
		const struct entry *e = &ans->ent[k];
		struct sctp_status st = { 0 };
		socklen_t len = sizeof(st);
		const struct prec *pr;
		struct paddr got;

		if (!e->has_fd)
			continue;
		if (getsockopt(e->fd, SOL_SCTP, SCTP_STATUS, &st, &len)) {
			OOPS("request %lu: fd %d of association %u holds no association (SCTP_STATUS: %s)",
			     i, e->fd, e->id, strerror(errno));
			continue;
		}
		if ((uint32_t)st.sstat_assoc_id != e->id)
			OOPS("request %lu: fd %d holds association %u, its entry names %u",
			     i, e->fd, (uint32_t)st.sstat_assoc_id, e->id);
		paddr_from_sa(&got, (const char *)&st.sstat_primary +
			      offsetof(struct sctp_paddrinfo, spinfo_address));
		if (e->peer.family && !paddr_eq(&got, &e->peer))
			OOPS("request %lu: fd %d has peer %s, its entry says %s", i,
			     e->fd, paddr_str(&got, b1, sizeof(b1)),
			     paddr_str(&e->peer, b2, sizeof(b2)));
		pr = prec_find(w, e->id);
		if (!pr) {
			OOPS("request %lu: association %u (fd %d) was on no socket the fuzzer holds",
			     i, e->id, e->fd);
			continue;
		}
		t = pr->t;
		if (w->track[t].one_to_one)
			OOPS("request %lu: association %u peeled off the one-to-one %s",
			     i, e->id, w->track[t].name);
		if (ids_has(&w->track[t].after, e->id))
			OOPS("request %lu: association %u handed over in fd %d is still on %s",
			     i, e->id, e->fd, w->track[t].name);
		if (strict && w->track[t].fd != fd)
			OOPS("request %lu: association %u came from %s, not from fd %d the request named",
			     i, e->id, w->track[t].name, fd);
		if (pr->peer.family && !paddr_eq(&got, &pr->peer))
			OOPS("request %lu: fd %d has peer %s, association %u had %s on %s",
			     i, e->fd, paddr_str(&got, b1, sizeof(b1)), e->id,
			     paddr_str(&pr->peer, b2, sizeof(b2)), w->track[t].name);
		if (strict && w->req_flags_ok &&
		    (sx_fd_nonblock(e->fd) != !!(w->req_flags & SOCK_NONBLOCK) ||
		     sx_fd_cloexec(e->fd) != !!(w->req_flags & SOCK_CLOEXEC)))
			OOPS("request %lu: fd %d does not carry flags 0x%x", i, e->fd,
			     w->req_flags);
		w->checked_fds++;
	}

	/*
	 * Lost: only into exactly one fd of this reply, or an association
	 * a CONNECTX started (it may fail on its own). Gained: only what
	 * this CONNECTX reply names, on the socket it named; a one-to-one
	 * socket shows a CONNECTX association once it is established.
	 */
	for (t = 0; t < w->ntrack; t++) {
		const struct tsock *ts = &w->track[t];

		if (ts->churns)
			continue;
		for (n = 0; n < ts->before.n; n++) {
			uint32_t id = ts->before.v[n];
			int hits = 0;

			if (ids_has(&ts->after, id))
				continue;
			for (k = 0; cmd == SCTPX_CMD_PEELOFF && k < ans->nent; k++)
				hits += ans->ent[k].has_fd && ans->ent[k].id == id;
			if (hits > 1 || (hits == 0 && !cx_has(w, id)))
				OOPS("request %lu (cmd %u): association %u left %s into %d fds",
				     i, cmd, id, ts->name, hits);
		}
		for (n = 0; n < ts->after.n; n++) {
			uint32_t id = ts->after.v[n];
			bool named = false;

			if (ids_has(&ts->before, id))
				continue;
			for (k = 0; cmd == SCTPX_CMD_CONNECTX && k < ans->nent; k++)
				named |= ans->ent[k].has_id && ans->ent[k].id == id;
			if (named && strict && ts->fd != fd)
				OOPS("request %lu: CONNECTX on fd %d started association %u on %s",
				     i, fd, id, ts->name);
			if (!named && !(ts->one_to_one && cx_has(w, id)))
				OOPS("request %lu (cmd %u): association %u appeared on %s, named by no CONNECTX reply",
				     i, cmd, id, ts->name);
		}
	}

	/*
	 * CONNECTX, reconciled without regard to any wait: one entry per
	 * peer; each id new and reported once; a failed peer leaves no
	 * association behind.
	 */
	if (cmd == SCTPX_CMD_CONNECTX && !ans->err) {
		if (strict && w->cx_npeers && (size_t)ans->nent != w->cx_npeers)
			OOPS("request %lu: CONNECTX of %zu peers answered %d entries",
			     i, w->cx_npeers, ans->nent);
		for (k = 0; k < ans->nent; k++) {
			const struct entry *e = &ans->ent[k];

			if (!e->has_id)
				continue;
			for (j = 0; j < k; j++)
				if (ans->ent[j].has_id && ans->ent[j].id == e->id)
					OOPS("request %lu: CONNECTX named association %u twice",
					     i, e->id);
			if (prec_find(w, e->id))
				OOPS("request %lu: CONNECTX named association %u, which existed before",
				     i, e->id);
			for (t = 0; e->has_err && t < w->ntrack; t++)
				if (ids_has(&w->track[t].after, e->id))
					OOPS("request %lu: failed peer %d (errno %u) left association %u on %s",
					     i, k, e->err, e->id, w->track[t].name);
			cx_add(w, e->id);
			if (!e->has_err)
				w->op_items[SCTPX_CMD_CONNECTX]++;
		}
	}

	/*
	 * PEELOFF sent as generated: a request the rules refuse as a whole
	 * is refused (so is any that names no one-to-many socket); with ids,
	 * one entry per id in request order, each peeled exactly when the
	 * rules say (an id on the socket, not reserved, first of its kind),
	 * else EINVAL; an atomic request with a failing entry fails.
	 */
	if (cmd == SCTPX_CMD_PEELOFF && strict) {
		/*
		 * A module without PEELOFF refuses every request its policy
		 * lets through with EOPNOTSUPP, before looking at the socket:
		 * the policy's EINVAL or ERANGE, or EOPNOTSUPP, nothing else.
		 */
		if (w->no_peeloff && !ans->err)
			OOPS("request %lu: PEELOFF succeeded on a module without it", i);
		if (w->no_peeloff && ans->err && ans->err != EOPNOTSUPP &&
		    ans->err != EINVAL && ans->err != ERANGE)
			OOPS("request %lu: PEELOFF on a module without it answered %d",
			     i, ans->err);
		if (w->no_peeloff && ans->err == EOPNOTSUPP)
			w->peel_refused_absent++;
		if ((w->req_bad || !req || req->one_to_one) && !ans->err)
			OOPS("request %lu: a PEELOFF to refuse (%s, fd %d) succeeded", i,
			     w->req_bad ? "malformed" : "not a one-to-many socket", fd);
		if (!ans->err && !w->req_bad && req && !w->req_sel) {
			if ((size_t)ans->nent != w->nreq_ids)
				OOPS("request %lu: PEELOFF of %zu ids answered %d entries",
				     i, w->nreq_ids, ans->nent);
			for (k = 0; (size_t)k < w->nreq_ids && k < ans->nent; k++) {
				const struct entry *e = &ans->ent[k];
				uint32_t id = w->req_ids[k];
				bool first = true, should;

				for (j = 0; j < k && first; j++)
					first = w->req_ids[j] != id;
				should = id > 2 && first && ids_has(&req->before, id);
				if (e->id != id)
					OOPS("request %lu: entry %d is association %u, the request's id %d was %u",
					     i, k, e->id, k, id);
				else if (should && !e->has_fd &&
					 !(e->err == ENOMEM || e->err == ENFILE ||
					   (e->err == EINVAL && cx_has(w, id))))
					OOPS("request %lu: association %u on the socket not peeled (errno %u)",
					     i, id, e->err);
				else if (!should && (!e->has_err || e->err != EINVAL))
					OOPS("request %lu: association %u %s: entry has %s %u, not EINVAL",
					     i, id, id <= 2 ? "reserved" : !first ? "repeated" :
					     "not on the socket", e->has_fd ? "fd" : "errno",
					     e->has_fd ? (uint32_t)e->fd : e->err);
				if (!should && w->req_atomic)
					OOPS("request %lu: atomic PEELOFF succeeded with failing entry %u",
					     i, id);
			}
		}
	}

	/*
	 * ASSOC_GET of a whole socket, sent as generated: ids ascending,
	 * every association there for the whole dump listed, nothing listed
	 * that was never there.
	 */
	if (cmd == SCTPX_CMD_ASSOC_GET && strict) {
		if (w->req_bad && !ans->err)
			OOPS("request %lu: ASSOC_GET without a socket succeeded", i);
		if (!ans->err && !w->req_bad && !w->req_sel && req) {
			for (k = 1; k < ans->nent; k++)
				if (ans->ent[k].id <= ans->ent[k - 1].id)
					OOPS("request %lu: listing not in ascending id order (%u after %u)",
					     i, ans->ent[k].id, ans->ent[k - 1].id);
			for (n = 0; n < req->before.n; n++) {
				uint32_t id = req->before.v[n];
				bool listed = false;

				if (!ids_has(&req->after, id))
					continue;
				for (k = 0; k < ans->nent && !listed; k++)
					listed = ans->ent[k].id == id;
				if (!listed)
					OOPS("request %lu: association %u of %s not listed", i,
					     id, req->name);
			}
			for (k = 0; !req->one_to_one && k < ans->nent; k++)
				if (!ids_has(&req->before, ans->ent[k].id) &&
				    !ids_has(&req->after, ans->ent[k].id))
					OOPS("request %lu: listed association %u was never on %s",
					     i, ans->ent[k].id, req->name);
		}
	}
	return ok;
}

static int fd_kind_ok(int fd)
{
	int v = 0;
	socklen_t len = sizeof(v);

	if (getsockopt(fd, SOL_SOCKET, SO_PROTOCOL, &v, &len) || v != IPPROTO_SCTP)
		return 0;
	len = sizeof(v);
	if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &v, &len) || v != SOCK_SEQPACKET)
		return 0;
	return 1;
}

/* An abandoned dump: ask for a listing, read nothing, close. */
static void abandon_dump(struct world *w, int fd)
{
	struct {
		struct nlmsghdr n;
		struct genlmsghdr g;
		struct nlattr a;
		int32_t fd;
	} m = {
		.n = { .nlmsg_len = sizeof(m), .nlmsg_type = w->family,
		       .nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP, .nlmsg_seq = 1 },
		.g = { .cmd = SCTPX_CMD_ASSOC_GET, .version = 1 },
		.a = { .nla_len = 8, .nla_type = SCTPX_A_SOCK_FD },
		.fd = fd,
	};
	int rcv = 1, s = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC,
				NETLINK_GENERIC);

	if (s < 0)
		return;
	setsockopt(s, SOL_SOCKET, SO_RCVBUF, &rcv, sizeof(rcv));
	send(s, &m, sizeof(m), 0);
	close(s);
	w->abandoned_dumps++;
}

static int world_open(struct world *w)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	socklen_t sl = sizeof(sa);
	int one = 1, rcv = RBUF_MAX, s;
	struct sx_nl nl;
	uint16_t p;

	memset(w, 0, sizeof(*w));
	w->srv.srv = w->other.srv = w->srv6 = w->cx_target = w->scratch = -1;
	struct sx_info info;

	if (sx_nl_open(&nl))
		return -ENOENT;
	w->family = nl.family;
	if (sx_info(&nl, &info)) {
		sx_nl_close(&nl);
		return -EIO;
	}
	w->max_batch = info.max_batch;
	w->no_peeloff = !(info.ops & SCTPX_OP_BIT(SCTPX_CMD_PEELOFF));
	sx_nl_close(&nl);
	if (sx_peeloff_offered() != !w->no_peeloff)
		return -EPROTO;

	w->nl = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
	if (w->nl < 0 || bind(w->nl, (struct sockaddr *)&sa, sizeof(sa)) ||
	    getsockname(w->nl, (struct sockaddr *)&sa, &sl))
		return -errno;
	w->portid = sa.nl_pid;
	setsockopt(w->nl, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	setsockopt(w->nl, SOL_SOCKET, SO_RCVBUFFORCE, &rcv, sizeof(rcv));
	w->rbuf = malloc(RBUF_MAX);
	w->peeled_ids = calloc(1 << 20, sizeof(uint32_t));
	if (!w->rbuf || !w->peeled_ids)
		return -ENOMEM;

	if (pool_open(&w->srv, AF_INET, 24) || pool_open(&w->other, AF_INET, 8))
		return -EIO;
	w->srv6 = sx_server(AF_INET6, &w->srv6_port);
	/*
	 * Bound to every address, so CONNECTX to any 127.x.y.z on its port
	 * starts an association (one socket may hold one per peer address).
	 */
	w->cx_target = sx_server_at(AF_INET, "0.0.0.0", &w->cx_port);
	/* A port nobody listens on: bind one, note it, close it. */
	s = sx_server(AF_INET, &p);
	if (w->srv6 < 0 || w->cx_target < 0 || s < 0)
		return -EIO;
	close(s);
	w->closed_port = p;
	sctp_opts(w->srv6);
	w->scratch = scratch_open();
	if (w->scratch < 0)
		return -EIO;
	return menu_open(w);
}

static void world_close(struct world *w)
{
	int i;

	for (i = 0; i < w->nmenu; i++)
		if (w->menu[i] != w->nl)
			close(w->menu[i]);
	w->nmenu = 0;
	pool_close(&w->srv);
	pool_close(&w->other);
	close(w->srv6);
	close(w->cx_target);
	close(w->scratch);
	close(w->nl);
	free(w->rbuf);
	free(w->peeled_ids);
	track_free(w);
	free(w->prec);
	free(w->cx_ids);
	unlink("/tmp/sctpx-fuzz-file");
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
static bool fuzz_one(struct __test_metadata *_metadata, struct world *w,
		     struct answer *ans, struct req *r, unsigned long i)
{
	static struct fdset before, after;
	struct ids srv = { 0 }, other = { 0 };
	struct nlmsghdr *nlh = (struct nlmsghdr *)r->b;
	struct genlmsghdr *g;
	bool ack = chance(15), dump, mutated = false, strict = true, ok = true;
	uint8_t cmd;
	uint32_t x = rnd(100);
	int fd = -1, k, op;
	size_t payload;

	if (ids_get(w->srv.srv, &srv) || ids_get(w->other.srv, &other)) {
		TH_LOG("request %lu: cannot list the pool", i);
		return false;
	}
	track_build(w);
	if (track_before(w)) {
		TH_LOG("request %lu: cannot list the tracked sockets", i);
		return false;
	}
	fdset_read(&before);

	cmd = x < 10 ? SCTPX_CMD_INFO_GET : x < 35 ? SCTPX_CMD_ASSOC_GET :
	      x < 70 ? SCTPX_CMD_PEELOFF : x < 94 ? SCTPX_CMD_CONNECTX :
	      x < 97 ? SCTPX_CMD_LOST_REPLY_GET :
	      chance(50) ? 0 : SCTPX_CMD_MAX + 1 + rnd(250);
	dump = cmd == SCTPX_CMD_ASSOC_GET ? chance(95) : chance(3);
	op = cmd >= SCTPX_CMD_INFO_GET && cmd <= SCTPX_CMD_LOST_REPLY_GET ? cmd : 0;

	if (cmd == SCTPX_CMD_ASSOC_GET && chance(2)) {
		abandon_dump(w, pick_fd(w, false));
		fdset_read(&after);
		if (after.n != before.n ||
		    memcmp(after.v, before.v, after.n * sizeof(int))) {
			TH_LOG("request %lu: fd table changed by an abandoned dump", i);
			ok = false;
		}
		ans->nent = ans->nfds = 0;
		ans->err = 0;
		/* Nothing may have moved. */
		if (!oracle(_metadata, w, ans, 0, -1, false, i))
			ok = false;
		goto out;
	}

	memset(r, 0, NLMSG_HDRLEN + GENL_HDRLEN);
	r->len = NLMSG_HDRLEN + GENL_HDRLEN;
	r->overflow = false;
	nlh->nlmsg_type = w->family;
	nlh->nlmsg_flags = NLM_F_REQUEST | (dump ? NLM_F_DUMP : 0) |
			   (ack ? NLM_F_ACK : 0);
	g = (struct genlmsghdr *)(r->b + NLMSG_HDRLEN);
	g->cmd = cmd;
	g->version = SCTPX_FAMILY_VERSION;
	payload = r->len;
	w->req_bad = w->req_sel = false;
	w->nreq_ids = 0;
	w->cx_npeers = 0;

	switch (cmd) {
	case SCTPX_CMD_INFO_GET:
		break;
	case SCTPX_CMD_ASSOC_GET:
		fd = pick_fd(w, false);
		gen_dump(w, r, fd);
		break;
	case SCTPX_CMD_PEELOFF:
		fd = pick_fd(w, false);
		gen_peeloff(w, r, &fd, &srv, &other);
		break;
	case SCTPX_CMD_CONNECTX:
		fd = pick_fd(w, true);
		gen_connectx(w, r, fd);
		break;
	default:
		break;
	}
	/* A do-only op asked for as a dump, or the reverse: EOPNOTSUPP. */
	if (dump != (cmd == SCTPX_CMD_ASSOC_GET))
		w->req_bad = true;
	if (chance(cmd == SCTPX_CMD_INFO_GET ? 40 : 10)) {
		gen_junk_attrs(r);
		strict = false;	/* a junk SOCK_FD may have replaced fd */
	}
	if (r->overflow) {
		/* Too big to build: send what we have, truncated. */
		r->len = REQ_MAX - 64;
		strict = false;
	}
	if (chance(25)) {
		mutate(r, payload);
		mutated = true;
		strict = false;
		w->mutated++;
	}

	/*
	 * Some undamaged PEELOFF and CONNECTX requests have their reply
	 * dropped (debugfs sctpx/fail_replies, one reply). Without an ack
	 * asked for, recv() then says ENOBUFS and nothing else comes.
	 */
	if ((cmd == SCTPX_CMD_PEELOFF || cmd == SCTPX_CMD_CONNECTX) && !dump &&
	    !ack && !mutated && chance(LOSS_PERCENT)) {
		if (sx_sysfs_write(FAIL_REPLIES, "1")) {
			TH_LOG("request %lu: cannot write %s", i, FAIL_REPLIES);
			return false;
		}
		w->loss_armed = true;
	}

	w->requests++;
	w->by_cmd[cmd < 7 ? cmd : 7]++;
	w->op_req[op]++;
	if (transact(w, r, ans, cmd, ack) || ans->why[0]) {
		TH_LOG("request %lu (cmd %u fd %d%s): %s", i, cmd, fd,
		       mutated ? ", mutated" : "", ans->why);
		ok = false;
	}
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
				ok = false;
			} else if (!recover_lost(w, ans, cmd, w->seq)) {
				TH_LOG("request %lu (cmd %u): lost reply not recovered: %s",
				       i, cmd, ans->why);
				ok = false;
			} else {
				w->lost_recovered++;
				w->lost_fds += ans->nfds;
			}
		} else if (left != 1 || ans->lost) {
			TH_LOG("request %lu (cmd %u): fail_replies %ld, ENOBUFS %d, but no reply",
			       i, cmd, left, ans->lost);
			ok = false;
		}
	} else if (ans->lost) {
		TH_LOG("request %lu (cmd %u): ENOBUFS with no reply dropped", i, cmd);
		ok = false;
	}
	for (k = 0; k < ans->nent; k++)
		if (ans->ent[k].has_err)
			w->entry_errno_count[ans->ent[k].err < 159 ? ans->ent[k].err : 159]++;
	if (op == SCTPX_CMD_LOST_REPLY_GET && strict && !dump && ans->err != ENOENT) {
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
		    !(mutated && ans->err == EINVAL)) {
			TH_LOG("request %lu (cmd %u fd %d%s%s): errno %d (%s) is not one the op documents",
			       i, cmd, fd, mutated ? ", mutated" : "",
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
		if (strict && w->req_bad) {
			TH_LOG("request %lu (cmd %u fd %d): a request the rules refuse succeeded",
			       i, cmd, fd);
			ok = false;
		}
	}

	/*
	 * The fd table is the one before plus exactly the fds the reply
	 * handed over, each a new SCTP socket.
	 */
	fdset_read(&after);
	if (after.n != before.n + ans->nfds) {
		TH_LOG("request %lu (cmd %u): %d fds before, %d handed over, %d after",
		       i, cmd, before.n, ans->nfds, after.n);
		ok = false;
	}
	for (k = 0; k < before.n; k++) {
		if (!fdset_has(&after, before.v[k])) {
			TH_LOG("request %lu (cmd %u): fd %d was closed", i, cmd,
			       before.v[k]);
			ok = false;
		}
	}
	for (k = 0; k < ans->nfds; k++) {
		int nfd = ans->fds[k];

		if (fdset_has(&before, nfd) || !fdset_has(&after, nfd) ||
		    !fd_kind_ok(nfd)) {
			TH_LOG("request %lu: reply fd %d is not a new SCTP socket", i, nfd);
			ok = false;
		}
	}
	/* What each fd holds, and what every tracked socket lost and gained. */
	if (!oracle(_metadata, w, ans, cmd, fd, strict, i))
		ok = false;
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
out:
	free(srv.v);
	free(other.v);

	/* Keep the pools stocked; recycle the CONNECTX socket. */
	if (w->srv.ncli < POOL_LOW && pool_grow(&w->srv, POOL_ADD))
		return false;
	if (w->other.ncli < 4 && pool_grow(&w->other, 4))
		return false;
	if (i % 200 == 199) {
		close(w->scratch);
		w->scratch = scratch_open();
	}
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
