// SPDX-License-Identifier: GPL-2.0
/*
 * Helpers shared by the sctpx selftests. See sctpx_test.h.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <linux/membarrier.h>
#include <linux/netlink.h>
#include <netinet/sctp.h>
#include <netlink/genl/ctrl.h>
#include <netlink/msg.h>

#include "sctpx_test.h"

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

void sx_result_free(struct sx_result *res)
{
	free(res->v);
	memset(res, 0, sizeof(*res));
}

static int sx_parse_addr(struct nlattr *nest, struct sx_addr *a)
{
	struct nlattr *tb[SCTPX_ADDR_A_MAX + 1];

	memset(a, 0, sizeof(*a));
	if (nla_parse_nested(tb, SCTPX_ADDR_A_MAX, nest, NULL))
		return -EINVAL;
	if (tb[SCTPX_ADDR_A_IN4] && nla_len(tb[SCTPX_ADDR_A_IN4]) == 4) {
		a->family = AF_INET;
		memcpy(&a->v4, nla_data(tb[SCTPX_ADDR_A_IN4]), 4);
	} else if (tb[SCTPX_ADDR_A_IN6] && nla_len(tb[SCTPX_ADDR_A_IN6]) == 16) {
		a->family = AF_INET6;
		memcpy(&a->v6, nla_data(tb[SCTPX_ADDR_A_IN6]), 16);
	} else {
		return -EINVAL;
	}
	if (tb[SCTPX_ADDR_A_PORT])
		a->port = nla_get_u16(tb[SCTPX_ADDR_A_PORT]);
	if (tb[SCTPX_ADDR_A_SCOPE_ID])
		a->scope_id = nla_get_u32(tb[SCTPX_ADDR_A_SCOPE_ID]);
	return 0;
}

int sx_parse_assoc(struct nlattr *nest, struct sx_assoc *a)
{
	struct nlattr *pos;
	int rem;

	memset(a, 0, sizeof(*a));
	a->fd = -1;
	nla_for_each_nested(pos, nest, rem) {
		switch (nla_type(pos)) {
		case SCTPX_ASSOC_A_ID:
			a->has_id = true;
			a->id = nla_get_u32(pos);
			break;
		case SCTPX_ASSOC_A_STATE:
			a->has_state = true;
			a->state = nla_get_u32(pos);
			break;
		case SCTPX_ASSOC_A_PEER_ADDR:
			if (a->naddrs < SX_MAX_ADDRS &&
			    !sx_parse_addr(pos, &a->addrs[a->naddrs]))
				a->naddrs++;
			break;
		case SCTPX_ASSOC_A_LOCAL_PORT:
			a->local_port = nla_get_u16(pos);
			break;
		case SCTPX_ASSOC_A_INSTREAMS:
			a->instreams = nla_get_u16(pos);
			break;
		case SCTPX_ASSOC_A_OUTSTREAMS:
			a->outstreams = nla_get_u16(pos);
			break;
		case SCTPX_ASSOC_A_DATA_IN:
			a->has_counters = true;
			a->data_in = nla_get_u64(pos);
			break;
		case SCTPX_ASSOC_A_DATA_OUT:
			a->data_out = nla_get_u64(pos);
			break;
		case SCTPX_ASSOC_A_PACKETS_IN:
			a->packets_in = nla_get_u64(pos);
			break;
		case SCTPX_ASSOC_A_PACKETS_OUT:
			a->packets_out = nla_get_u64(pos);
			break;
		case SCTPX_ASSOC_A_RTX_CHUNKS:
			a->rtx_chunks = nla_get_u64(pos);
			break;
		case SCTPX_ASSOC_A_PEER_ADDR_COUNT:
			a->has_addr_count = true;
			a->addr_count = nla_get_u32(pos);
			break;
		case SCTPX_ASSOC_A_PEER_ADDRS_CUT:
			a->addrs_cut = true;
			break;
		case SCTPX_ASSOC_A_LOCAL_VTAG:
			a->has_live = true;
			a->local_vtag = nla_get_u32(pos);
			break;
		case SCTPX_ASSOC_A_PEER_VTAG:
			a->peer_vtag = nla_get_u32(pos);
			break;
		case SCTPX_ASSOC_A_OUTSTANDING:
			a->outstanding = nla_get_u32(pos);
			break;
		case SCTPX_ASSOC_A_QUEUED:
			a->queued = nla_get_u32(pos);
			break;
		case SCTPX_ASSOC_A_PEER_RWND:
			a->peer_rwnd = nla_get_u32(pos);
			break;
		case SCTPX_ASSOC_A_HEARD_MS:
			a->heard_ms = nla_get_u32(pos);
			break;
		case SCTPX_ASSOC_A_INIT_RETRIES:
			a->init_retries = nla_get_u32(pos);
			break;
		case SCTPX_ASSOC_A_MAX_INIT_RETRIES:
			a->max_init_retries = nla_get_u32(pos);
			break;
		case SCTPX_ASSOC_A_FD:
			a->fd = (int)nla_get_u32(pos);
			break;
		case SCTPX_ASSOC_A_ERROR:
			a->error = (int)nla_get_u32(pos);
			break;
		case SCTPX_ASSOC_A_PEER_INDEX:
			a->has_index = true;
			a->peer_index = nla_get_u32(pos);
			break;
		default:
			break;
		}
	}
	return 0;
}

int sx_collect_cb(struct nlmsghdr *nlh, void *arg)
{
	struct sx_result *res = arg;
	struct nlattr *pos;
	int rem;

	res->nmsgs++;
	nla_for_each_attr(pos, genlmsg_attrdata(nlmsg_data(nlh), 0),
			  genlmsg_attrlen(nlmsg_data(nlh), 0), rem) {
		switch (nla_type(pos)) {
		case SCTPX_A_ASSOC:
			if (res->n == res->cap) {
				size_t cap = res->cap ? res->cap * 2 : 64;
				struct sx_assoc *v = realloc(res->v, cap * sizeof(*v));

				if (!v)
					return -ENOMEM;
				res->v = v;
				res->cap = cap;
			}
			sx_parse_assoc(pos, &res->v[res->n++]);
			break;
		case SCTPX_A_REMAINING:
			res->has_remaining = true;
			res->remaining = nla_get_u32(pos);
			break;
		default:
			break;
		}
	}
	return 0;
}

int sx_put_addr(struct nl_msg *msg, int type, const struct sx_addr *a)
{
	struct nlattr *nest = sx_nest_start(msg, type);

	if (!nest)
		return -EMSGSIZE;
	if (a->family == AF_INET) {
		if (nla_put(msg, SCTPX_ADDR_A_IN4, 4, &a->v4))
			return -EMSGSIZE;
	} else if (nla_put(msg, SCTPX_ADDR_A_IN6, 16, &a->v6)) {
		return -EMSGSIZE;
	}
	if (a->port && nla_put_u16(msg, SCTPX_ADDR_A_PORT, a->port))
		return -EMSGSIZE;
	if (a->scope_id && nla_put_u32(msg, SCTPX_ADDR_A_SCOPE_ID, a->scope_id))
		return -EMSGSIZE;
	nla_nest_end(msg, nest);
	return 0;
}

struct sx_addr sx_addr4(const char *ip, uint16_t port)
{
	struct sx_addr a = { .family = AF_INET, .port = port };

	inet_pton(AF_INET, ip, &a.v4);
	return a;
}

struct sx_addr sx_addr6(const char *ip, uint16_t port)
{
	struct sx_addr a = { .family = AF_INET6, .port = port };

	inet_pton(AF_INET6, ip, &a.v6);
	return a;
}

int sx_put_select(struct nl_msg *msg, const struct sx_select *sel)
{
	struct nlattr *nest;

	/*
	 * "Everything" is an empty nest, and libnl's nla_nest_end() drops
	 * empty nests: put it as a zero-length attribute instead.
	 */
	if (!sel->states && !sel->has_addr && !sel->port && !sel->has_order &&
	    !sel->limit && !sel->nids)
		return nla_put(msg, SCTPX_A_SELECT | NLA_F_NESTED, 0, NULL) ?
		       -EMSGSIZE : 0;

	nest = sx_nest_start(msg, SCTPX_A_SELECT);
	if (!nest)
		return -EMSGSIZE;
	if (sel->states && nla_put_u32(msg, SCTPX_SELECT_A_STATES, sel->states))
		return -EMSGSIZE;
	if (sel->has_addr &&
	    sx_put_addr(msg, SCTPX_SELECT_A_PEER_ADDR, &sel->addr))
		return -EMSGSIZE;
	if (sel->port && nla_put_u16(msg, SCTPX_SELECT_A_PEER_PORT, sel->port))
		return -EMSGSIZE;
	if (sel->has_order && nla_put_u32(msg, SCTPX_SELECT_A_ORDER, sel->order))
		return -EMSGSIZE;
	if (sel->limit && nla_put_u32(msg, SCTPX_SELECT_A_LIMIT, sel->limit))
		return -EMSGSIZE;
	for (size_t i = 0; i < sel->nids; i++)
		if (nla_put_u32(msg, SCTPX_SELECT_A_ASSOC_ID, sel->ids[i]))
			return -EMSGSIZE;
	nla_nest_end(msg, nest);
	return 0;
}

