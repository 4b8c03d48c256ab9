// SPDX-License-Identifier: GPL-2.0
/*
 * sctpx selftests: CONNECTX requests and what they started, for
 * connectx.c's tests (connectx.h).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/socket.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/sctp.h>
#include <netlink/msg.h>

#include "sctpx_test.h"
#include "connectx.h"

/* Set by cx_begin() and cx_settle(); see connectx.h. */
uint32_t cx_settle_ms;
uint32_t cx_end;

/* A network namespace of our own; lo with 127.0.0.1/32 and ::1. */
int cx_netns(void)
{
	if (unshare(CLONE_NEWNET))
		return -errno;
	if (system("ip link set lo up && ip addr del 127.0.0.1/8 dev lo && "
		   "ip addr add 127.0.0.1/32 dev lo"))
		return -EIO;
	return 0;
}

/* A CONNECTX request; fd CX_NO_FD leaves SOCK_FD out; settle_ms as above. */
struct nl_msg *cx_begin(struct sx_nl *nl, int fd, uint32_t settle_ms,
			size_t npeers)
{
	struct nl_msg *msg = nlmsg_alloc_size(8192 + npeers * 128);

	cx_settle_ms = settle_ms;
	if (!msg)
		return NULL;
	if (!genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, nl->family, 0, 0,
			 SCTPX_CMD_CONNECTX, SCTPX_FAMILY_VERSION) ||
	    (fd != CX_NO_FD && nla_put_s32(msg, SCTPX_A_SOCK_FD, fd))) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

double cx_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static bool cx_pending(const struct sx_assoc *a)
{
	return a->has_id && !a->error && a->state != SCTP_ESTABLISHED;
}

/*
 * Follow the started peers of @res on @fd until each is established or
 * gone (ETIMEDOUT when its INIT retransmissions had run out when last
 * seen, else ECONNREFUSED: what sctp_connectx(3) reports), or @ms passed.
 */
static int cx_settle(struct sx_nl *nl, int fd, struct sx_result *res,
		     uint32_t ms)
{
	double deadline = cx_now() + ms / 1000.0;
	uint32_t *ids = calloc(res->n + 1, sizeof(*ids));
	int err = 0;

	if (!ids)
		return -ENOMEM;
	for (;;) {
		struct sx_select sel = { .ids = ids };
		struct sx_result now;
		size_t i, j;

		for (i = 0; i < res->n; i++)
			if (cx_pending(&res->v[i]))
				ids[sel.nids++] = res->v[i].id;
		if (!sel.nids) {
			cx_end = CX_SETTLED;
			break;
		}
		if (cx_now() > deadline) {
			cx_end = CX_TIMEOUT;
			break;
		}
		err = sx_assoc_dump(nl, fd, &sel, &now);
		if (err)
			break;
		for (i = 0; i < res->n; i++) {
			struct sx_assoc *a = &res->v[i];
			bool seen = false;

			if (!cx_pending(a))
				continue;
			for (j = 0; j < now.n; j++) {
				if (now.v[j].id != a->id)
					continue;
				seen = true;
				a->state = now.v[j].state;
				a->init_retries = now.v[j].init_retries;
				a->max_init_retries = now.v[j].max_init_retries;
			}
			if (!seen)
				a->error = a->max_init_retries &&
					   a->init_retries >= a->max_init_retries ?
					   ETIMEDOUT : ECONNREFUSED;
		}
		sx_result_free(&now);
		usleep(10000);
	}
	free(ids);
	return err;
}

int cx_peer(struct nl_msg *msg, const struct sx_addr *a, int n)
{
	struct nlattr *nest;
	int i;

	/* libnl's nla_nest_end() drops an empty nest: put it by hand. */
	if (!n)
		return nla_put(msg, SCTPX_A_PEER | NLA_F_NESTED, 0, NULL);
	nest = sx_nest_start(msg, SCTPX_A_PEER);
	if (!nest)
		return -EMSGSIZE;
	for (i = 0; i < n; i++)
		if (sx_put_addr(msg, SCTPX_PEER_A_ADDR, &a[i]))
			return -EMSGSIZE;
	nla_nest_end(msg, nest);
	return 0;
}

