// SPDX-License-Identifier: GPL-2.0
/*
 * sctpx: PEELOFF, many associations branched off in one request.
 *
 * The kernel's own path (getsockopt SCTP_SOCKOPT_PEELOFF_FLAGS) peels the
 * association first and allocates the descriptor afterwards, so a full fd
 * table destroys the association it just peeled (sctp_close() of the new
 * socket). Here everything that can fail for want of a resource is done
 * while nothing has been touched:
 *
 *   1. parse and check the request; look the socket up;
 *   2. lock the socket; resolve the ids (or evaluate the selection), with
 *      an all-or-nothing check when asked;
 *   3. reserve one descriptor per association to peel (EMFILE: nothing
 *      peeled), allocate the whole reply and make sure the requester's
 *      socket will queue it (ENOMEM, ENOBUFS: nothing peeled);
 *   4. peel each association, writing its entry, fd number included,
 *      before it moves (a busy parent's receive queue is split by
 *      association meanwhile: queue_split.c); unlock;
 *   5. send the reply, then install the descriptors, as net/handshake's
 *      accept does.
 *
 * After step 3 the only failures left are per association: the SCTP
 * stack's own (ENOMEM from sctp_do_peeloff, which leaves the association
 * on the parent) and sock_alloc_file() running out of files or memory,
 * which releases the new socket like the kernel's own path does.
 *
 * As with sctp_peeloff(3), an association is peeled even while a thread
 * sleeps in sendmsg() on it for buffer space; that thread wakes up with
 * EPIPE (sctp_wait_for_sndbuf() sees the association moved).
 */
#include <linux/file.h>
#include <linux/hash.h>
#include <linux/log2.h>
#include <linux/net.h>
#include <linux/sort.h>
#include <linux/timekeeping.h>
#include <net/genetlink.h>
#include <net/sctp/sctp.h>
#include <net/sock.h>

#include "sctpx.h"
#include "peeloff.h"
#include "trace.h"

/* End stage @s of a timed request; the next one starts now. */
static void sctpx_peel_stage_end(struct sctpx_peel_req *r,
				 enum sctpx_peel_stage s)
{
	u64 now;

	if (!r->start_ns)
		return;
	now = ktime_get_ns();
	r->stage_ns[s] = now - r->mark_ns;
	r->mark_ns = now;
}

static void sctpx_peel_refuse(struct sctpx_peel *e, enum sctpx_peel_why why)
{
	e->err = -EINVAL;
	e->why = why;
}

/* The extended ack of an all-or-nothing request refused for entry @e. */
static void sctpx_peel_extack(struct netlink_ext_ack *extack,
			      const struct sctpx_peel *e)
{
	switch (e->why) {
	case SCTPX_PEEL_REPEATED:
		NL_SET_ERR_MSG_ATTR(extack, e->attr,
				    "association id repeated in the request");
		break;
	case SCTPX_PEEL_RESERVED:
		NL_SET_ERR_MSG_ATTR(extack, e->attr,
				    "association id 0, 1 and 2 are reserved");
		break;
	case SCTPX_PEEL_NO_SUCH:
		NL_SET_ERR_MSG_ATTR(extack, e->attr,
				    "no such association on this socket");
		break;
	case SCTPX_PEEL_OK:
		break;
	}
}

/*
 * Resolving explicit ids: an open-addressing hash of the requested ids
 * (request position + 1 per slot, 0 empty), sized to a power of two at
 * least twice the request, so one pass over the socket's associations
 * finds every entry in O(1) each, with none of the comparisons through a
 * function pointer that sorting and searching the ids would take.
 */
static u32 *sctpx_id_slot(u32 *tab, unsigned int bits,
			  const struct sctpx_peel *v, u32 id)
{
	u32 mask = (1U << bits) - 1, i = hash_32(id, bits);

	while (tab[i] && (u32)v[tab[i] - 1].id != id)
		i = (i + 1) & mask;
	return &tab[i];
}

