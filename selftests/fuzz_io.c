// SPDX-License-Identifier: GPL-2.0
/*
 * sctpx netlink fuzzer: the exchange with the module: a request sent on
 * the raw socket and its whole answer read, a lost reply recovered with
 * LOST_REPLY_GET, a dump left unread.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <dirent.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/sctp.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>

#include "sctpx_test.h"
#include "fuzz.h"

/*
 * Send @r and read its whole answer: an NLMSG_ERROR, or replies up to the
 * last one (non-multipart, NLMSG_DONE, or the ack asked for).
 */
int transact(struct world *w, struct req *r, struct answer *ans,
	     uint8_t cmd, bool ack)
{
	struct nlmsghdr *req = (struct nlmsghdr *)r->b;
	uint32_t next_index = 0;
	bool done = false;

	memset(ans, 0, offsetof(struct answer, fds));
	ans->nfds = 0;
	ans->nent = 0;
	ans->why[0] = 0;
	req->nlmsg_len = r->len;
	req->nlmsg_seq = ++w->seq;
	if (send(w->nl, r->b, r->len, 0) != (ssize_t)r->len) {
		/* The socket layer refused it: an errno all the same. */
		ans->err = errno;
		ans->send_failed = true;
		return 0;
	}
	while (!done) {
		struct pollfd p = { .fd = w->nl, .events = POLLIN };
		struct nlmsghdr *nlh;
		ssize_t n;
		int len;

		if (poll(&p, 1, ANSWER_MS) != 1) {
			bad(ans, "no answer within ms", ANSWER_MS);
			return -1;
		}
		n = recv(w->nl, w->rbuf, RBUF_MAX, MSG_TRUNC);
		if (n < 0 && errno == ENOBUFS && w->loss_armed) {
			/* The reply was dropped; nothing else comes (no ack). */
			ans->lost = true;
			break;
		}
		if (n < 0 || n > RBUF_MAX) {
			bad(ans, "recv failed or truncated", n < 0 ? errno : n);
			return -1;
		}
		len = n;
		for (nlh = (struct nlmsghdr *)w->rbuf; NLMSG_OK(nlh, len);
		     nlh = NLMSG_NEXT(nlh, len)) {
			if (nlh->nlmsg_seq != w->seq) {
				bad(ans, "message of another request", nlh->nlmsg_seq);
				continue;
			}
			if (done) {
				bad(ans, "message after the end of the answer", nlh->nlmsg_type);
				continue;
			}
			ans->nmsgs++;
			if (nlh->nlmsg_type == NLMSG_ERROR) {
				struct nlmsgerr *e = NLMSG_DATA(nlh);

				if (e->error > 0 || e->error < -4095)
					bad(ans, "nlmsgerr out of range", e->error);
				if (e->error == 0 && !ack)
					bad(ans, "ack nobody asked for", 0);
				if (e->error)
					ans->err = -e->error;
				done = true;
			} else if (nlh->nlmsg_type == NLMSG_DONE) {
				int e = 0;

				if (nlh->nlmsg_len >= NLMSG_HDRLEN + sizeof(int))
					memcpy(&e, NLMSG_DATA(nlh), sizeof(e));
				if (e > 0 || e < -4095)
					bad(ans, "NLMSG_DONE error out of range", e);
				ans->err = -e;
				done = true;
			} else {
				check_reply(w, ans, cmd, nlh, &next_index);
				if (!(nlh->nlmsg_flags & NLM_F_MULTI) && !ack)
					done = true;
			}
		}
		if (len > 0)
			bad(ans, "trailing bytes in a datagram", len);
	}
	/* Nothing may follow the answer. */
	if (recv(w->nl, w->rbuf, RBUF_MAX, MSG_DONTWAIT) >= 0)
		bad(ans, "extra message after the answer", 0);
	if (!ans->err && !ans->why[0] && ans->nmsgs == 0 && !ans->lost)
		bad(ans, "empty answer", 0);
	return 0;
}

long knob_read(void)
{
	char buf[32];

	if (sx_sysfs_read(FAIL_REPLIES, buf, sizeof(buf)))
		return -1;
	return strtol(buf, NULL, 10);
}