int sx_peeloff(struct sx_nl *nl, int fd, uint32_t flags, unsigned int how,
	       const uint32_t *ids, size_t nids, const struct sx_select *sel,
	       struct sx_result *res)
{
	struct nl_msg *msg;
	size_t i;

	memset(res, 0, sizeof(*res));
	msg = sx_msg(nl, SCTPX_CMD_PEELOFF, 0);
	if (!msg)
		return -ENOMEM;
	/* Big id lists need more than libnl's default message size. */
	if (nids > 500) {
		nlmsg_free(msg);
		msg = nlmsg_alloc_size(nids * 8 + 4096);
		if (!msg || !genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ,
					 nl->family, 0, 0, SCTPX_CMD_PEELOFF,
					 SCTPX_FAMILY_VERSION))
			return -ENOMEM;
	}
	if (nla_put_s32(msg, SCTPX_A_SOCK_FD, fd) ||
	    (flags && nla_put_u32(msg, SCTPX_A_FLAGS, flags)) ||
	    ((how & SX_PEEL_ATOMIC) && nla_put_flag(msg, SCTPX_A_ATOMIC)) ||
	    ((how & SX_PEEL_BRIEF) && nla_put_flag(msg, SCTPX_A_BRIEF)))
		goto nospc;
	if (sel) {
		if (sx_put_select(msg, sel))
			goto nospc;
	} else {
		for (i = 0; i < nids; i++)
			if (nla_put_u32(msg, SCTPX_A_ASSOC_ID, ids[i]))
				goto nospc;
	}
	return sx_request(nl, msg, sx_collect_cb, res);
