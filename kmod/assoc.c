// SPDX-License-Identifier: GPL-2.0
/*
 * sctpx: selecting associations and describing them in replies.
 *
 * Everything here reads an association's fields, so the caller must own
 * the association's socket (lock_sock()): packet and timer processing for
 * an owned socket is deferred to its backlog, which keeps the state, the
 * peer's transport list and the counters still while we read them.
 */
#include <linux/bsearch.h>
#include <linux/ktime.h>
#include <linux/sort.h>
#include <net/netlink.h>
#include <net/sctp/sctp.h>

#include "sctpx.h"

/**
 * sctpx_id_cmp() - order association ids as unsigned numbers
 * @a: pointer to one id (a u32, or the first member of a larger struct)
 * @b: pointer to the other
 *
 * The one comparison behind every sort and search by id in the module.
 *
 * Return: <0, 0 or >0 as for sort().
 */
int sctpx_id_cmp(const void *a, const void *b)
{
	u32 x = *(const u32 *)a, y = *(const u32 *)b;

	return x < y ? -1 : x > y;
}

/* The %SCTPX_SELECT_A_ASSOC_ID list, sorted for sctpx_select_match(). */
static int sctpx_select_parse_ids(const struct nlattr *nest,
				  struct sctpx_select *sel,
				  struct netlink_ext_ack *extack)
{
	u32 max = sctpx_limit(&sctpx_max_batch), n = 0;
	const struct nlattr *a;
	int rem;

	nla_for_each_nested(a, nest, rem)
		if (nla_type(a) == SCTPX_SELECT_A_ASSOC_ID)
			n++;
	if (!n)
		return 0;
	if (n > max) {
		NL_SET_ERR_MSG_ATTR(extack, nest,
				    "more association ids than max_batch");
		return -E2BIG;
	}
	sel->ids = kvmalloc_array(n, sizeof(*sel->ids), GFP_KERNEL);
	if (!sel->ids)
		return -ENOMEM;
	nla_for_each_nested(a, nest, rem)
		if (nla_type(a) == SCTPX_SELECT_A_ASSOC_ID)
			sel->ids[sel->nids++] = nla_get_u32(a);
	sort(sel->ids, sel->nids, sizeof(*sel->ids), sctpx_id_cmp, NULL);
	return 0;
}

/**
 * sctpx_select_parse() - a %SCTPX_A_SELECT nest to a &struct sctpx_select
 * @nest: the nest, already validated by the op's policy; NULL selects all
 * @sel: the result; release it with sctpx_select_free()
 * @extack: extended ack
 *
 * Return: 0 or a negative errno.
 */
int sctpx_select_parse(const struct nlattr *nest, struct sctpx_select *sel,
		       struct netlink_ext_ack *extack)
{
	struct nlattr *tb[SCTPX_SELECT_A_MAX + 1];
	int err;

	memset(sel, 0, sizeof(*sel));
	if (!nest)
		return 0;

	err = nla_parse_nested(tb, SCTPX_SELECT_A_MAX, nest, NULL, extack);
	if (err)
		return err;
	if (tb[SCTPX_SELECT_A_ASSOC_ID]) {
		err = sctpx_select_parse_ids(nest, sel, extack);
		if (err)
			return err;
	}

	if (tb[SCTPX_SELECT_A_STATES])
		sel->states = nla_get_u32(tb[SCTPX_SELECT_A_STATES]);
	if (tb[SCTPX_SELECT_A_PEER_ADDR]) {
		err = sctpx_addr_parse(tb[SCTPX_SELECT_A_PEER_ADDR], &sel->addr,
				       extack);
		if (err)
			return err;
		sel->has_addr = true;
	}
	if (tb[SCTPX_SELECT_A_PEER_PORT])
		sel->port = nla_get_u16(tb[SCTPX_SELECT_A_PEER_PORT]);
	if (tb[SCTPX_SELECT_A_ORDER])
		sel->order = nla_get_u32(tb[SCTPX_SELECT_A_ORDER]);
	if (tb[SCTPX_SELECT_A_LIMIT])
		sel->limit = nla_get_u32(tb[SCTPX_SELECT_A_LIMIT]);
	return 0;
}

/**
 * sctpx_select_free() - release what sctpx_select_parse() allocated
 * @sel: the selection
 */
void sctpx_select_free(struct sctpx_select *sel)
{
	kvfree(sel->ids);
	sel->ids = NULL;
	sel->nids = 0;
}

/**
 * sctpx_select_match() - does an association meet a selection's criteria?
 * @sel: the selection (its order and limit are not criteria)
 * @asoc: an association of a socket the caller owns
 *
 * Return: true if it does.
 */
