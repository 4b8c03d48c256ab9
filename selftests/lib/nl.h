/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The netlink client: one libnl-genl socket bound to the sctpx family,
 * requests sent and their answers (replies, errors, extended acks)
 * collected.
 *
 * Requests go without NLM_F_ACK: a doit answers with its reply or an
 * error, a dump ends with NLMSG_DONE. This is what the module's
 * documentation recommends for large replies.
 */
#ifndef SX_LIB_NL_H
#define SX_LIB_NL_H

#include <stdint.h>
#include <netlink/genl/genl.h>
#include <linux/sctpx.h>

/* One netlink socket bound to the sctpx family. */
struct sx_nl {
	struct nl_sock *sk;
	int family;
	int err;		/* errno of the last request, positive; 0: ok */
	char extack[256];	/* extended-ack text of the last request */
	int bad_attr_off;	/* offset of the offending attribute, or -1 */
	int miss_type;		/* missing attribute type, or -1 */
	int nlerr;		/* libnl's error (NLE_*, negative) behind an EIO */
};

int sx_nl_open(struct sx_nl *nl);
void sx_nl_close(struct sx_nl *nl);

/* A request with the genl header filled in; add attributes with nla_put. */
struct nl_msg *sx_msg(struct sx_nl *nl, uint8_t cmd, int nlflags);

/* Called for each reply message; return 0 to go on. */
typedef int (*sx_msg_cb)(struct nlmsghdr *nlh, void *arg);

/* Send @msg (freed) and collect the answer. Return 0 or -errno. */
int sx_request(struct sx_nl *nl, struct nl_msg *msg, sx_msg_cb cb, void *arg);

/* Start a nest with NLA_F_NESTED, as strict validation wants. */
struct nlattr *sx_nest_start(struct nl_msg *msg, int type);

#endif /* SX_LIB_NL_H */