nospc:
	nlmsg_free(msg);
	return -EMSGSIZE;
}

int sx_assoc_dump(struct sx_nl *nl, int fd, const struct sx_select *filter,
		  struct sx_result *res)
{
	struct nl_msg *msg;

	memset(res, 0, sizeof(*res));
	msg = sx_msg(nl, SCTPX_CMD_ASSOC_GET, NLM_F_DUMP);
	if (msg && filter && filter->nids > 256) {
		/* sx_msg()'s default size holds a few hundred ids. */
		nlmsg_free(msg);
		msg = nlmsg_alloc_size(filter->nids * 8 + 4096);
		if (msg && !genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ,
					nl->family, 0, NLM_F_DUMP,
					SCTPX_CMD_ASSOC_GET,
					SCTPX_FAMILY_VERSION)) {
			nlmsg_free(msg);
			msg = NULL;
		}
	}
	if (!msg)
		return -ENOMEM;
	if (nla_put_s32(msg, SCTPX_A_SOCK_FD, fd) ||
	    (filter && sx_put_select(msg, filter))) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	return sx_request(nl, msg, sx_collect_cb, res);
}

static int sx_info_cb(struct nlmsghdr *nlh, void *arg)
{
	struct sx_info *info = arg;
	struct nlattr *tb[SCTPX_A_MAX + 1], *pos;
	int rem;

	if (genlmsg_parse(nlh, 0, tb, SCTPX_A_MAX, NULL))
		return -EINVAL;
	if (tb[SCTPX_A_FAMILY_VERSION])
		info->family_version = nla_get_u32(tb[SCTPX_A_FAMILY_VERSION]);
	if (tb[SCTPX_A_MODULE_VERSION])
		snprintf(info->module_version, sizeof(info->module_version),
			 "%s", nla_get_string(tb[SCTPX_A_MODULE_VERSION]));
	if (tb[SCTPX_A_OPS])
		info->ops = nla_get_u64(tb[SCTPX_A_OPS]);
	if (tb[SCTPX_A_MAX_BATCH])
		info->max_batch = nla_get_u32(tb[SCTPX_A_MAX_BATCH]);
	if (tb[SCTPX_A_MAX_PEERS])
		info->max_peers = nla_get_u32(tb[SCTPX_A_MAX_PEERS]);
	if (tb[SCTPX_A_MAX_PEER_ADDRS])
		info->max_peer_addrs = nla_get_u32(tb[SCTPX_A_MAX_PEER_ADDRS]);
	if (tb[SCTPX_A_STATS]) {
		info->has_stats = true;
		nla_for_each_nested(pos, tb[SCTPX_A_STATS], rem)
			if (nla_type(pos) <= SCTPX_STATS_A_MAX &&
			    nla_len(pos) == 8)
				info->stats[nla_type(pos)] = nla_get_u64(pos);
	}
	return 0;
}

