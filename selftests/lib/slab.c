// SPDX-License-Identifier: GPL-2.0
/*
 * Kernel memory accounting: SUnreclaim, per-cache slab usage, and the
 * associations the kernel holds, to tell a leak from memory not yet freed.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
#include <linux/membarrier.h>

#include "process.h"
#include "slab.h"
#include "sysfs.h"

/*
 * Give back what the kernel would give back under memory pressure before
 * SUnreclaim is read, so that it counts what is really held:
 *
 * - Unused dentries and inodes. Reading /proc/self/fd (sx_count_fds())
 *   caches a dentry and an inode for every open descriptor, and they
 *   stay after the descriptors are closed. Their caches count as
 *   reclaimable, but the LSM blob of each inode (lsm_inode_cache) and,
 *   on a kmemleak kernel, the kmemleak_object tracking each of the three
 *   do not: 3.7 MB and 20-34 MB after resources' 20,000 descriptors.
 * - Then, once RCU has freed those, every slab cache's empty slabs on
 *   per-CPU partial lists and, on a KASAN kernel, the freed objects its
 *   quarantine holds back (up to 1/32 of RAM).
 *
 * Best effort: drop_caches, membarrier and SLUB's sysfs may be absent.
 */
static void sx_slab_shrink(void)
{
	struct dirent *e;
	char path[512];
	DIR *d;

	static bool quiet;

	/* 4 (alone: 1-4 is the range) stops the log line each drop prints. */
	if (!quiet)
		quiet = !sx_sysfs_write("/proc/sys/vm/drop_caches", "4");
	sx_sysfs_write("/proc/sys/vm/drop_caches", "2");	/* dentries, inodes */
	/* A grace period: the inodes' blobs are freed by RCU callbacks. */
	syscall(SYS_membarrier, MEMBARRIER_CMD_GLOBAL, 0, 0);
	d = opendir("/sys/kernel/slab");
	if (!d)
		return;
	while ((e = readdir(d))) {
		/* Symlinks are aliases of a cache listed under its own name. */
		if (e->d_name[0] == '.' || e->d_type == DT_LNK)
			continue;
		snprintf(path, sizeof(path), "/sys/kernel/slab/%s/shrink",
			 e->d_name);
		sx_sysfs_write(path, "1");
	}
	closedir(d);
}

long sx_slab_unreclaim_kb(void)
{
	char line[128];
	long kb = -1;
	FILE *f;

	sx_slab_shrink();
	f = fopen("/proc/meminfo", "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "SUnreclaim: %ld kB", &kb) == 1)
			break;
	fclose(f);
	return kb;
}

int sx_kernel_assoc_count(void)
{
	FILE *f = fopen("/proc/net/sctp/assocs", "r");
	int c, lines = 0;

	if (!f)
		return -errno;
	while ((c = fgetc(f)) != EOF)
		lines += c == '\n';
	fclose(f);
	return lines ? lines - 1 : 0;	/* less the header */
}

/* Does the cache count as SReclaimable rather than SUnreclaim? */
static bool sx_slab_reclaimable(const char *name)
{
	char path[512], v[8];

	snprintf(path, sizeof(path), "/sys/kernel/slab/%s/reclaim_account", name);
	return !sx_sysfs_read(path, v, sizeof(v)) && !strcmp(v, "1");
}

int sx_slab_snap(struct sx_slab_snap *s)
{
	struct sx_slab_cache *v;
	char line[512];
	size_t cap = 0;
	FILE *f;

	s->n = 0;
	s->v = NULL;
	s->unreclaim_kb = sx_slab_unreclaim_kb();
	f = fopen("/proc/slabinfo", "r");
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		struct sx_slab_cache c;
		long pages, slabs;

		/*
		 * name active-objs objs size objs-per-slab pages-per-slab
		 * : tunables ... : slabdata active-slabs slabs shared
		 */
		if (sscanf(line, "%63s %ld %*d %*d %*d %ld : tunables %*d %*d %*d : slabdata %*d %ld",
			   c.name, &c.objs, &pages, &slabs) != 4)
			continue;
		if (sx_slab_reclaimable(c.name))
			continue;
		c.kb = pages * slabs * (sysconf(_SC_PAGESIZE) / 1024);
		if (s->n == cap) {
			cap = cap ? 2 * cap : 256;
			v = realloc(s->v, cap * sizeof(*v));
			if (!v) {
				fclose(f);
				sx_slab_snap_free(s);
				return -ENOMEM;
			}
			s->v = v;
		}
		s->v[s->n++] = c;
	}
	fclose(f);
	return 0;
}

void sx_slab_snap_free(struct sx_slab_snap *s)
{
	free(s->v);
	s->v = NULL;
	s->n = 0;
}

static int sx_slab_cmp_growth(const void *a, const void *b)
{
	const struct sx_slab_cache *x = a, *y = b;

	return (x->kb < y->kb) - (x->kb > y->kb);
}

/* Log the caches that grew most from @a to @b (kb in the result is growth). */
static void sx_slab_log_growth(const struct sx_slab_snap *a,
			       const struct sx_slab_snap *b)
{
	struct sx_slab_cache *g = calloc(b->n ? b->n : 1, sizeof(*g));
	size_t i, k, n = 0;

	if (!g)
		return;
	for (i = 0; i < b->n; i++) {
		struct sx_slab_cache was = { .kb = 0, .objs = 0 };

		for (k = 0; k < a->n; k++)
			if (!strcmp(a->v[k].name, b->v[i].name)) {
				was = a->v[k];
				break;
			}
		if (b->v[i].kb > was.kb) {
			g[n] = b->v[i];
			g[n].kb -= was.kb;
			g[n++].objs -= was.objs;
		}
	}
	qsort(g, n, sizeof(*g), sx_slab_cmp_growth);
	/* Objects still in use tell a leak from slabs left partly empty. */
	for (i = 0; i < n && i < 8; i++)
		fprintf(stderr, "# slab cache %s grew by %ld kB, %+ld objects in use\n",
			g[i].name, g[i].kb, g[i].objs);
	free(g);
}

long sx_slab_settle(const struct sx_slab_snap *before, long bound_kb, int secs)
{
	const long base_kb = before->unreclaim_kb;
	struct timespec t0, t;
	long kb, ms = 0, logged = 0;
	struct sx_slab_snap now;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		kb = sx_slab_unreclaim_kb();
		if (kb <= base_kb + bound_kb)
			return kb;
		clock_gettime(CLOCK_MONOTONIC, &t);
		ms = (t.tv_sec - t0.tv_sec) * 1000 + (t.tv_nsec - t0.tv_nsec) / 1000000;
		if (ms >= (long)secs * sx_timeout_scale() * 1000)
			break;
		if (ms / 60000 > logged) {
			logged = ms / 60000;
			fprintf(stderr, "# SUnreclaim %ld kB after %ld s (baseline %ld kB)\n",
				kb, ms / 1000, base_kb);
		}
		/* Fine steps first: most teardown ends within a second or two. */
		usleep(ms < 10000 ? 100000 : 1000000);
	}
	fprintf(stderr, "# SUnreclaim %ld kB after %ld s, %ld kB over a baseline of %ld kB\n",
		kb, ms / 1000, kb - base_kb, base_kb);
	if (!sx_slab_snap(&now)) {
		sx_slab_log_growth(before, &now);
		sx_slab_snap_free(&now);
	}
	return kb;
}
