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
 * The kernel takes blocking from the socket's file flags. A blocking
 * socket therefore waits inside the first peer's connect for up to its
 * send timeout, and a batch on it would wait once per peer; so a batch
 * needs a non-blocking socket (EINVAL otherwise), and waits for all its
 * peers at once, bounded by %SCTPX_A_WAIT_MS and the send timeout.
 */
#include <linux/net.h>
#include <linux/sched/signal.h>
#include <linux/sort.h>
#include <linux/wait.h>
#include <net/genetlink.h>
#include <net/ipv6.h>
#include <net/sctp/sctp.h>
#include <net/sock.h>

#include "sctpx.h"

/*
 * How often a wait looks at states that raised no socket wakeup (on a
 * one-to-many socket an association reaching ESTABLISHED wakes nobody
 * unless the caller subscribed to SCTP_ASSOC_CHANGE). Each look walks the
 * socket's associations under its lock, so the period grows with the
 * number still pending: 20 us each, from 100 us for one peer (a lone
 * handshake on a LAN is done in well under a millisecond) to 500 us.
 */
#define SCTPX_WAIT_TICK_MIN_US		100
#define SCTPX_WAIT_TICK_MAX_US		500
#define SCTPX_WAIT_TICK_PER_PEER_US	20

/**
 * struct sctpx_conn - one peer of a request
 * @attr: the request's %SCTPX_A_PEER
 * @addrs: packed sockaddr_in / sockaddr_in6, as for sctp_connectx(3)
 * @addrs_len: bytes in @addrs
 * @first: the first address, to find the association again
 * @id: the association id, 0 if none
 * @state: its &enum sctp_sstat_state when last seen
 * @init_timeouts: its INIT retransmissions when last seen
 * @max_init: its INIT retransmission limit
 * @laddr: a local address of the association when last seen, with port
 * @paddr: its primary peer address when last seen
 * @have_addrs: @laddr and @paddr are set
 * @moved: it left the socket alive (peeled off by another request)
 * @err: why the peer failed (negative errno), 0 if it did not
 */
struct sctpx_conn {
	const struct nlattr *attr;
	void *addrs;
	int addrs_len;
	union sctp_addr first;
	sctp_assoc_t id;
	u32 state;
	int init_timeouts;
	int max_init;
	union sctp_addr laddr;
	union sctp_addr paddr;
	bool have_addrs;
	bool moved;
	int err;
};

struct sctpx_conn_req {
	struct genl_info *info;
	struct socket *sock;
	struct sctpx_conn *v;
	size_t n;
};

static bool sctpx_conn_pending(const struct sctpx_conn *c)
{
	return !c->err && c->id && c->state != SCTP_ESTABLISHED;
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
		if (!c->addrs_len)
			c->first = addr;
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
}

static void sctpx_conn_seen(struct sctpx_conn *c,
			    const struct sctp_association *asoc)
{
	const struct sctp_sockaddr_entry *la;

	c->state = sctp_assoc_to_state(asoc);
	c->init_timeouts = asoc->init_err_counter;
	c->max_init = asoc->max_init_attempts;

	/* Enough to find it again should it leave this socket alive. */
	if (!list_empty(&asoc->base.bind_addr.address_list) &&
	    asoc->peer.primary_path) {
		la = list_first_entry(&asoc->base.bind_addr.address_list,
				      struct sctp_sockaddr_entry, list);
		c->laddr = la->a;
		c->paddr = asoc->peer.primary_path->ipaddr;
		c->have_addrs = true;
	}
}

static int sctpx_conn_moved_cb(struct sctp_endpoint *ep,
			       struct sctp_transport *t, void *p)
{
	const struct sctp_association *asoc = t->asoc;
	struct sctpx_conn *c = p;

	/* A snapshot of another socket's association, taken without its lock. */
	if (asoc->assoc_id == c->id && !READ_ONCE(asoc->base.dead)) {
		c->state = READ_ONCE(asoc->state) + 1; /* sctp_assoc_to_state() */
		c->moved = true;
	}
	return 0;
}

