// SPDX-License-Identifier: GPL-2.0
/*
 * The netlink client: one libnl-genl socket bound to the sctpx family,
 * requests sent and their answers (replies, errors, extended acks)
 * collected.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdbool.h>
#include <string.h>
#include <linux/netlink.h>
#include <netlink/genl/ctrl.h>
#include <netlink/msg.h>
#include <linux/sctpx.h>

#include "nl.h"

int sx_nl_open(struct sx_nl *nl)
{
	int one = 1, fd;

	memset(nl, 0, sizeof(*nl));
	nl->sk = nl_socket_alloc();
	if (!nl->sk)
		return -ENOMEM;
	if (genl_connect(nl->sk)) {
		nl_socket_free(nl->sk);
		nl->sk = NULL;
		return -EIO;
	}
	fd = nl_socket_get_fd(nl->sk);
	setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	setsockopt(fd, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one));
	nl_socket_disable_auto_ack(nl->sk);
	nl_socket_enable_msg_peek(nl->sk);
	/*
	 * libnl sizes both buffers to 32 KiB on connect; a request must fit
	 * the send buffer whole (8 bytes per id), so ask for what the kernel
	 * allows (net.core.wmem_max).
	 */
	nl_socket_set_buffer_size(nl->sk, 1 << 20, 1 << 20);
	nl->family = genl_ctrl_resolve(nl->sk, SCTPX_FAMILY_NAME);
	if (nl->family < 0) {
		nl_socket_free(nl->sk);
		nl->sk = NULL;
		return -ENOENT;
	}
	return 0;
}

void sx_nl_close(struct sx_nl *nl)
{
	if (nl->sk)
		nl_socket_free(nl->sk);
	nl->sk = NULL;
}

struct nl_msg *sx_msg(struct sx_nl *nl, uint8_t cmd, int nlflags)
{
	struct nl_msg *msg = nlmsg_alloc();

	if (!msg)
		return NULL;
	if (!genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, nl->family, 0,
			 nlflags, cmd, SCTPX_FAMILY_VERSION)) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

struct nlattr *sx_nest_start(struct nl_msg *msg, int type)
{
	return nla_nest_start(msg, type | NLA_F_NESTED);
}

struct sx_req {
	struct sx_nl *nl;
	sx_msg_cb cb;
	void *arg;
	bool done;
	int cb_err;
};

static void sx_parse_extack(struct sx_nl *nl, struct nlmsgerr *e)
{
	struct nlmsghdr *nlh = (struct nlmsghdr *)((char *)e - NLMSG_HDRLEN);
	struct nlattr *tb[NLMSGERR_ATTR_MAX + 1];
	size_t off = sizeof(*e);
	int len;

	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return;
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
		off += e->msg.nlmsg_len - NLMSG_HDRLEN;
	len = (int)nlh->nlmsg_len - NLMSG_HDRLEN - (int)off;
	if (len <= 0)
		return;
	if (nla_parse(tb, NLMSGERR_ATTR_MAX, (struct nlattr *)((char *)e + off),
		      len, NULL))
		return;
	if (tb[NLMSGERR_ATTR_MSG])
		snprintf(nl->extack, sizeof(nl->extack), "%s",
			 (char *)nla_data(tb[NLMSGERR_ATTR_MSG]));
	if (tb[NLMSGERR_ATTR_OFFS])
		nl->bad_attr_off = (int)nla_get_u32(tb[NLMSGERR_ATTR_OFFS]);
	if (tb[NLMSGERR_ATTR_MISS_TYPE])
		nl->miss_type = (int)nla_get_u32(tb[NLMSGERR_ATTR_MISS_TYPE]);
}

static int sx_err_cb(struct sockaddr_nl *who, struct nlmsgerr *e, void *arg)
{
	struct sx_req *req = arg;

	(void)who;
	req->nl->err = -e->error;
	sx_parse_extack(req->nl, e);
	req->done = true;
	return NL_STOP;
}

static int sx_valid_cb(struct nl_msg *msg, void *arg)
{
	struct sx_req *req = arg;
	struct nlmsghdr *nlh = nlmsg_hdr(msg);

	if (req->cb && !req->cb_err)
		req->cb_err = req->cb(nlh, req->arg);
	if (!(nlh->nlmsg_flags & NLM_F_MULTI)) {
		req->done = true;
		return NL_STOP;
	}
	return NL_OK;
}

static int sx_finish_cb(struct nl_msg *msg, void *arg)
{
	struct sx_req *req = arg;
	struct nlmsghdr *nlh = nlmsg_hdr(msg);

	/* A dump that failed midway says so in NLMSG_DONE. */
	if (nlh->nlmsg_len >= NLMSG_HDRLEN + sizeof(int)) {
		int err = *(int *)nlmsg_data(nlh);

		if (err < 0)
			req->nl->err = -err;
	}
	req->done = true;
	return NL_STOP;
}

static int sx_ack_cb(struct nl_msg *msg, void *arg)
{
	struct sx_req *req = arg;

	(void)msg;
	req->done = true;
	return NL_STOP;
}

int sx_request(struct sx_nl *nl, struct nl_msg *msg, sx_msg_cb cb, void *arg)
{
	struct sx_req req = { .nl = nl, .cb = cb, .arg = arg };
	struct nl_cb *nlcb;
	int ret;

	nl->err = 0;
	nl->extack[0] = 0;
	nl->bad_attr_off = -1;
	nl->miss_type = -1;

	nlcb = nl_cb_alloc(NL_CB_DEFAULT);
	if (!nlcb) {
		nlmsg_free(msg);
		return -ENOMEM;
	}
	nl_cb_err(nlcb, NL_CB_CUSTOM, sx_err_cb, &req);
	nl_cb_set(nlcb, NL_CB_VALID, NL_CB_CUSTOM, sx_valid_cb, &req);
	nl_cb_set(nlcb, NL_CB_FINISH, NL_CB_CUSTOM, sx_finish_cb, &req);
	nl_cb_set(nlcb, NL_CB_ACK, NL_CB_CUSTOM, sx_ack_cb, &req);

	nl->nlerr = 0;
	ret = nl_send_auto(nl->sk, msg);
	nlmsg_free(msg);
	if (ret < 0) {
		nl_cb_put(nlcb);
		nl->nlerr = ret;
		nl->err = EIO;
		return -EIO;
	}
	while (!req.done) {
		ret = nl_recvmsgs(nl->sk, nlcb);
		if (ret < 0 && !req.done) {
			nl->nlerr = ret;
			nl->err = ret == -NLE_NOMEM ? ENOBUFS : EIO;
			break;
		}
	}
	nl_cb_put(nlcb);
	if (!nl->err && req.cb_err)
		nl->err = -req.cb_err;
	return -nl->err;
}
