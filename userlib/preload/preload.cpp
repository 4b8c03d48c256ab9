// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * libsctpx-preload.so: sctp_peeloff(), sctp_peeloff_flags() and
 * sctp_connectx() (every version libsctp.so.1 exports) served by
 * libsctpx, for programs that cannot be rebuilt: LD_PRELOAD it, or link
 * it before -lsctp. See sctpx-preload(7) for what changes and what does
 * not.
 *
 * Each call goes to libsctpx's C API; its answer is turned into what
 * lksctp-tools returns for the same call on the same kernel. Where
 * libsctpx refuses a call as a whole before it reaches the kernel (it
 * checks arguments more strictly than the kernel does: port 0, a foreign
 * socket, ...), nothing has happened yet, and the call is made the way
 * lksctp-tools makes it, so the kernel's verdict stands ("kernel" in the
 * trace). A peeloff refused for want of a descriptor or of memory is
 * never retried that way: the kernel would peel first and then destroy
 * the association.
 *
 * libsctpx never calls libsctp, so it cannot come back here. A call that
 * does come back on the same thread (a signal handler calling
 * sctp_peeloff() while the thread is inside one) is made the lksctp-tools
 * way at once: libsctpx takes locks and is not async-signal-safe.
 *
 * SCTPX_PRELOAD_LOG=FILE appends one line per call: function, socket,
 * result, errno, the path that served it (module, fallback: libsctpx's
 * socket options, kernel: the lksctp-tools way) and the nesting depth.
 */
#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <new>
#include <span>
#include <vector>

#include <fcntl.h>
#include <pthread.h>
#include <netinet/in.h>
#include <netinet/sctp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <sctpx/sctpx.h>

#include "clients.hpp"

#define SCTPX_PRELOAD_API extern "C" __attribute__((visibility("default")))

