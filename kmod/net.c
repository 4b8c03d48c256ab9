// SPDX-License-Identifier: GPL-2.0
/*
 * sctpx: what the module keeps per network namespace - the counters that
 * INFO_GET reports and the replies that could not be delivered.
 *
 * A process sees only its own namespace's: a request runs in the netns
 * of the netlink socket it came on, which is the one of the SCTP socket
 * it names (sctpx_sock_lookup() refuses any other).
 */
#include <linux/atomic.h>
#include <net/net_namespace.h>
#include <net/netlink.h>
#include <net/netns/generic.h>

#include "sctpx.h"

static unsigned int sctpx_net_id __read_mostly;

/**
 * sctpx_net() - the module's state in a network namespace
 * @net: the namespace
 *
 * Return: its &struct sctpx_net, which lives as long as @net.
 */
struct sctpx_net *sctpx_net(const struct net *net)
{
	return net_generic(net, sctpx_net_id);
}

/* Numbers of the stats nest that are no counter: padding, reserved. */
static bool sctpx_stat_unused(unsigned int attr)
{
	switch (attr) {
	case SCTPX_STATS_A_RESERVED_8:
	case SCTPX_STATS_A_RESERVED_9:
	case SCTPX_STATS_A_PAD:
	case SCTPX_STATS_A_RESERVED_11:
		return true;
	}
	return false;
}

/**
 * sctpx_stat_add() - add to one counter of a namespace
 * @net: the namespace the request ran in
 * @attr: the counter, an &enum sctpx_stats_attr value
 * @val: how much
 */
void sctpx_stat_add(const struct net *net, unsigned int attr, u64 val)
{
	if (attr > SCTPX_STATS_A_UNSPEC && attr <= SCTPX_STATS_A_MAX &&
	    !sctpx_stat_unused(attr) && val)
		atomic64_add(val, &sctpx_net(net)->stats[attr]);
}

/**
 * sctpx_stats_put() - put a namespace's counters into a %SCTPX_A_STATS nest
 * @skb: the reply
 * @net: the namespace
 *
 * Return: 0, or -EMSGSIZE when @skb is full.
 */
int sctpx_stats_put(struct sk_buff *skb, const struct net *net)
{
	struct sctpx_net *sn = sctpx_net(net);
	struct nlattr *nest;
	unsigned int i;

	nest = nla_nest_start(skb, SCTPX_A_STATS);
	if (!nest)
		return -EMSGSIZE;
	for (i = SCTPX_STATS_A_UNSPEC + 1; i <= SCTPX_STATS_A_MAX; i++) {
		if (sctpx_stat_unused(i))
			continue;
		if (nla_put_u64_64bit(skb, i, atomic64_read(&sn->stats[i]),
				      SCTPX_STATS_A_PAD)) {
			nla_nest_cancel(skb, nest);
			return -EMSGSIZE;
		}
	}
	nla_nest_end(skb, nest);
	return 0;
}

static int __net_init sctpx_net_init(struct net *net)
{
	struct sctpx_net *sn = sctpx_net(net);

	spin_lock_init(&sn->lost_lock);
	INIT_LIST_HEAD(&sn->lost);
	return 0;
}

static void __net_exit sctpx_net_exit(struct net *net)
{
	sctpx_lost_flush(sctpx_net(net));
}

static struct pernet_operations sctpx_net_ops = {
	.init	= sctpx_net_init,
	.exit	= sctpx_net_exit,
	.id	= &sctpx_net_id,
	.size	= sizeof(struct sctpx_net),
};

/**
 * sctpx_net_register() - set up the per-namespace state in every namespace
 *
 * Return: 0 or a negative errno.
 */
int sctpx_net_register(void)
{
	return register_pernet_subsys(&sctpx_net_ops);
}

/**
 * sctpx_net_unregister() - tear it down, with every kept reply
 */
void sctpx_net_unregister(void)
{
	unregister_pernet_subsys(&sctpx_net_ops);
}
