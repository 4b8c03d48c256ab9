// SPDX-License-Identifier: GPL-2.0
/*
 * sctpx: replies of the ops that change state (PEELOFF, CONNECTX), which
 * must reach their caller.
 *
 * Once an association has been peeled off or started, its owner has to
 * learn about it: a peeled association lives on a descriptor the caller
 * must know to use or close. So:
 *
 *   1. the whole reply is allocated before anything moves, and refused
 *      (ENOMEM, ENOBUFS, nothing done) if the requester's socket would not
 *      queue it now: sctpx_reply_new();
 *   2. a reply that still cannot be delivered - another thread filled the
 *      same netlink socket in between, or the socket was left congested
 *      by an earlier overrun, which netlink keeps private - is not an
 *      error of the request: the handler returns 0, netlink has told the
 *      socket ENOBUFS (sk_err), and the reply is kept, one per netlink
 *      socket, until that socket asks for it (SCTPX_CMD_LOST_REPLY_GET)
 *      or closes: sctpx_reply_send().
 *
 * Tests force step 2 through debugfs (sctpx/fail_replies: how many of the
 * next replies to drop), off unless root writes it, as the kernel's own
 * fault injection.
 */
#include <linux/atomic.h>
#include <linux/debugfs.h>
#include <linux/netlink.h>
#include <linux/slab.h>
#include <net/genetlink.h>
#include <net/sock.h>

#include "sctpx.h"

/**
 * struct sctpx_lost - a reply kept for SCTPX_CMD_LOST_REPLY_GET
 * @list: in &sctpx_net.lost
 * @portid: the netlink socket it was for
 * @skb: the reply, as it was to be sent
 */
struct sctpx_lost {
	struct list_head list;
	u32 portid;
	struct sk_buff *skb;
};

static atomic_t sctpx_fail_replies = ATOMIC_INIT(0);
static struct dentry *sctpx_debugfs;

/*
 * Will the requester's socket accept this reply? Netlink queues a unicast
 * message when the receiver's queue is empty, whatever its size, or when
 * it fits in the receive buffer; otherwise the send fails.
 */
static bool sctpx_reply_fits(struct sk_buff *req, const struct sk_buff *reply)
{
	struct sock *nlsk = NETLINK_CB(req).sk;
	int rmem;

	if (!nlsk)
		return true;
	rmem = atomic_read(&nlsk->sk_rmem_alloc);
	return rmem == 0 ||
	       rmem + reply->truesize <= READ_ONCE(nlsk->sk_rcvbuf);
}

/**
 * sctpx_reply_new() - a reply the requester's socket will queue now
 * @req: the request skb; NETLINK_CB(@req).sk is the requesting socket
 * @info: the request
 * @size: payload the reply will need at most
 * @hdr: set to the reply's genl header, for genlmsg_end()
 * @err: set to the errno on failure
 *
 * Return: the reply, or NULL with nothing touched.
 */
struct sk_buff *sctpx_reply_new(struct sk_buff *req, struct genl_info *info,
				size_t size, void **hdr, int *err)
{
	struct sk_buff *msg;

	msg = genlmsg_new(size, GFP_KERNEL | __GFP_NOWARN);
	if (!msg) {
		NL_SET_ERR_MSG(info->extack, "cannot allocate the reply");
		*err = -ENOMEM;
		return NULL;
	}
	*hdr = genlmsg_put_reply(msg, info, &sctpx_genl_family, 0,
				 info->genlhdr->cmd);
	if (!*hdr) {
		*err = -EMSGSIZE;
		goto free;
	}
	if (!sctpx_reply_fits(req, msg)) {
		NL_SET_ERR_MSG(info->extack,
			       "netlink socket has no room for the reply; read its queue first");
		*err = -ENOBUFS;
		goto free;
	}
	return msg;

free:
	nlmsg_free(msg);
	return NULL;
}

/* Caller holds sn->lost_lock. */
static struct sctpx_lost *sctpx_lost_find(struct sctpx_net *sn, u32 portid)
{
	struct sctpx_lost *l;

	list_for_each_entry(l, &sn->lost, list)
		if (l->portid == portid)
			return l;
	return NULL;
}

/* Caller holds sn->lost_lock. */
static void sctpx_lost_unlink(struct sctpx_net *sn, struct sctpx_lost *l)
{
	list_del(&l->list);
	sn->lost_bytes -= l->skb->truesize;
}

static void sctpx_lost_free(const struct net *net, struct sctpx_lost *l,
			    bool dropped)
{
	if (dropped)
		sctpx_stat_add(net, SCTPX_STATS_A_LOST_REPLIES_DROPPED, 1);
	kfree_skb(l->skb);
	kfree(l);
}

/*
 * Keep @skb for @portid, in place of any older one (whose caller never
 * asked for it). Within the namespace's budget only: past it the reply is
 * dropped and counted, its descriptors installed all the same.
 */
static void sctpx_lost_keep(const struct net *net, u32 portid,
			    struct sk_buff *skb)
{
	struct sctpx_net *sn = sctpx_net(net);
	struct sctpx_lost *l, *old;
	bool fits;

	l = kmalloc(sizeof(*l), GFP_KERNEL | __GFP_NOWARN);
	if (!l) {
		sctpx_stat_add(net, SCTPX_STATS_A_LOST_REPLIES_DROPPED, 1);
		kfree_skb(skb);
		return;
	}
	l->portid = portid;
	l->skb = skb;

