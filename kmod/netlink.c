// SPDX-License-Identifier: GPL-2.0
/*
 * sctpx: the generic netlink family, its policies and its operations.
 *
 * Every command has its own policy and the family validates strictly
 * (no resv_start_op, no GENL_DONT_VALIDATE_*): unknown attributes, wrong
 * types and nests without NLA_F_NESTED are refused by the core with an
 * extended ack before a handler runs. Every value the caller sizes is
 * bounded here or, where the bound is a module parameter, by the handler.
 * The layout follows Documentation/netlink/specs/sctpx.yaml
 * (kernel-policy: per-op).
 */
#include <linux/bits.h>
#include <linux/net.h>
#include <linux/sctp.h>
#include <net/genetlink.h>
#include <net/sock.h>

#include "sctpx.h"

/*
 * SCTPX_A_SOCK_FD has no range here on purpose: a negative descriptor is
 * EBADF from sockfd_lookup(), as sctp_peeloff(3) and every system call
 * report it, where a policy minimum would answer ERANGE.
 */

/* Every &enum sctp_sstat_state, for SCTPX_SELECT_A_STATES. */
#define SCTPX_STATES_MASK	GENMASK(SCTP_SHUTDOWN_ACK_SENT, SCTP_EMPTY)

static const struct nla_policy sctpx_addr_policy[SCTPX_ADDR_A_MAX + 1] = {
	[SCTPX_ADDR_A_IN4]	= NLA_POLICY_EXACT_LEN(4),
	[SCTPX_ADDR_A_IN6]	= NLA_POLICY_EXACT_LEN(16),
	[SCTPX_ADDR_A_PORT]	= { .type = NLA_U16 },
	[SCTPX_ADDR_A_SCOPE_ID]	= { .type = NLA_U32 },
};

/* A selection used as a filter (ASSOC_GET): no order, no limit; ids. */
static const struct nla_policy
sctpx_filter_policy[SCTPX_SELECT_A_ASSOC_ID + 1] = {
	[SCTPX_SELECT_A_STATES]		= NLA_POLICY_MASK(NLA_U32,
							  SCTPX_STATES_MASK),
	[SCTPX_SELECT_A_PEER_ADDR]	= NLA_POLICY_NESTED(sctpx_addr_policy),
	[SCTPX_SELECT_A_PEER_PORT]	= { .type = NLA_U16 },
	[SCTPX_SELECT_A_ASSOC_ID]	= { .type = NLA_U32 },
};

/*
 * Ops that take no attribute (INFO_GET, LOST_REPLY_GET) refuse any. The
 * core does so for an op without a policy only from 6.1 on (resv_start_op);
 * an explicit policy says the same on every kernel.
 */
static const struct nla_policy sctpx_none_policy[SCTPX_A_MAX + 1] = {};

static const struct nla_policy sctpx_peer_policy[SCTPX_PEER_A_MAX + 1] = {
	[SCTPX_PEER_A_ADDR]	= NLA_POLICY_NESTED(sctpx_addr_policy),
};

static const struct nla_policy
sctpx_assoc_get_policy[SCTPX_A_SELECT + 1] = {
	[SCTPX_A_SOCK_FD]	= { .type = NLA_S32 },
	[SCTPX_A_SELECT]	= NLA_POLICY_NESTED(sctpx_filter_policy),
};

/*
 * PEELOFF's policy is the same on every kernel, also where the op can only
 * refuse (no sctp_do_peeloff()): a malformed request gets the same answer
 * everywhere.
 */
static const struct nla_policy sctpx_select_policy[SCTPX_SELECT_A_MAX + 1] = {
	[SCTPX_SELECT_A_STATES]		= NLA_POLICY_MASK(NLA_U32,
							  SCTPX_STATES_MASK),
	[SCTPX_SELECT_A_PEER_ADDR]	= NLA_POLICY_NESTED(sctpx_addr_policy),
	[SCTPX_SELECT_A_PEER_PORT]	= { .type = NLA_U16 },
	[SCTPX_SELECT_A_ORDER]		= NLA_POLICY_MAX(NLA_U32, SCTPX_ORDER_MAX),
	[SCTPX_SELECT_A_LIMIT]		= NLA_POLICY_MIN(NLA_U32, 1),
};

