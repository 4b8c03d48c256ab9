// SPDX-License-Identifier: GPL-2.0
/*
 * sctpx: CONNECTX, associations to one or many multi-address peers.
 *
 * Each peer goes through the kernel's own connect path, the
 * SCTP_SOCKOPT_CONNECTX socket option with a kernel buffer (through
 * do_sock_setsockopt() where the kernel has it, so LSM and cgroup-BPF
 * setsockopt hooks run as for the system call). That path loses the new
 * association's id on a non-blocking socket (it returns -EINPROGRESS);
 * we find the id again by the peer's address under the socket lock:
 * the kernel refuses a second association to an address the endpoint
 * already talks to (EISCONN / EALREADY), so the match is unique.
 *
 * Nothing here waits for a handshake: the socket must be non-blocking
 * (EINVAL otherwise), and waiting for the handshakes is the caller's, in
 * user space (libsctpx does it for all peers at once). The kernel takes
 * blocking from the file's flags, which another thread may change at any
 * time, and its send timeout, which it may raise: so the handler itself
 * only checks the request and reserves the reply, and the peers are
 * started by the calling task on its way back to user space (the release
 * of a private file, which the VFS runs as task work), where a wait could
 * only be the caller's own, never under genetlink's cb_lock, which every
 * handler holds and which stalls every family on the node while a
 * registration waits behind it.
 */
#include <linux/anon_inodes.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/hash.h>
#include <linux/hashtable.h>
#include <linux/log2.h>
#include <linux/sched.h>
#include <linux/sched/task.h>
#include <linux/slab.h>
#include <linux/net.h>
#include <net/genetlink.h>
#include <net/ipv6.h>
#include <net/sctp/sctp.h>
#include <net/sock.h>

#include "sctpx.h"

/**
 * struct sctpx_conn - one peer of a request
 * @attr: the request's %SCTPX_A_PEER
 * @addrs: packed sockaddr_in / sockaddr_in6, as for sctp_connectx(3)
 * @addrs_len: bytes in @addrs
 * @id: the association id, 0 if none
 * @state: its &enum sctp_sstat_state right after the start
 * @err: why the peer failed (negative errno), 0 if it did not
 */
struct sctpx_conn {
	const struct nlattr *attr;
	void *addrs;
	int addrs_len;
	sctp_assoc_t id;
	u32 state;
	int err;
};

/**
 * struct sctpx_conn_req - one CONNECTX request
 * @info: the netlink request
 * @sock: the caller's socket
 * @v: the peers
 * @n: number of peers
 * @seen: ids of associations that existed before the request's latest
 *	start: those on the socket when it began, and those found since
 * @seen_bits: @seen has 2^@seen_bits slots (0 is an empty slot)
 */
struct sctpx_conn_req {
	struct genl_info *info;
	struct socket *sock;
	struct sctpx_conn *v;
	size_t n;
	u32 *seen;
	unsigned int seen_bits;
};

/* The slot of @id in the seen-id table: where it is, or where it goes. */
static u32 *sctpx_conn_seen_slot(struct sctpx_conn_req *r, u32 id)
{
	u32 mask = (1U << r->seen_bits) - 1, i = hash_32(id, r->seen_bits);

	while (r->seen[i] && r->seen[i] != id)
		i = (i + 1) & mask;
	return &r->seen[i];
}

/*
 * Remember the ids of the socket's associations before anything starts,
 * with room for one more per peer. Socket locked.
 */
static int sctpx_conn_seen_init(struct sctpx_conn_req *r)
{
	struct sctp_endpoint *ep = sctp_sk(r->sock->sk)->ep;
	struct sctp_association *asoc;
	size_t count = r->n;

	list_for_each_entry(asoc, &ep->asocs, asocs)
		count++;
	r->seen_bits = order_base_2(max_t(size_t, count, 2)) + 1;
	r->seen = kvcalloc(1U << r->seen_bits, sizeof(*r->seen), GFP_KERNEL);
	if (!r->seen)
		return -ENOMEM;
	list_for_each_entry(asoc, &ep->asocs, asocs) {
		u32 *slot = sctpx_conn_seen_slot(r, asoc->assoc_id);

		*slot = asoc->assoc_id;
	}
	return 0;
}

/* Check and pack one peer's addresses; nothing is started yet. */
static int sctpx_conn_parse_peer(struct sctpx_conn_req *r,
				 struct sctpx_conn *c, u32 max_addrs)
{
	struct netlink_ext_ack *extack = r->info->extack;
	struct sock *sk = r->sock->sk;
	const struct nlattr *a;
	size_t count = 0;
	__be16 port = 0;
	void *p;
	int rem, err;

