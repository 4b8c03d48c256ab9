// SPDX-License-Identifier: GPL-2.0
/*
 * sctpx: batch peeloff and multi-peer connectx for the in-kernel SCTP
 * stack, over a generic netlink family.
 *
 * The module adds no protocol of its own: it drives the SCTP module's
 * exported entry points (sctp_do_peeloff(), the SCTP_SOCKOPT_CONNECTX
 * socket option) on sockets the caller already owns, and reports the
 * results over netlink. See Documentation/sctpx.rst.
 */
#include <linux/module.h>
#include <linux/moduleparam.h>

#include "sctpx.h"

unsigned int sctpx_max_batch = 4096;
module_param_named(max_batch, sctpx_max_batch, uint, 0644);
MODULE_PARM_DESC(max_batch,
		 "Most associations one PEELOFF request may take (default 4096)");

unsigned int sctpx_max_peers = 1024;
module_param_named(max_peers, sctpx_max_peers, uint, 0644);
MODULE_PARM_DESC(max_peers,
		 "Most peers in one CONNECTX request (default 1024)");

unsigned int sctpx_max_peer_addrs = 64;
module_param_named(max_peer_addrs, sctpx_max_peer_addrs, uint, 0644);
MODULE_PARM_DESC(max_peer_addrs,
		 "Most addresses of one CONNECTX peer (default 64)");

bool sctpx_measure_floor;
module_param_named(measure_floor, sctpx_measure_floor, bool, 0644);
MODULE_PARM_DESC(measure_floor,
		 "Time the unavoidable kernel work of each peel (default off)");

static int __init sctpx_init(void)
{
	return genl_register_family(&sctpx_genl_family);
}

/*
 * genl_unregister_family() waits for requests in flight (they hold the
 * generic netlink callback lock for reading) and dumps hold a module
 * reference, so nothing of ours runs after this returns. The sockets and
 * files we created belong to the SCTP module and the socket layer.
 */
static void __exit sctpx_exit(void)
{
	genl_unregister_family(&sctpx_genl_family);
}

module_init(sctpx_init);
module_exit(sctpx_exit);

MODULE_LICENSE("GPL");
MODULE_AUTHOR("The sctpx authors");
MODULE_DESCRIPTION("SCTP batch peeloff and multi-peer connectx over generic netlink");
MODULE_VERSION(SCTPX_MODULE_VERSION);
MODULE_SOFTDEP("pre: sctp");
MODULE_ALIAS_GENL_FAMILY(SCTPX_FAMILY_NAME);