/*
 * The reply of request @seq (command @cmd) was lost: ask for it with
 * SCTPX_CMD_LOST_REPLY_GET on the same socket. It must come back once,
 * as it was (its own command and sequence number), and be read into @ans
 * like any reply; a second LOST_REPLY_GET is ENOENT.
 */
bool recover_lost(struct world *w, struct answer *ans, uint8_t cmd,
		  uint32_t seq)
{
	struct {
		struct nlmsghdr n;
		struct genlmsghdr g;
	} q = {
		.n = { .nlmsg_len = sizeof(q), .nlmsg_type = w->family,
		       .nlmsg_flags = NLM_F_REQUEST },
		.g = { .cmd = SCTPX_CMD_LOST_REPLY_GET,
		       .version = SCTPX_FAMILY_VERSION },
	};
	struct pollfd p = { .fd = w->nl, .events = POLLIN };
	uint32_t next_index = 0;
	struct nlmsghdr *nlh;
	int pass;
	ssize_t n;

	for (pass = 0; pass < 2; pass++) {
		q.n.nlmsg_seq = ++w->seq;
		w->op_req[SCTPX_CMD_LOST_REPLY_GET]++;
		if (send(w->nl, &q, sizeof(q), 0) != sizeof(q)) {
			bad(ans, "LOST_REPLY_GET not sent", errno);
			return false;
		}
		if (poll(&p, 1, ANSWER_MS) != 1) {
			bad(ans, "no answer to LOST_REPLY_GET within ms", ANSWER_MS);
			return false;
		}
		n = recv(w->nl, w->rbuf, RBUF_MAX, MSG_TRUNC);
		nlh = (struct nlmsghdr *)w->rbuf;
		if (n < 0 || n > RBUF_MAX || !NLMSG_OK(nlh, n) ||
		    NLMSG_ALIGN(nlh->nlmsg_len) < (size_t)n) {
			bad(ans, "LOST_REPLY_GET: not one message", n < 0 ? errno : n);
			return false;
		}
		if (pass == 1) {
			/* Once only. */
			if (nlh->nlmsg_type != NLMSG_ERROR || nlh->nlmsg_seq != w->seq ||
			    ((struct nlmsgerr *)NLMSG_DATA(nlh))->error != -ENOENT) {
				bad(ans, "second LOST_REPLY_GET not ENOENT", nlh->nlmsg_type);
				return false;
			}
			break;
		}
		if (nlh->nlmsg_type == NLMSG_ERROR) {
			bad(ans, "LOST_REPLY_GET failed",
			    ((struct nlmsgerr *)NLMSG_DATA(nlh))->error);
			return false;
		}
		if (nlh->nlmsg_seq != seq) {
			bad(ans, "kept reply not under its request's sequence number",
			    nlh->nlmsg_seq);
			return false;
		}
		if (nlh->nlmsg_flags & NLM_F_MULTI) {
			bad(ans, "kept reply is multipart", nlh->nlmsg_flags);
			return false;
		}
		ans->nmsgs++;
		check_reply(w, ans, cmd, nlh, &next_index);
		if (ans->why[0])
			return false;
		w->op_ok[SCTPX_CMD_LOST_REPLY_GET]++;
		w->op_items[SCTPX_CMD_LOST_REPLY_GET] += ans->nent;
	}
	return !ans->why[0];
}

/* An abandoned dump: ask for a listing, read nothing, close. */
void abandon_dump(struct world *w, int fd)
{
	struct {
		struct nlmsghdr n;
		struct genlmsghdr g;
		struct nlattr a;
		int32_t fd;
	} m = {
		.n = { .nlmsg_len = sizeof(m), .nlmsg_type = w->family,
		       .nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP, .nlmsg_seq = 1 },
		.g = { .cmd = SCTPX_CMD_ASSOC_GET, .version = 1 },
		.a = { .nla_len = 8, .nla_type = SCTPX_A_SOCK_FD },
		.fd = fd,
	};
	int rcv = 1, s = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC,
				NETLINK_GENERIC);

	if (s < 0)
		return;
	setsockopt(s, SOL_SOCKET, SO_RCVBUF, &rcv, sizeof(rcv));
	send(s, &m, sizeof(m), 0);
	close(s);
	w->abandoned_dumps++;
}
