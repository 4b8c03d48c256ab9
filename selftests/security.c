// SPDX-License-Identifier: GPL-2.0
/*
 * sctpx selftests: who may act on which socket.
 *
 * The module's only authority check is the one sctp_do_peeloff() has
 * since CVE-2017-15115: the socket must belong to the caller's network
 * namespace. Everything else follows from descriptors: a request names a
 * socket by an fd of the calling process, so holding the fd is the right
 * to use it, and no capability is needed or consulted. Tested here:
 *   - a socket of another network namespace passed in with SCM_RIGHTS is
 *     refused by every op, in both directions, and left untouched;
 *   - an unprivileged process (no capabilities at all) can use every op
 *     on its own sockets, cannot reach another process's sockets, and
 *     cannot change the module's parameters or unload it;
 *   - in a user namespace (unprivileged unshare of user + net), the ops
 *     work on the namespace's own sockets and refuse the ones from the
 *     initial network namespace; with only a new user namespace, the
 *     caller's sockets still work (same network namespace).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <net/if.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <linux/capability.h>
#include <netinet/sctp.h>

#include "kselftest_harness.h"
#include "sctpx_test.h"

#define NETNS_MSG "socket belongs to another network namespace"
#define ROOT_FD 900

static int lo_up(void)
{
	struct ifreq ifr = { .ifr_name = "lo" };
	int fd = socket(AF_INET, SOCK_DGRAM, 0), ret = -1;

	if (fd < 0)
		return -1;
	if (!ioctl(fd, SIOCGIFFLAGS, &ifr)) {
		ifr.ifr_flags |= IFF_UP;
		ret = ioctl(fd, SIOCSIFFLAGS, &ifr);
	}
	close(fd);
	return ret;
}

static int send_fd(int sock, int fd)
{
	char cbuf[CMSG_SPACE(sizeof(int))] = { 0 };
	char b = 'f';
	struct iovec iov = { &b, 1 };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1,
			     .msg_control = cbuf, .msg_controllen = sizeof(cbuf) };
	struct cmsghdr *c = CMSG_FIRSTHDR(&mh);

	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &fd, sizeof(int));
	return sendmsg(sock, &mh, 0) == 1 ? 0 : -1;
}

static int recv_fd(int sock)
{
	char cbuf[CMSG_SPACE(sizeof(int))];
	char b;
	struct iovec iov = { &b, 1 };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1,
			     .msg_control = cbuf, .msg_controllen = sizeof(cbuf) };
	struct cmsghdr *c;
	int fd;

	if (recvmsg(sock, &mh, 0) != 1)
		return -1;
	c = CMSG_FIRSTHDR(&mh);
	if (!c || c->cmsg_type != SCM_RIGHTS)
		return -1;
	memcpy(&fd, CMSG_DATA(c), sizeof(int));
	return fd;
}

/* A one-to-many server with n clients and the server-side ids. */
static int make_pool(int n, int *srv, int *cli, uint32_t **ids)
{
	uint16_t port;
	size_t cnt;

	*srv = sx_server(AF_INET, &port);
	if (*srv < 0 || sx_clients(AF_INET, port, n, cli))
		return -1;
	if (sx_assoc_ids(*srv, ids, &cnt) || (int)cnt != n)
		return -1;
	return 0;
}

/*
 * Every op on @fd must fail with EINVAL and the netns message; 0 if so,
 * else a small number saying which op misbehaved.
 */
/*
 * Does the module have PEELOFF (sx_peeloff_offered(), read by the
 * fixture's setup before the test forks)? Where it has not, every PEELOFF is refused before the
 * socket is looked at: EOPNOTSUPP with SX_NO_PEELOFF_MSG.
 */
static int offered = -1;

static bool peeloff_refused_as_absent(int ret, const struct sx_nl *nl)
{
	return ret == -EOPNOTSUPP && !strcmp(nl->extack, SX_NO_PEELOFF_MSG);
}