/*
 * Resolve explicit ids against the socket's associations in one pass over
 * its list (the SCTP stack's id lookup is not exported). Socket locked.
 */
static int sctpx_peel_resolve_ids(struct sctpx_peel_req *r)
{
	struct sctp_endpoint *ep = sctp_sk(r->sk)->ep;
	unsigned int bits = order_base_2(max_t(size_t, r->n, 2)) + 1;
	struct sctp_association *asoc;
	u32 *tab, *slot;
	size_t i;

	tab = kvcalloc(1U << bits, sizeof(*tab), GFP_KERNEL);
	if (!tab)
		return -ENOMEM;

	/* The first occurrence of an id is the real one; later ones repeat. */
	for (i = 0; i < r->n; i++) {
		struct sctpx_peel *e = &r->v[i];

		slot = sctpx_id_slot(tab, bits, r->v, (u32)e->id);
		if (*slot)
			sctpx_peel_refuse(e, SCTPX_PEEL_REPEATED);
		else
			*slot = i + 1;
	}

	list_for_each_entry(asoc, &ep->asocs, asocs) {
		slot = sctpx_id_slot(tab, bits, r->v, (u32)asoc->assoc_id);
		if (*slot)
			r->v[*slot - 1].asoc = asoc;
	}

	for (i = 0; i < r->n; i++) {
		struct sctpx_peel *e = &r->v[i];

		if (e->err)
			continue;
		if ((u32)e->id <= SCTP_ALL_ASSOC)
			sctpx_peel_refuse(e, SCTPX_PEEL_RESERVED);
		else if (!e->asoc || e->asoc->base.dead)
			sctpx_peel_refuse(e, SCTPX_PEEL_NO_SUCH);
	}
	kvfree(tab);
	return 0;
}

/* %SCTPX_ORDER_TRAFFIC: the busiest association first, then by id. */
static int sctpx_peel_traffic_cmp(const void *a, const void *b)
{
	const struct sctpx_peel *x = a, *y = b;
	u64 tx = sctpx_assoc_traffic(x->asoc), ty = sctpx_assoc_traffic(y->asoc);

	if (tx != ty)
		return tx > ty ? -1 : 1;
	return sctpx_id_cmp(&x->id, &y->id);
}

/* Evaluate the selection. Socket locked, so the answer cannot go stale. */
static int sctpx_peel_select(struct sctpx_peel_req *r, u32 max)
{
	struct sctp_endpoint *ep = sctp_sk(r->sk)->ep;
	struct netlink_ext_ack *extack = r->info->extack;
	struct sctp_association *asoc;
	size_t matched = 0, i = 0;

	list_for_each_entry(asoc, &ep->asocs, asocs)
		if (sctpx_select_match(&r->sel, asoc))
			matched++;

	if (!r->sel.limit && matched > max) {
		NL_SET_ERR_MSG_ATTR(extack, r->info->attrs[SCTPX_A_SELECT],
				    "selection matches more associations than max_batch; set a limit");
		return -E2BIG;
	}
	if (!matched)
		return 0;

	r->v = kvcalloc(matched, sizeof(*r->v), GFP_KERNEL);
	if (!r->v)
		return -ENOMEM;
	list_for_each_entry(asoc, &ep->asocs, asocs) {
		if (i == matched || !sctpx_select_match(&r->sel, asoc))
			continue;
		r->v[i].asoc = asoc;
		r->v[i].id = asoc->assoc_id;
		r->v[i].fd = -1;
		i++;
	}

	if (r->sel.order == SCTPX_ORDER_TRAFFIC)
		sort(r->v, i, sizeof(*r->v), sctpx_peel_traffic_cmp, NULL);
	else
		sctpx_sort_by_id(r->v, i, sizeof(*r->v), sctpx_id_cmp);
	r->n = r->sel.limit ? min_t(size_t, i, r->sel.limit) : i;
	r->remaining = i - r->n;
	return 0;
}

