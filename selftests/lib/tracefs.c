// SPDX-License-Identifier: GPL-2.0
/*
 * Tracefs, and the module's sctpx_peeloff events in it: see tracefs.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sysfs.h"
#include "tracefs.h"

#define SX_TRACEFS	"/sys/kernel/tracing"

const char *const sx_stage_names[SX_STAGES] = {
	"parse", "lookup", "reserve", "reply", "peel", "send", "install",
};

/* Does /proc/filesystems list tracefs? 1, 0, or -errno. */
static int sx_tracefs_known(void)
{
	FILE *f = fopen("/proc/filesystems", "r");
	char line[128];
	int found = 0;

	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f))
		if (strstr(line, "\ttracefs"))
			found = 1;
	fclose(f);
	return found;
}

int sx_tracefs(char *dir, size_t len)
{
	int known = sx_tracefs_known(), err;

	if (known <= 0)
		return known;
	snprintf(dir, len, "%s", SX_TRACEFS);
	/* The guest's init mounts debugfs only, and only after the tests. */
	err = sx_mount_for(SX_TRACEFS "/trace", "tracefs", SX_TRACEFS);
	return err ? err : 1;
}

int sx_trace_write(const char *dir, const char *file, const char *val)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	return sx_sysfs_write(path, val);
}

int sx_trace_clear(const char *dir)
{
	char path[256];
	int fd;

	/* Opening "trace" for writing with O_TRUNC empties the buffer. */
	snprintf(path, sizeof(path), "%s/trace", dir);
	fd = open(path, O_WRONLY | O_TRUNC);
	if (fd < 0)
		return -errno;
	close(fd);
	return 0;
}

int sx_trace_peeloff_events(const char *dir, struct sx_peeloff_event *ev,
			    int max)
{
	static const char tag[] = " sctpx_peeloff: ";
	char path[256], line[512];
	int n = 0, bad = 0;
	FILE *f;

	snprintf(path, sizeof(path), "%s/trace", dir);
	f = fopen(path, "r");
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		struct sx_peeloff_event e;
		const char *p = strstr(line, tag);
		unsigned long long v[2 + SX_STAGES];
		int k;

		if (!p)
			continue;
		if (sscanf(p + strlen(tag),
			   "requested=%u peeled=%u floor_ns=%llu request_ns=%llu "
			   "parse_ns=%llu lookup_ns=%llu reserve_ns=%llu "
			   "reply_ns=%llu peel_ns=%llu send_ns=%llu install_ns=%llu",
			   &e.requested, &e.peeled, &v[0], &v[1], &v[2], &v[3],
			   &v[4], &v[5], &v[6], &v[7], &v[8]) != 4 + SX_STAGES) {
			fprintf(stderr, "# unparsed event: %s", line);
			bad = 1;
			continue;
		}
		e.floor_ns = v[0];
		e.request_ns = v[1];
		for (k = 0; k < SX_STAGES; k++)
			e.stage_ns[k] = v[2 + k];
		if (n < max)
			ev[n] = e;
		n++;
	}
	fclose(f);
	return bad ? -EPROTO : n;
}