static int all_ops_refuse(int fd, const uint32_t *ids, int n)
{
	struct sx_result res;
	struct sx_addr a = sx_addr4("127.0.0.1", 9);
	struct nl_msg *msg;
	struct nlattr *peer;
	struct sx_nl nl;
	int r;

	if (sx_nl_open(&nl))
		return 1;
	r = sx_peeloff(&nl, fd, 0, false, ids, n, NULL, &res);
	if (offered ? r != -EINVAL || strcmp(nl.extack, NETNS_MSG) :
	    !peeloff_refused_as_absent(r, &nl))
		return 2;
	if (sx_assoc_dump(&nl, fd, NULL, &res) != -EINVAL)
		return 3;
	sx_result_free(&res);
	msg = sx_msg(&nl, SCTPX_CMD_CONNECTX, 0);
	nla_put_s32(msg, SCTPX_A_SOCK_FD, fd);
	peer = sx_nest_start(msg, SCTPX_A_PEER);
	sx_put_addr(msg, SCTPX_PEER_A_ADDR, &a);
	nla_nest_end(msg, peer);
	if (sx_request(&nl, msg, NULL, NULL) != -EINVAL || strcmp(nl.extack, NETNS_MSG))
		return 4;
	sx_nl_close(&nl);
	return 0;
}

/* Every op works on one's own socket; 0 if so. */
static int all_ops_work(int srv, const uint32_t *ids, int n)
{
	struct sx_result res;
	struct sx_info info;
	struct sx_nl nl;
	uint16_t port;
	int lsn, fd, i, ret = 0;
	struct nl_msg *msg;
	struct nlattr *peer;
	struct sx_addr a;

	if (sx_nl_open(&nl))
		return 11;
	if (sx_info(&nl, &info) || info.family_version != SCTPX_FAMILY_VERSION)
		return 12;
	if (sx_assoc_dump(&nl, srv, NULL, &res) || (int)res.n != n)
		return 13;
	sx_result_free(&res);
	if (!offered) {
		if (!peeloff_refused_as_absent(sx_peeloff(&nl, srv, SOCK_CLOEXEC, false,
							  ids, n, NULL, &res), &nl) ||
		    res.n || sx_assoc_count(srv) != n)
			return 19;
	} else if (sx_peeloff(&nl, srv, SOCK_CLOEXEC, false, ids, n, NULL, &res) ||
		   (int)res.n != n) {
		return 14;
	}
	/* Every entry, not only the last: its own association, in its fd. */
	for (i = 0; offered && i < n; i++)
		if (res.v[i].fd < 0 || res.v[i].id != ids[i] ||
		    !sx_fd_cloexec(res.v[i].fd) || !sx_fd_holds(res.v[i].fd, ids[i]))
			ret = 17;
	while (res.n)
		if (res.v[--res.n].fd >= 0)
			close(res.v[res.n].fd);
	sx_result_free(&res);
	if (ret) {
		sx_nl_close(&nl);
		return ret;
	}

	lsn = sx_server(AF_INET, &port);
	fd = socket(AF_INET, SOCK_SEQPACKET | SOCK_NONBLOCK, IPPROTO_SCTP);
	if (lsn < 0 || fd < 0)
		return 15;
	a = sx_addr4("127.0.0.1", port);
	msg = sx_msg(&nl, SCTPX_CMD_CONNECTX, 0);
	nla_put_s32(msg, SCTPX_A_SOCK_FD, fd);
	peer = sx_nest_start(msg, SCTPX_A_PEER);
	sx_put_addr(msg, SCTPX_PEER_A_ADDR, &a);
	nla_nest_end(msg, peer);
	memset(&res, 0, sizeof(res));
	/* Started; established on its own, without a wait in the kernel. */
	if (sx_request(&nl, msg, sx_collect_cb, &res) || res.n != 1 ||
	    res.v[0].error || !res.v[0].has_id)
		ret = 16;
	for (int t = 0; !ret && t < 500; t++) {
		struct sctp_status st = { .sstat_assoc_id = res.v[0].id };
		socklen_t len = sizeof(st);

		if (getsockopt(fd, SOL_SCTP, SCTP_STATUS, &st, &len))
			ret = 17;
		else if (st.sstat_state == SCTP_ESTABLISHED)
			break;
		else if (t == 499)
			ret = 18;
		usleep(10000);
	}
	sx_result_free(&res);
	close(fd);
	close(lsn);
	sx_nl_close(&nl);
	return ret;
}

