// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Running a check in a child process: the unit tests of what a client
 * does after fork() (failure_test.cpp, preload_clients_test.cpp), and of
 * work that must make no system call (preload_clients_test.cpp,
 * wait_test.cpp).
 */
#ifndef SCTPX_TESTS_UNIT_CHILD_HPP
#define SCTPX_TESTS_UNIT_CHILD_HPP

#include <csignal>
#include <functional>

#include <sys/types.h>

namespace sctpx::test {

/* fork(): glibc's, with the pthread_atfork(3) handlers. */
pid_t plain_fork();

/* A child made without pthread_atfork(3) handlers or glibc's fork(). */
pid_t raw_clone();

/*
 * body() in a child made by spawn, its result the child's exit code. How
 * the child ended: that code, 128 + the signal that killed it, or -1 if
 * it could not be made or waited for.
 */
int child_status(pid_t (*spawn)(), const std::function<int()> &body);

/*
 * From here on, any system call but exit_group(2) kills the process with
 * SIGSYS (child_status() then says kKilledBySigsys): for a child that
 * proves some work makes no system call. false if the filter could not
 * be installed. (No architecture check: the filter lets one number
 * through and kills on every other.)
 */
bool forbid_system_calls();

constexpr int kKilledBySigsys = 128 + SIGSYS;

} // namespace sctpx::test

#endif