static const struct nla_policy sctpx_peeloff_policy[SCTPX_A_BRIEF + 1] = {
	[SCTPX_A_SOCK_FD]	= { .type = NLA_S32 },
	[SCTPX_A_FLAGS]		= NLA_POLICY_MASK(NLA_U32,
						  SOCK_NONBLOCK | SOCK_CLOEXEC),
	[SCTPX_A_ATOMIC]	= { .type = NLA_FLAG },
	[SCTPX_A_ASSOC_ID]	= { .type = NLA_U32 },
	[SCTPX_A_SELECT]	= NLA_POLICY_NESTED(sctpx_select_policy),
	[SCTPX_A_BRIEF]		= { .type = NLA_FLAG },
};

static const struct nla_policy
sctpx_connectx_policy[SCTPX_A_RESERVED_16 + 1] = {
	[SCTPX_A_SOCK_FD]	= { .type = NLA_S32 },
	[SCTPX_A_PEER]		= NLA_POLICY_NESTED(sctpx_peer_policy),
	[SCTPX_A_RESERVED_16]	= {
		.type = NLA_REJECT,
		.reject_message = "CONNECTX no longer waits (family version 2): wait in user space",
	},
};

/**
 * sctpx_nl_header_check() - what strict validation refuses in the headers
 * @nlh: the request
 * @extack: extended ack
 *
 * From 6.1 on the generic netlink core refuses, for a family that
 * validates every op strictly, a non-zero genlmsghdr.reserved and any
 * nlmsg_flags bit but REQUEST, ACK, ECHO and DUMP. Older kernels (5.10)
 * pass such requests on: every handler checks here first, on every kernel
 * (where the core checked already, this finds nothing), with the core's
 * messages.
 *
 * Return: 0 or -EINVAL.
 */
static int sctpx_nl_header_check(const struct nlmsghdr *nlh,
				 struct netlink_ext_ack *extack)
{
	const struct genlmsghdr *hdr = nlmsg_data(nlh);
	u16 flags = nlh->nlmsg_flags;

	if (hdr->reserved) {
		NL_SET_ERR_MSG(extack, "genlmsghdr.reserved field is not 0");
		return -EINVAL;
	}
	if ((flags & NLM_F_DUMP) == NLM_F_DUMP)
		flags &= ~NLM_F_DUMP;
	if (flags & ~(NLM_F_REQUEST | NLM_F_ACK | NLM_F_ECHO)) {
		NL_SET_ERR_MSG(extack,
			       "ambiguous or reserved bits set in nlmsg_flags");
		return -EINVAL;
	}
	return 0;
}

static int sctpx_nl_info_get(struct sk_buff *skb, struct genl_info *info)
{
	return sctpx_nl_header_check(info->nlhdr, info->extack) ?:
		sctpx_nl_info_get_doit(skb, info);
}

static int sctpx_nl_assoc_get_begin(struct netlink_callback *cb)
{
	return sctpx_nl_header_check(cb->nlh, cb->extack) ?:
		sctpx_nl_assoc_get_start(cb);
}

#ifdef SCTPX_HAVE_SCTP_DO_PEELOFF
static int sctpx_nl_peeloff(struct sk_buff *skb, struct genl_info *info)
{
	return sctpx_nl_header_check(info->nlhdr, info->extack) ?:
		sctpx_nl_peeloff_doit(skb, info);
}
#else
/*
 * No sctp_do_peeloff() in this kernel (static from 6.16 on), and nothing
 * exported replaces it. The op stays in the table so that a request says
 * why it fails, but INFO_GET reports it absent (sctpx_nl_ops_available()).
 */
static int sctpx_nl_peeloff(struct sk_buff *skb, struct genl_info *info)
{
	int err = sctpx_nl_header_check(info->nlhdr, info->extack);

	if (err)
		return err;
	NL_SET_ERR_MSG(info->extack,
		       "PEELOFF unavailable: this kernel does not export sctp_do_peeloff(); use sctp_peeloff(3)");
	return -EOPNOTSUPP;
}
#endif