static bool no_caps(void)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2];

	if (syscall(SYS_capget, &h, d))
		return false;
	return !d[0].effective && !d[1].effective && !d[0].permitted &&
	       !d[1].permitted;
}

static int drop_to_nobody(void)
{
	if (setgroups(0, NULL) || setgid(65534) || setuid(65534)) {
		fprintf(stderr, "# cannot become nobody: %s\n", strerror(errno));
		return -1;
	}
	if (!no_caps()) {
		fprintf(stderr, "# nobody still has capabilities\n");
		return -1;
	}
	/* A uid change clears dumpable, which locks /proc/self (uid_map). */
	return prctl(PR_SET_DUMPABLE, 1, 0, 0, 0);
}

/*
 * What every test starts from: the module, and whether it has PEELOFF
 * (offered, read before the test forks). The teardown closes every
 * descriptor the test left open, so a failed assertion leaks nothing.
 */
FIXTURE(sec) {
	int top;	/* the highest descriptor before setup */
};

FIXTURE_SETUP(sec)
{
	sx_fix_begin(NULL, NULL, &self->top);
	ASSERT_EQ(0, sx_module_ensure());
	offered = sx_peeloff_offered();
	ASSERT_LE(0, offered);
}

FIXTURE_TEARDOWN(sec)
{
	sx_fix_end(NULL, NULL, self->top);
}

TEST_F(sec, foreign_netns_socket_via_scm_rights)
{
	int sv[2], srv, cli[3], status, fd, i;
	uint32_t *ids;
	char c;
	pid_t pid;

	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
	ASSERT_EQ(0, make_pool(3, &srv, cli, &ids));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		int csrv, ccli[3], r;
		uint32_t *cids;

		close(sv[0]);
		if (unshare(CLONE_NEWNET) || lo_up())
			_exit(20);
		/* The child's own sockets, in its own namespace. */
		if (make_pool(3, &csrv, ccli, &cids))
			_exit(21);
		if (send_fd(sv[1], csrv) || send_fd(sv[1], ccli[0]))
			_exit(22);
		/* The parent's socket, from the initial namespace. */
		fd = recv_fd(sv[1]);
		if (fd < 0)
			_exit(23);
		r = all_ops_refuse(fd, ids, 3);
		if (r)
			_exit(30 + r);
		/* Wait for the parent's attempts, then check nothing moved. */
		if (read(sv[1], &c, 1) != 1)
			_exit(24);
		if (sx_assoc_count(csrv) != 3)
			_exit(25);
		/* The family works in this namespace on its own sockets. */
		r = all_ops_work(csrv, cids, 3);
		_exit(r ? 40 + r : 0);
	}
	close(sv[1]);
	fd = recv_fd(sv[0]);
	ASSERT_LE(0, fd);
	/* Refused: the child's one-to-many socket and its one-to-one client. */
	EXPECT_EQ(0, all_ops_refuse(fd, ids, 3));
	close(fd);
	fd = recv_fd(sv[0]);
	ASSERT_LE(0, fd);
	EXPECT_EQ(0, all_ops_refuse(fd, ids, 1));
	close(fd);
	ASSERT_EQ(0, send_fd(sv[0], srv));
	ASSERT_EQ(1, write(sv[0], "x", 1));
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(sx_child_ok(status));
	/* The parent's socket was refused in the child: all still here. */
	EXPECT_EQ(3, sx_assoc_count(srv));
	close(srv);
	for (i = 0; i < 3; i++)
		close(cli[i]);
	free(ids);
	close(sv[0]);
}

