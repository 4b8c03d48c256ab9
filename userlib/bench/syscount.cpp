// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * See syscount.hpp. The worker brackets fn with two getppid() calls; only
 * the calls between them count (thread start-up and exit are not fn's).
 */
#include "syscount.hpp"

#include <atomic>
#include <cerrno>
#include <cstddef>
#include <thread>

#include <linux/filter.h>
#include <linux/seccomp.h>
#include <poll.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

namespace sctpx::bench {

long count_syscalls(const std::function<void()> &fn)
{
	std::atomic<int> listener{-2}; /* -2: not yet, -1: failed */
	long count = 0;

	std::thread super([&] {
		int fd = -1;
		while ((fd = listener.load()) == -2)
			sched_yield();
		if (fd < 0)
			return;
		bool inside = false;
		for (;;) {
			pollfd p{fd, POLLIN, 0};
			if (poll(&p, 1, -1) < 0 && errno == EINTR)
				continue;
			if ((p.revents & POLLIN) == 0)
				break; /* POLLHUP: the worker is gone */
			seccomp_notif req{};
			if (ioctl(fd, SECCOMP_IOCTL_NOTIF_RECV, &req) != 0)
				continue;
			if (req.data.nr == SYS_getppid)
				inside = !inside;
			else if (inside)
				count++;
			seccomp_notif_resp resp{};
			resp.id = req.id;
			resp.flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
			(void)ioctl(fd, SECCOMP_IOCTL_NOTIF_SEND, &resp);
		}
		close(fd);
	});

	bool ok = true;
	std::thread worker([&] {
		sock_filter insn[] = {
			BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_USER_NOTIF),
		};
		sock_fprog prog{1, insn};
		if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) {
			ok = false;
			listener.store(-1);
			fn();
			return;
		}
		const long fd = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER,
					SECCOMP_FILTER_FLAG_NEW_LISTENER, &prog);
		if (fd < 0) {
			ok = false;
			listener.store(-1);
			fn();
			return;
		}
		listener.store(static_cast<int>(fd));
		(void)syscall(SYS_getppid);
		fn();
		(void)syscall(SYS_getppid);
	});
	worker.join();
	super.join();
	return ok ? count : -1;
}

} // namespace sctpx::bench