static int sctpx_nl_connectx(struct sk_buff *skb, struct genl_info *info)
{
	return sctpx_nl_header_check(info->nlhdr, info->extack) ?:
		sctpx_nl_connectx_doit(skb, info);
}

static int sctpx_nl_lost_reply_get(struct sk_buff *skb, struct genl_info *info)
{
	return sctpx_nl_header_check(info->nlhdr, info->extack) ?:
		sctpx_nl_lost_reply_get_doit(skb, info);
}

static const struct genl_ops sctpx_nl_ops[] = {
	{
		.cmd		= SCTPX_CMD_INFO_GET,
		.doit		= sctpx_nl_info_get,
		.policy		= sctpx_none_policy,
		.maxattr	= SCTPX_A_MAX,
	},
	{
		.cmd		= SCTPX_CMD_ASSOC_GET,
		.start		= sctpx_nl_assoc_get_begin,
		.dumpit		= sctpx_nl_assoc_get_dumpit,
		.done		= sctpx_nl_assoc_get_done,
		.policy		= sctpx_assoc_get_policy,
		.maxattr	= SCTPX_A_SELECT,
	},
	{
		.cmd		= SCTPX_CMD_PEELOFF,
		.doit		= sctpx_nl_peeloff,
		.policy		= sctpx_peeloff_policy,
		.maxattr	= SCTPX_A_BRIEF,
	},
	{
		.cmd		= SCTPX_CMD_CONNECTX,
		.doit		= sctpx_nl_connectx,
		.policy		= sctpx_connectx_policy,
		.maxattr	= SCTPX_A_RESERVED_16,
	},
	{
		.cmd		= SCTPX_CMD_LOST_REPLY_GET,
		.doit		= sctpx_nl_lost_reply_get,
		.policy		= sctpx_none_policy,
		.maxattr	= SCTPX_A_MAX,
	},
};

/**
 * sctpx_nl_assoc_get_parse() - the attributes of an ASSOC_GET request
 * @nlh: the request
 * @tb: SCTPX_A_MAX + 1 slots for the result
 * @extack: extended ack
 *
 * A dump's .start could read them from genl_dumpit_info(), but that
 * structure changed shape between kernels; parsing again against the
 * op's own policy is cheap and reads the same on all of them.
 *
 * Return: 0 or a negative errno.
 */
int sctpx_nl_assoc_get_parse(const struct nlmsghdr *nlh, struct nlattr **tb,
			     struct netlink_ext_ack *extack)
{
	memset(tb, 0, sizeof(*tb) * (SCTPX_A_MAX + 1));
	return nlmsg_parse(nlh, GENL_HDRLEN, tb, SCTPX_A_SELECT,
			   sctpx_assoc_get_policy, extack);
}

/**
 * sctpx_nl_ops_available() - the commands this build registers
 *
 * Return: the SCTPX_OP_BIT() of every command in the family's op table
 * that does its work (PEELOFF only where the kernel exports
 * sctp_do_peeloff()), which is what INFO_GET reports in %SCTPX_A_OPS.
 */
u64 sctpx_nl_ops_available(void)
{
	u64 ops = 0;
	int i;

	for (i = 0; i < ARRAY_SIZE(sctpx_nl_ops); i++)
		ops |= SCTPX_OP_BIT(sctpx_nl_ops[i].cmd);
#ifndef SCTPX_HAVE_SCTP_DO_PEELOFF
	ops &= ~SCTPX_OP_BIT(SCTPX_CMD_PEELOFF);
#endif
	return ops;
}

/*
 * parallel_ops: no handler relies on genl_mutex. A peeloff batch of a few
 * thousand associations holds its socket's lock for tens of milliseconds;
 * it must not hold every other generic netlink family up meanwhile. (Every
 * handler still runs under genetlink's cb_lock, read side, which family
 * registration takes for writing: so no handler ever sleeps for a time
 * the caller or a peer controls.)
 */
struct genl_family sctpx_genl_family __ro_after_init = {
	.name		= SCTPX_FAMILY_NAME,
	.version	= SCTPX_FAMILY_VERSION,
	.netnsok	= true,
	.parallel_ops	= true,
	.module		= THIS_MODULE,
	.ops		= sctpx_nl_ops,
	.n_ops		= ARRAY_SIZE(sctpx_nl_ops),
};
