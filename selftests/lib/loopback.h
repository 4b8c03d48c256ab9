/* SPDX-License-Identifier: GPL-2.0 */
/*
 * SCTP sockets on loopback: listening servers, connected clients, the
 * associations on them, and messages between them.
 *
 * The rules, the same as the library's builder (userlib/loopback/
 * loopback.hpp) for the guest tests, the benchmark and the CLI's demo:
 *  - a server is one one-to-many socket (SOCK_SEQPACKET) bound to the
 *    given address (127.0.0.1 or ::1 unless told) on a port the kernel
 *    picks, listening with a backlog of 4096, its receive buffer raised
 *    to 64 MiB (SO_RCVBUFFORCE: root only, best effort) so that thousands
 *    of queued messages fit;
 *  - a client is one one-to-one socket (SOCK_STREAM) per association,
 *    bound to the address it connects to on a port the kernel picks, so
 *    the server's association has exactly that one peer address (an
 *    unbound client would offer every local address, including ones
 *    another test adds) and address and port tell the clients apart;
 *  - connect() on a blocking one-to-one socket returns once the handshake
 *    is complete, so every association is up on both sides when
 *    sx_clients() returns: no further wait;
 *  - ids are read on the server with the kernel's own socket options
 *    (sx_assoc_ids()), never through the module.
 * Unlike the library's, these take an address family (the selftests
 * cover IPv6) and leave RLIMIT_NOFILE to the test that needs more.
 */
#ifndef SX_LIB_LOOPBACK_H
#define SX_LIB_LOOPBACK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

int sx_server(int family, uint16_t *port);		/* one-to-many, listening */
int sx_server_at(int family, const char *ip, uint16_t *port);
int sx_clients(int family, uint16_t port, int n, int *fds);	/* one-to-one */
int sx_clients_to(int family, const char *ip, uint16_t port, int n, int *fds);
uint16_t sx_local_port(int fd);
int sx_assoc_ids(int sfd, uint32_t **ids, size_t *n);
int sx_assoc_count(int sfd);
/* The client of @fds whose local port is @port, or -1. */
int sx_client_by_port(const int *fds, int n, uint16_t port);
int sx_send(int fd, const void *buf, size_t len);
/* Receive one message; 0 on timeout (stretched by sx_timeout_scale()). */
ssize_t sx_recv(int fd, void *buf, size_t len, int timeout_ms);
bool sx_fd_nonblock(int fd);
bool sx_fd_cloexec(int fd);
/*
 * Does fd hold association id: SCTP_STATUS answers on it for association
 * 0 (a one-to-one or peeled socket; a one-to-many socket refuses) and
 * names id? Says on stderr what it found when not.
 */
bool sx_fd_holds(int fd, uint32_t id);
/* The peer port of a socket's (primary) association, by SCTP_STATUS. */
int sx_peer_port(int fd);
/* Does a message go both ways between fd and cli? */
bool sx_ping(int fd, int cli);
/* Wait until the peer has acknowledged everything fd sent (5 s, stretched). */
int sx_wait_acked(int fd);

#endif /* SX_LIB_LOOPBACK_H */
