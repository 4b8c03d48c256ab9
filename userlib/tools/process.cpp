// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Another process's SCTP sockets and their associations, for `sctpx
 * assocs` and `sctpx top`: its descriptors are found in /proc/PID/fd and
 * copied into this process with pidfd_getfd(2), which the kernel allows
 * only with ptrace access (PTRACE_MODE_ATTACH_REALCREDS) to the target.
 *
 * The copies are closed as soon as each socket is listed: a copy held on
 * would keep a socket (and its associations) alive after the target
 * closed it.
 */
#include <algorithm>
#include <array>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <iostream>
#include <memory>

#include <dirent.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cli.hpp"

namespace sctpx::cli {

namespace {

constexpr const char *ptrace_hint =
	" (needs ptrace access: CAP_SYS_PTRACE, or same user and kernel.yama.ptrace_scope permitting)";

/* "cannot take pid N's sockets: WHAT: strerror[ (hint)]" */
Error take_error(int pid, const std::string &what, int err)
{
	std::string msg = "cannot take pid " + std::to_string(pid) + "'s sockets: " + what + ": " +
			  std::strerror(err);
	if (err == EPERM || err == EACCES)
		msg += ptrace_hint;
	return Error{err, msg};
}

} // namespace

Result<Fd> open_process(int pid)
{
	const long r = syscall(SYS_pidfd_open, pid, 0);
	if (r < 0) {
		const int err = errno;
		if (err == ESRCH)
			return Error{err, "no process " + std::to_string(pid)};
		return take_error(pid, "pidfd_open", err);
	}
	return Fd(static_cast<int>(r));
}

namespace {

/*
 * Has the process behind pidfd exited? Its pidfd turns readable then, also
 * while it lingers unreaped: /proc/PID/fd of such a process lists nothing,
 * which must not pass for "no SCTP sockets".
 */
bool exited(const Fd &pidfd)
{
	pollfd p{pidfd.get(), POLLIN, 0};
	return poll(&p, 1, 0) > 0;
}

Error exit_error(int pid)
{
	return Error{ESRCH, "no process " + std::to_string(pid) + " (it exited)"};
}

/* The descriptor numbers of pid that are sockets, ascending. */
Result<std::vector<int>> socket_fds(int pid)
{
	const std::string dir = "/proc/" + std::to_string(pid) + "/fd";
	Fd dfd(open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
	if (!dfd)
		return take_error(pid, dir, errno);
	const std::unique_ptr<DIR, int (*)(DIR *)> d(fdopendir(dfd.get()), closedir);
	if (!d)
		return take_error(pid, dir, errno);
	(void)dfd.release(); /* closedir() closes it */
	std::vector<int> out;
	for (;;) {
		/* readdir() tells its end from an error only through errno. */
		errno = 0;
		const dirent *e = readdir(d.get());
		if (e == nullptr)
			break;
		const std::string_view name(e->d_name);
		int fd = -1;
		auto [p, ec] = std::from_chars(name.data(), name.data() + name.size(), fd);
		if (ec != std::errc() || p != name.data() + name.size())
			continue; /* "." and ".." */
		std::array<char, 64> link{};
		const ssize_t n = readlinkat(dirfd(d.get()), e->d_name, link.data(), link.size() - 1);
		if (n > 0 && std::string_view(link.data(), static_cast<std::size_t>(n)).starts_with("socket:["))
			out.push_back(fd);
	}
	if (errno != 0)
		return take_error(pid, dir, errno);
	std::sort(out.begin(), out.end());
	return out;
}

bool is_sctp(int fd, int &type)
{
	int proto = 0;
	socklen_t len = sizeof(proto);
	if (getsockopt(fd, SOL_SOCKET, SO_PROTOCOL, &proto, &len) != 0 || proto != IPPROTO_SCTP)
		return false;
	len = sizeof(type);
	return getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &len) == 0;
}

} // namespace

Result<std::vector<SocketAssocs>> list_process(Client &c, int pid, const Fd &pidfd,
					       std::optional<int> only_fd)
{
	/*
	 * The pidfd was opened first: should pid exit and its number be
	 * reused while /proc is read, pidfd_getfd() fails (ESRCH) instead of
	 * taking the newcomer's descriptors, and exited() tells an empty
	 * listing of the newcomer (or of the unreaped process) from one of
	 * a process without SCTP sockets.
	 */
	std::vector<int> fds;
	if (only_fd) {
		fds.push_back(*only_fd);
	} else {
		auto all = socket_fds(pid);
		if (!all)
			return exited(pidfd) ? exit_error(pid) : std::move(all).error();
		fds = std::move(*all);
	}
	std::vector<SocketAssocs> out;
	for (const int target : fds) {
		Fd fd(static_cast<int>(syscall(SYS_pidfd_getfd, pidfd.get(), target, 0)));
		if (!fd) {
			const int err = errno;
			/* Closed since /proc was read: not a socket of pid any more. */
			if (err == EBADF && !only_fd)
				continue;
			if (err == EBADF)
				return Error{err, "pid " + std::to_string(pid) + " has no fd " +
							  std::to_string(target)};
			if (err == ESRCH)
				return exit_error(pid);
			return take_error(pid, "pidfd_getfd", err);
		}
		SocketAssocs s;
		s.fd = target;
		if (!is_sctp(fd.get(), s.type)) {
			if (only_fd)
				return Error{ENOTSOCK, "pid " + std::to_string(pid) + " fd " +
							       std::to_string(target) + " is not an SCTP socket"};
			continue;
		}
		auto l = c.list(fd.get());
		if (!l)
			return Error{l.error().errnum(), "cannot list pid " + std::to_string(pid) +
								 " fd " + std::to_string(target) + ": " +
								 l.error().message()};
		s.path = l->path;
		s.assocs = std::move(l->assocs);
		out.push_back(std::move(s));
	}
	if (exited(pidfd))
		return exit_error(pid);
	return out;
}

Result<Client> open_lister(const Options &o)
{
	ClientOptions co;
	co.force_fallback = o.force_fallback;
	/* Looking must not load the module: unloaded, the fallback lists. */
	co.autoload = false;
	return Client::open(co);
}

int fail(const Error &e)
{
	std::cerr << "sctpx: " << e.extack << '\n';
	return exit_fail;
}

} // namespace sctpx::cli