int sx_info(struct sx_nl *nl, struct sx_info *info)
{
	struct nl_msg *msg = sx_msg(nl, SCTPX_CMD_INFO_GET, 0);

	memset(info, 0, sizeof(*info));
	if (!msg)
		return -ENOMEM;
	return sx_request(nl, msg, sx_info_cb, info);
}

int sx_raise_nofile(rlim_t n)
{
	struct rlimit rl = { n, n };

	return setrlimit(RLIMIT_NOFILE, &rl) ? -errno : 0;
}

int sx_count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *de;
	int n = 0;

	if (!d)
		return -1;
	while ((de = readdir(d)))
		if (de->d_name[0] != '.')
			n++;
	closedir(d);
	return n - 1; /* the directory's own descriptor */
}

int sx_server_at(int family, const char *ip, uint16_t *port)
{
	struct sockaddr_storage ss = { 0 };
	int rcvbuf = 64 << 20;
	socklen_t len;
	int fd;

	fd = socket(family, SOCK_SEQPACKET, IPPROTO_SCTP);
	if (fd < 0)
		return -errno;
	/*
	 * Thousands of associations with a message queued each, unread on
	 * the parent: room for all of them (the guest runs tests as root).
	 */
	setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf, sizeof(rcvbuf));
	if (family == AF_INET) {
		struct sockaddr_in *sin = (struct sockaddr_in *)&ss;

		sin->sin_family = AF_INET;
		inet_pton(AF_INET, ip ? ip : "127.0.0.1", &sin->sin_addr);
		len = sizeof(*sin);
	} else {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;

		sin6->sin6_family = AF_INET6;
		inet_pton(AF_INET6, ip ? ip : "::1", &sin6->sin6_addr);
		len = sizeof(*sin6);
	}
	if (bind(fd, (struct sockaddr *)&ss, len) || listen(fd, 4096) ||
	    getsockname(fd, (struct sockaddr *)&ss, &len)) {
		int err = -errno;

		close(fd);
		return err;
	}
	*port = ntohs(((struct sockaddr_in *)&ss)->sin_port);
	return fd;
}

int sx_server(int family, uint16_t *port)
{
	return sx_server_at(family, NULL, port);
}

int sx_clients_to(int family, const char *ip, uint16_t port, int n, int *fds)
{
	struct sockaddr_storage ss = { 0 };
	socklen_t len;
	int i;

	if (family == AF_INET) {
		struct sockaddr_in *sin = (struct sockaddr_in *)&ss;

		sin->sin_family = AF_INET;
		sin->sin_port = htons(port);
		inet_pton(AF_INET, ip ? ip : "127.0.0.1", &sin->sin_addr);
		len = sizeof(*sin);
	} else {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;

		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons(port);
		inet_pton(AF_INET6, ip ? ip : "::1", &sin6->sin6_addr);
		len = sizeof(*sin6);
	}
	for (i = 0; i < n; i++) {
		fds[i] = socket(family, SOCK_STREAM, IPPROTO_SCTP);
		if (fds[i] < 0 || connect(fds[i], (struct sockaddr *)&ss, len)) {
			int err = -errno;

			while (i >= 0)
				close(fds[i--]);
			return err;
		}
	}
	return 0;
}

int sx_clients(int family, uint16_t port, int n, int *fds)
{
	return sx_clients_to(family, NULL, port, n, fds);
}

uint16_t sx_local_port(int fd)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);

	if (getsockname(fd, (struct sockaddr *)&ss, &len))
		return 0;
	return ntohs(((struct sockaddr_in *)&ss)->sin_port);
}

int sx_assoc_count(int sfd)
{
	uint32_t n = 0;
	socklen_t len = sizeof(n);

	if (getsockopt(sfd, SOL_SCTP, SCTP_GET_ASSOC_NUMBER, &n, &len))
		return -errno;
	return (int)n;
}

int sx_assoc_ids(int sfd, uint32_t **ids, size_t *n)
{
	struct sctp_assoc_ids *list;
	int count = sx_assoc_count(sfd);
	socklen_t len;

	if (count < 0)
		return count;
	len = sizeof(*list) + (count + 16) * sizeof(sctp_assoc_t);
	list = calloc(1, len);
	if (!list)
		return -ENOMEM;
	if (getsockopt(sfd, SOL_SCTP, SCTP_GET_ASSOC_ID_LIST, list, &len)) {
		free(list);
		return -errno;
	}
	*n = list->gaids_number_of_ids;
	*ids = malloc((*n + 1) * sizeof(**ids));
	if (!*ids) {
		free(list);
		return -ENOMEM;
	}
	memcpy(*ids, list->gaids_assoc_id, *n * sizeof(**ids));
	free(list);
	return 0;
}