	nla_for_each_nested(a, c->attr, rem)
		if (nla_type(a) == SCTPX_PEER_A_ADDR)
			count++;
	if (!count) {
		NL_SET_ERR_MSG_ATTR(extack, c->attr, "peer has no address");
		return -EINVAL;
	}
	if (count > max_addrs) {
		NL_SET_ERR_MSG_ATTR(extack, c->attr,
				    "peer has more addresses than max_peer_addrs");
		return -E2BIG;
	}

	c->addrs = kmalloc_array(count, sizeof(struct sockaddr_in6),
				 GFP_KERNEL);
	if (!c->addrs)
		return -ENOMEM;
	p = c->addrs;

	nla_for_each_nested(a, c->attr, rem) {
		union sctp_addr addr;
		int len;

		if (nla_type(a) != SCTPX_PEER_A_ADDR)
			continue;
		err = sctpx_addr_parse(a, &addr, extack);
		if (err)
			return err;

		if (!addr.v4.sin_port) {
			NL_SET_ERR_MSG_ATTR(extack, a, "address has no port");
			return -EINVAL;
		}
		if (port && addr.v4.sin_port != port) {
			NL_SET_ERR_MSG_ATTR(extack, a,
					    "addresses of one peer must share one port");
			return -EINVAL;
		}
		port = addr.v4.sin_port;

		if (addr.sa.sa_family == AF_INET6) {
			if (sk->sk_family == AF_INET) {
				NL_SET_ERR_MSG_ATTR(extack, a,
						    "IPv6 address on an IPv4 socket");
				return -EINVAL;
			}
			if ((ipv6_addr_type(&addr.v6.sin6_addr) &
			     IPV6_ADDR_LINKLOCAL) && !addr.v6.sin6_scope_id) {
				NL_SET_ERR_MSG_ATTR(extack, a,
						    "link-local IPv6 address needs a scope id");
				return -EINVAL;
			}
			len = sizeof(struct sockaddr_in6);
		} else {
			if (sk->sk_family == AF_INET6 && ipv6_only_sock(sk)) {
				NL_SET_ERR_MSG_ATTR(extack, a,
						    "IPv4 address on an IPV6_V6ONLY socket");
				return -EINVAL;
			}
			len = sizeof(struct sockaddr_in);
		}
		memcpy(p, &addr, len);
		p += len;
		c->addrs_len += len;
	}
	return 0;
}

static int sctpx_conn_parse(struct sctpx_conn_req *r)
{
	struct genl_info *info = r->info;
	struct netlink_ext_ack *extack = info->extack;
	u32 max_peers = sctpx_limit(&sctpx_max_peers);
	u32 max_addrs = sctpx_limit(&sctpx_max_peer_addrs);
	const struct nlattr *attr;
	size_t count = 0, i = 0;
	int rem, err;

	nlmsg_for_each_attr(attr, info->nlhdr, GENL_HDRLEN, rem)
		if (nla_type(attr) == SCTPX_A_PEER)
			count++;
	if (!count) {
		NL_SET_ERR_MSG(extack, "missing peers (SCTPX_A_PEER)");
		NL_SET_ERR_ATTR_MISS(extack, NULL, SCTPX_A_PEER);
		return -EINVAL;
	}
	if (count > max_peers) {
		NL_SET_ERR_MSG(extack, "more peers than max_peers");
		return -E2BIG;
	}

	r->v = kvcalloc(count, sizeof(*r->v), GFP_KERNEL);
	if (!r->v)
		return -ENOMEM;
	r->n = count;
	nlmsg_for_each_attr(attr, info->nlhdr, GENL_HDRLEN, rem) {
		if (nla_type(attr) != SCTPX_A_PEER)
			continue;
		r->v[i].attr = attr;
		err = sctpx_conn_parse_peer(r, &r->v[i], max_addrs);
		if (err)
			return err;
		i++;
	}
	return 0;
}

static void sctpx_conn_free(struct sctpx_conn_req *r)
{
	size_t i;

	for (i = 0; r->v && i < r->n; i++)
		kfree(r->v[i].addrs);
	kvfree(r->v);
	kvfree(r->seen);
}

/* Is @addr one of the addresses the caller gave for peer @c? */
static bool sctpx_conn_is_peer_addr(const struct sctpx_conn *c,
				    const union sctp_addr *addr)
{
	const void *p = c->addrs;

	while (p < c->addrs + c->addrs_len) {
		const union sctp_addr *a = p;

		if (sctpx_addr_equal(addr, a, true))
			return true;
		p += a->sa.sa_family == AF_INET6 ? sizeof(struct sockaddr_in6) :
						   sizeof(struct sockaddr_in);
	}
	return false;
}

