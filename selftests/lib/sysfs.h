/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Reading and writing sysfs, procfs and debugfs files.
 */
#ifndef SX_LIB_SYSFS_H
#define SX_LIB_SYSFS_H

#include <stddef.h>

/* 0, or the write's -errno (EINVAL for a value a parameter refuses). */
int sx_sysfs_write(const char *path, const char *val);
int sx_sysfs_read(const char *path, char *buf, size_t len);
/*
 * 0 once @path exists, a @fstype mounted at @at first if it did not;
 * else -errno.
 */
int sx_mount_for(const char *path, const char *fstype, const char *at);
/* 0 once @path exists, debugfs mounted if it was not; else -errno. */
int sx_debugfs(const char *path);

#endif /* SX_LIB_SYSFS_H */