int sx_client_by_port(const int *fds, int n, uint16_t port)
{
	int i;

	for (i = 0; i < n; i++)
		if (fds[i] >= 0 && sx_local_port(fds[i]) == port)
			return i;
	return -1;
}

int sx_send(int fd, const void *buf, size_t len)
{
	return send(fd, buf, len, 0) == (ssize_t)len ? 0 : -errno;
}

ssize_t sx_recv(int fd, void *buf, size_t len, int timeout_ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	int r = poll(&p, 1, timeout_ms * sx_timeout_scale());

	if (r <= 0)
		return r < 0 ? -errno : 0;
	r = recv(fd, buf, len, MSG_DONTWAIT);
	return r < 0 ? -errno : r;
}

bool sx_fd_nonblock(int fd)
{
	int fl = fcntl(fd, F_GETFL);

	return fl >= 0 && (fl & O_NONBLOCK);
}

bool sx_fd_cloexec(int fd)
{
	int fl = fcntl(fd, F_GETFD);

	return fl >= 0 && (fl & FD_CLOEXEC);
}

int sx_sysfs_write(const char *path, const char *val)
{
	int fd = open(path, O_WRONLY);
	ssize_t r;

	if (fd < 0)
		return -errno;
	r = write(fd, val, strlen(val));
	if (r < 0)
		r = -errno;
	close(fd);
	if (r < 0)
		return (int)r;
	return r == (ssize_t)strlen(val) ? 0 : -EIO;
}

int sx_debugfs(const char *path)
{
	if (!access(path, F_OK))
		return 0;
	/* The guest mounts debugfs only after the tests. */
	if (mount("debugfs", "/sys/kernel/debug", "debugfs", 0, NULL) &&
	    errno != EBUSY)
		return -errno;
	return access(path, F_OK) ? -errno : 0;
}

int sx_sysfs_read(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY);
	ssize_t r;

	if (fd < 0)
		return -errno;
	r = read(fd, buf, len - 1);
	close(fd);
	if (r < 0)
		return -EIO;
	buf[r] = 0;
	while (r > 0 && buf[r - 1] == '\n')
		buf[--r] = 0;
	return 0;
}

int sx_module_ensure(void)
{
	struct stat st;

	if (!stat("/sys/module/sctpx", &st))
		return 0;
	return system("modprobe sctpx") == 0 ? 0 : -ENOENT;
}

int sx_peeloff_offered(void)
{
	const char *v = getenv("sctpx_variant");
	bool built_without = v && !strcmp(v, "no-peeloff");
	struct sx_info info;
	struct sx_nl nl;
	int err;

	err = sx_module_ensure();
	if (!err)
		err = sx_nl_open(&nl);
	if (err)
		return err;
	err = sx_info(&nl, &info);
	sx_nl_close(&nl);
	if (err)
		return err;
	if (!(info.ops & SCTPX_OP_BIT(SCTPX_CMD_PEELOFF)) != built_without) {
		fprintf(stderr, "# INFO_GET says PEELOFF is %s, the build (sctpx_variant) that it is %s\n",
			built_without ? "offered" : "absent",
			built_without ? "absent" : "offered");
		return -EPROTO;
	}
	return !built_without;
}

int sx_peeloff_absent_check(char *why, size_t len)
{
	struct sx_result res = { 0 };
	struct sx_pool p;
	struct sx_nl nl;
	int err;

	why[0] = 0;
	if (sx_nl_open(&nl)) {
		snprintf(why, len, "no netlink socket");
		return -1;
	}
	if (sx_pool_make(&p, 2)) {
		sx_nl_close(&nl);
		snprintf(why, len, "no associations to ask for");
		return -1;
	}
	err = sx_peeloff(&nl, p.srv, SOCK_CLOEXEC, 0, p.ids, 2, NULL, &res);
	if (err != -EOPNOTSUPP || strcmp(nl.extack, SX_NO_PEELOFF_MSG))
		snprintf(why, len, "PEELOFF of 2 associations: %d '%s', not %d '%s'",
			 err, nl.extack, -EOPNOTSUPP, SX_NO_PEELOFF_MSG);
	else if (res.n || sx_assoc_count(p.srv) != 2)
		snprintf(why, len, "the refused PEELOFF gave %zu entries, left %d of 2 associations",
			 res.n, sx_assoc_count(p.srv));
	sx_result_free(&res);
	sx_pool_free(&p);
	sx_nl_close(&nl);
	return why[0] ? -1 : 0;
}