static void sctpx_peel_unreserve(struct sctpx_peel_req *r)
{
	size_t i;

	for (i = 0; i < r->n; i++) {
		if (r->v[i].fd >= 0) {
			put_unused_fd(r->v[i].fd);
			r->v[i].fd = -1;
		}
	}
}

/* Reserve every descriptor up front: EMFILE must leave nothing peeled. */
static int sctpx_peel_reserve(struct sctpx_peel_req *r)
{
	unsigned int fdflags = r->flags & SOCK_CLOEXEC ? O_CLOEXEC : 0;
	size_t i;
	int fd;

	for (i = 0; i < r->n; i++) {
		if (r->v[i].err)
			continue;
		fd = get_unused_fd_flags(fdflags);
		if (fd < 0) {
			sctpx_peel_unreserve(r);
			NL_SET_ERR_MSG(r->info->extack,
				       "cannot reserve a descriptor for every association (RLIMIT_NOFILE); none was peeled off");
			return fd;
		}
		r->v[i].fd = fd;
	}
	return 0;
}

static size_t sctpx_peel_reply_size(const struct sctpx_peel_req *r)
{
	size_t size = nla_total_size(sizeof(u32)); /* REMAINING */
	size_t i;

	for (i = 0; i < r->n; i++) {
		if (r->v[i].err)
			size += sctpx_assoc_error_size();
		else if (r->brief)
			size += nla_total_size(0) +		/* SCTPX_A_ASSOC */
				nla_total_size(sizeof(u32)) +	/* ID */
				nla_total_size(sizeof(s32));	/* FD */
		else
			size += sctpx_assoc_size(r->v[i].asoc);
	}
	return size;
}

/*
 * Peel one association. Its entry, fd number included, is written while
 * the association is still on the (locked) parent; if the peel fails the
 * entry is rewritten as an error, which is smaller, so no put can fail
 * once an association has moved.
 */
static void sctpx_peel_one(struct sctpx_peel_req *r, struct sctpx_peel *e,
			   struct sk_buff *msg)
{
	struct socket *newsock;
	struct nlattr *nest;
	struct file *file;
	u64 t0 = 0;
	int err;

	nest = nla_nest_start(msg, SCTPX_A_ASSOC);
	if (!nest || nla_put_s32(msg, SCTPX_ASSOC_A_FD, e->fd) ||
	    (r->brief ? nla_put_u32(msg, SCTPX_ASSOC_A_ID, e->id) :
			sctpx_assoc_put_info(msg, e->asoc))) {
		/* Cannot happen: the reply was sized for this entry. */
		err = -EMSGSIZE;
		goto fail;
	}

	if (r->start_ns)
		t0 = ktime_get_ns();
	sctpx_rx_peel_begin(r, e);
	err = sctp_do_peeloff(r->sk, e->id, &newsock);
	sctpx_rx_peel_end(r);
	if (!err) {
		e->migrated = true;
		/* On failure this releases newsock: the association ends. */
		file = sock_alloc_file(newsock, r->flags & SOCK_NONBLOCK ?
				       O_NONBLOCK : 0, NULL);
		if (IS_ERR(file))
			err = PTR_ERR(file);
	}
	if (t0)
		r->floor_ns += ktime_get_ns() - t0;
	if (err)
		goto fail;

	nla_nest_end(msg, nest);
	e->file = file;
	return;

fail:
	if (nest)
		nla_nest_cancel(msg, nest);
	put_unused_fd(e->fd);
	e->fd = -1;
	e->err = err;
	/* Smaller than the entry it replaces: cannot fail. */
	WARN_ON_ONCE(sctpx_assoc_put_error(msg, e->id, err));
}

