// SPDX-License-Identifier: GPL-2.0
/*
 * SCTP sockets on loopback: listening servers, connected clients, the
 * associations on them, and messages between them. The rules are those of
 * the library's builder (userlib/loopback/loopback.hpp), in C for the
 * selftests, which also need IPv6 and other addresses: see loopback.h.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <netinet/sctp.h>

#include "loopback.h"
#include "process.h"

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
	struct sockaddr_storage ss = { 0 }, local;
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
	/* Each client bound to the address it connects to, on a port the kernel picks. */
	local = ss;
	((struct sockaddr_in *)&local)->sin_port = 0; /* same offset in sockaddr_in6 */
	for (i = 0; i < n; i++) {
		fds[i] = socket(family, SOCK_STREAM, IPPROTO_SCTP);
		if (fds[i] < 0 || bind(fds[i], (struct sockaddr *)&local, len) ||
		    connect(fds[i], (struct sockaddr *)&ss, len)) {
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