TEST_F(sec, unprivileged_own_sockets_only)
{
	int srv, cli[4], status, i;
	uint32_t *ids;
	pid_t pid;

	ASSERT_EQ(0, make_pool(4, &srv, cli, &ids));
	/* Root's socket also at a number the child will find free. */
	ASSERT_EQ(ROOT_FD, dup2(srv, ROOT_FD));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		int osrv, ocli[2], r, fd;
		uint32_t *oids;
		struct sx_result res;
		struct sx_nl nl;

		/* Forget every inherited socket: only the number is known. */
		for (fd = 3; fd < 1024; fd++)
			close(fd);
		if (drop_to_nobody())
			_exit(2);
		/* The root process's socket by its number: not in this table. */
		if (sx_nl_open(&nl))
			_exit(4);
		if (offered ?
		    sx_peeloff(&nl, ROOT_FD, 0, false, ids, 4, NULL, &res) != -EBADF :
		    sx_assoc_dump(&nl, ROOT_FD, NULL, &res) != -EBADF)
			_exit(5);
		sx_nl_close(&nl);
		/* Nor can it borrow the fd: pidfd_getfd needs ptrace rights. */
		fd = syscall(SYS_pidfd_open, getppid(), 0);
		if (fd < 0 || syscall(SYS_pidfd_getfd, fd, ROOT_FD, 0) >= 0 ||
		    errno != EPERM)
			_exit(6);
		close(fd);
		if (make_pool(2, &osrv, ocli, &oids))
			_exit(3);
		r = all_ops_work(osrv, oids, 2);
		if (r)
			_exit(r);
		/* Module parameters and unloading are root's. */
		if (sx_sysfs_write("/sys/module/sctpx/parameters/max_batch", "1") != -EACCES)
			_exit(7);
		if (syscall(SYS_delete_module, "sctpx", O_NONBLOCK) == 0 || errno != EPERM)
			_exit(8);
		_exit(0);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(sx_child_ok(status));
	EXPECT_EQ(4, sx_assoc_count(srv));
	close(ROOT_FD);
	close(srv);
	for (i = 0; i < 4; i++)
		close(cli[i]);
	free(ids);
}

TEST_F(sec, user_namespace)
{
	int status, step;
	pid_t pid;

	for (step = 0; step < 2; step++) {
		pid = fork();
		ASSERT_LE(0, pid);
		if (pid == 0) {
			int srv, cli[3], nsrv, ncli[3], r;
			uint32_t *ids, *nids;

			if (drop_to_nobody())
				_exit(2);
			/* Sockets of the initial network namespace, made before. */
			if (make_pool(3, &srv, cli, &ids))
				_exit(3);
			if (step == 0) {
				/* A user namespace alone: same netns, sockets work. */
				if (unshare(CLONE_NEWUSER))
					_exit(4);
				r = all_ops_work(srv, ids, 3);
				_exit(r ? 50 + r : 0);
			}
			/*
			 * A user namespace with a network namespace of its own:
			 * its root (every capability, no uid mapping needed)
			 * brings lo up and uses its own sockets; the initial
			 * namespace's sockets are refused.
			 */
			if (unshare(CLONE_NEWUSER | CLONE_NEWNET) || lo_up())
				_exit(6);
			r = all_ops_refuse(srv, ids, 3);
			if (r)
				_exit(30 + r);
			if (make_pool(3, &nsrv, ncli, &nids))
				_exit(8);
			r = all_ops_work(nsrv, nids, 3);
			if (r)
				_exit(40 + r);
			/* Root in a user namespace is not root for the module. */
			if (sx_sysfs_write("/sys/module/sctpx/parameters/max_batch", "1") != -EACCES)
				_exit(9);
			if (syscall(SYS_delete_module, "sctpx", O_NONBLOCK) == 0 ||
			    errno != EPERM)
				_exit(10);
			_exit(0);
		}
		ASSERT_EQ(pid, waitpid(pid, &status, 0));
		EXPECT_TRUE(sx_child_ok(status)) TH_LOG("step %d", step);
	}
}

SX_HARNESS_MAIN
