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
 * @nlsk: the netlink socket it was for, held: only that socket gets it,
 *	not a later one bound to the same port id
 * @portid: @nlsk's port id
 * @skb: the reply, as it was to be sent
 */
struct sctpx_lost {
	struct list_head list;
	struct sock *nlsk;
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
static bool sctpx_reply_fits(const struct sock *nlsk,
			     const struct sk_buff *reply,
			     const struct sk_buff *ack)
{
	int rmem;

	if (!nlsk)
		return true;
	rmem = atomic_read(&nlsk->sk_rmem_alloc);
	/* The ack, if any, is queued after the reply, which may fill it. */
	if (ack && rmem + reply->truesize + ack->truesize >
		   READ_ONCE(nlsk->sk_rcvbuf))
		return false;
	return rmem == 0 ||
	       rmem + reply->truesize <= READ_ONCE(nlsk->sk_rcvbuf);
}

/**
 * sctpx_reply_new() - a reply the requester's socket will queue now
 * @req: the request skb; NETLINK_CB(@req).sk is the requesting socket
 * @info: the request
 * @size: payload the reply will need at most
 * @ack: the ack that will follow the reply (sctpx_reply_ack_new()), or NULL
 * @hdr: set to the reply's genl header, for genlmsg_end()
 *
 * Return: the reply, or an ERR_PTR() with nothing allocated (*@hdr is
 * then undefined).
 */
struct sk_buff *sctpx_reply_new(struct sk_buff *req, struct genl_info *info,
				size_t size, const struct sk_buff *ack,
				void **hdr)
{
	struct sk_buff *msg;
	int err;

	/* Charged to the caller: a reply may be kept after a loss. */
	msg = genlmsg_new(size, GFP_KERNEL_ACCOUNT | __GFP_NOWARN);
	if (!msg) {
		NL_SET_ERR_MSG(info->extack, "cannot allocate the reply");
		return ERR_PTR(-ENOMEM);
	}
	*hdr = genlmsg_put_reply(msg, info, &sctpx_genl_family, 0,
				 info->genlhdr->cmd);
	if (!*hdr) {
		err = -EMSGSIZE;
		goto free;
	}
	if (!sctpx_reply_fits(NETLINK_CB(req).sk, msg, ack)) {
		NL_SET_ERR_MSG(info->extack,
			       "netlink socket has no room for the reply; read its queue first");
		err = -ENOBUFS;
		goto free;
	}
	return msg;

free:
	nlmsg_free(msg);
	return ERR_PTR(err);
}

/* Caller holds sn->lost_lock. */
static struct sctpx_lost *sctpx_lost_find(struct sctpx_net *sn,
					  const struct sock *nlsk)
{
	struct sctpx_lost *l;

	list_for_each_entry(l, &sn->lost, list)
		if (l->nlsk == nlsk)
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
	sock_put(l->nlsk);
	kfree(l);
}

/*
 * Keep @skb for the netlink socket of @to, in place of any older one
 * (whose caller never asked for it). Within the namespace's budget only:
 * past it the reply is dropped and counted, its descriptors installed all
 * the same.
 */
static void sctpx_lost_keep(const struct sctpx_reply_to *to,
			    struct sk_buff *skb)
{
	struct sctpx_net *sn = sctpx_net(to->net);
	struct sctpx_lost *l, *old;
	bool fits;

	l = kmalloc(sizeof(*l), GFP_KERNEL_ACCOUNT | __GFP_NOWARN);
	if (!l) {
		sctpx_stat_add(to->net, SCTPX_STATS_A_LOST_REPLIES_DROPPED, 1);
		kfree_skb(skb);
		return;
	}
	sock_hold(to->nlsk);
	l->nlsk = to->nlsk;
	l->portid = to->portid;
	l->skb = skb;