bool sctpx_select_match(const struct sctpx_select *sel,
			const struct sctp_association *asoc)
{
	const struct sctp_transport *t;

	if (asoc->base.dead)
		return false;
	if (sel->states &&
	    !(sel->states & BIT(sctp_assoc_to_state(asoc) & 31)))
		return false;
	if (sel->port && asoc->peer.port != sel->port)
		return false;
	if (sel->ids && !bsearch(&asoc->assoc_id, sel->ids, sel->nids,
				 sizeof(*sel->ids), sctpx_id_cmp))
		return false;
	if (!sel->has_addr)
		return true;

	list_for_each_entry(t, &asoc->peer.transport_addr_list, transports)
		if (sctpx_addr_equal(&t->ipaddr, &sel->addr,
				     sel->addr.v4.sin_port != 0))
			return true;
	return false;
}

/**
 * sctpx_assoc_traffic() - how busy an association is
 * @asoc: the association
 *
 * Return: DATA chunks sent plus received, ordered and unordered: the
 * measure of %SCTPX_ORDER_TRAFFIC.
 */
u64 sctpx_assoc_traffic(const struct sctp_association *asoc)
{
	const struct sctp_priv_assoc_stats *s = &asoc->stats;

	return s->iodchunks + s->iuodchunks + s->oodchunks + s->ouodchunks;
}

static unsigned int sctpx_assoc_naddrs(const struct sctp_association *asoc)
{
	const struct sctp_transport *t;
	unsigned int n = 0;

	list_for_each_entry(t, &asoc->peer.transport_addr_list, transports)
		n++;
	return n;
}

/* An entry without its peer addresses. */
static size_t sctpx_assoc_base_size(void)
{
	return nla_total_size(0) +			/* SCTPX_A_ASSOC */
	       nla_total_size(sizeof(u32)) * 12 +	/* ID, STATE, FD, count,
							 * vtags, queues, rwnd,
							 * heard, INIT retries
							 */
	       nla_total_size(0) +			/* PEER_ADDRS_CUT */
	       nla_total_size(sizeof(u16)) * 3 +	/* ports, streams */
	       nla_total_size_64bit(sizeof(u64)) * 5;	/* counters */
}

/**
 * sctpx_assoc_size() - room sctpx_assoc_put_info() needs, plus a descriptor
 * @asoc: the association
 *
 * The peer chooses how many addresses it has (the kernel accepts any
 * number in INIT and INIT-ACK), so an entry carries at most
 * %SCTPX_ENTRY_PEER_ADDRS_MAX of them: its size is bounded whatever the
 * peer sends (sctpx_assoc_size_max()).
 *
 * Return: an upper bound in bytes for @asoc's %SCTPX_A_ASSOC nest.
 */
size_t sctpx_assoc_size(const struct sctp_association *asoc)
{
	return sctpx_assoc_base_size() +
	       min(sctpx_assoc_naddrs(asoc), SCTPX_ENTRY_PEER_ADDRS_MAX) *
	       sctpx_addr_size();
}

/**
 * sctpx_assoc_size_max() - the most any association's entry needs
 *
 * Return: bytes.
 */
size_t sctpx_assoc_size_max(void)
{
	return sctpx_assoc_base_size() +
	       SCTPX_ENTRY_PEER_ADDRS_MAX * sctpx_addr_size();
}

/**
 * sctpx_assoc_error_size() - room sctpx_assoc_put_error() needs
 *
 * Return: bytes.
 */
size_t sctpx_assoc_error_size(void)
{
	return nla_total_size(0) + nla_total_size(sizeof(u32)) * 2;
}

/* The primary address first, then the others, at most the entry's bound. */
static int sctpx_assoc_put_addrs(struct sk_buff *skb,
				 const struct sctp_association *asoc)
{
	const struct sctp_transport *primary = asoc->peer.primary_path;
	unsigned int total = sctpx_assoc_naddrs(asoc), n = 0;
	const struct sctp_transport *t;

	if (primary) {
		if (sctpx_addr_put(skb, SCTPX_ASSOC_A_PEER_ADDR,
				   &primary->ipaddr))
			return -EMSGSIZE;
		n++;
	}
	list_for_each_entry(t, &asoc->peer.transport_addr_list, transports) {
		if (n == SCTPX_ENTRY_PEER_ADDRS_MAX)
			break;
		if (t == primary)
			continue;
		if (sctpx_addr_put(skb, SCTPX_ASSOC_A_PEER_ADDR, &t->ipaddr))
			return -EMSGSIZE;
		n++;
	}
	if (nla_put_u32(skb, SCTPX_ASSOC_A_PEER_ADDR_COUNT, total) ||
	    (n < total && nla_put_flag(skb, SCTPX_ASSOC_A_PEER_ADDRS_CUT)))
		return -EMSGSIZE;
	return 0;
}

/* Milliseconds since any of the peer's addresses was last heard from. */
static u32 sctpx_assoc_heard_ms(const struct sctp_association *asoc)
{
	const struct sctp_transport *t;
	ktime_t last = 0;
	s64 ms;

	list_for_each_entry(t, &asoc->peer.transport_addr_list, transports)
		if (ktime_after(t->last_time_heard, last))
			last = t->last_time_heard;
	if (!last)
		return U32_MAX;
	ms = ktime_ms_delta(ktime_get(), last);
	return clamp_t(s64, ms, 0, U32_MAX);
}

