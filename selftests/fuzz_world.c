// SPDX-License-Identifier: GPL-2.0
/*
 * sctpx netlink fuzzer: the world the requests talk about: association
 * pools, the menu of every kind of fd, fd sets, and the sockets tracked
 * to see which associations moved.
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

#include "sctpx_test.h"
#include "fuzz.h"

/* From SCTP_STATUS's (packed) sstat_primary.spinfo_address. */
void paddr_from_sa(struct paddr *p, const void *packed)
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

bool paddr_eq(const struct paddr *x, const struct paddr *y)
{
	return x->family && x->family == y->family && x->port == y->port &&
	       !memcmp(x->a, y->a, x->family == AF_INET ? 4 : 16);
}

const char *paddr_str(const struct paddr *p, char *buf, size_t len)
{
	char ip[INET6_ADDRSTRLEN] = "none";

	if (p->family)
		inet_ntop(p->family, p->a, ip, sizeof(ip));
	snprintf(buf, len, "%s port %u", ip, p->port);
	return buf;
}

void sctp_opts(int fd)
{
	struct timeval tv = { 0, 50000 };
	struct sctp_initmsg im = { .sinit_max_attempts = 2,
				   .sinit_max_init_timeo = 200 };

	/* Bound any wait CONNECTX may do on this socket. */
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SCTP, SCTP_INITMSG, &im, sizeof(im));
}

int pool_grow(struct pool *p, int n)
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

int pool_open(struct pool *p, int family, int n)
{
	memset(p, 0, sizeof(*p));
	p->family = family;
	p->srv = sx_server(family, &p->port);
	if (p->srv < 0)
		return p->srv;
	sctp_opts(p->srv);
	return pool_grow(p, n);
}

void pool_close(struct pool *p)
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
bool pool_drop_port(struct pool *p, uint16_t port)
{
	int i = sx_client_by_port(p->cli, p->ncli, port);

	if (i < 0)
		return false;
	close(p->cli[i]);
	p->cli[i] = p->cli[--p->ncli];
	return true;
}

int scratch_open(void)
{
	int fd = socket(AF_INET, SOCK_SEQPACKET | SOCK_NONBLOCK, IPPROTO_SCTP);

	if (fd >= 0)
		sctp_opts(fd);
	return fd;
}

void menu_add(struct world *w, int fd, const char *kind)
{
	if (w->nmenu < 32) {
		w->menu[w->nmenu] = fd;
		w->menu_kind[w->nmenu++] = kind;
	}
}

/* Every other kind of descriptor, opened once. */
int menu_open(struct world *w)
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

int cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;

	return x < y ? -1 : x > y;
}

int fdset_read(struct fdset *s)
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

bool fdset_has(const struct fdset *s, int fd)
{
	return bsearch(&fd, s->v, s->n, sizeof(int), cmp_int) != NULL;
}

int ids_get(int fd, struct ids *s)
{
	free(s->v);
	s->v = NULL;
	s->n = 0;
	if (sx_assoc_ids(fd, &s->v, &s->n))
		return -1;
	qsort(s->v, s->n, sizeof(uint32_t), cmp_int);
	return 0;
}

bool ids_has(const struct ids *s, uint32_t id)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		if (s->v[i] == id)
			return true;
	return false;
}

void track_add(struct world *w, int fd, const char *name,
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
void track_build(struct world *w)
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

void track_free(struct world *w)
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
int track_ids(const struct tsock *t, struct ids *s)
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

const struct prec *prec_find(const struct world *w, uint32_t id)
{
	size_t i;

	for (i = 0; i < w->nprec; i++)
		if (w->prec[i].id == id)
			return &w->prec[i];
	return NULL;
}

/* Before a request: every tracked socket's associations and their peers. */
int track_before(struct world *w)
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

bool cx_has(const struct world *w, uint32_t id)
{
	size_t i;

	for (i = 0; i < w->ncx; i++)
		if (w->cx_ids[i] == id)
			return true;
	return false;
}

void cx_add(struct world *w, uint32_t id)
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

struct tsock *track_by_fd(struct world *w, int fd)
{
	int t;

	for (t = 0; t < w->ntrack; t++)
		if (w->track[t].fd == fd)
			return &w->track[t];
	return NULL;
}

int world_open(struct world *w)
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

void world_close(struct world *w)
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
