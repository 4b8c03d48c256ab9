/* SPDX-License-Identifier: GPL-2.0 */
/*
 * This test process: its descriptors, its children's exit, and how
 * much to stretch its timeouts.
 */
#ifndef SX_LIB_PROCESS_H
#define SX_LIB_PROCESS_H

#include <stdbool.h>
#include <sys/resource.h>

int sx_raise_nofile(rlim_t n);
int sx_count_fds(void);
/* The highest open descriptor. */
int sx_max_fd(void);
/*
 * Close every descriptor above @top (an sx_max_fd() taken before): a
 * fixture's teardown, so that a test stopped by a failed assertion
 * leaves nothing open.
 */
void sx_close_above(int top);

/*
 * Did a child (a waitpid() status) exit normally with status 0? A child
 * killed by a signal (a segfault, the OOM killer) is not a pass, whatever
 * WEXITSTATUS() reads. When it is not, say on stderr how it ended.
 */
bool sx_child_ok(int status);

/*
 * The value of the guest's sctpx_timeout_scale (1 when unset): by how much
 * to stretch every test's timeout. make check-debug sets it, because KASAN
 * and lockdep under TCG make the large cases take many times longer than
 * kselftest's 30 s default.
 */
int sx_timeout_scale(void);

#endif /* SX_LIB_PROCESS_H */
