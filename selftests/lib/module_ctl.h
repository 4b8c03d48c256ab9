/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The module under test: loading it, the running kernel, and whether
 * this build of the module offers PEELOFF.
 */
#ifndef SX_LIB_MODULE_CTL_H
#define SX_LIB_MODULE_CTL_H

#include <stdbool.h>
#include <stddef.h>

/* finit_module() of /lib/modules/<release>/extra/sctpx.ko; 0 or -errno. */
int sx_module_load(void);

/* Is the running kernel at least major.minor? */
bool sx_kernel_at_least(int major, int minor);
/* Load sctpx.ko if it is not loaded. */
int sx_module_ensure(void);

/*
 * PEELOFF exists in the module only where the kernel exports
 * sctp_do_peeloff() (through 6.15; scripts/build-module.sh probes it).
 * sx_peeloff_offered(): 1 or 0 as INFO_GET's SCTPX_A_OPS says, held to
 * what the build said (the guest's sctpx_variant=no-peeloff, set by
 * scripts/check.sh from the build's probe): -EPROTO when they differ, or
 * another -errno. Never a kernel version.
 */
int sx_peeloff_offered(void);
/* What a PEELOFF request gets from a module without it (kmod/netlink.c). */
#define SX_NO_PEELOFF_MSG \
	"PEELOFF unavailable: this kernel does not export sctp_do_peeloff(); use sctp_peeloff(3)"
/*
 * On such a module: a well-formed PEELOFF of two live associations fails
 * with EOPNOTSUPP and SX_NO_PEELOFF_MSG, returns no entry and leaves both
 * associations where they were. 0, or -1 with what differed in @why.
 */
int sx_peeloff_absent_check(char *why, size_t len);

#endif /* SX_LIB_MODULE_CTL_H */
