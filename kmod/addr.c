// SPDX-License-Identifier: GPL-2.0
/*
 * sctpx: transport addresses in netlink (&enum sctpx_addr_attr) and in the
 * SCTP stack (union sctp_addr).
 */
#include <linux/in.h>
#include <linux/in6.h>
#include <net/ipv6.h>
#include <net/netlink.h>
#include <net/sctp/structs.h>

#include "sctpx.h"

/**
 * sctpx_addr_parse() - an address nest to a union sctp_addr
 * @nest: a nest already validated against the address policy
 * @addr: the result; sin_family / sin6_family tell the family
 * @extack: extended ack
 *
 * Return: 0, or -EINVAL when the nest has neither or both of IN4 and IN6,
 * or a scope id on an IPv4 address.
 */
int sctpx_addr_parse(const struct nlattr *nest, union sctp_addr *addr,
		     struct netlink_ext_ack *extack)
{
	struct nlattr *tb[SCTPX_ADDR_A_MAX + 1];
	u16 port = 0;
	int err;

	/* The policy has been applied by the caller's nest policy. */
	err = nla_parse_nested(tb, SCTPX_ADDR_A_MAX, nest, NULL, extack);
	if (err)
		return err;

	if (!!tb[SCTPX_ADDR_A_IN4] == !!tb[SCTPX_ADDR_A_IN6]) {
		NL_SET_ERR_MSG_ATTR(extack, nest,
				    "address needs exactly one of IN4 and IN6");
		return -EINVAL;
	}
	if (tb[SCTPX_ADDR_A_PORT])
		port = nla_get_u16(tb[SCTPX_ADDR_A_PORT]);

	memset(addr, 0, sizeof(*addr));
	if (tb[SCTPX_ADDR_A_IN4]) {
		if (tb[SCTPX_ADDR_A_SCOPE_ID]) {
			NL_SET_ERR_MSG_ATTR(extack, tb[SCTPX_ADDR_A_SCOPE_ID],
					    "scope id on an IPv4 address");
			return -EINVAL;
		}
		addr->v4.sin_family = AF_INET;
		addr->v4.sin_port = htons(port);
		addr->v4.sin_addr.s_addr = nla_get_in_addr(tb[SCTPX_ADDR_A_IN4]);
	} else {
		addr->v6.sin6_family = AF_INET6;
		addr->v6.sin6_port = htons(port);
		addr->v6.sin6_addr = nla_get_in6_addr(tb[SCTPX_ADDR_A_IN6]);
		if (tb[SCTPX_ADDR_A_SCOPE_ID])
			addr->v6.sin6_scope_id =
				nla_get_u32(tb[SCTPX_ADDR_A_SCOPE_ID]);
	}
	return 0;
}

/**
 * sctpx_addr_put() - put a union sctp_addr as an address nest
 * @skb: message
 * @attrtype: the nest's attribute type
 * @addr: an AF_INET or AF_INET6 address
 *
 * Return: 0, or -EMSGSIZE.
 */
int sctpx_addr_put(struct sk_buff *skb, int attrtype,
		   const union sctp_addr *addr)
{
	struct nlattr *nest;

	nest = nla_nest_start(skb, attrtype);
	if (!nest)
		return -EMSGSIZE;

	if (addr->sa.sa_family == AF_INET) {
		if (nla_put_in_addr(skb, SCTPX_ADDR_A_IN4,
				    addr->v4.sin_addr.s_addr) ||
		    nla_put_u16(skb, SCTPX_ADDR_A_PORT,
				ntohs(addr->v4.sin_port)))
			goto cancel;
	} else {
		if (nla_put_in6_addr(skb, SCTPX_ADDR_A_IN6,
				     &addr->v6.sin6_addr) ||
		    nla_put_u16(skb, SCTPX_ADDR_A_PORT,
				ntohs(addr->v6.sin6_port)) ||
		    (addr->v6.sin6_scope_id &&
		     nla_put_u32(skb, SCTPX_ADDR_A_SCOPE_ID,
				 addr->v6.sin6_scope_id)))
			goto cancel;
	}
	nla_nest_end(skb, nest);
	return 0;

cancel:
	nla_nest_cancel(skb, nest);
	return -EMSGSIZE;
}

/**
 * sctpx_addr_size() - room one address nest may need at most
 *
 * Return: the size of an IPv6 address nest with port and scope id.
 */
size_t sctpx_addr_size(void)
{
	return nla_total_size(0) +		/* nest */
	       nla_total_size(16) +		/* IN6 */
	       nla_total_size(sizeof(u16)) +	/* PORT */
	       nla_total_size(sizeof(u32));	/* SCOPE_ID */
}

/**
 * sctpx_addr_equal() - do two addresses name the same transport?
 * @a: one address
 * @b: the other
 * @with_port: compare the ports too
 *
 * An IPv4 address and its IPv4-mapped IPv6 form are equal, as the SCTP
 * stack holds either form depending on the socket.
 *
 * Return: true if equal.
 */
bool sctpx_addr_equal(const union sctp_addr *a, const union sctp_addr *b,
		      bool with_port)
{
	__be32 a4, b4;

	if (with_port && a->v4.sin_port != b->v4.sin_port)
		return false;

	if (a->sa.sa_family == AF_INET6 && b->sa.sa_family == AF_INET6) {
		if (!ipv6_addr_equal(&a->v6.sin6_addr, &b->v6.sin6_addr))
			return false;
		/* A link-local address is only itself on its own link. */
		return !(ipv6_addr_type(&a->v6.sin6_addr) &
			 IPV6_ADDR_LINKLOCAL) ||
		       !a->v6.sin6_scope_id || !b->v6.sin6_scope_id ||
		       a->v6.sin6_scope_id == b->v6.sin6_scope_id;
	}

	if (a->sa.sa_family == AF_INET)
		a4 = a->v4.sin_addr.s_addr;
	else if (ipv6_addr_v4mapped(&a->v6.sin6_addr))
		a4 = a->v6.sin6_addr.s6_addr32[3];
	else
		return false;

	if (b->sa.sa_family == AF_INET)
		b4 = b->v4.sin_addr.s_addr;
	else if (ipv6_addr_v4mapped(&b->v6.sin6_addr))
		b4 = b->v6.sin6_addr.s6_addr32[3];
	else
		return false;

	return a4 == b4;
}
