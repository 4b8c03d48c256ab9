// SPDX-License-Identifier: GPL-2.0
/*
 * sctpx netlink fuzzer: requests built byte by byte from the seeded
 * generator: attributes, nests, selections, descriptors and ids to name,
 * and the mutations that damage them.
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

uint64_t rng;

uint32_t rnd32(void)
{
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return (uint32_t)((rng * 0x2545F4914F6CDD1DULL) >> 32);
}

uint32_t rnd(uint32_t n)
{
	return n ? rnd32() % n : 0;
}

bool chance(int percent)
{
	return (int)rnd(100) < percent;
}

void put_raw(struct req *r, const void *p, size_t n)
{
	if (r->len + n > REQ_MAX) {
		r->overflow = true;
		return;
	}
	memcpy(r->b + r->len, p, n);
	r->len += n;
}

void put_attr(struct req *r, uint16_t type, const void *p, size_t n)
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

void put_u32(struct req *r, uint16_t type, uint32_t v)
{
	put_attr(r, type, &v, 4);
}

void put_u16(struct req *r, uint16_t type, uint16_t v)
{
	put_attr(r, type, &v, 2);
}

size_t nest_start(struct req *r, uint16_t type)
{
	size_t off = r->len;

	put_attr(r, type, NULL, 0);
	return off;
}

void nest_end(struct req *r, size_t off)
{
	struct nlattr *a = (struct nlattr *)(r->b + off);

	if (r->len - off > 65535)
		r->overflow = true;
	else if (off + NLA_HDRLEN <= r->len)
		a->nla_len = (uint16_t)(r->len - off);
}

/* A nest type, usually flagged NLA_F_NESTED as strict validation wants. */
uint16_t nested(uint16_t type)
{
	return chance(90) ? type | NLA_F_NESTED : type;
}

/* A value of a wrong length for an attribute of @type. */
void put_junk(struct req *r, uint16_t type)
{
	static const size_t lens[] = { 0, 1, 2, 3, 5, 6, 7, 8, 12, 16, 17, 64, 300 };
	uint8_t buf[300];
	size_t n = lens[rnd(sizeof(lens) / sizeof(lens[0]))], i;

	for (i = 0; i < n; i++)
		buf[i] = rnd32();
	put_attr(r, type, buf, n);
}

int pick_fd(struct world *w, bool connectx)
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

uint32_t pick_id(struct world *w, const struct ids *srv,
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

uint16_t pick_port(struct world *w, bool for_connect)
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

void gen_addr(struct world *w, struct req *r, uint16_t type,
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
bool gen_select(struct world *w, struct req *r)
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

void gen_peeloff(struct world *w, struct req *r, int *fd,
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

void gen_connectx(struct world *w, struct req *r, int fd)
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

void gen_dump(struct world *w, struct req *r, int fd)
{
	w->req_bad = !chance(95);
	if (!w->req_bad)
		put_u32(r, SCTPX_A_SOCK_FD, fd);
	w->req_sel = chance(30);
	if (w->req_sel)
		gen_select(w, r);
}

/* Random junk attributes of any type, valid or not. */
void gen_junk_attrs(struct req *r)
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
void mutate(struct req *r, size_t payload)
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
