// SPDX-License-Identifier: GPL-2.0
/*
 * sctpx: INFO_GET, what this module offers.
 *
 * A library asks this first: the family version says which attributes
 * exist, %SCTPX_A_OPS which commands this build offers (PEELOFF is
 * missing where the kernel no longer exports sctp_do_peeloff), and the
 * limits how to split its batches.
 */
#include <net/genetlink.h>

#include "sctpx.h"

/* What this build does on this kernel, for %SCTPX_A_FEATURES. */
static u64 sctpx_features(void)
{
	u64 features = 0;

#ifdef SCTPX_HAVE_DO_SOCK_SETSOCKOPT
	/* CONNECTX goes through do_sock_setsockopt() (connectx.c). */
	features |= SCTPX_FEATURE_CONNECTX_HOOKS;
#endif
	return features;
}

int sctpx_nl_info_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct sk_buff *msg;
	void *hdr;

	msg = genlmsg_new(GENLMSG_DEFAULT_SIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;

	hdr = genlmsg_put_reply(msg, info, &sctpx_genl_family, 0,
				SCTPX_CMD_INFO_GET);
	if (!hdr)
		goto nospc;

	if (nla_put_u32(msg, SCTPX_A_FAMILY_VERSION, SCTPX_FAMILY_VERSION) ||
	    nla_put_string(msg, SCTPX_A_MODULE_VERSION, SCTPX_MODULE_VERSION) ||
	    nla_put_u64_64bit(msg, SCTPX_A_OPS, sctpx_nl_ops_available(),
			      SCTPX_A_PAD) ||
	    nla_put_u32(msg, SCTPX_A_MAX_BATCH, sctpx_limit(&sctpx_max_batch)) ||
	    nla_put_u32(msg, SCTPX_A_MAX_PEERS, sctpx_limit(&sctpx_max_peers)) ||
	    nla_put_u32(msg, SCTPX_A_MAX_PEER_ADDRS,
			sctpx_limit(&sctpx_max_peer_addrs)) ||
	    nla_put_u64_64bit(msg, SCTPX_A_FEATURES, sctpx_features(),
			      SCTPX_A_PAD) ||
	    sctpx_stats_put(msg, genl_info_net(info)))
		goto nospc;

	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);

nospc:
	nlmsg_free(msg);
	return -EMSGSIZE;
}