	spin_lock(&sn->lost_lock);
	old = sctpx_lost_find(sn, to->nlsk);
	if (old)
		sctpx_lost_unlink(sn, old);
	/*
	 * A socket already released (its notifier has run, under this lock)
	 * can never ask: keeping the reply would pin it, and its namespace.
	 */
	fits = !sock_flag(to->nlsk, SOCK_DEAD) &&
	       sn->lost_bytes + skb->truesize <= SCTPX_LOST_REPLY_BYTES_MAX;
	if (fits) {
		list_add_tail(&l->list, &sn->lost);
		sn->lost_bytes += skb->truesize;
	}
	spin_unlock(&sn->lost_lock);

	if (old)
		sctpx_lost_free(to->net, old, true);
	if (!fits)
		sctpx_lost_free(to->net, l, true);
}

/*
 * Netlink socket @portid of @net was released: drop what is kept for it.
 * Released, not just bound to the same port id again: netlink frees the
 * port id before it tells the notifier chain, and orphans the socket first.
 */
static void sctpx_lost_forget(struct net *net, u32 portid)
{
	struct sctpx_net *sn = sctpx_net(net);
	struct sctpx_lost *l, *found = NULL;

	spin_lock(&sn->lost_lock);
	list_for_each_entry(l, &sn->lost, list) {
		if (l->portid == portid && sock_flag(l->nlsk, SOCK_DEAD)) {
			found = l;
			sctpx_lost_unlink(sn, l);
			break;
		}
	}
	spin_unlock(&sn->lost_lock);
	/* One entry a socket: the one found is the only one. */
	if (found)
		sctpx_lost_free(net, found, false);
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
		sock_put(l->nlsk);
		kfree(l);
	}
	sn->lost_bytes = 0;
}

/**
 * sctpx_reply_to_get() - where the reply of a request goes, with references
 * @to: filled in; release it with sctpx_reply_to_put()
 * @req: the request skb
 * @info: the request
 */
void sctpx_reply_to_get(struct sctpx_reply_to *to, struct sk_buff *req,
			struct genl_info *info)
{
	to->net = get_net(genl_info_net(info));
	to->nlsk = NETLINK_CB(req).sk;
	sock_hold(to->nlsk);
	to->portid = info->snd_portid;
}

/**
 * sctpx_reply_to_put() - drop what sctpx_reply_to_get() took
 * @to: the destination; may be all zero
 */
void sctpx_reply_to_put(struct sctpx_reply_to *to)
{
	if (to->nlsk)
		sock_put(to->nlsk);
	if (to->net)
		put_net(to->net);
	memset(to, 0, sizeof(*to));
}

/*
 * Fault injection: drop the reply as netlink drops one it cannot queue
 * (which also marks the socket congested and counts a drop, both private
 * to netlink; and which reports nothing to a socket that asked for
 * NETLINK_NO_ENOBUFS, where this does).
 */
static bool sctpx_reply_drop(const struct sctpx_reply_to *to,
			     struct sk_buff *msg)
{
	if (atomic_dec_if_positive(&sctpx_fail_replies) < 0)
		return false;
	nlmsg_free(msg);
	WRITE_ONCE(to->nlsk->sk_err, ENOBUFS);
#ifdef SCTPX_HAVE_SK_ERROR_REPORT
	sk_error_report(to->nlsk);
#else
	to->nlsk->sk_error_report(to->nlsk);
#endif
	return true;
}

/**
 * sctpx_reply_send() - send a reply whose work is done, keeping it if lost
 * @to: where it goes
 * @msg: the reply, finished with genlmsg_end(); consumed
 *
 * A reply netlink cannot queue leaves ENOBUFS on the requester's socket
 * (as every netlink overrun does) and is kept for
 * %SCTPX_CMD_LOST_REPLY_GET; the request still succeeded. What is sent is
 * a clone, so that nothing the send path does to it (a socket filter may
 * trim it) reaches the copy kept.
 *
 * Return: true if the reply was queued on the requester's socket.
 */