bool sx_fd_holds(int fd, uint32_t id)
{
	struct sctp_status st = { 0 };
	socklen_t len = sizeof(st);

	if (getsockopt(fd, SOL_SCTP, SCTP_STATUS, &st, &len)) {
		fprintf(stderr, "# fd %d holds no association (SCTP_STATUS: %s), not %u\n",
			fd, strerror(errno), id);
		return false;
	}
	if ((uint32_t)st.sstat_assoc_id != id) {
		fprintf(stderr, "# fd %d holds association %u, not %u\n", fd,
			(uint32_t)st.sstat_assoc_id, id);
		return false;
	}
	return true;
}

bool sx_child_ok(int status)
{
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return true;
	if (WIFEXITED(status))
		fprintf(stderr, "# child exited with status %d\n", WEXITSTATUS(status));
	else if (WIFSIGNALED(status))
		fprintf(stderr, "# child killed by signal %d (%s)%s\n", WTERMSIG(status),
			strsignal(WTERMSIG(status)),
			WCOREDUMP(status) ? ", core dumped" : "");
	else
		fprintf(stderr, "# child ended with wait status 0x%x\n", status);
	return false;
}

int sx_timeout_scale(void)
{
	const char *s = getenv("sctpx_timeout_scale");
	long v = s ? strtol(s, NULL, 10) : 1;

	return v >= 1 && v <= 100 ? (int)v : 1;
}

bool sx_kernel_at_least(int major, int minor)
{
	struct utsname u;
	int ma = 0, mi = 0;

	if (uname(&u) || sscanf(u.release, "%d.%d", &ma, &mi) != 2)
		return false;
	return ma > major || (ma == major && mi >= minor);
}

/* The server-side id of each client's association, by SCTP_STATUS. */
static int sx_pool_map(struct sx_pool *p)
{
	static int by_port[65536];
	uint32_t *ids;
	size_t n, i;
	int c;

	if (sx_assoc_ids(p->srv, &ids, &n) || (int)n != p->n)
		return -1;
	memset(by_port, 0, sizeof(by_port));
	for (c = 0; c < p->n; c++)
		by_port[sx_local_port(p->cli[c])] = c + 1;
	for (i = 0; i < n; i++) {
		struct sctp_status st = { .sstat_assoc_id = ids[i] };
		socklen_t len = sizeof(st);
		struct sockaddr_in *sin;

		if (getsockopt(p->srv, SOL_SCTP, SCTP_STATUS, &st, &len))
			break;
		sin = (struct sockaddr_in *)&st.sstat_primary.spinfo_address;
		c = by_port[ntohs(sin->sin_port)] - 1;
		if (c < 0 || p->ids[c])
			break;
		p->ids[c] = ids[i];
	}
	free(ids);
	return i == n ? 0 : -1;
}

/* A pool of @n associations; @setup, if any, runs on the server first. */
static int sx_pool_make_with(struct sx_pool *p, int family, const char *ip,
			     int n, int (*setup)(int srv))
{
	memset(p, 0, sizeof(*p));
	p->n = n;
	p->srv = -1;
	p->cli = calloc(n ? n : 1, sizeof(int));
	p->ids = calloc(n ? n : 1, sizeof(uint32_t));
	if (!p->cli || !p->ids)
		return -1;
	p->srv = sx_server_at(family, ip, &p->port);
	if (p->srv < 0 || (setup && setup(p->srv)))
		return -1;
	if (sx_clients_to(family, ip, p->port, n, p->cli))
		return -1;
	return sx_pool_map(p);
}

int sx_pool_make_at(struct sx_pool *p, int family, const char *ip, int n)
{
	return sx_pool_make_with(p, family, ip, n, NULL);
}

int sx_pool_make_setup(struct sx_pool *p, int n, int (*setup)(int srv))
{
	return sx_pool_make_with(p, AF_INET, NULL, n, setup);
}

int sx_pool_make(struct sx_pool *p, int n)
{
	return sx_pool_make_at(p, AF_INET, NULL, n);
}

void sx_pool_free(struct sx_pool *p)
{
	int i;

	for (i = 0; p->cli && i < p->n; i++)
		if (p->cli[i] >= 0)
			close(p->cli[i]);
	if (p->srv >= 0)
		close(p->srv);
	free(p->cli);
	free(p->ids);
}

