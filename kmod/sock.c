// SPDX-License-Identifier: GPL-2.0
/*
 * sctpx: finding the caller's SCTP socket.
 */
#include <linux/net.h>
#include <linux/nsproxy.h>
#include <net/genetlink.h>
#include <net/sock.h>

#include "sctpx.h"

/**
 * sctpx_sock_lookup() - the caller's SCTP socket behind a descriptor
 * @net: the network namespace of the request's netlink socket
 * @fd: a descriptor of the calling process
 * @attr: the attribute that named @fd, for the extended ack
 * @extack: extended ack
 *
 * The errors are those of sctp_peeloff(3): EBADF for a descriptor that is
 * not open, ENOTSOCK for one that is not a socket, EOPNOTSUPP for a socket
 * that is not SCTP. A socket of another network namespace than the
 * caller's, or than the netlink socket's the request came on, is EINVAL:
 * the kernel's own rule for peeloff since CVE-2017-15115, applied to every
 * op, so that a request acts on, and counts in, one namespace only.
 *
 * Return: the socket with a reference on its file (drop it with
 * sockfd_put()), or an ERR_PTR().
 */
struct socket *sctpx_sock_lookup(const struct net *net, int fd,
				 const struct nlattr *attr,
				 struct netlink_ext_ack *extack)
{
	struct socket *sock;
	struct sock *sk;
	int err;

	sock = sockfd_lookup(fd, &err);
	if (!sock) {
		if (err == -ENOTSOCK)
			NL_SET_ERR_MSG_ATTR(extack, attr,
					    "descriptor is not a socket");
		else
			NL_SET_ERR_MSG_ATTR(extack, attr,
					    "descriptor is not open");
		return ERR_PTR(err);
	}

	sk = sock->sk;
	if (!sk || sk->sk_protocol != IPPROTO_SCTP ||
	    (sk->sk_family != AF_INET && sk->sk_family != AF_INET6) ||
	    (sk->sk_type != SOCK_SEQPACKET && sk->sk_type != SOCK_STREAM)) {
		NL_SET_ERR_MSG_ATTR(extack, attr, "socket is not an SCTP socket");
		err = -EOPNOTSUPP;
		goto put;
	}

	if (!net_eq(current->nsproxy->net_ns, sock_net(sk)) ||
	    !net_eq(net, sock_net(sk))) {
		NL_SET_ERR_MSG_ATTR(extack, attr,
				    "socket belongs to another network namespace");
		err = -EINVAL;
		goto put;
	}
	return sock;

put:
	sockfd_put(sock);
	return ERR_PTR(err);
}

/**
 * sctpx_sock_get() - the socket named by %SCTPX_A_SOCK_FD of a request
 * @info: the request
 *
 * Return: as sctpx_sock_lookup(); a missing attribute is EINVAL.
 */
struct socket *sctpx_sock_get(struct genl_info *info)
{
	const struct nlattr *attr = info->attrs[SCTPX_A_SOCK_FD];

	if (GENL_REQ_ATTR_CHECK(info, SCTPX_A_SOCK_FD)) {
		NL_SET_ERR_MSG(info->extack,
			       "missing socket descriptor (SCTPX_A_SOCK_FD)");
		return ERR_PTR(-EINVAL);
	}
	return sctpx_sock_lookup(genl_info_net(info), nla_get_s32(attr), attr,
				 info->extack);
}
