// SPDX-License-Identifier: GPL-2.0
/*
 * sctpx: PEELOFF's split of a busy parent's receive queue.
 *
 * sctp_do_peeloff() (sctp_sock_migrate()) walks the parent's whole receive
 * queue to find the peeled association's messages: with M messages queued
 * for other associations a batch of N peels costs O(N * M). For a batch the
 * queue is split instead: each entry's messages go to a list of their own,
 * the rest is only remembered in order, and the parent's queue holds just
 * the messages of the association being peeled while it is peeled.
 * Afterwards the queue is rebuilt in its original order from every message
 * that did not move.
 *
 * What this relies on, in the kernel and in the caller:
 *
 *   - The parent is locked (lock_sock()) from sctpx_rx_split() to
 *     sctpx_rx_restore(), so nothing else adds to or takes from its
 *     receive queue: input goes to the backlog, recvmsg() and the queue
 *     ioctls lock the socket. A lockless poll() may see the queue empty
 *     meanwhile; sctpx_rx_restore() wakes it.
 *   - sctp_sock_migrate() finds the association's messages by walking the
 *     parent's sk_receive_queue, matching sctp_skb2event(skb)->asoc, and
 *     moves each one it finds to the new socket together with its memory
 *     accounting (sctp_skb_set_owner_r_frag()); it leaves the other
 *     messages alone. Messages set aside here stay charged to the parent,
 *     which still owns them: only their list changes.
 *   - sctp_do_peeloff() fails only before it moves a message, so an entry
 *     whose peel failed still has all of its messages (listed in
 *     &sctpx_peel_req.rx) and they go back to the parent.
 *   - While an association of the parent is in partial delivery
 *     (sctp_sock.pd_mode non-zero), other associations' messages wait in
 *     pd_lobby, and migrating the association in partial delivery splices
 *     that lobby into the receive queue (sctp_clear_pd()): the queue is
 *     never split then.
 *
 * A kernel that changes this: the build fails if pd_lobby goes away or
 * pd_mode stops being an atomic_t (the BUILD_BUG_ON() and atomic_read()
 * in sctpx_rx_split()); the semantics are covered only by the peeloff
 * selftests busy_parent_keeps_every_queue_in_order,
 * no_queue_split_during_partial_delivery and
 * queue_rebuild_wakes_poll_sleepers, which fail if the migration no longer
 * moves exactly the messages it is handed, or the rebuilt queue differs.
 * Not built where sctp_do_peeloff() is not exported (6.16 on).
 */
#include <linux/hash.h>
#include <linux/log2.h>
#include <linux/skbuff.h>
#include <net/sctp/sctp.h>
#include <net/sctp/ulpevent.h>
#include <net/sock.h>

#include "peeloff.h"

/* A parent with fewer messages queued is not busy: no split. */
#define SCTPX_RX_SPLIT_MIN	64
/*
 * Splitting walks the queue about three times over (split, hash lookups,
 * rebuild), one peel walks it once: below this many peels it does not pay
 * (Documentation/benchmarks.md has the figures).
 */
#define SCTPX_RX_SPLIT_MIN_PEELS	8

/**
 * sctpx_rx_split() - take the batch's messages off the parent's queue
 * @r: the request, its entries resolved and the parent locked
 *
 * Gives every entry to peel the messages of its association (in
 * &sctpx_peel.rxq, in queue order) and remembers the whole queue's order in
 * &sctpx_peel_req.rx; the parent's queue is left empty. Does nothing for a
 * short queue, a small batch, a parent in partial delivery, or when out of
 * memory: the peel is then slower, not different.
 */