int sx_pool_index(const struct sx_pool *p, uint32_t id)
{
	int i;

	for (i = 0; i < p->n; i++)
		if (p->ids[i] == id)
			return i;
	return -1;
}

int sx_peer_port(int fd)
{
	struct sctp_status st = { 0 };
	socklen_t len = sizeof(st);

	if (getsockopt(fd, SOL_SCTP, SCTP_STATUS, &st, &len))
		return -1;
	return ntohs(((struct sockaddr_in *)&st.sstat_primary.spinfo_address)->sin_port);
}

bool sx_ping(int fd, int cli)
{
	char buf[16];

	if (sx_send(cli, "ping", 4) || sx_recv(fd, buf, sizeof(buf), 3000) != 4)
		return false;
	if (sx_send(fd, "pong", 4) || sx_recv(cli, buf, sizeof(buf), 3000) != 4)
		return false;
	return true;
}

int sx_max_fd(void)
{
	int fd, max = 0;

	for (fd = 0; fd < 65536; fd++)
		if (fcntl(fd, F_GETFD) >= 0)
			max = fd;
	return max;
}

int sx_wait_acked(int fd)
{
	int i, tries = 5000 * sx_timeout_scale();

	for (i = 0; i < tries; i++) {
		struct sctp_status st = { 0 };
		socklen_t len = sizeof(st);

		if (getsockopt(fd, SOL_SCTP, SCTP_STATUS, &st, &len))
			return -1;
		if (!st.sstat_unackdata && !st.sstat_penddata)
			return 0;
		usleep(1000);
	}
	return -1;
}

int sx_module_load(void)
{
	char path[256];
	struct utsname u;
	int fd, ret;

	uname(&u);
	snprintf(path, sizeof(path), "/lib/modules/%s/extra/sctpx.ko", u.release);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	ret = syscall(SYS_finit_module, fd, "", 0) ? -errno : 0;
	close(fd);
	return ret;
}

/*
 * Give back what the kernel would give back under memory pressure before
 * SUnreclaim is read, so that it counts what is really held:
 *
 * - Unused dentries and inodes. Reading /proc/self/fd (sx_count_fds())
 *   caches a dentry and an inode for every open descriptor, and they
 *   stay after the descriptors are closed. Their caches count as
 *   reclaimable, but the LSM blob of each inode (lsm_inode_cache) and,
 *   on a kmemleak kernel, the kmemleak_object tracking each of the three
 *   do not: 3.7 MB and 20-34 MB after resources' 20,000 descriptors.
 * - Then, once RCU has freed those, every slab cache's empty slabs on
 *   per-CPU partial lists and, on a KASAN kernel, the freed objects its
 *   quarantine holds back (up to 1/32 of RAM).
 *
 * Best effort: drop_caches, membarrier and SLUB's sysfs may be absent.
 */
static void sx_slab_shrink(void)
{
	struct dirent *e;
	char path[512];
	DIR *d;

	static bool quiet;

	/* 4 (alone: 1-4 is the range) stops the log line each drop prints. */
	if (!quiet)
		quiet = !sx_sysfs_write("/proc/sys/vm/drop_caches", "4");
	sx_sysfs_write("/proc/sys/vm/drop_caches", "2");	/* dentries, inodes */
	/* A grace period: the inodes' blobs are freed by RCU callbacks. */
	syscall(SYS_membarrier, MEMBARRIER_CMD_GLOBAL, 0, 0);
	d = opendir("/sys/kernel/slab");
	if (!d)
		return;
	while ((e = readdir(d))) {
		/* Symlinks are aliases of a cache listed under its own name. */
		if (e->d_name[0] == '.' || e->d_type == DT_LNK)
			continue;
		snprintf(path, sizeof(path), "/sys/kernel/slab/%s/shrink",
			 e->d_name);
		sx_sysfs_write(path, "1");
	}
	closedir(d);
}