	spin_lock(&sn->lost_lock);
	old = sctpx_lost_find(sn, portid);
	if (old)
		sctpx_lost_unlink(sn, old);
	fits = sn->lost_bytes + skb->truesize <= SCTPX_LOST_REPLY_BYTES_MAX;
	if (fits) {
		list_add_tail(&l->list, &sn->lost);
		sn->lost_bytes += skb->truesize;
	}
	spin_unlock(&sn->lost_lock);

	if (old)
		sctpx_lost_free(net, old, true);
	if (!fits)
		sctpx_lost_free(net, l, true);
}

/* Drop what is kept for @portid, if anything. */
static void sctpx_lost_forget(struct net *net, u32 portid)
{
	struct sctpx_net *sn = sctpx_net(net);
	struct sctpx_lost *l;

	spin_lock(&sn->lost_lock);
	l = sctpx_lost_find(sn, portid);
	if (l)
		sctpx_lost_unlink(sn, l);
	spin_unlock(&sn->lost_lock);
	if (l)
		sctpx_lost_free(net, l, false);
}

/**
 * sctpx_lost_flush() - drop every reply kept in a namespace
 * @sn: the namespace's state, which nobody else uses any more
 */
void sctpx_lost_flush(struct sctpx_net *sn)
{
	struct sctpx_lost *l, *tmp;

	list_for_each_entry_safe(l, tmp, &sn->lost, list) {
		list_del(&l->list);
		kfree_skb(l->skb);
		kfree(l);
	}
	sn->lost_bytes = 0;
}

/* Fault injection: drop the reply as netlink drops one it cannot queue. */
static bool sctpx_reply_drop(struct sk_buff *req, struct sk_buff *msg)
{
	struct sock *nlsk = NETLINK_CB(req).sk;

	if (!atomic_add_unless(&sctpx_fail_replies, -1, 0))
		return false;
	nlmsg_free(msg);
	if (nlsk) {
		WRITE_ONCE(nlsk->sk_err, ENOBUFS);
#ifdef SCTPX_HAVE_SK_ERROR_REPORT
		sk_error_report(nlsk);
#else
		nlsk->sk_error_report(nlsk);
#endif
	}
	return true;
}

/**
 * sctpx_reply_send() - send a reply whose work is done, keeping it if lost
 * @req: the request skb
 * @msg: the reply, finished with genlmsg_end(); consumed
 * @info: the request
 *
 * A reply netlink cannot queue leaves ENOBUFS on the requester's socket
 * (as every netlink overrun does) and is kept for
 * %SCTPX_CMD_LOST_REPLY_GET; the request still succeeded.
 */
void sctpx_reply_send(struct sk_buff *req, struct sk_buff *msg,
		      struct genl_info *info)
{
	struct net *net = genl_info_net(info);
	struct sk_buff *keep = skb_get(msg);	/* a failed send frees msg */

	if (!sctpx_reply_drop(req, msg) && !genlmsg_reply(msg, info)) {
		consume_skb(keep);
		return;
	}
	sctpx_stat_add(net, SCTPX_STATS_A_REPLY_ERRORS, 1);
	sctpx_lost_keep(net, info->snd_portid, keep);
}

/**
 * sctpx_nl_lost_reply_get_doit() - SCTPX_CMD_LOST_REPLY_GET
 * @skb: the request
 * @info: the request
 *
 * Sends the kept reply of the requesting netlink socket as it was (its own
 * command and sequence number), and forgets it.
 *
 * Return: 0, or -ENOENT when nothing is kept for this socket.
 */
int sctpx_nl_lost_reply_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct sctpx_net *sn = sctpx_net(genl_info_net(info));
	struct sctpx_lost *l;
	struct sk_buff *msg;

	spin_lock(&sn->lost_lock);
	l = sctpx_lost_find(sn, info->snd_portid);
	if (l)
		sctpx_lost_unlink(sn, l);
	spin_unlock(&sn->lost_lock);
	if (!l) {
		NL_SET_ERR_MSG(info->extack,
			       "no undelivered reply for this netlink socket");
		return -ENOENT;
	}
	msg = l->skb;
	kfree(l);
	sctpx_reply_send(skb, msg, info);
	return 0;
}

/* A netlink socket closed: nobody can ask for its reply any more. */
static int sctpx_netlink_event(struct notifier_block *nb, unsigned long state,
			       void *ptr)
{
	struct netlink_notify *n = ptr;

	if (state == NETLINK_URELEASE && n->protocol == NETLINK_GENERIC &&
	    n->portid)
		sctpx_lost_forget(n->net, n->portid);
	return NOTIFY_DONE;
}

static struct notifier_block sctpx_netlink_nb = {
	.notifier_call = sctpx_netlink_event,
};

/**
 * sctpx_reply_init() - the netlink notifier and the fault-injection knob
 *
 * Return: 0 or a negative errno.
 */
int sctpx_reply_init(void)
{
	int err;

	err = netlink_register_notifier(&sctpx_netlink_nb);
	if (err)
		return err;
	sctpx_debugfs = debugfs_create_dir("sctpx", NULL);
	debugfs_create_atomic_t("fail_replies", 0600, sctpx_debugfs,
				&sctpx_fail_replies);
	return 0;
}

/**
 * sctpx_reply_exit() - undo sctpx_reply_init()
 */
void sctpx_reply_exit(void)
{
	debugfs_remove(sctpx_debugfs);
	netlink_unregister_notifier(&sctpx_netlink_nb);
}