static int sctpx_peel_parse(struct sctpx_peel_req *r, u32 max)
{
	struct genl_info *info = r->info;
	struct netlink_ext_ack *extack = info->extack;
	const struct nlattr *attr;
	size_t count = 0, i = 0;
	int rem, err;

	/* The policy refuses any other bit. */
	if (info->attrs[SCTPX_A_FLAGS])
		r->flags = nla_get_u32(info->attrs[SCTPX_A_FLAGS]);
	r->atomic = nla_get_flag(info->attrs[SCTPX_A_ATOMIC]);
	r->brief = nla_get_flag(info->attrs[SCTPX_A_BRIEF]);

	nlmsg_for_each_attr(attr, info->nlhdr, GENL_HDRLEN, rem)
		if (nla_type(attr) == SCTPX_A_ASSOC_ID)
			count++;

	if (info->attrs[SCTPX_A_SELECT]) {
		if (count) {
			NL_SET_ERR_MSG_ATTR(extack, info->attrs[SCTPX_A_SELECT],
					    "give association ids or a selection, not both");
			return -EINVAL;
		}
		err = sctpx_select_parse(info->attrs[SCTPX_A_SELECT], &r->sel,
					 extack);
		if (err)
			return err;
		if (r->sel.limit > max) {
			NL_SET_ERR_MSG_ATTR(extack, info->attrs[SCTPX_A_SELECT],
					    "selection limit above max_batch");
			return -E2BIG;
		}
		r->by_select = true;
		return 0;
	}

	if (!count) {
		NL_SET_ERR_MSG(extack,
			       "missing association ids (SCTPX_A_ASSOC_ID) or selection (SCTPX_A_SELECT)");
		NL_SET_ERR_ATTR_MISS(extack, NULL, SCTPX_A_ASSOC_ID);
		return -EINVAL;
	}
	if (count > max) {
		NL_SET_ERR_MSG(extack, "more association ids than max_batch");
		return -E2BIG;
	}

	r->v = kvcalloc(count, sizeof(*r->v), GFP_KERNEL);
	if (!r->v)
		return -ENOMEM;
	nlmsg_for_each_attr(attr, info->nlhdr, GENL_HDRLEN, rem) {
		if (nla_type(attr) != SCTPX_A_ASSOC_ID)
			continue;
		r->v[i].attr = attr;
		r->v[i].id = (sctp_assoc_t)nla_get_u32(attr);
		r->v[i].fd = -1;
		i++;
	}
	r->n = count;
	return 0;
}

/* First failed entry, for all-or-nothing. */
static struct sctpx_peel *sctpx_peel_first_error(struct sctpx_peel_req *r)
{
	size_t i;

	for (i = 0; i < r->n; i++)
		if (r->v[i].err)
			return &r->v[i];
	return NULL;
}

static void sctpx_peel_account(struct net *net,
			       const struct sctpx_peel_req *r)
{
	u64 ok = 0, bad = 0;
	size_t i;

	for (i = 0; i < r->n; i++) {
		if (r->v[i].file)
			ok++;
		else
			bad++;
	}
	sctpx_stat_add(net, SCTPX_STATS_A_PEELED, ok);
	sctpx_stat_add(net, SCTPX_STATS_A_PEEL_ERRORS, bad);
	/* Not if the event was enabled while this request ran. */
	if (r->start_ns && ok)
		trace_sctpx_peeloff(r, ok, ktime_get_ns() - r->start_ns);
}

