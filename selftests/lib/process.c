// SPDX-License-Identifier: GPL-2.0
/*
 * This test process: its descriptors, its children's exit, and how
 * much to stretch its timeouts.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "process.h"

int sx_raise_nofile(rlim_t n)
{
	struct rlimit rl = { n, n };

	return setrlimit(RLIMIT_NOFILE, &rl) ? -errno : 0;
}

int sx_count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *de;
	int n = 0;

	if (!d)
		return -1;
	while ((de = readdir(d)))
		if (de->d_name[0] != '.')
			n++;
	closedir(d);
	return n - 1; /* the directory's own descriptor */
}

bool sx_child_ok(int status)
{
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return true;
	if (WIFEXITED(status))
		fprintf(stderr, "# child exited with status %d\n", WEXITSTATUS(status));
	else if (WIFSIGNALED(status))
		fprintf(stderr, "# child killed by signal %d (%s)%s\n", WTERMSIG(status),
			strsignal(WTERMSIG(status)),
			WCOREDUMP(status) ? ", core dumped" : "");
	else
		fprintf(stderr, "# child ended with wait status 0x%x\n", status);
	return false;
}

int sx_timeout_scale(void)
{
	const char *s = getenv("sctpx_timeout_scale");
	long v = s ? strtol(s, NULL, 10) : 1;

	return v >= 1 && v <= 100 ? (int)v : 1;
}

int sx_max_fd(void)
{
	int fd, max = 0;

	for (fd = 0; fd < 65536; fd++)
		if (fcntl(fd, F_GETFD) >= 0)
			max = fd;
	return max;
}

void sx_close_above(int top)
{
	int fd, max = sx_max_fd();

	for (fd = top + 1; fd <= max; fd++)
		close(fd);
}
