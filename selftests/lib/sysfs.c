// SPDX-License-Identifier: GPL-2.0
/*
 * Reading and writing sysfs, procfs and debugfs files.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mount.h>
#include <unistd.h>

#include "sysfs.h"

int sx_sysfs_write(const char *path, const char *val)
{
	int fd = open(path, O_WRONLY);
	ssize_t r;

	if (fd < 0)
		return -errno;
	r = write(fd, val, strlen(val));
	if (r < 0)
		r = -errno;
	close(fd);
	if (r < 0)
		return (int)r;
	return r == (ssize_t)strlen(val) ? 0 : -EIO;
}

int sx_debugfs(const char *path)
{
	if (!access(path, F_OK))
		return 0;
	/* The guest mounts debugfs only after the tests. */
	if (mount("debugfs", "/sys/kernel/debug", "debugfs", 0, NULL) &&
	    errno != EBUSY)
		return -errno;
	return access(path, F_OK) ? -errno : 0;
}

int sx_sysfs_read(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY);
	ssize_t r;

	if (fd < 0)
		return -errno;
	r = read(fd, buf, len - 1);
	close(fd);
	if (r < 0)
		return -EIO;
	buf[r] = 0;
	while (r > 0 && buf[r - 1] == '\n')
		buf[--r] = 0;
	return 0;
}