int sctpx_nl_peeloff_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct netlink_ext_ack *extack = info->extack;
	struct sctpx_peel_req r = { .info = info };
	u32 max = sctpx_limit(&sctpx_max_batch);
	struct net *net = genl_info_net(info);
	struct sctpx_reply_to to;
	struct sk_buff *msg = NULL, *reply;
	struct sctpx_peel *bad;
	struct socket *sock;
	void *hdr;
	size_t i;
	int err;

	/* The clock is read only for the event (trace.h). */
	if (trace_sctpx_peeloff_enabled()) {
		r.start_ns = ktime_get_ns();
		r.mark_ns = r.start_ns;
	}
	err = sctpx_peel_parse(&r, max);
	if (err)
		goto free;
	sctpx_peel_stage_end(&r, SCTPX_PEEL_STAGE_PARSE);

	sock = sctpx_sock_get(info);
	if (IS_ERR(sock)) {
		err = PTR_ERR(sock);
		goto free;
	}
	r.sk = sock->sk;
	if (!sctp_style(r.sk, UDP)) {
		/* One-to-one, or itself peeled off: as sctp_peeloff(3). */
		NL_SET_ERR_MSG_ATTR(extack, info->attrs[SCTPX_A_SOCK_FD],
				    "socket is not a one-to-many SCTP socket");
		err = -EINVAL;
		goto put;
	}
	sctpx_stat_add(net, SCTPX_STATS_A_PEELOFF_REQUESTS, 1);

	lock_sock(r.sk);
	err = r.by_select ? sctpx_peel_select(&r, max) :
			    sctpx_peel_resolve_ids(&r);
	if (err)
		goto unlock;

	bad = r.atomic ? sctpx_peel_first_error(&r) : NULL;
	if (bad) {
		sctpx_peel_extack(extack, bad);
		err = bad->err;
		goto unlock;
	}
	sctpx_peel_stage_end(&r, SCTPX_PEEL_STAGE_LOOKUP);

	err = sctpx_peel_reserve(&r);
	if (err)
		goto unlock;
	sctpx_peel_stage_end(&r, SCTPX_PEEL_STAGE_RESERVE);
	/* The reservation is a stage of its own, and part of the floor. */
	r.floor_ns += r.stage_ns[SCTPX_PEEL_STAGE_RESERVE];

	reply = sctpx_reply_new(skb, info, sctpx_peel_reply_size(&r), NULL, &hdr);
	if (IS_ERR(reply)) {
		err = PTR_ERR(reply);
		goto unreserve;
	}
	msg = reply;
	sctpx_peel_stage_end(&r, SCTPX_PEEL_STAGE_REPLY);

	sctpx_rx_split(&r);
	for (i = 0; i < r.n; i++) {
		struct sctpx_peel *e = &r.v[i];

		if (e->err)
			WARN_ON_ONCE(sctpx_assoc_put_error(msg, e->id, e->err));
		else
			sctpx_peel_one(&r, e, msg);
		if ((i & 63) == 63)
			cond_resched();
	}
	sctpx_rx_restore(&r);
	release_sock(r.sk);

	/* Cannot fail: the reply was sized for it. */
	if (r.by_select)
		WARN_ON_ONCE(nla_put_u32(msg, SCTPX_A_REMAINING, r.remaining));
	genlmsg_end(msg, hdr);
	sctpx_peel_stage_end(&r, SCTPX_PEEL_STAGE_PEEL);

	/*
	 * Install even if the reply is lost: the associations now live on
	 * these sockets, and releasing them would end the associations. A
	 * lost reply is kept for SCTPX_CMD_LOST_REPLY_GET, and the request
	 * is not reported as failed.
	 */
	sctpx_reply_to_get(&to, skb, info);
	sctpx_reply_send(&to, msg);
	sctpx_reply_to_put(&to);
	msg = NULL;
	sctpx_peel_stage_end(&r, SCTPX_PEEL_STAGE_SEND);
	for (i = 0; i < r.n; i++)
		if (r.v[i].file)
			fd_install(r.v[i].fd, r.v[i].file);
	sctpx_peel_stage_end(&r, SCTPX_PEEL_STAGE_INSTALL);
	sctpx_peel_account(net, &r);
	err = 0;
	goto put;

unreserve:
	sctpx_peel_unreserve(&r);
unlock:
	release_sock(r.sk);
put:
	sockfd_put(sock);
free:
	nlmsg_free(msg);
	sctpx_select_free(&r.sel);
	kvfree(r.v);
	return err;
}
