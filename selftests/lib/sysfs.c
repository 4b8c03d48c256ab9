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

int sx_mount_for(const char *path, const char *fstype, const char *at)
{
	if (!access(path, F_OK))
		return 0;
	if (mount(fstype, at, fstype, 0, NULL) && errno != EBUSY)
		return -errno;
	return access(path, F_OK) ? -errno : 0;
}

int sx_debugfs(const char *path)
{
	/* The guest mounts debugfs only after the tests. */
	return sx_mount_for(path, "debugfs", "/sys/kernel/debug");
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
