/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Kernel memory accounting: SUnreclaim, per-cache slab usage, and the
 * associations the kernel holds, to tell a leak from memory not yet freed.
 */
#ifndef SX_LIB_SLAB_H
#define SX_LIB_SLAB_H

#include <stddef.h>

/*
 * SUnreclaim of /proc/meminfo in kB, or -1, after giving back unused
 * dentries and inodes and shrinking every slab cache.
 */
long sx_slab_unreclaim_kb(void);

/* Associations in this network namespace (/proc/net/sctp/assocs), or -errno. */
int sx_kernel_assoc_count(void);
/*
 * A baseline: SUnreclaim (sx_slab_unreclaim_kb()) and every unreclaimable
 * slab cache's memory (/proc/slabinfo), to name what grew.
 */
struct sx_slab_snap {
	long unreclaim_kb;
	size_t n;
	struct sx_slab_cache {
		char name[64];
		long kb;	/* in its slabs */
		long objs;	/* in use */
	} *v;
};
int sx_slab_snap(struct sx_slab_snap *s);
void sx_slab_snap_free(struct sx_slab_snap *s);
/*
 * Wait up to secs seconds (stretched by sx_timeout_scale()) for SUnreclaim
 * to come back within bound_kb of before's, logging it every minute, and
 * return the last reading. Association teardown and RCU callbacks finish
 * after close() returns. When it does not come back, log the caches that
 * grew most since before.
 */
long sx_slab_settle(const struct sx_slab_snap *before, long bound_kb, int secs);

#endif /* SX_LIB_SLAB_H */