/*
 * The id of the association just started to peer @c. Socket locked.
 * The SCTP stack appends a new association to its endpoint's list, so it
 * comes after every association that existed before it: look from the
 * tail, and stop at the first one seen before (on the socket when the
 * request began, or found for an earlier peer). Only associations that
 * arrived since (a one-to-many server accepting) are compared, so the
 * work does not grow with the socket's associations or with the address
 * lists their peers chose. Any of the peer's given addresses will do: once
 * the INIT-ACK is in, the kernel drops the addresses the peer did not
 * confirm, which may include the first one.
 */
static void sctpx_conn_find(struct sctpx_conn_req *r, struct sctpx_conn *c)
{
	struct sctp_endpoint *ep = sctp_sk(r->sock->sk)->ep;
	struct sctp_association *asoc;
	struct sctp_transport *t;
	u32 *slot;

	list_for_each_entry_reverse(asoc, &ep->asocs, asocs) {
		slot = sctpx_conn_seen_slot(r, asoc->assoc_id);
		if (*slot)
			break;
		if (asoc->base.dead)
			continue;
		list_for_each_entry(t, &asoc->peer.transport_addr_list,
				    transports) {
			if (sctpx_conn_is_peer_addr(c, &t->ipaddr)) {
				c->id = asoc->assoc_id;
				c->state = sctp_assoc_to_state(asoc);
				*slot = asoc->assoc_id;
				return;
			}
		}
	}
	/* Started and already ended: only a refusal is that quick. */
	c->err = -ECONNREFUSED;
}

static int sctpx_conn_setsockopt(struct socket *sock, struct sctpx_conn *c)
{
#ifdef SCTPX_HAVE_DO_SOCK_SETSOCKOPT
	return do_sock_setsockopt(sock, false, SOL_SCTP,
				  SCTP_SOCKOPT_CONNECTX,
				  KERNEL_SOCKPTR(c->addrs), c->addrs_len);
#else
	/* No LSM / cgroup-BPF setsockopt hooks before do_sock_setsockopt. */
	return sock->ops->setsockopt(sock, SOL_SCTP, SCTP_SOCKOPT_CONNECTX,
				     KERNEL_SOCKPTR(c->addrs), c->addrs_len);
#endif
}

/*
 * Start one peer, in the caller's own task (sctpx_conn_release()). Any wait
 * in the kernel's connect (another thread cleared O_NONBLOCK after our
 * check; a signal) is the caller's own time, as in sctp_connectx(3): no
 * lock of ours or of genetlink is held. Whatever the kernel answers once
 * it may have created the association, look for it: a wait cut short by
 * a signal or a failure leaves it on the socket, or not.
 */
static void sctpx_conn_start(struct sctpx_conn_req *r, struct sctpx_conn *c)
{
	struct sock *sk = r->sock->sk;
	int ret;

	ret = sctpx_conn_setsockopt(r->sock, c);
	if (ret > 0) {
		/* Established while the kernel waited. */
		c->id = ret;
		c->state = SCTP_ESTABLISHED;
		return;
	}
	switch (ret) {
	case -EINPROGRESS:
	case -ERESTARTSYS:
	case -EINTR:
	case -ETIMEDOUT:
	case -ECONNREFUSED:
		lock_sock(sk);
		sctpx_conn_find(r, c);
		release_sock(sk);
		if (c->err && ret != -EINPROGRESS)
			c->err = ret == -ERESTARTSYS ? -EINTR : ret;
		return;
	default:
		/* Refused before the association existed, or freed by it. */
		c->err = ret ? ret : -EINVAL;
	}
}

static size_t sctpx_conn_reply_size(const struct sctpx_conn_req *r)
{
	return r->n * (nla_total_size(0) +		/* SCTPX_A_ASSOC */
		       nla_total_size(sizeof(u32)) * 4); /* index, id, state, error */
}

