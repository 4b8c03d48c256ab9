// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * sctpx_dropin_probe: calls sctp_connectx() (every version) and
 * sctp_peeloff[_flags]() from libsctp in many situations and prints one
 * line per situation: what came back, errno, what became of the id, and
 * the new descriptor's flags. It is linked against libsctp.so.1 like any
 * lksctp-tools program; tests/vm/dropin.sh runs it once as it is and once
 * with libsctpx-preload.so preloaded and compares the lines.
 *
 *   sctpx_dropin_probe parity   the situations, one line each
 *   sctpx_dropin_probe emfile   a peeloff with the descriptor table full:
 *                               does the association survive?
 *
 * Situations that need an unreachable peer use 10.99.1.0/24, which the
 * script routes into lo without owning it (INITs go unanswered).
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/sctp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

/* The older versions of sctp_connectx, as old binaries call them. */
int connectx_v1(int sd, struct sockaddr *addrs, int addrcnt);
int connectx_v2(int sd, struct sockaddr *addrs, int addrcnt, sctp_assoc_t *id);
__asm__(".symver connectx_v1, sctp_connectx@VERS_1");
__asm__(".symver connectx_v2, sctp_connectx@VERS_2");

#define ID_UNTOUCHED ((sctp_assoc_t)0x7777)
#define BASE_PORT 20000

static void die(const char *what)
{
	printf("# probe: %s: %s\n", what, strerror(errno));
	exit(2);
}

static struct sockaddr_in v4(const char *ip, int port)
{
	struct sockaddr_in a;

	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_port = htons(port);
	inet_pton(AF_INET, ip, &a.sin_addr);
	return a;
}

static int sctp_sock(int type, int nonblock)
{
	int s = socket(AF_INET, type | (nonblock ? SOCK_NONBLOCK : 0), IPPROTO_SCTP);

	if (s < 0)
		die("socket");
	return s;
}

static int server(int type, int port)
{
	int s = sctp_sock(type, 0);
	struct sockaddr_in a = v4("127.0.0.1", port);
	int one = 1;

	setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(s, (struct sockaddr *)&a, sizeof(a)) < 0)
		die("bind");
	if (listen(s, 16) < 0)
		die("listen");
	return s;
}

static const char *errname(int e)
{
	switch (e) {
	case 0: return "0";
	case EINPROGRESS: return "EINPROGRESS";
	case EINTR: return "EINTR";
	case EINVAL: return "EINVAL";
	case EBADF: return "EBADF";
	case ENOTSOCK: return "ENOTSOCK";
	case ENOPROTOOPT: return "ENOPROTOOPT";
	case EOPNOTSUPP: return "EOPNOTSUPP";
	case ECONNREFUSED: return "ECONNREFUSED";
	case EISCONN: return "EISCONN";
	case EALREADY: return "EALREADY";
	case EADDRNOTAVAIL: return "EADDRNOTAVAIL";
	case ETIMEDOUT: return "ETIMEDOUT";
	case EMFILE: return "EMFILE";
	case EAFNOSUPPORT: return "EAFNOSUPPORT";
	case ENETUNREACH: return "ENETUNREACH";
	default: {
		static char num[32];

		snprintf(num, sizeof(num), "errno%d", e);
		return num;
	}
	}
}

static const char *idstate(sctp_assoc_t id)
{
	return id == ID_UNTOUCHED ? "untouched" : id == 0 ? "zero" : "set";
}

static void cx_report(const char *name, int ret, int err, sctp_assoc_t id)
{
	printf("%s ret=%d errno=%s id=%s\n", name, ret, ret < 0 ? errname(err) : "0",
	       idstate(id));
	fflush(stdout);
}

static void pl_report(const char *name, int fd, int err)
{
	if (fd < 0) {
		printf("%s ret=-1 errno=%s\n", name, errname(err));
	} else {
		int fl = fcntl(fd, F_GETFL), fdfl = fcntl(fd, F_GETFD), type = 0;
		socklen_t len = sizeof(type);

		getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &len);
		printf("%s ret=fd nonblock=%d cloexec=%d seqpacket=%d\n", name,
		       (fl & O_NONBLOCK) != 0, (fdfl & FD_CLOEXEC) != 0, type == SOCK_SEQPACKET);
	}
	fflush(stdout);
}

