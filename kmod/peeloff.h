/* SPDX-License-Identifier: GPL-2.0 */
/*
 * sctpx: the state of one PEELOFF request, shared by the peel path
 * (peeloff.c) and the split of the parent's receive queue (queue_split.c).
 */
#ifndef _SCTPX_PEELOFF_H
#define _SCTPX_PEELOFF_H

#include <linux/skbuff.h>
#include <net/genetlink.h>
#include <net/sctp/structs.h>

#include "sctpx.h"

/* Why an entry was refused before anything moved. */
enum sctpx_peel_why {
	SCTPX_PEEL_OK,
	SCTPX_PEEL_REPEATED,
	SCTPX_PEEL_RESERVED,
	SCTPX_PEEL_NO_SUCH,
};

/**
 * struct sctpx_peel - one association of a request
 * @id: the association id; first, so that sctpx_id_cmp() orders entries
 * @attr: the request's %SCTPX_A_ASSOC_ID, NULL for a selection
 * @asoc: the association, valid only while the parent is locked
 * @err: 0, or why this entry fails (negative errno)
 * @why: what was wrong with it, for the extended ack of an atomic request
 * @fd: the reserved descriptor, or -1
 * @file: the new socket's file, to be installed at @fd
 * @rxq: this association's messages, taken off the parent's receive
 *	queue while other entries are peeled (queue_split.c)
 * @migrated: sctp_do_peeloff() moved the association and its messages
 */
struct sctpx_peel {
	sctp_assoc_t id;
	const struct nlattr *attr;
	struct sctp_association *asoc;
	int err;
	enum sctpx_peel_why why;
	int fd;
	struct file *file;
	struct sk_buff_head rxq;
	bool migrated;
};

/* sctpx_id_cmp() sorts these records as the u32 ids they start with. */
static_assert(offsetof(struct sctpx_peel, id) == 0 &&
	      sizeof_field(struct sctpx_peel, id) == sizeof(u32));

/*
 * The stages of a timed request, in order, each ending where the next
 * begins (the sctpx_peeloff event's breakdown, trace.h): parse the
 * request; look the socket up, lock it and resolve the ids or evaluate
 * the selection; reserve the descriptors; size and allocate the reply;
 * peel each association and write its entry (the receive-queue split
 * and the socket's unlock, which runs its backlog, included); send the
 * reply; install the descriptors.
 */
enum sctpx_peel_stage {
	SCTPX_PEEL_STAGE_PARSE,
	SCTPX_PEEL_STAGE_LOOKUP,
	SCTPX_PEEL_STAGE_RESERVE,
	SCTPX_PEEL_STAGE_REPLY,
	SCTPX_PEEL_STAGE_PEEL,
	SCTPX_PEEL_STAGE_SEND,
	SCTPX_PEEL_STAGE_INSTALL,
	SCTPX_PEEL_STAGES
};

/**
 * struct sctpx_rx_pos - one message of the parent's receive queue
 * @skb: the message (or notification)
 * @entry: index of the entry whose association it belongs to, or U32_MAX
 */
struct sctpx_rx_pos {
	struct sk_buff *skb;
	u32 entry;
};

/**
 * struct sctpx_peel_req - one PEELOFF request
 * @info: the netlink request
 * @sk: the parent socket
 * @flags: SOCK_NONBLOCK / SOCK_CLOEXEC
 * @atomic: all or nothing
 * @brief: entries carry only the id and the fd (or the error)
 * @by_select: @sel chooses the associations (else explicit ids)
 * @sel: the selection
 * @v: the entries, in reply order
 * @n: number of entries
 * @remaining: selected associations left behind because of the limit
 * @start_ns: when the handler started; 0: not timed (the sctpx_peeloff
 *	event was off, trace.h)
 * @floor_ns: time in the kernel work every peeled fd needs, when timed
 * @mark_ns: when the current stage began, when timed
 * @stage_ns: time in each &enum sctpx_peel_stage, when timed
 * @rx: the parent's receive queue in its order, while it is split
 * @rxn: number of messages in @rx
 */
struct sctpx_peel_req {
	struct genl_info *info;
	struct sock *sk;
	u32 flags;
	bool atomic;
	bool brief;
	bool by_select;
	struct sctpx_select sel;
	struct sctpx_peel *v;
	size_t n;
	u32 remaining;
	u64 start_ns;
	u64 floor_ns;
	u64 mark_ns;
	u64 stage_ns[SCTPX_PEEL_STAGES];
	struct sctpx_rx_pos *rx;
	u32 rxn;
};

/* queue_split.c; the parent is locked from split to restore. */
void sctpx_rx_split(struct sctpx_peel_req *r);
void sctpx_rx_peel_begin(struct sctpx_peel_req *r, struct sctpx_peel *e);
void sctpx_rx_peel_end(struct sctpx_peel_req *r);
void sctpx_rx_restore(struct sctpx_peel_req *r);

#endif /* _SCTPX_PEELOFF_H */