/* What a live view needs: tags to join with ss, queues, the peer's window. */
static int sctpx_assoc_put_live(struct sk_buff *skb,
				const struct sctp_association *asoc)
{
	if (nla_put_u32(skb, SCTPX_ASSOC_A_LOCAL_VTAG, asoc->c.my_vtag) ||
	    nla_put_u32(skb, SCTPX_ASSOC_A_PEER_VTAG, asoc->c.peer_vtag) ||
	    nla_put_u32(skb, SCTPX_ASSOC_A_OUTSTANDING,
			asoc->outqueue.outstanding_bytes) ||
	    nla_put_u32(skb, SCTPX_ASSOC_A_QUEUED, asoc->outqueue.out_qlen) ||
	    nla_put_u32(skb, SCTPX_ASSOC_A_PEER_RWND, asoc->peer.rwnd) ||
	    nla_put_u32(skb, SCTPX_ASSOC_A_HEARD_MS,
			sctpx_assoc_heard_ms(asoc)) ||
	    nla_put_u32(skb, SCTPX_ASSOC_A_INIT_RETRIES,
			max(asoc->init_err_counter, 0)) ||
	    nla_put_u32(skb, SCTPX_ASSOC_A_MAX_INIT_RETRIES,
			asoc->max_init_attempts))
		return -EMSGSIZE;
	return 0;
}

/**
 * sctpx_assoc_put_info() - describe an association
 * @skb: message, inside an open %SCTPX_A_ASSOC nest
 * @asoc: an association of a socket the caller owns
 *
 * Puts the id, the state, the peer's addresses (primary first, at most
 * %SCTPX_ENTRY_PEER_ADDRS_MAX, with their total count), the local port,
 * the stream counts, the traffic counters, the verification tags, the
 * queues, the peer's window and the INIT retransmissions.
 *
 * Return: 0, or -EMSGSIZE.
 */
int sctpx_assoc_put_info(struct sk_buff *skb,
			 const struct sctp_association *asoc)
{
	const struct sctp_priv_assoc_stats *s = &asoc->stats;

	if (nla_put_u32(skb, SCTPX_ASSOC_A_ID, asoc->assoc_id) ||
	    nla_put_u32(skb, SCTPX_ASSOC_A_STATE, sctp_assoc_to_state(asoc)) ||
	    sctpx_assoc_put_addrs(skb, asoc) ||
	    nla_put_u16(skb, SCTPX_ASSOC_A_LOCAL_PORT,
			asoc->base.bind_addr.port) ||
	    nla_put_u16(skb, SCTPX_ASSOC_A_INSTREAMS, asoc->stream.incnt) ||
	    nla_put_u16(skb, SCTPX_ASSOC_A_OUTSTREAMS, asoc->stream.outcnt) ||
	    nla_put_u64_64bit(skb, SCTPX_ASSOC_A_DATA_IN,
			      s->iodchunks + s->iuodchunks, SCTPX_ASSOC_A_PAD) ||
	    nla_put_u64_64bit(skb, SCTPX_ASSOC_A_DATA_OUT,
			      s->oodchunks + s->ouodchunks, SCTPX_ASSOC_A_PAD) ||
	    nla_put_u64_64bit(skb, SCTPX_ASSOC_A_PACKETS_IN, s->ipackets,
			      SCTPX_ASSOC_A_PAD) ||
	    nla_put_u64_64bit(skb, SCTPX_ASSOC_A_PACKETS_OUT, s->opackets,
			      SCTPX_ASSOC_A_PAD) ||
	    nla_put_u64_64bit(skb, SCTPX_ASSOC_A_RTX_CHUNKS, s->rtxchunks,
			      SCTPX_ASSOC_A_PAD) ||
	    sctpx_assoc_put_live(skb, asoc))
		return -EMSGSIZE;
	return 0;
}

/**
 * sctpx_assoc_put_error() - a failed entry: an %SCTPX_A_ASSOC nest with
 * the id and the errno
 * @skb: message
 * @id: the association id the entry was about
 * @err: a negative errno
 *
 * Return: 0, or -EMSGSIZE.
 */
int sctpx_assoc_put_error(struct sk_buff *skb, sctp_assoc_t id, int err)
{
	struct nlattr *nest;

	nest = nla_nest_start(skb, SCTPX_A_ASSOC);
	if (!nest)
		return -EMSGSIZE;
	if (nla_put_u32(skb, SCTPX_ASSOC_A_ID, id) ||
	    nla_put_u32(skb, SCTPX_ASSOC_A_ERROR, -err)) {
		nla_nest_cancel(skb, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	return 0;
}