bool sctpx_reply_send(const struct sctpx_reply_to *to, struct sk_buff *msg)
{
	struct sk_buff *out;

	/*
	 * Sent after the handler (CONNECTX): the requester may have closed
	 * its socket meanwhile, and another bound its port id since.
	 */
	if (sock_flag(to->nlsk, SOCK_DEAD)) {
		sctpx_stat_add(to->net, SCTPX_STATS_A_REPLY_ERRORS, 1);
		sctpx_stat_add(to->net, SCTPX_STATS_A_LOST_REPLIES_DROPPED, 1);
		nlmsg_free(msg);
		return false;
	}
	out = skb_clone(msg, GFP_KERNEL | __GFP_NOWARN);

	if (!out) {
		/* Cannot keep a copy: send the reply itself. */
		if (!sctpx_reply_drop(to, msg) &&
		    !genlmsg_unicast(to->net, msg, to->portid))
			return true;
		sctpx_stat_add(to->net, SCTPX_STATS_A_REPLY_ERRORS, 1);
		sctpx_stat_add(to->net, SCTPX_STATS_A_LOST_REPLIES_DROPPED, 1);
		return false;
	}
	if (!sctpx_reply_drop(to, out) &&
	    !genlmsg_unicast(to->net, out, to->portid)) {
		consume_skb(msg);
		return true;
	}
	sctpx_stat_add(to->net, SCTPX_STATS_A_REPLY_ERRORS, 1);
	sctpx_lost_keep(to, msg);
	return false;
}

/**
 * sctpx_reply_ack_new() - the ack of a request whose reply is sent later
 * @info: the request
 *
 * What netlink_rcv_skb() would have sent for it (netlink_ack() with no
 * error: the request's header only, %NLM_F_CAPPED), built before anything
 * starts so that it counts in the room check and cannot fail later.
 *
 * Return: the ack, or NULL (out of memory).
 */
struct sk_buff *sctpx_reply_ack_new(const struct genl_info *info)
{
	struct nlmsgerr *e;
	struct nlmsghdr *nlh;
	struct sk_buff *skb;

	skb = nlmsg_new(sizeof(*e), GFP_KERNEL_ACCOUNT | __GFP_NOWARN);
	if (!skb)
		return NULL;
	nlh = nlmsg_put(skb, info->snd_portid, info->snd_seq, NLMSG_ERROR,
			sizeof(*e), NLM_F_CAPPED);
	if (!nlh) {
		nlmsg_free(skb);
		return NULL;
	}
	e = nlmsg_data(nlh);
	e->error = 0;
	e->msg = *info->nlhdr;
	nlmsg_end(skb, nlh);
	return skb;
}

/**
 * sctpx_reply_ack() - send the ack after its reply
 * @to: where the reply went
 * @ack: from sctpx_reply_ack_new(); consumed
 *
 * Only after a reply that was queued: an ack after a lost reply would tell
 * the caller the request's answer had come. An ack that cannot be queued
 * is an overrun like any other: netlink reports %ENOBUFS on the socket.
 */
void sctpx_reply_ack(const struct sctpx_reply_to *to, struct sk_buff *ack)
{
	nlmsg_unicast(to->net->genl_sock, ack, to->portid);
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
	struct sock *nlsk = NETLINK_CB(skb).sk;
	struct sctpx_reply_to to;
	struct sctpx_lost *l;
	bool fits = false;

	spin_lock(&sn->lost_lock);
	l = sctpx_lost_find(sn, nlsk);
	if (l) {
		fits = sctpx_reply_fits(nlsk, l->skb, NULL);
		if (fits)
			sctpx_lost_unlink(sn, l);
	}
	spin_unlock(&sn->lost_lock);
	if (!l) {
		NL_SET_ERR_MSG(info->extack,
			       "no undelivered reply for this netlink socket");
		return -ENOENT;
	}
	if (!fits) {
		/* Kept where it is: the caller reads its queue and asks again. */
		NL_SET_ERR_MSG(info->extack,
			       "netlink socket has no room for the reply; read its queue first");
		return -ENOBUFS;
	}
	sctpx_reply_to_get(&to, skb, info);
	sctpx_reply_send(&to, l->skb);
	sctpx_reply_to_put(&to);
	sock_put(l->nlsk);
	kfree(l);
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