static int sctpx_conn_put(struct sk_buff *msg, const struct sctpx_conn *c,
			  u32 index)
{
	struct nlattr *nest = nla_nest_start(msg, SCTPX_A_ASSOC);

	if (!nest)
		return -EMSGSIZE;
	if (nla_put_u32(msg, SCTPX_ASSOC_A_PEER_INDEX, index) ||
	    (c->id && (nla_put_u32(msg, SCTPX_ASSOC_A_ID, c->id) ||
		       nla_put_u32(msg, SCTPX_ASSOC_A_STATE, c->state))) ||
	    (c->err && nla_put_u32(msg, SCTPX_ASSOC_A_ERROR, -c->err))) {
		nla_nest_cancel(msg, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(msg, nest);
	return 0;
}

/**
 * struct sctpx_conn_work - a checked request, to be carried out by its
 *	caller's task on its way back to user space
 * @list: in its &sctpx_conn_batch, in the order the requests came
 * @r: the request (its socket reference, peers and seen ids)
 * @to: where the reply goes
 * @msg: the reply, allocated and checked for room by the handler
 * @hdr: its genl header
 * @ack: the ack the request asked for (%NLM_F_ACK), to follow the reply;
 *	NULL if it asked for none
 */
struct sctpx_conn_work {
	struct list_head list;
	struct sctpx_conn_req r;
	struct sctpx_reply_to to;
	struct sk_buff *msg;
	void *hdr;
	struct sk_buff *ack;
};

static void sctpx_conn_work_free(struct sctpx_conn_work *w)
{
	nlmsg_free(w->msg);
	nlmsg_free(w->ack);
	sctpx_conn_free(&w->r);
	sockfd_put(w->r.sock);
	sctpx_reply_to_put(&w->to);
	kfree(w);
}

/**
 * struct sctpx_conn_batch - the CONNECTX requests one task sent in one
 *	system call (several messages in one send, sendmmsg(), io_uring)
 * @node: in sctpx_conn_batches, by task
 * @task: that task, held
 * @works: its requests, oldest first
 */
struct sctpx_conn_batch {
	struct hlist_node node;
	struct task_struct *task;
	struct list_head works;
};

static DEFINE_SPINLOCK(sctpx_conn_batches_lock);
static DEFINE_HASHTABLE(sctpx_conn_batches, 6);

/* The batch @current is filling, if any. Caller holds the lock. */
static struct sctpx_conn_batch *sctpx_conn_batch_find(void)
{
	struct sctpx_conn_batch *b;

	hash_for_each_possible(sctpx_conn_batches, b, node,
			       (unsigned long)current)
		if (b->task == current)
			return b;
	return NULL;
}

/* Start a request's peers and send its reply. */
static void sctpx_conn_run(struct sctpx_conn_work *w)
{
	struct net *net = w->to.net;
	u64 started = 0, failed = 0;
	bool delivered;
	size_t i;

	for (i = 0; i < w->r.n; i++) {
		struct sctpx_conn *c = &w->r.v[i];

		sctpx_conn_start(&w->r, c);
		started += !!c->id;
		failed += !!c->err;
		/* Cannot fail: the reply was sized for every peer. */
		if (WARN_ON_ONCE(sctpx_conn_put(w->msg, c, i)))
			break;
		cond_resched();
	}
	genlmsg_end(w->msg, w->hdr);

	sctpx_stat_add(net, SCTPX_STATS_A_CONNECTX_REQUESTS, 1);
	sctpx_stat_add(net, SCTPX_STATS_A_CONNECTX_STARTED, started);
	sctpx_stat_add(net, SCTPX_STATS_A_CONNECTX_ERRORS, failed);

	delivered = sctpx_reply_send(&w->to, w->msg);
	w->msg = NULL;
	if (delivered && w->ack) {
		sctpx_reply_ack(&w->to, w->ack);
		w->ack = NULL;
	}
}

/*
 * The starts. This is the release of a private file whose last reference
 * the first request of a batch dropped: the VFS runs it as task work of
 * the task that sent the requests, after the netlink handlers returned
 * and genetlink's cb_lock was released, before the system call returns to
 * user space. (Task work of our own could run after the module is gone; a
 * file's release runs with a reference on its owner, dropped by the VFS
 * after it returns. And task work runs last-queued first: one file a
 * batch keeps the requests in the order they came.) Anywhere else - the
 * task exiting, a kernel thread's delayed fput - nothing is started and
 * no reply is sent.
 */
static int sctpx_conn_release(struct inode *inode, struct file *file)
{
	struct sctpx_conn_batch *b = file->private_data;
	struct sctpx_conn_work *w, *tmp;
	bool run;

	spin_lock(&sctpx_conn_batches_lock);
	hash_del(&b->node);
	spin_unlock(&sctpx_conn_batches_lock);

	run = current == b->task &&
	      !(current->flags & (PF_EXITING | PF_KTHREAD));
	list_for_each_entry_safe(w, tmp, &b->works, list) {
		list_del(&w->list);
		if (run)
			sctpx_conn_run(w);
		sctpx_conn_work_free(w);
	}
	put_task_struct(b->task);
	kfree(b);
	return 0;
}

static const struct file_operations sctpx_conn_fops = {
	.owner		= THIS_MODULE,
	.release	= sctpx_conn_release,
};

/*
 * Queue @w for the calling task: in the batch it is filling, or in a new
 * one whose file's release will run them all.
 */
static int sctpx_conn_queue(struct sctpx_conn_work *w)
{
	struct sctpx_conn_batch *b, *fresh;
	struct file *file;

	fresh = kzalloc(sizeof(*fresh), GFP_KERNEL_ACCOUNT);
	if (!fresh)
		return -ENOMEM;

	spin_lock(&sctpx_conn_batches_lock);
	b = sctpx_conn_batch_find();
	if (b)
		list_add_tail(&w->list, &b->works);
	spin_unlock(&sctpx_conn_batches_lock);
	if (b) {
		kfree(fresh);
		return 0;
	}

	fresh->task = get_task_struct(current);
	INIT_LIST_HEAD(&fresh->works);
	list_add_tail(&w->list, &fresh->works);
	file = anon_inode_getfile("[sctpx-connectx]", &sctpx_conn_fops, fresh,
				  O_RDONLY);
	if (IS_ERR(file)) {
		list_del(&w->list);
		put_task_struct(fresh->task);
		kfree(fresh);
		return PTR_ERR(file);
	}
	spin_lock(&sctpx_conn_batches_lock);
	hash_add(sctpx_conn_batches, &fresh->node, (unsigned long)current);
	spin_unlock(&sctpx_conn_batches_lock);
	fput(file);
	return 0;
}

int sctpx_nl_connectx_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct netlink_ext_ack *extack = info->extack;
	struct sctpx_conn_work *w;
	struct socket *sock;
	struct sk_buff *msg;
	bool ack;
	size_t i;
	int err;

	w = kzalloc(sizeof(*w), GFP_KERNEL_ACCOUNT);
	if (!w)
		return -ENOMEM;
	w->r.info = info;
	sock = sctpx_sock_get(info);
	if (IS_ERR(sock)) {
		kfree(w);
		return PTR_ERR(sock);
	}
	w->r.sock = sock;

	if (!(w->r.sock->file->f_flags & O_NONBLOCK)) {
		NL_SET_ERR_MSG_ATTR(extack, info->attrs[SCTPX_A_SOCK_FD],
				    "socket is blocking; CONNECTX never waits: make it non-blocking, or connect it with sctp_connectx(3)");
		err = -EINVAL;
		goto free;
	}

	err = sctpx_conn_parse(&w->r);
	if (err)
		goto free;

	/* Everything that can fail for the request as a whole, first. */
	lock_sock(w->r.sock->sk);
	err = sctpx_conn_seen_init(&w->r);
	release_sock(w->r.sock->sk);
	if (err)
		goto free;
	/*
	 * The ack netlink_rcv_skb() would send now must follow the reply,
	 * which is sent later: it is built now, to count in the room check,
	 * and sent after the reply (sctpx_conn_run()).
	 */
	if (info->nlhdr->nlmsg_flags & NLM_F_ACK) {
		w->ack = sctpx_reply_ack_new(info);
		if (!w->ack) {
			err = -ENOMEM;
			goto free;
		}
	}
	msg = sctpx_reply_new(skb, info, sctpx_conn_reply_size(&w->r), w->ack,
			      &w->hdr);
	if (IS_ERR(msg)) {
		err = PTR_ERR(msg);
		goto free;
	}
	w->msg = msg;

	/*
	 * The kernel's connect may wait (see sctpx_conn_start()): never
	 * under cb_lock. The caller's task starts the peers and sends the
	 * reply itself on its way back to user space (sctpx_conn_release()).
	 * The request's attributes go with its skb: forget them.
	 */
	w->r.info = NULL;
	for (i = 0; i < w->r.n; i++)
		w->r.v[i].attr = NULL;
	sctpx_reply_to_get(&w->to, skb, info);
	ack = !!w->ack;
	err = sctpx_conn_queue(w);
	if (err)
		goto free;
	/*
	 * -EINTR tells netlink_rcv_skb() that the answer comes from
	 * elsewhere and it must send no ack, as when a dump starts. (Nothing
	 * here sets an extack message on success; it would be dropped.)
	 */
	return ack ? -EINTR : 0;

free:
	sctpx_conn_work_free(w);
	return err;
}