/*
 * An association we started is no longer on the socket. Another request
 * of the caller may have peeled it off: then it lives on, on another
 * socket of the same endpoint addresses, and has not failed. Look it up
 * by its addresses (the SCTP stack's id table is not exported).
 */
static bool sctpx_conn_moved(struct sock *sk, struct sctpx_conn *c)
{
	c->moved = false;
	if (!c->have_addrs)
		return false;
#ifdef SCTPX_LOOKUP_PROCESS_DIF
	sctp_transport_lookup_process(sctpx_conn_moved_cb, sock_net(sk),
				      &c->laddr, &c->paddr, c, 0);
#else
	sctp_transport_lookup_process(sctpx_conn_moved_cb, sock_net(sk),
				      &c->laddr, &c->paddr, c);
#endif
	return c->moved;
}

/*
 * An association we started is gone. If its INIT had run out of
 * retransmissions when we last saw it, it timed out; otherwise its peer
 * ended it, which during setup is a refusal (as sctp_wait_for_connect()
 * reports it).
 */
static int sctpx_conn_gone_errno(const struct sctpx_conn *c)
{
	if (c->max_init && c->init_timeouts + 1 > c->max_init)
		return -ETIMEDOUT;
	return -ECONNREFUSED;
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
 * Any of the peer's given addresses will do: once the INIT-ACK is in,
 * the kernel drops the addresses the peer did not confirm, which may
 * include the first one.
 */
static void sctpx_conn_find(struct sock *sk, struct sctpx_conn *c)
{
	struct sctp_endpoint *ep = sctp_sk(sk)->ep;
	struct sctp_association *asoc;
	struct sctp_transport *t;

	list_for_each_entry(asoc, &ep->asocs, asocs) {
		if (asoc->base.dead)
			continue;
		list_for_each_entry(t, &asoc->peer.transport_addr_list,
				    transports) {
			if (sctpx_conn_is_peer_addr(c, &t->ipaddr)) {
				c->id = asoc->assoc_id;
				sctpx_conn_seen(c, asoc);
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

static void sctpx_conn_start(struct sctpx_conn_req *r, struct sctpx_conn *c)
{
	struct sock *sk = r->sock->sk;
	int ret;

	ret = sctpx_conn_setsockopt(r->sock, c);
	if (ret > 0) {
		/* Blocking socket, established: the id is the return value. */
		c->id = ret;
		c->state = SCTP_ESTABLISHED;
		return;
	}
	if (ret == 0 || (ret != -EINPROGRESS && ret != -ERESTARTSYS &&
			 ret != -EINTR)) {
		/* The kernel freed the association it may have created. */
		c->err = ret ? ret : -EINVAL;
		return;
	}
	/* Started, still setting up (or a signal cut a blocking wait). */
	lock_sock(sk);
	sctpx_conn_find(sk, c);
	release_sock(sk);
}

static int sctpx_conn_id_cmp(const void *a, const void *b)
{
	const struct sctpx_conn *x = *(const struct sctpx_conn * const *)a;
	const struct sctpx_conn *y = *(const struct sctpx_conn * const *)b;

	return (u32)x->id < (u32)y->id ? -1 : (u32)x->id > (u32)y->id;
}

/*
 * Refresh every pending peer's state in one pass over the socket's
 * associations. Returns how many are still pending.
 */
static size_t sctpx_conn_refresh(struct sctpx_conn_req *r,
				 struct sctpx_conn **pend, bool *seen,
				 size_t npend)
{
	struct sctp_endpoint *ep = sctp_sk(r->sock->sk)->ep;
	struct sctp_association *asoc;
	size_t i, left = 0;

	memset(seen, 0, npend * sizeof(*seen));

	list_for_each_entry(asoc, &ep->asocs, asocs) {
		size_t lo = 0, hi = npend;

		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;

			if ((u32)pend[mid]->id < (u32)asoc->assoc_id)
				lo = mid + 1;
			else
				hi = mid;
		}
		if (lo < npend && pend[lo]->id == asoc->assoc_id &&
		    !asoc->base.dead) {
			seen[lo] = true;
			sctpx_conn_seen(pend[lo], asoc);
			if (asoc->state >= SCTP_STATE_SHUTDOWN_PENDING)
				pend[lo]->err = -ECONNRESET;
		}
	}
	for (i = 0; i < npend; i++) {
		if (!seen[i] && !pend[i]->err &&
		    !sctpx_conn_moved(r->sock->sk, pend[i]))
			pend[i]->err = sctpx_conn_gone_errno(pend[i]);
		if (sctpx_conn_pending(pend[i]))
			left++;
	}
	return left;
}

/*
 * When a wait of @wait_ms that starts now must end: the request's own
 * limit or the socket's send timeout, whichever is shorter. Taken before
 * the first peer is started, so that the time a blocking socket spends
 * inside the kernel's connect counts against it too. Compared in jiffies:
 * a send timeout of 2^32 ms or more does not fit jiffies_to_msecs().
 */
static ktime_t sctpx_conn_deadline(const struct sctpx_conn_req *r, u32 wait_ms)
{
	long sndtimeo = READ_ONCE(r->sock->sk->sk_sndtimeo);
	ktime_t now = ktime_get();

	if (sndtimeo >= 0 && sndtimeo != MAX_SCHEDULE_TIMEOUT &&
	    (unsigned long)sndtimeo < msecs_to_jiffies(wait_ms))
		return ktime_add_ns(now, jiffies64_to_nsecs(sndtimeo));
	return ktime_add_ms(now, wait_ms);
}

/*
 * Wait for all pending peers at once: sleep on the socket's wait queue
 * (notifications wake it) with a short tick for state changes that wake
 * nobody, until all settled, the deadline, or a signal.
 */
static u32 sctpx_conn_wait(struct sctpx_conn_req *r, ktime_t deadline)
{
	struct sock *sk = r->sock->sk;
	struct sctpx_conn **pend;
	size_t i, npend = 0;
	u32 end = SCTPX_WAIT_END_SETTLED;
	bool *seen;

	for (i = 0; i < r->n; i++)
		if (sctpx_conn_pending(&r->v[i]))
			npend++;
	if (!npend)
		return end;

	pend = kvmalloc_array(npend, sizeof(*pend), GFP_KERNEL);
	seen = kvmalloc_array(npend, sizeof(*seen), GFP_KERNEL);
	if (!pend || !seen) {
		/* Cannot wait: report the states as they are now. */
		kvfree(pend);
		kvfree(seen);
		return SCTPX_WAIT_END_TIMEOUT;
	}
	npend = 0;
	for (i = 0; i < r->n; i++)
		if (sctpx_conn_pending(&r->v[i]))
			pend[npend++] = &r->v[i];
	sort(pend, npend, sizeof(*pend), sctpx_conn_id_cmp, NULL);

	for (;;) {
		DEFINE_WAIT(wait);
		ktime_t tick;
		size_t left;
		s64 period;

		lock_sock(sk);
		left = sctpx_conn_refresh(r, pend, seen, npend);
		release_sock(sk);
		if (!left)
			break;
		if (signal_pending(current)) {
			end = SCTPX_WAIT_END_SIGNAL;
			break;
		}
		if (ktime_compare(ktime_get(), deadline) >= 0) {
			end = SCTPX_WAIT_END_TIMEOUT;
			break;
		}

		period = clamp_t(s64, left * SCTPX_WAIT_TICK_PER_PEER_US,
				 SCTPX_WAIT_TICK_MIN_US, SCTPX_WAIT_TICK_MAX_US);
		tick = ktime_sub(deadline, ktime_get());
		if (ktime_to_us(tick) > period)
			tick = ns_to_ktime(period * NSEC_PER_USEC);
		prepare_to_wait(sk_sleep(sk), &wait, TASK_INTERRUPTIBLE);
		schedule_hrtimeout_range(&tick, period * NSEC_PER_USEC / 4,
					 HRTIMER_MODE_REL);
		finish_wait(sk_sleep(sk), &wait);
	}
	kvfree(seen);
	kvfree(pend);
	return end;
}

static size_t sctpx_conn_reply_size(const struct sctpx_conn_req *r)
{
	return nla_total_size(sizeof(u32)) +		/* WAIT_END */
	       r->n * (nla_total_size(0) +		/* SCTPX_A_ASSOC */
		       nla_total_size(sizeof(u32)) * 4); /* index, id, state, error */
}

static int sctpx_conn_put(struct sk_buff *msg, const struct sctpx_conn *c,
			  u32 index)
{
	struct nlattr *nest = nla_nest_start(msg, SCTPX_A_ASSOC);

	/*
	 * A failed peer keeps the id and the last state seen, if it got
	 * that far: the caller may have seen the id in a notification.
	 */
	if (!nest || nla_put_u32(msg, SCTPX_ASSOC_A_PEER_INDEX, index) ||
	    (c->id && (nla_put_u32(msg, SCTPX_ASSOC_A_ID, c->id) ||
		       nla_put_u32(msg, SCTPX_ASSOC_A_STATE, c->state))) ||
	    (c->err && nla_put_u32(msg, SCTPX_ASSOC_A_ERROR, -c->err)))
		return -EMSGSIZE;
	nla_nest_end(msg, nest);
	return 0;
}

int sctpx_nl_connectx_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct netlink_ext_ack *extack = info->extack;
	struct sctpx_conn_req r = { .info = info };
	struct sk_buff *msg = NULL;
	u64 started = 0, failed = 0;
	u32 wait_ms = 0, end = 0;
	ktime_t deadline = 0;
	void *hdr;
	size_t i;
	int err;

	r.sock = sctpx_sock_get(info, &err);
	if (!r.sock)
		return err;

	err = sctpx_conn_parse(&r);
	if (err)
		goto out;

	if (info->attrs[SCTPX_A_WAIT_MS])
		wait_ms = nla_get_u32(info->attrs[SCTPX_A_WAIT_MS]);
	if (r.n > 1 && !(r.sock->file->f_flags & O_NONBLOCK)) {
		NL_SET_ERR_MSG_ATTR(extack, info->attrs[SCTPX_A_SOCK_FD],
				    "a batch of peers needs a non-blocking socket (use SCTPX_A_WAIT_MS to wait)");
		err = -EINVAL;
		goto out;
	}

	/* Everything that can fail for the request as a whole, first. */
	msg = sctpx_reply_new(skb, info, sctpx_conn_reply_size(&r), &hdr, &err);
	if (!msg)
		goto out;

	if (wait_ms)
		deadline = sctpx_conn_deadline(&r, wait_ms);
	for (i = 0; i < r.n; i++)
		sctpx_conn_start(&r, &r.v[i]);
	if (wait_ms)
		end = sctpx_conn_wait(&r, deadline);

	for (i = 0; i < r.n; i++) {
		if (r.v[i].id)
			started++;
		if (r.v[i].err)
			failed++;
		/* Cannot fail: the reply was sized for every peer. */
		if (sctpx_conn_put(msg, &r.v[i], i))
			break;
	}
	if (end)
		nla_put_u32(msg, SCTPX_A_WAIT_END, end);
	genlmsg_end(msg, hdr);

	sctpx_stat_add(SCTPX_STATS_A_CONNECTX_REQUESTS, 1);
	sctpx_stat_add(SCTPX_STATS_A_CONNECTX_STARTED, started);
	sctpx_stat_add(SCTPX_STATS_A_CONNECTX_ERRORS, failed);

	err = genlmsg_reply(msg, info);
	msg = NULL;
	if (err)
		sctpx_stat_add(SCTPX_STATS_A_REPLY_ERRORS, 1);
out:
	nlmsg_free(msg);
	sctpx_conn_free(&r);
	sockfd_put(r.sock);
	return err;
}
