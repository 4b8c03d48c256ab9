// SPDX-License-Identifier: LGPL-2.1-or-later
/* See child.hpp. */
#include "child.hpp"

#include <csignal>

#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

namespace sctpx::test {

pid_t plain_fork()
{
	return fork();
}

pid_t raw_clone()
{
	return static_cast<pid_t>(syscall(SYS_clone, SIGCHLD, 0, 0, 0, 0));
}

int child_status(pid_t (*spawn)(), const std::function<int()> &body)
{
	const pid_t pid = spawn();
	if (pid == 0)
		_exit(body());
	if (pid < 0)
		return -1;
	int status = 0;
	if (waitpid(pid, &status, 0) != pid)
		return -1;
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

} // namespace sctpx::test
