// SPDX-License-Identifier: GPL-2.0
/*
 * sctpx: module-wide counters, reported by INFO_GET.
 *
 * Updated at most a few times per request (a batch adds its totals once),
 * so plain atomics are cheap enough and keep reads exact.
 */
#include <linux/atomic.h>
#include <net/netlink.h>

#include "sctpx.h"

static atomic64_t sctpx_stats[SCTPX_STATS_A_MAX + 1];

/**
 * sctpx_stat_add() - add to one counter
 * @attr: the counter, an &enum sctpx_stats_attr value
 * @val: how much
 */
void sctpx_stat_add(unsigned int attr, u64 val)
{
	if (attr > SCTPX_STATS_A_UNSPEC && attr <= SCTPX_STATS_A_MAX &&
	    attr != SCTPX_STATS_A_PAD && val)
		atomic64_add(val, &sctpx_stats[attr]);
}

/**
 * sctpx_stats_put() - put every counter into a %SCTPX_A_STATS nest
 * @skb: the reply
 *
 * Return: 0, or -EMSGSIZE when @skb is full.
 */
int sctpx_stats_put(struct sk_buff *skb)
{
	struct nlattr *nest;
	unsigned int i;

	nest = nla_nest_start(skb, SCTPX_A_STATS);
	if (!nest)
		return -EMSGSIZE;
	for (i = SCTPX_STATS_A_UNSPEC + 1; i <= SCTPX_STATS_A_MAX; i++) {
		if (i == SCTPX_STATS_A_PAD)
			continue;
		if (nla_put_u64_64bit(skb, i, atomic64_read(&sctpx_stats[i]),
				      SCTPX_STATS_A_PAD)) {
			nla_nest_cancel(skb, nest);
			return -EMSGSIZE;
		}
	}
	nla_nest_end(skb, nest);
	return 0;
}