void sctpx_rx_split(struct sctpx_peel_req *r)
{
	struct sk_buff_head *q = &r->sk->sk_receive_queue;
	unsigned int bits = order_base_2(max_t(size_t, r->n, 2)) + 1;
	u32 mask = (1U << bits) - 1, len = skb_queue_len(q), i = 0, k;
	struct sk_buff *skb, *tmp;
	u32 *tab;

	/* A tripwire: the lobby the invariants above name is still there. */
	BUILD_BUG_ON(!__same_type(sctp_sk(r->sk)->pd_lobby,
				  struct sk_buff_head));

	for (k = 0, i = 0; k < r->n; k++) {
		__skb_queue_head_init(&r->v[k].rxq);
		i += !r->v[k].err;
	}
	/*
	 * Partial delivery parks other associations' messages in pd_lobby,
	 * and migrating an association in it splices that lobby into the
	 * receive queue (sctp_clear_pd()): never split then.
	 */
	if (len < SCTPX_RX_SPLIT_MIN || i < SCTPX_RX_SPLIT_MIN_PEELS ||
	    atomic_read(&sctp_sk(r->sk)->pd_mode))
		return;
	i = 0;
	r->rx = kvmalloc_array(len, sizeof(*r->rx), GFP_KERNEL);
	tab = kvcalloc(1U << bits, sizeof(*tab), GFP_KERNEL);
	if (!r->rx || !tab) {
		/* Not splitting is slower, not wrong. */
		kvfree(r->rx);
		r->rx = NULL;
		kvfree(tab);
		return;
	}
	for (k = 0; k < r->n; k++) {
		u32 h;

		if (r->v[k].err)
			continue;
		h = hash_ptr(r->v[k].asoc, bits);
		while (tab[h])
			h = (h + 1) & mask;
		tab[h] = k + 1;
	}
	skb_queue_walk_safe(q, skb, tmp) {
		const struct sctp_association *asoc = sctp_skb2event(skb)->asoc;
		u32 h = hash_ptr(asoc, bits), e = U32_MAX;

		for (; tab[h]; h = (h + 1) & mask) {
			if (r->v[tab[h] - 1].asoc == asoc) {
				e = tab[h] - 1;
				break;
			}
		}
		r->rx[i].skb = skb;
		r->rx[i].entry = e;
		i++;
		if (e != U32_MAX) {
			__skb_unlink(skb, q);
			__skb_queue_tail(&r->v[e].rxq, skb);
		}
	}
	r->rxn = i;
	kvfree(tab);
	/* Only the other associations' messages are left: set them aside. */
	__skb_queue_head_init(q);
}

/**
 * sctpx_rx_peel_begin() - give the parent's queue one entry's messages
 * @r: the request
 * @e: the entry about to be peeled
 *
 * So that sctp_sock_migrate()'s walk of the queue finds exactly @e's
 * messages. No-op when the queue is not split.
 */
void sctpx_rx_peel_begin(struct sctpx_peel_req *r, struct sctpx_peel *e)
{
	if (r->rx)
		skb_queue_splice_init(&e->rxq, &r->sk->sk_receive_queue);
}

/**
 * sctpx_rx_peel_end() - set aside what the peel left on the parent's queue
 * @r: the request
 *
 * After a successful peel the queue is empty; after a failed one it holds
 * the entry's messages, which &sctpx_peel_req.rx still lists, so
 * sctpx_rx_restore() puts them back. No-op when the queue is not split.
 */
void sctpx_rx_peel_end(struct sctpx_peel_req *r)
{
	if (r->rx)
		__skb_queue_head_init(&r->sk->sk_receive_queue);
}

/**
 * sctpx_rx_restore() - rebuild the parent's queue after the batch
 * @r: the request, the parent still locked
 *
 * Every message that did not move goes back, in its original order, and a
 * reader that polled the empty queue meanwhile is woken. Messages of
 * entries that migrated belong to the new sockets now and are not touched.
 */
void sctpx_rx_restore(struct sctpx_peel_req *r)
{
	struct sk_buff_head *q = &r->sk->sk_receive_queue;
	u32 i;

	if (!r->rx)
		return;
	__skb_queue_head_init(q);
	for (i = 0; i < r->rxn; i++) {
		u32 e = r->rx[i].entry;

		if (e == U32_MAX || !r->v[e].migrated)
			__skb_queue_tail(q, r->rx[i].skb);
	}
	kvfree(r->rx);
	r->rx = NULL;
	if (!skb_queue_empty(q))
		r->sk->sk_data_ready(r->sk);
}

