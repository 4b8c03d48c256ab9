// SPDX-License-Identifier: GPL-2.0
/*
 * sctpx: finding the caller's SCTP socket, and whether a reply can reach
 * the caller.
 */
#include <linux/net.h>
#include <linux/nsproxy.h>
#include <net/genetlink.h>
#include <net/sock.h>

#include "sctpx.h"

/**
 * sctpx_sock_lookup() - the caller's SCTP socket behind a descriptor
 * @fd: a descriptor of the calling process
 * @attr: the attribute that named @fd, for the extended ack
 * @extack: extended ack
 * @err: set to the errno on failure
 *
 * The errors are those of sctp_peeloff(3): EBADF for a descriptor that is
 * not open, ENOTSOCK for one that is not a socket, EOPNOTSUPP for a socket
 * that is not SCTP. A socket of another network namespace is EINVAL, the
 * kernel's own rule for peeloff since CVE-2017-15115, applied to every op.
 *
 * Return: the socket with a reference on its file (drop it with
 * sockfd_put()), or NULL.
 */
struct socket *sctpx_sock_lookup(int fd, const struct nlattr *attr,
				 struct netlink_ext_ack *extack, int *err)
{
	struct socket *sock;
	struct sock *sk;

	sock = sockfd_lookup(fd, err);
	if (!sock) {
		if (*err == -ENOTSOCK)
			NL_SET_ERR_MSG_ATTR(extack, attr,
					    "descriptor is not a socket");
		else
			NL_SET_ERR_MSG_ATTR(extack, attr,
					    "descriptor is not open");
		return NULL;
	}

	sk = sock->sk;
	if (!sk || sk->sk_protocol != IPPROTO_SCTP ||
	    (sk->sk_family != AF_INET && sk->sk_family != AF_INET6) ||
	    (sk->sk_type != SOCK_SEQPACKET && sk->sk_type != SOCK_STREAM)) {
		NL_SET_ERR_MSG_ATTR(extack, attr, "socket is not an SCTP socket");
		*err = -EOPNOTSUPP;
		goto put;
	}

	if (!net_eq(current->nsproxy->net_ns, sock_net(sk))) {
		NL_SET_ERR_MSG_ATTR(extack, attr,
				    "socket belongs to another network namespace");
		*err = -EINVAL;
		goto put;
	}
	return sock;

put:
	sockfd_put(sock);
	return NULL;
}

/**
 * sctpx_extack_set() - an extended-ack message chosen at run time
 * @extack: extended ack, may be NULL
 * @attr: the offending attribute, may be NULL
 * @msg: a string with static storage duration, like NL_SET_ERR_MSG()'s
 */
void sctpx_extack_set(struct netlink_ext_ack *extack,
		      const struct nlattr *attr, const char *msg)
{
	if (!extack)
		return;
	extack->_msg = msg;
	extack->bad_attr = attr;
}

/**
 * sctpx_sock_get() - the socket named by %SCTPX_A_SOCK_FD of a request
 * @info: the request
 * @err: set to the errno on failure
 *
 * Return: as sctpx_sock_lookup(); a missing attribute is EINVAL.
 */
struct socket *sctpx_sock_get(struct genl_info *info, int *err)
{
	const struct nlattr *attr = info->attrs[SCTPX_A_SOCK_FD];

	if (GENL_REQ_ATTR_CHECK(info, SCTPX_A_SOCK_FD)) {
		NL_SET_ERR_MSG(info->extack,
			       "missing socket descriptor (SCTPX_A_SOCK_FD)");
		*err = -EINVAL;
		return NULL;
	}
	return sctpx_sock_lookup(nla_get_s32(attr), attr, info->extack, err);
}

/*
 * Will the requester's socket accept this reply? Netlink queues a unicast
 * message when the receiver's queue is empty, whatever its size, or when
 * it fits in the receive buffer; otherwise the send fails.
 */
static bool sctpx_reply_fits(struct sk_buff *req, const struct sk_buff *reply)
{
	struct sock *nlsk = NETLINK_CB(req).sk;
	int rmem;

	if (!nlsk)
		return true;
	rmem = atomic_read(&nlsk->sk_rmem_alloc);
	return rmem == 0 ||
	       rmem + reply->truesize <= READ_ONCE(nlsk->sk_rcvbuf);
}

/**
 * sctpx_reply_new() - a reply that is certain to reach the requester
 * @req: the request skb; NETLINK_CB(@req).sk is the requesting socket
 * @info: the request
 * @size: payload the reply will need at most
 * @hdr: set to the reply's genl header, for genlmsg_end()
 * @err: set to the errno on failure
 *
 * Once an association has been peeled off or started, a reply that
 * cannot be delivered means work its owner never learns about. So the
 * ops that change state allocate the whole reply first and make sure the
 * requester's socket will queue it, refusing with ENOMEM or ENOBUFS while
 * nothing has been touched. Only another thread sending on the same
 * netlink socket in between can still defeat this (Documentation/sctpx.rst).
 *
 * Return: the reply, or NULL.
 */
struct sk_buff *sctpx_reply_new(struct sk_buff *req, struct genl_info *info,
				size_t size, void **hdr, int *err)
{
	struct sk_buff *msg;

	msg = genlmsg_new(size, GFP_KERNEL | __GFP_NOWARN);
	if (!msg) {
		NL_SET_ERR_MSG(info->extack, "cannot allocate the reply");
		*err = -ENOMEM;
		return NULL;
	}
	*hdr = genlmsg_put_reply(msg, info, &sctpx_genl_family, 0,
				 info->genlhdr->cmd);
	if (!*hdr) {
		*err = -EMSGSIZE;
		goto free;
	}
	if (!sctpx_reply_fits(req, msg)) {
		NL_SET_ERR_MSG(info->extack,
			       "netlink socket has no room for the reply; read its queue first");
		*err = -ENOBUFS;
		goto free;
	}
	return msg;

free:
	nlmsg_free(msg);
	return NULL;
}
