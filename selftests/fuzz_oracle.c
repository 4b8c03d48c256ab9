// SPDX-License-Identifier: GPL-2.0
/*
 * sctpx netlink fuzzer: the oracle: which errnos each op may answer,
 * whether a reply is well formed, and whether the fd table and every
 * tracked socket changed exactly as the answer says.
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

/* Do the attributes exactly fill [p, p + len)? */
bool attrs_ok(const void *p, int len)
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

/*
 * The errnos each op documents (Documentation/sctpx.rst). ERANGE is the
 * netlink core's answer to a policy range violation (NLA_POLICY_MIN/MAX,
 * and the exact lengths of IN4 and IN6, which are binary ranges); the
 * documentation folds those into EINVAL.
 */
bool request_errno_ok(uint8_t cmd, int e)
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
bool entry_errno_ok(uint8_t cmd, uint32_t e)
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

void bad(struct answer *a, const char *why, long v)
{
	if (!a->why[0])
		snprintf(a->why, sizeof(a->why), "%s (%ld)", why, v);
}

/* The first address of an address nest (IN4 or IN6, and PORT). */
void parse_paddr(struct paddr *p, const void *d, int len)
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
void check_assoc(struct answer *ans, uint8_t cmd, const struct nlattr *nest,
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

void check_reply(struct world *w, struct answer *ans, uint8_t cmd,
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


int fd_kind_ok(int fd)
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

#define OOPS(...) do {						\
	fuzz_log(_metadata, __FILE__, __LINE__, __VA_ARGS__);	\
	ok = false;						\
} while (0)

/*
 * After a request (cmd 0: an abandoned dump, no answer): what every
 * tracked socket lost and gained must be exactly what the answer says.
 * @fd is the socket the request named; @strict: the request went out as
 * generated (no junk attribute, no mutation), so the generator's record
 * of it holds.
 */
bool oracle(struct __test_metadata *_metadata, struct world *w,
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