/* One connectx@@VERS_3 on a fresh socket; the socket is returned. */
static int cx3(const char *name, int type, int nonblock, struct sockaddr *addrs, int n)
{
	int s = sctp_sock(type, nonblock);
	sctp_assoc_t id = ID_UNTOUCHED;
	int r = sctp_connectx(s, addrs, n, &id);

	cx_report(name, r, errno, id);
	return s;
}

/* The newest association of a one-to-many socket (0: none). */
static sctp_assoc_t newest_assoc(int s)
{
	char buf[sizeof(struct sctp_assoc_ids) + 64 * sizeof(sctp_assoc_t)];
	struct sctp_assoc_ids *ids = (struct sctp_assoc_ids *)buf;
	socklen_t len = sizeof(buf);
	sctp_assoc_t best = 0;

	if (getsockopt(s, SOL_SCTP, SCTP_GET_ASSOC_ID_LIST, ids, &len) < 0)
		return 0;
	for (unsigned int i = 0; i < ids->gaids_number_of_ids; i++)
		if (ids->gaids_assoc_id[i] > best)
			best = ids->gaids_assoc_id[i];
	return best;
}

static int assoc_count(int s)
{
	uint32_t n = 0;
	socklen_t len = sizeof(n);

	if (getsockopt(s, SOL_SCTP, SCTP_GET_ASSOC_NUMBER, &n, &len) < 0)
		return -1;
	return (int)n;
}

/* The id of the client's side, set by associate(). */
static sctp_assoc_t client_id;

/* A client association to srv's port; its id on the server side. */
static sctp_assoc_t associate(int srv, int port, int *client)
{
	struct sockaddr_in a = v4("127.0.0.1", port);
	sctp_assoc_t id = 0;

	*client = sctp_sock(SOCK_SEQPACKET, 0);
	if (sctp_connectx(*client, (struct sockaddr *)&a, 1, &id) < 0)
		die("connectx (set-up)");
	client_id = id;
	for (int i = 0; i < 100; i++) {
		sctp_assoc_t s = newest_assoc(srv);

		if (s != 0)
			return s;
		usleep(10000);
	}
	errno = ENOENT;
	die("no association on the server");
	return 0;
}

/* sctp_peeloff_flags() as lksctp-tools defines it, where libsctp lacks it. */
static int peeloff_flags(int sd, sctp_assoc_t id, unsigned int flags)
{
	int (*fn)(int, sctp_assoc_t, unsigned int) =
		(int (*)(int, sctp_assoc_t, unsigned int))dlsym(RTLD_DEFAULT, "sctp_peeloff_flags");
	sctp_peeloff_flags_arg_t arg;
	socklen_t len = sizeof(arg);

	if (fn != NULL)
		return fn(sd, id, flags);
	if (flags == 0)
		return sctp_peeloff(sd, id);
	memset(&arg, 0, sizeof(arg));
	arg.p_arg.associd = id;
	arg.flags = flags;
	if (getsockopt(sd, SOL_SCTP, SCTP_SOCKOPT_PEELOFF_FLAGS, &arg, &len) < 0)
		return -1;
	return arg.p_arg.sd;
}

static void on_alarm(int sig)
{
	(void)sig;
}