static int cx_run_fd(struct sx_nl *nl, struct nl_msg *msg, int fd,
		     struct sx_result *res)
{
	uint32_t settle_ms = cx_settle_ms;
	int err;

	memset(res, 0, sizeof(*res));
	cx_end = 0;
	err = sx_request(nl, msg, sx_collect_cb, res);
	if (err || !settle_ms)
		return err;
	return cx_settle(nl, fd, res, settle_ms);
}

/* The request's own socket, read back from it. */
static int cx_msg_fd(struct nl_msg *msg)
{
	struct nlattr *a = nlmsg_find_attr(nlmsg_hdr(msg), GENL_HDRLEN,
					   SCTPX_A_SOCK_FD);

	return a ? nla_get_s32(a) : -1;
}

int cx_run(struct sx_nl *nl, struct nl_msg *msg, struct sx_result *res)
{
	return cx_run_fd(nl, msg, cx_msg_fd(msg), res);
}

int cx_one(struct sx_nl *nl, int fd, const struct sx_addr *a, int n,
	   uint32_t wait_ms, struct sx_result *res)
{
	struct nl_msg *msg = cx_begin(nl, fd, wait_ms, 1);

	if (!msg)
		return -ENOMEM;
	if (cx_peer(msg, a, n)) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	return cx_run(nl, msg, res);
}

int cx_socket(int family, bool nonblock)
{
	int fd = socket(family, SOCK_SEQPACKET, IPPROTO_SCTP);

	if (fd >= 0 && nonblock && fcntl(fd, F_SETFL, O_NONBLOCK)) {
		close(fd);
		return -1;
	}
	return fd;
}

uint16_t cx_dead_port(void)
{
	uint16_t port = 0;
	int fd = sx_server(AF_INET, &port);

	if (fd < 0)
		return 0;
	close(fd);
	return port;
}

static int cx_status(int fd, uint32_t id, struct sctp_status *st)
{
	socklen_t len = sizeof(*st);

	memset(st, 0, sizeof(*st));
	st->sstat_assoc_id = id;
	if (getsockopt(fd, SOL_SCTP, SCTP_STATUS, st, &len))
		return -errno;
	return 0;
}

int cx_state(int fd, uint32_t id)
{
	struct sctp_status st;
	int err = cx_status(fd, id, &st);

	return err ? err : st.sstat_state;
}

int cx_peer_port(int fd, uint32_t id)
{
	struct sctp_status st;
	int err = cx_status(fd, id, &st);

	if (err)
		return err;
	return ntohs(((struct sockaddr_in *)&st.sstat_primary.spinfo_address)->sin_port);
}

bool cx_has_peer_port(int fd, uint16_t port)
{
	uint32_t *ids = NULL;
	size_t n = 0, i;
	bool found = false;

	if (sx_assoc_ids(fd, &ids, &n))
		return true;
	for (i = 0; i < n; i++)
		if (cx_peer_port(fd, ids[i]) == port)
			found = true;
	free(ids);
	return found;
}

bool cx_has_id(int fd, uint32_t id)
{
	uint32_t *ids = NULL;
	size_t n = 0, i;
	bool found = false;

	if (sx_assoc_ids(fd, &ids, &n))
		return false;
	for (i = 0; i < n; i++)
		if (ids[i] == id)
			found = true;
	free(ids);
	return found;
}

int cx_wait_established(int fd, uint32_t id, int timeout_ms)
{
	int st = -1, t;

	for (t = 0; t < timeout_ms; t += 10) {
		st = cx_state(fd, id);
		if (st == SCTP_ESTABLISHED || st < 0)
			return st;
		usleep(10000);
	}
	return st;
}

int cx_fast_rto(int fd, int initial_ms)
{
	struct sctp_rtoinfo rto = {
		.srto_initial = initial_ms,
		.srto_max = 1000,
		.srto_min = 50,
	};

	return setsockopt(fd, SOL_SCTP, SCTP_RTOINFO, &rto, sizeof(rto)) ?
	       -errno : 0;
}

bool cx_in_progress(uint32_t state)
{
	return state == SCTP_COOKIE_WAIT || state == SCTP_COOKIE_ECHOED ||
	       state == SCTP_ESTABLISHED;
}