long sx_slab_unreclaim_kb(void)
{
	char line[128];
	long kb = -1;
	FILE *f;

	sx_slab_shrink();
	f = fopen("/proc/meminfo", "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "SUnreclaim: %ld kB", &kb) == 1)
			break;
	fclose(f);
	return kb;
}

int sx_kernel_assoc_count(void)
{
	FILE *f = fopen("/proc/net/sctp/assocs", "r");
	int c, lines = 0;

	if (!f)
		return -errno;
	while ((c = fgetc(f)) != EOF)
		lines += c == '\n';
	fclose(f);
	return lines ? lines - 1 : 0;	/* less the header */
}

/* Does the cache count as SReclaimable rather than SUnreclaim? */
static bool sx_slab_reclaimable(const char *name)
{
	char path[512], v[8];

	snprintf(path, sizeof(path), "/sys/kernel/slab/%s/reclaim_account", name);
	return !sx_sysfs_read(path, v, sizeof(v)) && !strcmp(v, "1");
}

int sx_slab_snap(struct sx_slab_snap *s)
{
	struct sx_slab_cache *v;
	char line[512];
	size_t cap = 0;
	FILE *f;

	s->n = 0;
	s->v = NULL;
	s->unreclaim_kb = sx_slab_unreclaim_kb();
	f = fopen("/proc/slabinfo", "r");
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		struct sx_slab_cache c;
		long pages, slabs;

		/*
		 * name active-objs objs size objs-per-slab pages-per-slab
		 * : tunables ... : slabdata active-slabs slabs shared
		 */
		if (sscanf(line, "%63s %ld %*d %*d %*d %ld : tunables %*d %*d %*d : slabdata %*d %ld",
			   c.name, &c.objs, &pages, &slabs) != 4)
			continue;
		if (sx_slab_reclaimable(c.name))
			continue;
		c.kb = pages * slabs * (sysconf(_SC_PAGESIZE) / 1024);
		if (s->n == cap) {
			cap = cap ? 2 * cap : 256;
			v = realloc(s->v, cap * sizeof(*v));
			if (!v) {
				fclose(f);
				sx_slab_snap_free(s);
				return -ENOMEM;
			}
			s->v = v;
		}
		s->v[s->n++] = c;
	}
	fclose(f);
	return 0;
}

void sx_slab_snap_free(struct sx_slab_snap *s)
{
	free(s->v);
	s->v = NULL;
	s->n = 0;
}

static int sx_slab_cmp_growth(const void *a, const void *b)
{
	const struct sx_slab_cache *x = a, *y = b;

	return (x->kb < y->kb) - (x->kb > y->kb);
}

/* Log the caches that grew most from @a to @b (kb in the result is growth). */
static void sx_slab_log_growth(const struct sx_slab_snap *a,
			       const struct sx_slab_snap *b)
{
	struct sx_slab_cache *g = calloc(b->n ? b->n : 1, sizeof(*g));
	size_t i, k, n = 0;

	if (!g)
		return;
	for (i = 0; i < b->n; i++) {
		struct sx_slab_cache was = { .kb = 0, .objs = 0 };

		for (k = 0; k < a->n; k++)
			if (!strcmp(a->v[k].name, b->v[i].name)) {
				was = a->v[k];
				break;
			}
		if (b->v[i].kb > was.kb) {
			g[n] = b->v[i];
			g[n].kb -= was.kb;
			g[n++].objs -= was.objs;
		}
	}
	qsort(g, n, sizeof(*g), sx_slab_cmp_growth);
	/* Objects still in use tell a leak from slabs left partly empty. */
	for (i = 0; i < n && i < 8; i++)
		fprintf(stderr, "# slab cache %s grew by %ld kB, %+ld objects in use\n",
			g[i].name, g[i].kb, g[i].objs);
	free(g);
}

long sx_slab_settle(const struct sx_slab_snap *before, long bound_kb, int secs)
{
	const long base_kb = before->unreclaim_kb;
	struct timespec t0, t;
	long kb, ms = 0, logged = 0;
	struct sx_slab_snap now;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		kb = sx_slab_unreclaim_kb();
		if (kb <= base_kb + bound_kb)
			return kb;
		clock_gettime(CLOCK_MONOTONIC, &t);
		ms = (t.tv_sec - t0.tv_sec) * 1000 + (t.tv_nsec - t0.tv_nsec) / 1000000;
		if (ms >= (long)secs * sx_timeout_scale() * 1000)
			break;
		if (ms / 60000 > logged) {
			logged = ms / 60000;
			fprintf(stderr, "# SUnreclaim %ld kB after %ld s (baseline %ld kB)\n",
				kb, ms / 1000, base_kb);
		}
		/* Fine steps first: most teardown ends within a second or two. */
		usleep(ms < 10000 ? 100000 : 1000000);
	}
	fprintf(stderr, "# SUnreclaim %ld kB after %ld s, %ld kB over a baseline of %ld kB\n",
		kb, ms / 1000, kb - base_kb, base_kb);
	if (!sx_slab_snap(&now)) {
		sx_slab_log_growth(before, &now);
		sx_slab_snap_free(&now);
	}
	return kb;
}
