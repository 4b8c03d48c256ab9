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
#include <linux/skbuff.h>
#include <linux/slab.h>
#include <linux/sysfs.h>

#include "sctpx.h"

/*
 * Limits are range-checked when set: a batch's reply is one contiguous
 * allocation (at most sctpx_assoc_size_max() per association, checked at
 * load time against the largest allocation the kernel makes), and the
 * kernel silently truncates a connectx address list past about 68 KiB
 * (2048 IPv6 addresses take 56 KiB).
 */
static int sctpx_limit_set(const char *val, const struct kernel_param *kp)
{
	struct sctpx_limit *l = kp->arg;
	unsigned int v;
	int err;

	err = kstrtouint(val, 0, &v);
	if (err)
		return err;
	if (v < l->min || v > l->max)
		return -EINVAL;
	WRITE_ONCE(l->value, v);
	return 0;
}

static int sctpx_limit_show(char *buf, const struct kernel_param *kp)
{
	const struct sctpx_limit *l = kp->arg;

	return sysfs_emit(buf, "%u\n", READ_ONCE(l->value));
}

static const struct kernel_param_ops sctpx_limit_ops = {
	.set = sctpx_limit_set,
	.get = sctpx_limit_show,
};

struct sctpx_limit sctpx_max_batch = {
	.value = 1024, .min = 1, .max = SCTPX_MAX_BATCH_LIMIT,
};
module_param_cb(max_batch, &sctpx_limit_ops, &sctpx_max_batch, 0644);
MODULE_PARM_DESC(max_batch,
		 "Most associations one PEELOFF request (or ASSOC_GET id filter) may take, 1-4096 (default 1024)");

struct sctpx_limit sctpx_max_peers = { .value = 1024, .min = 1, .max = 65536 };
module_param_cb(max_peers, &sctpx_limit_ops, &sctpx_max_peers, 0644);
MODULE_PARM_DESC(max_peers,
		 "Most peers in one CONNECTX request, 1-65536 (default 1024)");

struct sctpx_limit sctpx_max_peer_addrs = { .value = 64, .min = 1, .max = 2048 };
module_param_cb(max_peer_addrs, &sctpx_limit_ops, &sctpx_max_peer_addrs, 0644);
MODULE_PARM_DESC(max_peer_addrs,
		 "Most addresses of one CONNECTX peer, 1-2048 (default 64)");

/* The reply of a full PEELOFF of max_batch entries fits one allocation. */
static bool sctpx_batch_fits(void)
{
	size_t need = NLMSG_HDRLEN + GENL_HDRLEN +
		      nla_total_size(sizeof(u32)) +	/* REMAINING */
		      SCTPX_MAX_BATCH_LIMIT * sctpx_assoc_size_max();

	return SKB_DATA_ALIGN(need) <= SKB_WITH_OVERHEAD(KMALLOC_MAX_SIZE);
}

static int __init sctpx_init(void)
{
	int err;

	if (!sctpx_batch_fits()) {
		pr_err("sctpx: a reply of %u entries does not fit one message\n",
		       SCTPX_MAX_BATCH_LIMIT);
		return -EINVAL;
	}
	err = sctpx_net_register();
	if (err)
		return err;
	err = sctpx_reply_init();
	if (err)
		goto net;
	err = genl_register_family(&sctpx_genl_family);
	if (err)
		goto reply;
	return 0;

reply:
	sctpx_reply_exit();
net:
	sctpx_net_unregister();
	return err;
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
	sctpx_reply_exit();
	sctpx_net_unregister();
}

module_init(sctpx_init);
module_exit(sctpx_exit);

MODULE_LICENSE("GPL");
MODULE_AUTHOR("The sctpx authors");
MODULE_DESCRIPTION("SCTP batch peeloff and multi-peer connectx over generic netlink");
MODULE_VERSION(SCTPX_MODULE_VERSION);
MODULE_SOFTDEP("pre: sctp");
MODULE_ALIAS_GENL_FAMILY(SCTPX_FAMILY_NAME);
