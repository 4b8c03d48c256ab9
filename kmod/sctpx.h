/* SPDX-License-Identifier: GPL-2.0 */
/*
 * sctpx: internal interfaces between the module's files.
 */
#ifndef _SCTPX_H
#define _SCTPX_H

#include <linux/sort.h>
#include <linux/types.h>
#include <net/genetlink.h>
#include <net/sctp/structs.h>
#include <linux/sctpx.h>

/*
 * Kernels before 6.0 lack the missing-attribute helpers (and the
 * NLMSGERR_ATTR_MISS_TYPE they report). Both are macros, so the
 * preprocessor sees what the target kernel has: the check stays, the
 * report of the missing type is left out.
 */
#ifndef GENL_REQ_ATTR_CHECK
#define GENL_REQ_ATTR_CHECK(info, attr)	(!(info)->attrs[(attr)])
#endif
#ifndef NL_SET_ERR_ATTR_MISS
#define NL_SET_ERR_ATTR_MISS(extack, nest, type)	\
	((void)(extack), (void)(nest), (void)(type))
#endif

/**
 * struct sctpx_limit - a range-checked module parameter (main.c)
 * @value: the current value; read it once per request, sctpx_limit()
 * @min: smallest value accepted
 * @max: largest value accepted
 */
struct sctpx_limit {
	unsigned int value;
	unsigned int min;
	unsigned int max;
};

extern struct sctpx_limit sctpx_max_batch;
extern struct sctpx_limit sctpx_max_peers;
extern struct sctpx_limit sctpx_max_peer_addrs;

/*
 * max_batch's upper bound: a reply of this many full entries, each at most
 * sctpx_assoc_size_max(), still fits one allocation (main.c checks it at
 * load time). The default is a quarter of it: a PEELOFF holds genetlink's
 * cb_lock and the parent's socket lock for all of its entries
 * (Documentation/hardening.rst has the figures).
 */
#define SCTPX_MAX_BATCH_LIMIT	4096

static inline u32 sctpx_limit(const struct sctpx_limit *l)
{
	return READ_ONCE(l->value);
}

extern struct genl_family sctpx_genl_family;

/**
 * struct sctpx_net - the module's state in one network namespace (net.c)
 * @stats: the counters, indexed by &enum sctpx_stats_attr
 * @lost_lock: protects @lost and @lost_bytes
 * @lost: replies kept for SCTPX_CMD_LOST_REPLY_GET (reply.c)
 * @lost_bytes: their truesize, at most %SCTPX_LOST_REPLY_BYTES_MAX
 */
struct sctpx_net {
	atomic64_t stats[SCTPX_STATS_A_MAX + 1];
	spinlock_t lost_lock;	/* protects lost, lost_bytes */
	struct list_head lost;
	size_t lost_bytes;
};

/* net.c */
struct sctpx_net *sctpx_net(const struct net *net);
void sctpx_stat_add(const struct net *net, unsigned int attr, u64 val);
int sctpx_stats_put(struct sk_buff *skb, const struct net *net);
int sctpx_net_register(void);
void sctpx_net_unregister(void);

/**
 * struct sctpx_reply_to - where a reply goes, held (reply.c)
 * @net: the request's network namespace
 * @nlsk: the requesting netlink socket
 * @portid: its port id
 */
struct sctpx_reply_to {
	struct net *net;
	struct sock *nlsk;
	u32 portid;
};

/* reply.c */
struct sk_buff *sctpx_reply_new(struct sk_buff *req, struct genl_info *info,
				size_t size, const struct sk_buff *ack,
				void **hdr);
void sctpx_reply_to_get(struct sctpx_reply_to *to, struct sk_buff *req,
			struct genl_info *info);
void sctpx_reply_to_put(struct sctpx_reply_to *to);
bool sctpx_reply_send(const struct sctpx_reply_to *to, struct sk_buff *msg);
struct sk_buff *sctpx_reply_ack_new(const struct genl_info *info);
void sctpx_reply_ack(const struct sctpx_reply_to *to, struct sk_buff *ack);
void sctpx_lost_flush(struct sctpx_net *sn);
int sctpx_reply_init(void);
void sctpx_reply_exit(void);

