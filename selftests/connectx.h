/* SPDX-License-Identifier: GPL-2.0 */
/*
 * connectx.c's helpers (connectx_req.c): a namespace of its own, CONNECTX
 * requests built, run and followed until settled, and what a socket's
 * associations are. None of them asserts: the tests do.
 */
#ifndef SCTPX_CONNECTX_H
#define SCTPX_CONNECTX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <netinet/sctp.h>

#include "sctpx_test.h"

#define CX_NO_FD	(-1000)
#define CX_DEAD		"127.0.0.2"	/* no route in the test namespace */
#define CX_MAXPEERS	"/sys/module/sctpx/parameters/max_peers"

/*
 * CONNECTX starts associations and returns; it never waits. A test that
 * wants the outcome waits afterwards in user space, as libsctpx does:
 * cx_run() with a settle time polls the listing, filtered by the ids the
 * reply named, until each is established or gone, or the time ran out.
 */
enum { CX_SETTLED = 1, CX_TIMEOUT };
extern uint32_t cx_settle_ms;	/* of the request cx_begin() made last */
extern uint32_t cx_end;		/* how the last cx_run()'s settling ended */

/* A network namespace of our own; lo with 127.0.0.1/32 and ::1. */
int cx_netns(void);
/* A CONNECTX request; fd CX_NO_FD leaves SOCK_FD out; settle_ms as above. */
struct nl_msg *cx_begin(struct sx_nl *nl, int fd, uint32_t settle_ms,
			size_t npeers);
double cx_now(void);
/* One peer with @n addresses (n may be 0: an empty peer). */
int cx_peer(struct nl_msg *msg, const struct sx_addr *a, int n);
int cx_run(struct sx_nl *nl, struct nl_msg *msg, struct sx_result *res);
/* Single peer, single request. */
int cx_one(struct sx_nl *nl, int fd, const struct sx_addr *a, int n,
	   uint32_t wait_ms, struct sx_result *res);
int cx_socket(int family, bool nonblock);
/* An unused port: a server's, closed again. */
uint16_t cx_dead_port(void);
int cx_state(int fd, uint32_t id);
/* The peer port of association @id (its primary path's). */
int cx_peer_port(int fd, uint32_t id);
bool cx_has_peer_port(int fd, uint16_t port);
bool cx_has_id(int fd, uint32_t id);
/* Wait (bounded) until association @id of @fd is established. */
int cx_wait_established(int fd, uint32_t id, int timeout_ms);
/* Shorter INIT retransmission timer, so that tests need not wait 3 s. */
int cx_fast_rto(int fd, int initial_ms);
bool cx_in_progress(uint32_t state);

#endif /* SCTPX_CONNECTX_H */