namespace {

/* ---- the trace --------------------------------------------------------- */

int log_fd = -1; /* opened before main(): later, EMFILE could refuse it */

__attribute__((constructor)) void open_log()
{
	const char *path = getenv("SCTPX_PRELOAD_LOG");
	if (path != nullptr && *path != '\0')
		log_fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
}

thread_local int depth = 0; /* calls of ours on this thread's stack */

enum class Via { Module, Fallback, Kernel };

const char *via_name(Via v)
{
	switch (v) {
	case Via::Module: return "module";
	case Via::Fallback: return "fallback";
	case Via::Kernel: return "kernel";
	}
	return "?";
}

Via via_of(int path)
{
	return path == SCTPX_PATH_MODULE ? Via::Module : Via::Fallback;
}

void trace(const char *fn, int sock, int ret, int err, Via via)
{
	if (log_fd < 0)
		return;
	std::array<char, 160> line{};
	const int n = snprintf(line.data(), line.size(),
			       "%s pid=%d sock=%d ret=%d errno=%d path=%s depth=%d\n", fn,
			       static_cast<int>(getpid()), sock, ret, ret < 0 ? err : 0,
			       via_name(via), depth);
	if (n > 0) {
		const ssize_t w = write(log_fd, line.data(), std::min<std::size_t>(n, line.size() - 1));
		(void)w; /* a trace line that cannot be written is lost, nothing more */
	}
}

/* Marks this thread as inside one of our calls for its lifetime. */
class Depth {
public:
	Depth() { depth++; }
	~Depth() { depth--; }
	Depth(const Depth &) = delete;
	Depth &operator=(const Depth &) = delete;
	Depth(Depth &&) = delete;
	Depth &operator=(Depth &&) = delete;
	/* Another call of ours is under way on this thread. */
	[[nodiscard]] static bool nested() { return depth > 1; }
};

/* errno as the call left it for its caller; a success leaves it as it was. */
class Errno {
public:
	Errno() : saved_(errno) {}
	[[nodiscard]] int ok(int ret) const
	{
		errno = saved_;
		return ret;
	}
	static int fail(int err)
	{
		errno = err;
		return -1;
	}

private:
	int saved_;
};

/* ---- lksctp-tools' own calls (the kernel's verdict) ---------------------- */

/* The buffer size sctp_connectx() computes: EINVAL for a family it does not know. */
int addrs_size(const struct sockaddr *addrs, int addrcnt)
{
	int size = 0;
	const auto *p = reinterpret_cast<const char *>(addrs);
	for (int i = 0; i < addrcnt; i++) {
		sa_family_t family = 0;
		std::memcpy(&family, p + offsetof(struct sockaddr, sa_family), sizeof(family));
		int len = 0;
		if (family == AF_INET)
			len = sizeof(struct sockaddr_in);
		else if (family == AF_INET6)
			len = sizeof(struct sockaddr_in6);
		else
			return -1;
		size += len;
		p += len;
	}
	return size;
}

/* sctp_connectx@VERS_1 and the unversioned one: no id. */
int kernel_connectx_old(int sock, struct sockaddr *addrs, int size)
{
	return setsockopt(sock, SOL_SCTP, SCTP_SOCKOPT_CONNECTX_OLD, addrs,
			  static_cast<socklen_t>(size));
}

/* sctp_connectx@VERS_2: the id as setsockopt's value, lost with EINPROGRESS. */
int kernel_connectx2(int sock, struct sockaddr *addrs, int size, sctp_assoc_t *id)
{
	if (id != nullptr)
		*id = 0;
	const int st = setsockopt(sock, SOL_SCTP, SCTP_SOCKOPT_CONNECTX, addrs,
				  static_cast<socklen_t>(size));
	if (st > 0) {
		if (id != nullptr)
			*id = st;
		return 0;
	}
	if (st < 0 && errno != ENOPROTOOPT)
		return st;
	if (id != nullptr)
		return Errno::fail(ENOPROTOOPT);
	return kernel_connectx_old(sock, addrs, size);
}

/*
 * sctp_connectx@@VERS_3: SCTP_SOCKOPT_CONNECTX3, the id on success and
 * with EINPROGRESS; the older options when the kernel lacks it. (The
 * fallbacks are taken on this call's own ENOPROTOOPT only: lksctp-tools
 * also takes them after a success when errno held ENOPROTOOPT before.)
 */
int kernel_connectx3(int sock, struct sockaddr *addrs, int size, sctp_assoc_t *id)
{
	struct sctp_getaddrs_old param {};
	param.assoc_id = 0;
	param.addr_num = size;
	param.addrs = addrs;
	socklen_t len = sizeof(param);
	const int st = getsockopt(sock, SOL_SCTP, SCTP_SOCKOPT_CONNECTX3, &param, &len);
	if (st == 0 || errno == EINPROGRESS) {
		if (id != nullptr)
			*id = param.assoc_id;
	}
	if (st == 0 || errno != ENOPROTOOPT)
		return st;
	if (id != nullptr) {
		const int fl = fcntl(sock, F_GETFL);
		if (fl < 0)
			return fl;
		if ((static_cast<unsigned int>(fl) & O_NONBLOCK) != 0)
			return Errno::fail(ENOPROTOOPT);
	}
	return kernel_connectx2(sock, addrs, size, id);
}

int kernel_peeloff(int sock, sctp_assoc_t id)
{
	sctp_peeloff_arg_t arg{};
	arg.associd = id;
	socklen_t len = sizeof(arg);
	if (getsockopt(sock, SOL_SCTP, SCTP_SOCKOPT_PEELOFF, &arg, &len) < 0)
		return -1;
	return arg.sd;
}

int kernel_peeloff_flags(int sock, sctp_assoc_t id, unsigned int flags)
{
	if (flags == 0)
		return kernel_peeloff(sock, id);
	sctp_peeloff_flags_arg_t arg{};
	arg.p_arg.associd = id;
	arg.flags = flags;
	socklen_t len = sizeof(arg);
	if (getsockopt(sock, SOL_SCTP, SCTP_SOCKOPT_PEELOFF_FLAGS, &arg, &len) < 0)
		return -1;
	return arg.p_arg.sd;
}

/* ---- the libsctpx clients -------------------------------------------------- */

using sctpx::preload::Clients;

/* Never destroyed: calls may come from other threads during exit. */
Clients *const the_clients = new Clients;

Clients &clients()
{
	return *the_clients;
}

__attribute__((constructor)) void fork_safe()
{
	pthread_atfork([] { the_clients->lock(); }, [] { the_clients->unlock(); },
		       [] { the_clients->unlock(); });
}

struct AssocsDeleter {
	void operator()(struct sctpx_assocs *r) const { sctpx_assocs_free(r); }
};
struct ConnectDeleter {
	void operator()(struct sctpx_connect_result *r) const { sctpx_connect_result_free(r); }
};

/*
 * An SCTP socket: anything else (not open, not a socket, another
 * protocol) goes to the kernel the lksctp-tools way at once, without
 * libsctpx and without touching the heap.
 */
bool sctp_socket(int sock)
{
	int proto = 0;
	socklen_t len = sizeof(proto);
	return getsockopt(sock, SOL_SOCKET, SO_PROTOCOL, &proto, &len) == 0 &&
	       proto == IPPROTO_SCTP;
}

/* Refusals after which the kernel is asked directly: nothing has started. */
bool kernel_decides(int err)
{
	switch (err) {
	case EINVAL:
	case EBADF:
	case ENOTSOCK:
	case EOPNOTSUPP:
	case ENOPROTOOPT:
	case EAFNOSUPPORT:
		return true;
	default:
		return false;
	}
}

/* ---- peeloff ------------------------------------------------------------ */

int peeloff(const char *fn, int sock, sctp_assoc_t id, unsigned int flags)
{
	const Depth d;
	const Errno e;
	/*
	 * The kernel honours SOCK_NONBLOCK and SOCK_CLOEXEC and ignores every
	 * other bit; so does this call (libsctpx's own flag bits never come
	 * from the caller).
	 */
	const unsigned int kflags = flags & (SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (Depth::nested() || !sctp_socket(sock)) {
		const int r = kernel_peeloff_flags(sock, id, flags);
		trace(fn, sock, r, errno, Via::Kernel);
		return r < 0 ? r : e.ok(r);
	}
	sctpx_client *c = nullptr;
	int rc = clients().get(false, &c);
	std::unique_ptr<struct sctpx_assocs, AssocsDeleter> res;
	if (rc == 0) {
		const auto uid = static_cast<uint32_t>(id);
		struct sctpx_assocs *r = nullptr;
		rc = sctpx_peeloff(c, sock, &uid, 1, kflags | SCTPX_PEEL_BRIEF, &r);
		res.reset(r);
	}
	if (rc < 0) {
		if (!kernel_decides(-rc)) {
			trace(fn, sock, -1, -rc, Via::Module);
			return Errno::fail(-rc);
		}
		const int r = kernel_peeloff_flags(sock, id, flags);
		trace(fn, sock, r, errno, Via::Kernel);
		return r < 0 ? r : e.ok(r);
	}
	const Via via = via_of(res->path);
	const struct sctpx_assoc *a = sctpx_assocs_at(res.get(), 0);
	if (a == nullptr) {
		trace(fn, sock, -1, EPROTO, via);
		return Errno::fail(EPROTO);
	}
	if (a->fd < 0) {
		const int err = a->error != 0 ? a->error : EPROTO;
		trace(fn, sock, -1, err, via);
		return Errno::fail(err);
	}
	trace(fn, sock, a->fd, 0, via);
	return e.ok(a->fd);
}

/* ---- connectx ----------------------------------------------------------- */

enum class Version { Old, V2, V3 };

struct Outcome {
	int ret;
	int err;
};

/* The caller's addresses as one libsctpx peer. */
void to_peer(const struct sockaddr *addrs, int addrcnt, std::vector<union sctpx_sockaddr> &out)
{
	out.reserve(static_cast<std::size_t>(addrcnt));
	const auto *p = reinterpret_cast<const char *>(addrs);
	for (int i = 0; i < addrcnt; i++) {
		union sctpx_sockaddr u {};
		sa_family_t family = 0;
		std::memcpy(&family, p + offsetof(struct sockaddr, sa_family), sizeof(family));
		const std::size_t len =
			family == AF_INET ? sizeof(struct sockaddr_in) : sizeof(struct sockaddr_in6);
		std::memcpy(&u, p, len);
		out.push_back(u);
		p += len;
	}
}

int kernel_connectx(Version v, int sock, struct sockaddr *addrs, int size, sctp_assoc_t *id)
{
	switch (v) {
	case Version::Old: return kernel_connectx_old(sock, addrs, size);
	case Version::V2: return kernel_connectx2(sock, addrs, size, id);
	case Version::V3: return kernel_connectx3(sock, addrs, size, id);
	}
	return Errno::fail(EINVAL);
}

int connectx(const char *fn, Version v, int sock, struct sockaddr *addrs, int addrcnt,
	     sctp_assoc_t *id)
{
	const Depth d;
	const Errno e;
	const int size = addrs_size(addrs, addrcnt);
	if (size < 0) {
		trace(fn, sock, -1, EINVAL, Via::Kernel);
		return Errno::fail(EINVAL);
	}
	auto by_kernel = [&] {
		const int r = kernel_connectx(v, sock, addrs, size, id);
		trace(fn, sock, r, errno, Via::Kernel);
		return r < 0 ? r : e.ok(r);
	};
	if (Depth::nested() || !sctp_socket(sock))
		return by_kernel();

	sctpx_client *c = nullptr;
	if (clients().get(true, &c) < 0)
		return by_kernel();
	std::vector<union sctpx_sockaddr> u;
	try {
		to_peer(addrs, addrcnt, u);
	} catch (const std::bad_alloc &) {
		return by_kernel();
	}
	const struct sctpx_peer peer = {u.data(), u.size()};
	struct sctpx_connect_result *raw = nullptr;
	if (const int rc = sctpx_connectx(c, sock, &peer, 1, nullptr, &raw); rc < 0) {
		if (kernel_decides(-rc))
			return by_kernel();
		trace(fn, sock, -1, -rc, Via::Fallback);
		return Errno::fail(-rc);
	}
	const std::unique_ptr<struct sctpx_connect_result, ConnectDeleter> res(raw);
	const Via via = via_of(res->path);
	const struct sctpx_peer_result *pr = sctpx_connect_result_at(res.get(), 0);
	if (pr == nullptr) {
		trace(fn, sock, -1, EPROTO, via);
		return Errno::fail(EPROTO);
	}
	const int fl = fcntl(sock, F_GETFL);
	const bool nonblocking = fl >= 0 && (static_cast<unsigned int>(fl) & O_NONBLOCK) != 0;
	/*
	 * What the kernel's connect returned: 0 (established), EINPROGRESS
	 * (a non-blocking socket, or SO_SNDTIMEO ran out), EINTR, or why it
	 * failed. On a non-blocking socket libsctpx reports the state it saw
	 * after the start (even a refusal that came at once); the kernel
	 * said EINPROGRESS.
	 */
	int err = pr->error;
	if (nonblocking && (pr->id != 0 || err == 0))
		err = EINPROGRESS;
	if (v == Version::V2 && id != nullptr)
		*id = 0;
	if (err == 0 || err == EINPROGRESS || (err == EINTR && pr->id != 0)) {
		/* The id, always when there is one (sctpx-preload(7)). */
		if (v != Version::Old && id != nullptr)
			*id = static_cast<sctp_assoc_t>(pr->id);
	}
	if (err != 0) {
		trace(fn, sock, -1, err, via);
		return Errno::fail(err);
	}
	trace(fn, sock, 0, 0, via);
	return e.ok(0);
}

} // namespace

/* ---- the exported symbols -------------------------------------------------- */

SCTPX_PRELOAD_API int sctp_peeloff(int sd, sctp_assoc_t assoc_id)
{
	return peeloff("sctp_peeloff", sd, assoc_id, 0);
}

SCTPX_PRELOAD_API int sctp_peeloff_flags(int sd, sctp_assoc_t assoc_id, unsigned flags)
{
	return peeloff("sctp_peeloff_flags", sd, assoc_id, flags);
}

/* sctp_connectx@ (Base) and sctp_connectx@VERS_1: no id. */
SCTPX_PRELOAD_API int sctpx_preload_connectx_old(int fd, struct sockaddr *addrs, int addrcnt)
{
	return connectx("sctp_connectx@Base", Version::Old, fd, addrs, addrcnt, nullptr);
}
__asm__(".symver sctpx_preload_connectx_old, sctp_connectx@");

SCTPX_PRELOAD_API int sctpx_preload_connectx_v1(int fd, struct sockaddr *addrs, int addrcnt)
{
	return connectx("sctp_connectx@VERS_1", Version::Old, fd, addrs, addrcnt, nullptr);
}
__asm__(".symver sctpx_preload_connectx_v1, sctp_connectx@VERS_1");

SCTPX_PRELOAD_API int sctpx_preload_connectx_v2(int fd, struct sockaddr *addrs, int addrcnt,
						sctp_assoc_t *id)
{
	return connectx("sctp_connectx@VERS_2", Version::V2, fd, addrs, addrcnt, id);
}
__asm__(".symver sctpx_preload_connectx_v2, sctp_connectx@VERS_2");

SCTPX_PRELOAD_API int sctpx_preload_connectx_v3(int fd, struct sockaddr *addrs, int addrcnt,
						sctp_assoc_t *id)
{
	return connectx("sctp_connectx@@VERS_3", Version::V3, fd, addrs, addrcnt, id);
}
__asm__(".symver sctpx_preload_connectx_v3, sctp_connectx@@VERS_3");