/* sock.c */
struct socket *sctpx_sock_get(struct genl_info *info);
struct socket *sctpx_sock_lookup(const struct net *net, int fd,
				 const struct nlattr *attr,
				 struct netlink_ext_ack *extack);

/* addr.c */
int sctpx_addr_parse(const struct nlattr *nest, union sctp_addr *addr,
		     struct netlink_ext_ack *extack);
int sctpx_addr_put(struct sk_buff *skb, int attrtype,
		   const union sctp_addr *addr);
size_t sctpx_addr_size(void);
bool sctpx_addr_equal(const union sctp_addr *a, const union sctp_addr *b,
		      bool with_port);

/**
 * struct sctpx_select - which associations a request is about
 * @states: bit (1 << sctp_sstat_state) per accepted state; 0: any
 * @has_addr: @addr is a criterion
 * @addr: one of the peer's addresses must equal it (port if non-zero)
 * @port: the peer's port must equal it; 0: any
 * @order: &enum sctpx_select_order
 * @limit: take at most this many; 0: no limit
 * @ids: sorted association ids, one of which the association's must be;
 *	NULL: any
 * @nids: number of @ids
 */
struct sctpx_select {
	u32 states;
	bool has_addr;
	union sctp_addr addr;
	u16 port;
	u32 order;
	u32 limit;
	u32 *ids;
	u32 nids;
};

/* assoc.c */
int sctpx_id_cmp(const void *a, const void *b);

/**
 * sctpx_sort_by_id() - put records in ascending association id order
 * @base: the records
 * @num: how many there are
 * @size: the size of one
 * @cmp: orders two records by their association ids, as sctpx_id_cmp()
 *
 * For records collected from a socket's association list. That list is in
 * creation order and ids are allocated cyclically, so it is nearly always
 * in id order already: one pass to check costs less than a sort's
 * n log n indirect comparisons, and the sort runs only when the pass finds
 * a pair out of order. Inline, so that the pass calls @cmp directly.
 */
static __always_inline void sctpx_sort_by_id(void *base, size_t num,
					     size_t size, cmp_func_t cmp)
{
	size_t i;

	for (i = 1; i < num; i++) {
		if (cmp(base + (i - 1) * size, base + i * size) > 0) {
			sort(base, num, size, cmp, NULL);
			return;
		}
	}
}

int sctpx_select_parse(const struct nlattr *nest, struct sctpx_select *sel,
		       struct netlink_ext_ack *extack);
void sctpx_select_free(struct sctpx_select *sel);
bool sctpx_select_match(const struct sctpx_select *sel,
			const struct sctp_association *asoc);
u64 sctpx_assoc_traffic(const struct sctp_association *asoc);
size_t sctpx_assoc_size(const struct sctp_association *asoc);
size_t sctpx_assoc_size_max(void);
size_t sctpx_assoc_error_size(void);
int sctpx_assoc_put_info(struct sk_buff *skb,
			 const struct sctp_association *asoc);
int sctpx_assoc_put_error(struct sk_buff *skb, sctp_assoc_t id, int err);

/* Handlers (info.c, assoc_dump.c, peeloff.c, connectx.c). */
int sctpx_nl_info_get_doit(struct sk_buff *skb, struct genl_info *info);
int sctpx_nl_assoc_get_start(struct netlink_callback *cb);
int sctpx_nl_assoc_get_dumpit(struct sk_buff *skb,
			      struct netlink_callback *cb);
int sctpx_nl_assoc_get_done(struct netlink_callback *cb);
int sctpx_nl_peeloff_doit(struct sk_buff *skb, struct genl_info *info);
int sctpx_nl_connectx_doit(struct sk_buff *skb, struct genl_info *info);
int sctpx_nl_lost_reply_get_doit(struct sk_buff *skb, struct genl_info *info);

/* netlink.c: the commands this build offers, as SCTPX_OP_BIT()s. */
u64 sctpx_nl_ops_available(void);
int sctpx_nl_assoc_get_parse(const struct nlmsghdr *nlh, struct nlattr **tb,
			     struct netlink_ext_ack *extack);

#endif /* _SCTPX_H */
