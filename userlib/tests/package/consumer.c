/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A C program built against the installed libsctpx-dev (pkg-config and
 * CMake's find_package(sctpx)), run by scripts/check-packages.sh where
 * the sctpx module is not loaded: the client opens without it, reports
 * the fallback, refuses a socket that is not SCTP, and lists no
 * association on a fresh SCTP one-to-many socket where the kernel has
 * SCTP. Prints what it checked; exits 1 on the first mismatch.
 */
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <sys/socket.h>
#include <unistd.h>

#include <sctpx/sctpx.h>

static int fail(const char *what, int r)
{
	fprintf(stderr, "consumer-c: %s: %d (%s)\n", what, r, sctpx_extack());
	return 1;
}

int main(void)
{
	struct sctpx_select all;
	struct sctpx_assocs *list = NULL;
	struct sctpx_info info;
	sctpx_client *c;
	int r, udp, sk;

	r = sctpx_open(&c, SCTPX_OPEN_NO_AUTOLOAD);
	if (r)
		return fail("sctpx_open", r);
	SCTPX_INIT(&info);
	r = sctpx_get_info(c, &info);
	if (r)
		return fail("sctpx_get_info", r);
	if (info.module_loaded || info.list_path != SCTPX_PATH_FALLBACK)
		return fail("module reported loaded or list not on the fallback",
			    info.module_loaded);
	printf("consumer-c: module not loaded, list on the fallback\n");

	SCTPX_INIT(&all);
	udp = socket(AF_INET, SOCK_DGRAM, 0);
	if (udp < 0)
		return fail("socket(UDP)", -errno);
	r = sctpx_assoc_list(c, udp, &all, &list);
	close(udp);
	if (r != -EOPNOTSUPP)
		return fail("a UDP socket, not refused with -EOPNOTSUPP", r);
	printf("consumer-c: a UDP socket is refused with -EOPNOTSUPP\n");

	sk = socket(AF_INET, SOCK_SEQPACKET, IPPROTO_SCTP);
	if (sk < 0) {
		if (errno != ESOCKTNOSUPPORT && errno != EPROTONOSUPPORT)
			return fail("socket(SCTP)", -errno);
		printf("consumer-c: this kernel has no SCTP sockets\n");
	} else {
		r = sctpx_assoc_list(c, sk, &all, &list);
		close(sk);
		if (r)
			return fail("sctpx_assoc_list", r);
		if (list->n != 0)
			return fail("a fresh socket has associations", (int)list->n);
		sctpx_assocs_free(list);
		printf("consumer-c: a fresh SCTP socket has no association\n");
	}
	sctpx_close(c);
	return 0;
}
