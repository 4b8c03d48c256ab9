/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A C program built against the installed libsctpx-dev (pkg-config and
 * CMake's find_package(sctpx)), run by scripts/check-packages.sh.
 *
 *   consumer-c            in the chroot: the module is not loaded
 *   consumer-c module     in the guest (guest.sh): it is
 *
 * The client opens (never loading the module itself), reports the path
 * the mode expects, refuses a socket that is not SCTP with -EOPNOTSUPP,
 * and lists no association on a fresh SCTP one-to-many socket, through
 * the module in the guest. The chroot runs on the host's kernel, which
 * may have no SCTP: there alone a failing socket(IPPROTO_SCTP) is said
 * and accepted. Exits 1 on the first mismatch.
 */
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <sctpx/sctpx.h>

static int fail(const char *what, int r)
{
	fprintf(stderr, "consumer-c: %s: %d (%s)\n", what, r, sctpx_extack());
	return 1;
}

int main(int argc, char **argv)
{
	int module = argc > 1 && strcmp(argv[1], "module") == 0;
	int want_path = module ? SCTPX_PATH_MODULE : SCTPX_PATH_FALLBACK;
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
	if (info.module_loaded != module || info.list_path != want_path)
		return fail("module_loaded or list_path not as expected",
			    info.module_loaded);
	printf("consumer-c: module %s\n", module ? "loaded, list through it" :
	       "not loaded, list on the fallback");

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
		if (module || (errno != ESOCKTNOSUPPORT && errno != EPROTONOSUPPORT))
			return fail("socket(SCTP)", -errno);
		printf("consumer-c: this kernel has no SCTP sockets\n");
	} else {
		r = sctpx_assoc_list(c, sk, &all, &list);
		close(sk);
		if (r)
			return fail("sctpx_assoc_list", r);
		if (list->n != 0 || list->path != want_path)
			return fail("associations on a fresh socket, or the wrong path",
				    (int)list->n);
		sctpx_assocs_free(list);
		printf("consumer-c: a fresh SCTP socket has no association\n");
	}
	sctpx_close(c);
	return 0;
}
