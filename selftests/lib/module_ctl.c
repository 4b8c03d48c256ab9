// SPDX-License-Identifier: GPL-2.0
/*
 * The module under test: loading it, the running kernel, and whether
 * this build of the module offers PEELOFF.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "assoc_pool.h"
#include "loopback.h"
#include "module_ctl.h"
#include "nl.h"
#include "requests.h"

int sx_module_ensure(void)
{
	struct stat st;

	if (!stat("/sys/module/sctpx", &st))
		return 0;
	return system("modprobe sctpx") == 0 ? 0 : -ENOENT;
}

int sx_peeloff_offered(void)
{
	const char *v = getenv("sctpx_variant");
	bool built_without = v && !strcmp(v, "no-peeloff");
	struct sx_info info;
	struct sx_nl nl;
	int err;

	err = sx_module_ensure();
	if (!err)
		err = sx_nl_open(&nl);
	if (err)
		return err;
	err = sx_info(&nl, &info);
	sx_nl_close(&nl);
	if (err)
		return err;
	if (!(info.ops & SCTPX_OP_BIT(SCTPX_CMD_PEELOFF)) != built_without) {
		fprintf(stderr, "# INFO_GET says PEELOFF is %s, the build (sctpx_variant) that it is %s\n",
			built_without ? "offered" : "absent",
			built_without ? "absent" : "offered");
		return -EPROTO;
	}
	return !built_without;
}

int sx_peeloff_absent_check(char *why, size_t len)
{
	struct sx_result res = { 0 };
	struct sx_pool p;
	struct sx_nl nl;
	int err;

	why[0] = 0;
	if (sx_nl_open(&nl)) {
		snprintf(why, len, "no netlink socket");
		return -1;
	}
	if (sx_pool_make(&p, 2)) {
		sx_nl_close(&nl);
		snprintf(why, len, "no associations to ask for");
		return -1;
	}
	err = sx_peeloff(&nl, p.srv, SOCK_CLOEXEC, 0, p.ids, 2, NULL, &res);
	if (err != -EOPNOTSUPP || strcmp(nl.extack, SX_NO_PEELOFF_MSG))
		snprintf(why, len, "PEELOFF of 2 associations: %d '%s', not %d '%s'",
			 err, nl.extack, -EOPNOTSUPP, SX_NO_PEELOFF_MSG);
	else if (res.n || sx_assoc_count(p.srv) != 2)
		snprintf(why, len, "the refused PEELOFF gave %zu entries, left %d of 2 associations",
			 res.n, sx_assoc_count(p.srv));
	sx_result_free(&res);
	sx_pool_free(&p);
	sx_nl_close(&nl);
	return why[0] ? -1 : 0;
}

bool sx_kernel_at_least(int major, int minor)
{
	struct utsname u;
	int ma = 0, mi = 0;

	if (uname(&u) || sscanf(u.release, "%d.%d", &ma, &mi) != 2)
		return false;
	return ma > major || (ma == major && mi >= minor);
}

int sx_module_load(void)
{
	char path[256];
	struct utsname u;
	int fd, ret;

	uname(&u);
	snprintf(path, sizeof(path), "/lib/modules/%s/extra/sctpx.ko", u.release);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	ret = syscall(SYS_finit_module, fd, "", 0) ? -errno : 0;
	close(fd);
	return ret;
}
