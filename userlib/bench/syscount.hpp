// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Count the system calls a piece of code makes, for real: the code runs in
 * a thread of its own under a seccomp filter that turns every system call
 * into a user notification; a supervisor thread counts them and lets each
 * one continue (SECCOMP_USER_NOTIF_FLAG_CONTINUE, Linux 5.5+). Slow (one
 * thread hand-off per call), so never used in a timed round.
 */
#ifndef SCTPX_BENCH_SYSCOUNT_HPP
#define SCTPX_BENCH_SYSCOUNT_HPP

#include <functional>

namespace sctpx::bench {

/* System calls fn made, or -1 if they cannot be counted here. */
long count_syscalls(const std::function<void()> &fn);

} // namespace sctpx::bench

#endif
