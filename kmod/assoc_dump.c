// SPDX-License-Identifier: GPL-2.0
/*
 * sctpx: ASSOC_GET, the associations of a socket as a netlink dump.
 *
 * A dump spans several recvmsg() calls, and associations come and go in
 * between. Each pass takes the socket lock, emits the matching
 * associations in ascending id order starting after the last id already
 * emitted, and stops when the message is full. So an association that
 * lives through the whole dump is listed exactly once, and none is listed
 * twice, however many pages the listing takes.
 */
#include <net/genetlink.h>
#include <net/sctp/sctp.h>
#include <net/sock.h>

#include "sctpx.h"

/**
 * struct sctpx_dump_ctx - state of one ASSOC_GET dump, in cb->ctx
 * @sock: the socket being listed, with a reference on its file
 * @sel: the filter
 * @next_id: the smallest id the next pass may emit
 * @done: every association has been emitted
 */
struct sctpx_dump_ctx {
	struct socket *sock;
	struct sctpx_select *sel;
	u32 next_id;
	bool done;
};

static struct sctpx_dump_ctx *sctpx_dump_ctx(struct netlink_callback *cb)
{
	BUILD_BUG_ON(sizeof(struct sctpx_dump_ctx) > sizeof(cb->ctx));
	return (struct sctpx_dump_ctx *)cb->ctx;
}

int sctpx_nl_assoc_get_start(struct netlink_callback *cb)
{
	struct sctpx_dump_ctx *ctx = sctpx_dump_ctx(cb);
	struct nlattr *tb[SCTPX_A_MAX + 1];
	struct nlattr *fd_attr;
	struct socket *sock;
	int err;

	err = sctpx_nl_assoc_get_parse(cb->nlh, tb, cb->extack);
	if (err)
		return err;
	fd_attr = tb[SCTPX_A_SOCK_FD];
	if (!fd_attr) {
		NL_SET_ERR_MSG(cb->extack,
			       "missing socket descriptor (SCTPX_A_SOCK_FD)");
		NL_SET_ERR_ATTR_MISS(cb->extack, NULL, SCTPX_A_SOCK_FD);
		return -EINVAL;
	}

	ctx->sel = kzalloc(sizeof(*ctx->sel), GFP_KERNEL);
	if (!ctx->sel)
		return -ENOMEM;
	err = sctpx_select_parse(tb[SCTPX_A_SELECT], ctx->sel,
				 cb->extack);
	if (err)
		goto free;

	/* .start runs in the requester's task, so this is its fd table. */
	sock = sctpx_sock_lookup(sock_net(cb->skb->sk), nla_get_s32(fd_attr),
				 fd_attr, cb->extack);
	if (IS_ERR(sock)) {
		err = PTR_ERR(sock);
		goto free;
	}
	ctx->sock = sock;
	ctx->next_id = 0;
	ctx->done = false;
	return 0;

free:
	sctpx_select_free(ctx->sel);
	kfree(ctx->sel);
	ctx->sel = NULL;
	return err;
}

int sctpx_nl_assoc_get_done(struct netlink_callback *cb)
{
	struct sctpx_dump_ctx *ctx = sctpx_dump_ctx(cb);

	if (ctx->sock)
		sockfd_put(ctx->sock);
	if (ctx->sel)
		sctpx_select_free(ctx->sel);
	kfree(ctx->sel);
	return 0;
}

/* Orders pointers to associations by the associations' ids. */
static int sctpx_asoc_ptr_id_cmp(const void *a, const void *b)
{
	const struct sctp_association *x = *(struct sctp_association * const *)a;
	const struct sctp_association *y = *(struct sctp_association * const *)b;

	return sctpx_id_cmp(&x->assoc_id, &y->assoc_id);
}

/*
 * Collect the matching associations with an id of at least ctx->next_id,
 * in ascending id order. Called with the socket locked. Returns NULL with
 * *count 0 when none matches, else an array for the caller to kvfree().
 */
static struct sctp_association **
sctpx_dump_collect(struct sock *sk, const struct sctpx_dump_ctx *ctx,
		   size_t *count)
{
	struct sctp_endpoint *ep = sctp_sk(sk)->ep;
	struct sctp_association *asoc, **v;
	size_t n = 0, i = 0;

	list_for_each_entry(asoc, &ep->asocs, asocs)
		n++;
	*count = 0;
	if (!n)
		return NULL;

	v = kvmalloc_array(n, sizeof(*v), GFP_KERNEL);
	if (!v)
		return ERR_PTR(-ENOMEM);

	list_for_each_entry(asoc, &ep->asocs, asocs)
		if ((u32)asoc->assoc_id >= ctx->next_id &&
		    sctpx_select_match(ctx->sel, asoc))
			v[i++] = asoc;

	if (!i) {
		/* Nothing (left) matches: the caller gets no array to free. */
		kvfree(v);
		return NULL;
	}

	sctpx_sort_by_id(v, i, sizeof(*v), sctpx_asoc_ptr_id_cmp);
	*count = i;
	return v;
}

int sctpx_nl_assoc_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct sctpx_dump_ctx *ctx = sctpx_dump_ctx(cb);
	struct sock *sk = ctx->sock->sk;
	struct sctp_association **v;
	size_t n, i;
	int err = 0;
	void *hdr;

	if (ctx->done)
		return 0;

	lock_sock(sk);
	v = sctpx_dump_collect(sk, ctx, &n);
	if (IS_ERR(v)) {
		err = PTR_ERR(v);
		goto unlock;
	}
	if (!n) {
		ctx->done = true;
		goto unlock;
	}

	hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid, cb->nlh->nlmsg_seq,
			  &sctpx_genl_family, NLM_F_MULTI, SCTPX_CMD_ASSOC_GET);
	if (!hdr) {
		err = -EMSGSIZE;
		goto free;
	}

	for (i = 0; i < n; i++) {
		struct nlattr *nest = nla_nest_start(skb, SCTPX_A_ASSOC);

		if (!nest || sctpx_assoc_put_info(skb, v[i])) {
			if (nest)
				nla_nest_cancel(skb, nest);
			break;
		}
		nla_nest_end(skb, nest);
	}

	if (!i) {
		/* Not even one entry fits an empty message. */
		genlmsg_cancel(skb, hdr);
		err = -EMSGSIZE;
		goto free;
	}
	genlmsg_end(skb, hdr);

	if (i == n || (u32)v[i - 1]->assoc_id == U32_MAX)
		ctx->done = true;
	else
		ctx->next_id = (u32)v[i - 1]->assoc_id + 1;
	err = skb->len;
free:
	kvfree(v);
unlock:
	release_sock(sk);
	return err;
}
