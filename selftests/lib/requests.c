// SPDX-License-Identifier: GPL-2.0
/*
 * The sctpx family's messages: attributes put into requests, replies
 * parsed into entries, and the PEELOFF, ASSOC_GET and INFO_GET requests.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <netlink/msg.h>

#include "requests.h"

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

static int sx_stats_types_cb(struct nlmsghdr *nlh, void *arg)
{
	struct nlattr *tb[SCTPX_A_MAX + 1], *pos;
	uint64_t *types = arg;
	int rem;

	if (genlmsg_parse(nlh, 0, tb, SCTPX_A_MAX, NULL) || !tb[SCTPX_A_STATS])
		return -EINVAL;
	nla_for_each_nested(pos, tb[SCTPX_A_STATS], rem)
		if (nla_type(pos) < 64)
			*types |= 1ULL << nla_type(pos);
	return 0;
}

int sx_stats_types(struct sx_nl *nl, uint64_t *types)
{
	struct nl_msg *msg = sx_msg(nl, SCTPX_CMD_INFO_GET, 0);

	*types = 0;
	if (!msg)
		return -ENOMEM;
	return sx_request(nl, msg, sx_stats_types_cb, types);
}
