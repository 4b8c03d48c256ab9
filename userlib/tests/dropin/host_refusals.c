// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * sctpx_dropin_host: sctp_connectx() and sctp_peeloff() on descriptors
 * that are not SCTP sockets (no SCTP needed: the host test machine has
 * none). The ctest preload_refusals runs it with and without
 * libsctpx-preload.so: the lines must be the same (errno, untouched id).
 */
#include <sys/socket.h>
#include <netinet/in.h>
#include <netinet/sctp.h>
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static void show(const char *what, int r, int e, sctp_assoc_t id)
{
	printf("%s ret=%d errno=%d id=%d\n", what, r, r < 0 ? e : 0, (int)id);
}

int main(void)
{
	struct sockaddr_in a;
	sctp_assoc_t id;
	int socks[3], p[2], r;
	const char *names[3] = {"udp", "tcp", "pipe"};

	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_port = htons(5);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (pipe(p) < 0)
		return 2;
	socks[0] = socket(AF_INET, SOCK_DGRAM, 0);
	socks[1] = socket(AF_INET, SOCK_STREAM, 0);
	socks[2] = p[0];
	for (int i = 0; i < 3; i++) {
		char what[64];

		id = 7;
		r = sctp_connectx(socks[i], (struct sockaddr *)&a, 1, &id);
		snprintf(what, sizeof(what), "connectx_%s", names[i]);
		show(what, r, errno, id);
		r = sctp_peeloff(socks[i], 3);
		snprintf(what, sizeof(what), "peeloff_%s", names[i]);
		show(what, r, errno, 0);
	}
	id = 7;
	r = sctp_connectx(999, (struct sockaddr *)&a, 1, &id);
	show("connectx_ebadf", r, errno, id);
	r = sctp_peeloff(999, 3);
	show("peeloff_ebadf", r, errno, 0);
	/* no address at all */
	r = sctp_connectx(socks[0], (struct sockaddr *)&a, 0, &id);
	show("connectx_zero_count", r, errno, id);
	return 0;
}
