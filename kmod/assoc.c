// SPDX-License-Identifier: GPL-2.0
/*
 * sctpx: selecting associations and describing them in replies.
 *
 * Everything here reads an association's fields, so the caller must own
 * the association's socket (lock_sock()): packet and timer processing for
 * an owned socket is deferred to its backlog, which keeps the state, the
 * peer's transport list and the counters still while we read them.
 */
#include <net/netlink.h>
#include <net/sctp/sctp.h>

#include "sctpx.h"

/**
 * sctpx_select_parse() - a %SCTPX_A_SELECT nest to a &struct sctpx_select
 * @nest: the nest, already validated by the op's policy; NULL selects all
 * @sel: the result
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

/**
 * sctpx_assoc_size() - room sctpx_assoc_put_info() needs for @asoc, plus a
 * descriptor
 * @asoc: the association
 *
 * Return: an upper bound in bytes for the %SCTPX_A_ASSOC nest.
 */
size_t sctpx_assoc_size(const struct sctp_association *asoc)
{
	return nla_total_size(0) +			/* SCTPX_A_ASSOC */
	       nla_total_size(sizeof(u32)) +		/* ID */
	       nla_total_size(sizeof(u32)) +		/* STATE */
	       nla_total_size(sizeof(u16)) * 3 +	/* ports, streams */
	       nla_total_size_64bit(sizeof(u64)) * 5 +	/* counters */
	       nla_total_size(sizeof(s32)) +		/* FD */
	       sctpx_assoc_naddrs(asoc) * sctpx_addr_size();
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

static int sctpx_assoc_put_addrs(struct sk_buff *skb,
				 const struct sctp_association *asoc)
{
	const struct sctp_transport *primary = asoc->peer.primary_path;
	const struct sctp_transport *t;

	if (primary &&
	    sctpx_addr_put(skb, SCTPX_ASSOC_A_PEER_ADDR, &primary->ipaddr))
		return -EMSGSIZE;
	list_for_each_entry(t, &asoc->peer.transport_addr_list, transports) {
		if (t == primary)
			continue;
		if (sctpx_addr_put(skb, SCTPX_ASSOC_A_PEER_ADDR, &t->ipaddr))
			return -EMSGSIZE;
	}
	return 0;
}

/**
 * sctpx_assoc_put_info() - describe an association
 * @skb: message, inside an open %SCTPX_A_ASSOC nest
 * @asoc: an association of a socket the caller owns
 *
 * Puts the id, the state, the peer's addresses (primary first), the local
 * port, the stream counts and the traffic counters.
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
			      SCTPX_ASSOC_A_PAD))
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