static void parity(void)
{
	int port = BASE_PORT + 1, closed = BASE_PORT + 99;
	int srv = server(SOCK_SEQPACKET, port);
	struct sockaddr_in ok = v4("127.0.0.1", port), refused = v4("127.0.0.1", closed);
	struct sockaddr_in zero = v4("127.0.0.1", 0), lost = v4("10.99.1.2", port);
	struct sockaddr_in two[2] = {v4("127.0.0.1", port), v4("127.0.0.2", port + 1)};
	struct sockaddr_in6 six;
	struct sockaddr_un_like { sa_family_t f; char pad[30]; } unix_addr;
	sctp_assoc_t id;
	int s, r, p[2];

	/* connectx@@VERS_3 */
	close(cx3("cx3_blocking_ok", SOCK_SEQPACKET, 0, (struct sockaddr *)&ok, 1));
	close(cx3("cx3_nonblock_ok", SOCK_SEQPACKET, 1, (struct sockaddr *)&ok, 1));
	close(cx3("cx3_nonblock_refused", SOCK_SEQPACKET, 1, (struct sockaddr *)&refused, 1));
	close(cx3("cx3_blocking_refused", SOCK_SEQPACKET, 0, (struct sockaddr *)&refused, 1));
	close(cx3("cx3_port0_nonblock", SOCK_SEQPACKET, 1, (struct sockaddr *)&zero, 1));
	close(cx3("cx3_port0_blocking", SOCK_SEQPACKET, 0, (struct sockaddr *)&zero, 1));
	memset(&unix_addr, 0, sizeof(unix_addr));
	unix_addr.f = AF_UNIX;
	close(cx3("cx3_bad_family", SOCK_SEQPACKET, 0, (struct sockaddr *)&unix_addr, 1));
	close(cx3("cx3_zero_count", SOCK_SEQPACKET, 0, (struct sockaddr *)&ok, 0));
	memset(&six, 0, sizeof(six));
	six.sin6_family = AF_INET6;
	six.sin6_port = htons(port);
	six.sin6_addr = in6addr_loopback;
	close(cx3("cx3_v6_on_v4_socket", SOCK_SEQPACKET, 0, (struct sockaddr *)&six, 1));
	close(cx3("cx3_two_ports", SOCK_SEQPACKET, 1, (struct sockaddr *)two, 2));
	id = ID_UNTOUCHED;
	r = sctp_connectx(999, (struct sockaddr *)&ok, 1, &id);
	cx_report("cx3_ebadf", r, errno, id);
	if (pipe(p) < 0)
		die("pipe");
	id = ID_UNTOUCHED;
	r = sctp_connectx(p[0], (struct sockaddr *)&ok, 1, &id);
	cx_report("cx3_not_socket", r, errno, id);
	s = socket(AF_INET, SOCK_DGRAM, 0);
	id = ID_UNTOUCHED;
	r = sctp_connectx(s, (struct sockaddr *)&ok, 1, &id);
	cx_report("cx3_udp_socket", r, errno, id);
	close(s);
	s = cx3("cx3_again_first", SOCK_SEQPACKET, 0, (struct sockaddr *)&ok, 1);
	id = ID_UNTOUCHED;
	r = sctp_connectx(s, (struct sockaddr *)&ok, 1, &id);
	cx_report("cx3_again_established", r, errno, id);
	close(s);
	s = cx3("cx3_again_nonblock_first", SOCK_SEQPACKET, 1, (struct sockaddr *)&lost, 1);
	id = ID_UNTOUCHED;
	r = sctp_connectx(s, (struct sockaddr *)&lost, 1, &id);
	cx_report("cx3_again_pending", r, errno, id);
	close(s);
	s = sctp_sock(SOCK_STREAM, 0);
	id = ID_UNTOUCHED;
	r = sctp_connectx(s, (struct sockaddr *)&ok, 1, &id);
	cx_report("cx3_stream_first", r, errno, id);
	id = ID_UNTOUCHED;
	r = sctp_connectx(s, (struct sockaddr *)&ok, 1, &id);
	cx_report("cx3_stream_isconn", r, errno, id);
	close(s);
	{
		/* SO_SNDTIMEO ends a blocking connect: EINPROGRESS with the id. */
		struct timeval tv = {0, 300000};

		s = sctp_sock(SOCK_SEQPACKET, 0);
		setsockopt(s, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
		id = ID_UNTOUCHED;
		r = sctp_connectx(s, (struct sockaddr *)&lost, 1, &id);
		cx_report("cx3_sndtimeo", r, errno, id);
		close(s);
	}
	{
		/* A signal (no SA_RESTART) ends it: EINTR. */
		struct sigaction sa;
		struct itimerval it = {{0, 0}, {0, 300000}};
		struct sockaddr_in lost2 = v4("10.99.1.3", port);

		memset(&sa, 0, sizeof(sa));
		sa.sa_handler = on_alarm;
		sigaction(SIGALRM, &sa, NULL);
		s = sctp_sock(SOCK_SEQPACKET, 0);
		setitimer(ITIMER_REAL, &it, NULL);
		id = ID_UNTOUCHED;
		r = sctp_connectx(s, (struct sockaddr *)&lost2, 1, &id);
		cx_report("cx3_eintr", r, errno, id);
		close(s);
	}

	/* success while errno held ENOPROTOOPT from before */
	s = sctp_sock(SOCK_SEQPACKET, 0);
	id = ID_UNTOUCHED;
	errno = ENOPROTOOPT;
	r = sctp_connectx(s, (struct sockaddr *)&ok, 1, &id);
	cx_report("cx3_stale_enoprotoopt", r, errno, id);
	close(s);

	/*
	 * A forked child connects on its own: the interposer's client for
	 * connectx is its parent's (opened above), which libsctpx refuses
	 * there with ECHILD; the child needs one of its own.
	 */
	{
		pid_t pid = fork();

		if (pid == 0) {
			close(cx3("cx3_in_forked_child", SOCK_SEQPACKET, 0, (struct sockaddr *)&ok, 1));
			_exit(0);
		}
		if (pid < 0)
			die("fork");
		waitpid(pid, NULL, 0);
	}

	/* the older versions */
	s = sctp_sock(SOCK_SEQPACKET, 0);
	id = ID_UNTOUCHED;
	r = connectx_v2(s, (struct sockaddr *)&ok, 1, &id);
	cx_report("cx2_blocking_ok", r, errno, id);
	close(s);
	s = sctp_sock(SOCK_SEQPACKET, 1);
	id = ID_UNTOUCHED;
	r = connectx_v2(s, (struct sockaddr *)&ok, 1, &id);
	cx_report("cx2_nonblock", r, errno, id);
	close(s);
	s = sctp_sock(SOCK_SEQPACKET, 1);
	id = ID_UNTOUCHED;
	r = connectx_v2(s, (struct sockaddr *)&unix_addr, 1, &id);
	cx_report("cx2_bad_family", r, errno, id);
	close(s);
	s = sctp_sock(SOCK_SEQPACKET, 0);
	r = connectx_v1(s, (struct sockaddr *)&ok, 1);
	cx_report("cx1_blocking_ok", r, errno, ID_UNTOUCHED);
	close(s);
	s = sctp_sock(SOCK_SEQPACKET, 1);
	r = connectx_v1(s, (struct sockaddr *)&ok, 1);
	cx_report("cx1_nonblock", r, errno, ID_UNTOUCHED);
	close(s);
	s = sctp_sock(SOCK_SEQPACKET, 0);
	r = connectx_v1(s, (struct sockaddr *)&refused, 1);
	cx_report("cx1_blocking_refused", r, errno, ID_UNTOUCHED);
	close(s);

	/* peeloff */
	close(srv);
	port = BASE_PORT + 10;
	srv = server(SOCK_SEQPACKET, port);
	{
		int c, fd, peeled;
		sctp_assoc_t a = associate(srv, port, &c);
		char buf[8];

		peeled = sctp_peeloff(srv, a);
		pl_report("pl_ok", peeled, errno);
		if (peeled >= 0) {
			struct sockaddr_in to = v4("127.0.0.1", port);

			sendto(c, "hi", 2, 0, (struct sockaddr *)&to, sizeof(to));
			r = (int)recv(peeled, buf, sizeof(buf), 0);
			printf("pl_ok_exchange ret=%d\n", r);
		}
		fd = sctp_peeloff(srv, a);
		pl_report("pl_same_id_again", fd, errno);
		fd = sctp_peeloff(peeled, a);
		pl_report("pl_peeled_parent", fd, errno);
		close(peeled);
		close(c);

		/*
		 * a forked child (pre-fork servers) peels off on its own: the
		 * interposer's client for peeloff is its parent's (pl_ok), which
		 * libsctpx refuses there with ECHILD
		 */
		a = associate(srv, port, &c);
		{
			pid_t pid = fork();

			if (pid == 0) {
				fd = sctp_peeloff(srv, a);
				pl_report("pl_in_forked_child", fd, errno);
				_exit(0);
			}
			waitpid(pid, NULL, 0);
		}
		close(c);

		a = associate(srv, port, &c);
		fd = peeloff_flags(srv, a, SOCK_NONBLOCK | 0x1 | 0x2 | 0x100);
		pl_report("pl_flags_nonblock_unknown", fd, errno);
		close(fd);
		close(c);
		a = associate(srv, port, &c);
		fd = peeloff_flags(srv, a, SOCK_CLOEXEC);
		pl_report("pl_flags_cloexec", fd, errno);
		close(fd);
		close(c);
		a = associate(srv, port, &c);
		fd = peeloff_flags(srv, a, 0x1);
		pl_report("pl_flags_unknown_only", fd, errno);
		close(fd);
		close(c);
		a = associate(srv, port, &c);
		fd = peeloff_flags(srv, a, 0);
		pl_report("pl_flags_zero", fd, errno);
		close(fd);
		close(c);
	}
	r = sctp_peeloff(srv, 0);
	pl_report("pl_id_zero", r, errno);
	r = sctp_peeloff(srv, 0x7fff0000);
	pl_report("pl_unknown_id", r, errno);
	r = sctp_peeloff(srv, -5);
	pl_report("pl_negative_id", r, errno);
	r = sctp_peeloff(999, 3);
	pl_report("pl_ebadf", r, errno);
	r = sctp_peeloff(p[0], 3);
	pl_report("pl_not_socket", r, errno);
	s = socket(AF_INET, SOCK_DGRAM, 0);
	r = sctp_peeloff(s, 3);
	pl_report("pl_udp_socket", r, errno);
	close(s);
	s = server(SOCK_STREAM, BASE_PORT + 11);
	r = sctp_peeloff(s, 3);
	pl_report("pl_stream_socket", r, errno);
	close(s);
	close(p[0]);
	close(p[1]);
	close(srv);
}

/*
 * EMFILE: peel with the descriptor table full. lksctp-tools (the kernel)
 * peels, fails to install the descriptor and closes the new socket: the
 * association is gone. Through libsctpx it must survive: the server still
 * counts it, and once a descriptor is free it can be peeled and used.
 */
static void emfile(int warm)
{
	int port = BASE_PORT + 20 + warm, srv = server(SOCK_SEQPACKET, port), c, c2 = -1;
	sctp_assoc_t a, a2, ca;
	int before, after, r, e, peeled, client_alive;
	int spare[4096], nspare = 0;
	struct rlimit rl, old;
	char buf[8];
	struct sockaddr_in to = v4("127.0.0.1", port);

	if (warm) {
		/* one peel first, so a library may hold what it needs already */
		a2 = associate(srv, port, &c2);
		r = sctp_peeloff(srv, a2);
		if (r < 0)
			die("warm-up peeloff");
		close(r);
	}
	a = associate(srv, port, &c);
	ca = client_id;
	before = assoc_count(srv);
	if (getrlimit(RLIMIT_NOFILE, &old) < 0)
		die("getrlimit");
	rl = old;
	rl.rlim_cur = 64;
	if (setrlimit(RLIMIT_NOFILE, &rl) < 0)
		die("setrlimit");
	while (nspare < 4096) {
		int d = dup(0);

		if (d < 0)
			break;
		spare[nspare++] = d;
	}
	r = sctp_peeloff(srv, a);
	e = errno;
	after = assoc_count(srv);
	while (nspare > 0)
		close(spare[--nspare]);
	setrlimit(RLIMIT_NOFILE, &old);
	usleep(300000);
	{
		struct sctp_status st;
		socklen_t len = sizeof(st);

		memset(&st, 0, sizeof(st));
		st.sstat_assoc_id = ca;
		client_alive = getsockopt(c, SOL_SCTP, SCTP_STATUS, &st, &len) == 0 &&
			       st.sstat_state == SCTP_ESTABLISHED;
	}
	printf("emfile%s ret=%d errno=%s server_assocs_before=%d server_assocs_after=%d client_alive=%d\n",
	       warm ? "_warm" : "", r < 0 ? -1 : 0, r < 0 ? errname(e) : "0", before, after,
	       client_alive);
	if (r >= 0)
		close(r);
	/* Now with descriptors free: the same association, if it lives. */
	peeled = sctp_peeloff(srv, a);
	e = errno;
	r = -1;
	if (peeled >= 0) {
		sendto(c, "hi", 2, 0, (struct sockaddr *)&to, sizeof(to));
		r = (int)recv(peeled, buf, sizeof(buf), 0);
		close(peeled);
	}
	printf("emfile%s_after peel=%s exchange=%d\n", warm ? "_warm" : "",
	       peeled >= 0 ? "fd" : errname(e), r);
	close(c);
	if (c2 >= 0)
		close(c2);
	close(srv);
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc == 2 && strcmp(argv[1], "parity") == 0) {
		parity();
	} else if (argc == 2 && strcmp(argv[1], "emfile") == 0) {
		emfile(0);
		emfile(1);
	} else {
		fprintf(stderr, "usage: %s parity|emfile\n", argv[0]);
		return 2;
	}
	return 0;
}
