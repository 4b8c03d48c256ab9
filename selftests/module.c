// SPDX-License-Identifier: GPL-2.0
/*
 * sctpx selftests: the module and the family.
 *
 * The module loads and unloads cleanly (several times), the family
 * resolves only while it is loaded, INFO_GET answers with what this build
 * offers, and malformed requests get a clean errno with an extended ack.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netlink/genl/ctrl.h>

#include "kselftest_harness.h"
#include "sctpx_test.h"

static bool variant_no_peeloff(void)
{
	const char *v = getenv("sctpx_variant");

	return v && !strcmp(v, "no-peeloff");
}

/*
 * The command the request-validation tests send: PEELOFF, or CONNECTX
 * (which takes the same socket attribute) where PEELOFF is absent.
 */
static uint8_t validation_cmd(void)
{
	return variant_no_peeloff() ? SCTPX_CMD_CONNECTX : SCTPX_CMD_PEELOFF;
}

static int mod_unload(void)
{
	return syscall(SYS_delete_module, "sctpx", O_NONBLOCK) ? -errno : 0;
}

static bool mod_loaded(void)
{
	struct stat st;

	return stat("/sys/module/sctpx", &st) == 0;
}

static int family_id(void)
{
	struct nl_sock *sk = nl_socket_alloc();
	int id;

	if (!sk)
		return -ENOMEM;
	if (genl_connect(sk)) {
		nl_socket_free(sk);
		return -EIO;
	}
	id = genl_ctrl_resolve(sk, SCTPX_FAMILY_NAME);
	nl_socket_free(sk);
	return id;
}

/* The tests of a loaded module; two of them make a pool. */
SX_FIXTURE_NL_POOL(mod)

TEST(load_unload_cycles)
{
	char buf[64];
	int i;

	/* sctp itself stays loaded: it is what sctpx depends on. */
	if (mod_loaded())
		ASSERT_EQ(0, mod_unload());
	ASSERT_FALSE(mod_loaded());

	for (i = 0; i < 3; i++) {
		ASSERT_EQ(0, sx_module_load());
		ASSERT_TRUE(mod_loaded());
		ASSERT_LT(0, family_id());
		ASSERT_EQ(-EEXIST, sx_module_load());
		ASSERT_EQ(0, mod_unload());
		ASSERT_FALSE(mod_loaded());
	}

	/*
	 * Resolving the family loads the module on demand, through its
	 * net-pf-16-proto-16-family-sctpx alias and the guest's modprobe.
	 */
	ASSERT_LT(0, family_id());
	ASSERT_TRUE(mod_loaded());
	ASSERT_EQ(0, mod_unload());
	ASSERT_EQ(0, sx_module_load());

	/* modinfo as the kernel exposes it. */
	ASSERT_EQ(0, sx_sysfs_read("/sys/module/sctpx/version", buf, sizeof(buf)));
	ASSERT_NE(0, strlen(buf));
	ASSERT_EQ(0, sx_sysfs_read("/sys/module/sctpx/taint", buf, sizeof(buf)));
	ASSERT_EQ(NULL, strchr(buf, 'P')) TH_LOG("taint %s: not GPL?", buf);
	ASSERT_EQ(0, sx_sysfs_read("/sys/module/sctpx/parameters/max_batch",
				   buf, sizeof(buf)));
	ASSERT_STREQ("1024", buf);
}

TEST_F(mod, unload_refused_while_dump_open)
{
	static int cli[600];
	struct nl_msg *msg;
	uint16_t port;
	int srv, i;

	/*
	 * A dump in progress holds a module reference: rmmod must fail
	 * cleanly (EWOULDBLOCK), not pull the code from under it. The
	 * listing must need more than one message to stay open.
	 */
	srv = sx_server(AF_INET, &port);
	ASSERT_LE(0, srv);
	ASSERT_EQ(0, sx_clients(AF_INET, port, 600, cli));
	msg = sx_msg(&self->nl, SCTPX_CMD_ASSOC_GET, NLM_F_DUMP);
	ASSERT_NE(NULL, msg);
	ASSERT_EQ(0, nla_put_s32(msg, SCTPX_A_SOCK_FD, srv));
	/* Send, but do not read: the dump stays open. */
	ASSERT_LT(0, nl_send_auto(self->nl.sk, msg));
	nlmsg_free(msg);
	usleep(100000);
	EXPECT_EQ(-EWOULDBLOCK, mod_unload());
	EXPECT_TRUE(mod_loaded());
	sx_nl_close(&self->nl);
	close(srv);
	for (i = 0; i < 600; i++)
		close(cli[i]);
	/* Closing the netlink socket ends the dump and drops the reference. */
	usleep(100000);
	EXPECT_EQ(0, mod_unload());
	EXPECT_EQ(0, sx_module_load());
}

TEST_F(mod, info_answers)
{
	struct sx_info info;
	char buf[64];
	uint64_t want;
	int i;

	ASSERT_EQ(0, sx_info(&self->nl, &info)) TH_LOG("%s", self->nl.extack);

	EXPECT_EQ(SCTPX_FAMILY_VERSION, info.family_version);
	ASSERT_EQ(0, sx_sysfs_read("/sys/module/sctpx/version", buf, sizeof(buf)));
	EXPECT_STREQ(buf, info.module_version);

	/*
	 * Every op is there, except PEELOFF where the build found no
	 * exported sctp_do_peeloff() (6.16 on) or left it out on purpose:
	 * check.sh then says so in sctpx_variant.
	 */
	want = SCTPX_OP_BIT(SCTPX_CMD_INFO_GET) |
	       SCTPX_OP_BIT(SCTPX_CMD_ASSOC_GET) |
	       SCTPX_OP_BIT(SCTPX_CMD_CONNECTX) |
	       SCTPX_OP_BIT(SCTPX_CMD_LOST_REPLY_GET);
	if (!variant_no_peeloff())
		want |= SCTPX_OP_BIT(SCTPX_CMD_PEELOFF);
	EXPECT_EQ(want, info.ops);

	EXPECT_EQ(1024, info.max_batch);
	EXPECT_EQ(1024, info.max_peers);
	EXPECT_EQ(64, info.max_peer_addrs);
	ASSERT_TRUE(info.has_stats);

	/* A parameter change shows at once. */
	ASSERT_EQ(0, sx_sysfs_write("/sys/module/sctpx/parameters/max_batch", "77"));
	ASSERT_EQ(0, sx_info(&self->nl, &info));
	EXPECT_EQ(77, info.max_batch);
	ASSERT_EQ(0, sx_sysfs_write("/sys/module/sctpx/parameters/max_batch", "1024"));

	for (i = 0; i < 3; i++)
		ASSERT_EQ(0, sx_info(&self->nl, &info));
}

TEST(params_are_range_checked)
{
	static const struct {
		const char *name, *bad[3], *good;
	} p[] = {
		{ "max_batch", { "0", "4097", "x" }, "4096" },
		{ "max_peers", { "0", "65537", "-1" }, "1" },
		{ "max_peer_addrs", { "0", "2049", "4k" }, "2048" },
	};
	char path[128], before[32], after[32];
	size_t i, j;

	ASSERT_EQ(0, sx_module_ensure());
	for (i = 0; i < sizeof(p) / sizeof(p[0]); i++) {
		snprintf(path, sizeof(path), "/sys/module/sctpx/parameters/%s",
			 p[i].name);
		ASSERT_EQ(0, sx_sysfs_read(path, before, sizeof(before)));
		for (j = 0; j < 3; j++) {
			/* Refused with EINVAL, as documented; the old value stays. */
			EXPECT_EQ(-EINVAL, sx_sysfs_write(path, p[i].bad[j]))
				TH_LOG("%s and '%s'", p[i].name, p[i].bad[j]);
			ASSERT_EQ(0, sx_sysfs_read(path, after, sizeof(after)));
			EXPECT_STREQ(before, after);
		}
		ASSERT_EQ(0, sx_sysfs_write(path, p[i].good));
		ASSERT_EQ(0, sx_sysfs_read(path, after, sizeof(after)));
		EXPECT_STREQ(p[i].good, after);
		ASSERT_EQ(0, sx_sysfs_write(path, before));
	}
}

TEST_F(mod, info_refuses_attributes)
{
	struct nl_msg *msg;

	msg = sx_msg(&self->nl, SCTPX_CMD_INFO_GET, 0);
	ASSERT_EQ(0, nla_put_u32(msg, SCTPX_A_FLAGS, 0));
	EXPECT_EQ(-EINVAL, sx_request(&self->nl, msg, NULL, NULL));
	EXPECT_NE(0, strlen(self->nl.extack));
	EXPECT_LE(0, self->nl.bad_attr_off);
}

TEST_F(mod, unknown_attribute)
{
	struct nl_msg *msg;

	msg = sx_msg(&self->nl, validation_cmd(), 0);
	ASSERT_EQ(0, nla_put_s32(msg, SCTPX_A_SOCK_FD, 0));
	ASSERT_EQ(0, nla_put_u32(msg, 200, 1));
	EXPECT_EQ(-EINVAL, sx_request(&self->nl, msg, NULL, NULL));
	EXPECT_NE(0, strlen(self->nl.extack)) TH_LOG("no extack message");
	EXPECT_LE(0, self->nl.bad_attr_off);

	/* An attribute known to the family but not to this op. */
	msg = sx_msg(&self->nl, SCTPX_CMD_ASSOC_GET, NLM_F_DUMP);
	ASSERT_EQ(0, nla_put_s32(msg, SCTPX_A_SOCK_FD, 0));
	ASSERT_EQ(0, nla_put_flag(msg, SCTPX_A_BRIEF));
	EXPECT_EQ(-EINVAL, sx_request(&self->nl, msg, NULL, NULL));
	EXPECT_NE(0, strlen(self->nl.extack));
}

TEST_F(mod, wrong_type)
{
	struct nlattr *sel, *addr;
	struct nl_msg *msg;
	uint16_t two = 3;

	/* SOCK_FD is an s32: two bytes are refused by the policy. */
	msg = sx_msg(&self->nl, validation_cmd(), 0);
	ASSERT_EQ(0, nla_put(msg, SCTPX_A_SOCK_FD, sizeof(two), &two));
	ASSERT_EQ(0, nla_put_u32(msg, SCTPX_A_ASSOC_ID, 5));
	EXPECT_EQ(-EINVAL, sx_request(&self->nl, msg, NULL, NULL));
	EXPECT_NE(0, strlen(self->nl.extack));
	EXPECT_LE(0, self->nl.bad_attr_off);

	/* A nest without NLA_F_NESTED is refused under strict validation. */
	msg = sx_msg(&self->nl, validation_cmd(), 0);
	ASSERT_EQ(0, nla_put_s32(msg, SCTPX_A_SOCK_FD, 0));
	ASSERT_EQ(0, nla_put(msg, SCTPX_A_SELECT, 0, NULL));
	EXPECT_EQ(-EINVAL, sx_request(&self->nl, msg, NULL, NULL));
	EXPECT_NE(0, strlen(self->nl.extack));

	/* An IPv4 address of the wrong length inside a nest: the core's
	 * exact-length check answers ERANGE.
	 */
	msg = sx_msg(&self->nl, SCTPX_CMD_ASSOC_GET, NLM_F_DUMP);
	ASSERT_EQ(0, nla_put_s32(msg, SCTPX_A_SOCK_FD, 0));
	sel = sx_nest_start(msg, SCTPX_A_SELECT);
	addr = sx_nest_start(msg, SCTPX_SELECT_A_PEER_ADDR);
	ASSERT_EQ(0, nla_put_u16(msg, SCTPX_ADDR_A_IN4, 1));
	nla_nest_end(msg, addr);
	nla_nest_end(msg, sel);
	EXPECT_EQ(-ERANGE, sx_request(&self->nl, msg, NULL, NULL));
	EXPECT_NE(0, strlen(self->nl.extack));
}

TEST_F(mod, missing_required)
{
	struct nl_msg *msg;


	/* Something the op takes, but not the socket. */
	msg = sx_msg(&self->nl, validation_cmd(), 0);
	if (variant_no_peeloff()) {
		ASSERT_EQ(0, nla_put(msg, SCTPX_A_PEER | NLA_F_NESTED, 0, NULL));
	} else {
		ASSERT_EQ(0, nla_put_u32(msg, SCTPX_A_ASSOC_ID, 5));
	}
	EXPECT_EQ(-EINVAL, sx_request(&self->nl, msg, NULL, NULL));
	EXPECT_STREQ("missing socket descriptor (SCTPX_A_SOCK_FD)", self->nl.extack);
	/* NLMSGERR_ATTR_MISS_TYPE exists from 6.0; before, none is sent. */
	EXPECT_EQ(sx_kernel_at_least(6, 0) ? SCTPX_A_SOCK_FD : -1, self->nl.miss_type);

	/* Before 6.2 a dump's .start has no extended ack to write to. */
	msg = sx_msg(&self->nl, SCTPX_CMD_ASSOC_GET, NLM_F_DUMP);
	EXPECT_EQ(-EINVAL, sx_request(&self->nl, msg, NULL, NULL));
	if (sx_kernel_at_least(6, 2)) {
		EXPECT_STREQ("missing socket descriptor (SCTPX_A_SOCK_FD)",
			     self->nl.extack);
		EXPECT_EQ(SCTPX_A_SOCK_FD, self->nl.miss_type);
	} else {
		/* Said, not skipped: none arrives. */
		EXPECT_STREQ("", self->nl.extack);
		EXPECT_EQ(-1, self->nl.miss_type);
	}

	msg = sx_msg(&self->nl, SCTPX_CMD_CONNECTX, 0);
	EXPECT_EQ(-EINVAL, sx_request(&self->nl, msg, NULL, NULL));
	EXPECT_STREQ("missing socket descriptor (SCTPX_A_SOCK_FD)", self->nl.extack);
}

/* A request of @cmd that would succeed, on @fd (and @id, @port). */
static struct nl_msg *good_request(struct sx_nl *nl, uint8_t cmd, int flags,
				   int fd, uint32_t id, uint16_t port)
{
	struct nl_msg *msg = sx_msg(nl, cmd, flags);
	struct sx_addr a = sx_addr4("127.0.0.1", port);
	struct nlattr *peer;

	if (!msg)
		return NULL;
	if (cmd != SCTPX_CMD_INFO_GET)
		nla_put_s32(msg, SCTPX_A_SOCK_FD, fd);
	if (cmd == SCTPX_CMD_PEELOFF)
		nla_put_u32(msg, SCTPX_A_ASSOC_ID, id);
	if (cmd == SCTPX_CMD_CONNECTX) {
		peer = sx_nest_start(msg, SCTPX_A_PEER);
		sx_put_addr(msg, SCTPX_PEER_A_ADDR, &a);
		nla_nest_end(msg, peer);
	}
	return msg;
}

/*
 * Strict validation of the headers (Documentation/sctpx.rst, "Validation
 * and message format"): a non-zero genlmsghdr.reserved, and nlmsg_flags
 * bits other than REQUEST, ACK, ECHO and DUMP, are EINVAL for every op,
 * and nothing runs: no association moves or starts. The same requests
 * with clean headers (and ECHO, which is allowed) succeed.
 */
TEST_F(mod, strict_headers)
{
	static const int bad_flags[] = { NLM_F_MULTI, NLM_F_ROOT, NLM_F_MATCH,
					 NLM_F_ATOMIC, NLM_F_APPEND };
	static const uint8_t cmds[] = { SCTPX_CMD_INFO_GET, SCTPX_CMD_ASSOC_GET,
					SCTPX_CMD_PEELOFF, SCTPX_CMD_CONNECTX };
	struct sx_result res;
	uint16_t lport;
	int lsn, cx, c, k, step;

	ASSERT_EQ(0, sx_pool_make(&self->p, 2));
	lsn = sx_server(AF_INET, &lport);
	ASSERT_LE(0, lsn);
	cx = socket(AF_INET, SOCK_SEQPACKET | SOCK_NONBLOCK, IPPROTO_SCTP);
	ASSERT_LE(0, cx);

	for (c = 0; c < 4; c++) {
		uint8_t cmd = cmds[c];
		int dump = cmd == SCTPX_CMD_ASSOC_GET ? NLM_F_DUMP : 0;
		int fd = cmd == SCTPX_CMD_CONNECTX ? cx : self->p.srv;

		/* step 0: reserved; 1..5: one disallowed flag each. */
		for (step = 0; step <= 5; step++) {
			struct nl_msg *msg;

			/* ROOT and MATCH are the two halves of DUMP. */
			if (step && (dump & bad_flags[step - 1]))
				continue;

			msg = good_request(&self->nl, cmd, dump | (step ? bad_flags[step - 1] : 0),
					   fd, self->p.ids[0], lport);
			ASSERT_NE(NULL, msg);
			if (!step)
				((struct genlmsghdr *)nlmsg_data(nlmsg_hdr(msg)))->reserved = 1;
			memset(&res, 0, sizeof(res));
			EXPECT_EQ(-EINVAL, sx_request(&self->nl, msg, sx_collect_cb, &res))
				TH_LOG("cmd %u, %s 0x%x", cmd, step ? "nlmsg_flags" : "reserved",
				       step ? bad_flags[step - 1] : 1);
			EXPECT_EQ(0, res.n);
			sx_result_free(&res);
			EXPECT_EQ(2, sx_assoc_count(self->p.srv));
			EXPECT_EQ(0, sx_assoc_count(cx));
		}
	}
	/* The clean requests work (ECHO allowed), each doing its work once. */
	for (c = 0; c < 4; c++) {
		uint8_t cmd = cmds[c];
		int dump = cmd == SCTPX_CMD_ASSOC_GET ? NLM_F_DUMP : 0;
		int fd = cmd == SCTPX_CMD_CONNECTX ? cx : self->p.srv;

		if (cmd == SCTPX_CMD_PEELOFF && variant_no_peeloff()) {
			/* No PEELOFF in this module: refused, nothing moves. */
			EXPECT_EQ(-EOPNOTSUPP,
				  sx_request(&self->nl, good_request(&self->nl, cmd, NLM_F_ECHO, fd,
							       self->p.ids[0], lport), NULL, NULL));
			EXPECT_STREQ(SX_NO_PEELOFF_MSG, self->nl.extack);
			EXPECT_EQ(2, sx_assoc_count(self->p.srv));
			continue;
		}
		memset(&res, 0, sizeof(res));
		EXPECT_EQ(0, sx_request(&self->nl,
					good_request(&self->nl, cmd, dump | NLM_F_ECHO,
						     fd, self->p.ids[0], lport),
					sx_collect_cb, &res))
			TH_LOG("cmd %u: %s", cmd, self->nl.extack);
		if (cmd == SCTPX_CMD_ASSOC_GET)
			EXPECT_EQ(2, res.n);
		if (cmd == SCTPX_CMD_PEELOFF) {
			ASSERT_EQ(1, res.n);
			EXPECT_TRUE(sx_fd_holds(res.v[0].fd, self->p.ids[0]));
			close(res.v[0].fd);
			EXPECT_EQ(1, sx_assoc_count(self->p.srv));
		}
		if (cmd == SCTPX_CMD_CONNECTX) {
			ASSERT_EQ(1, res.n);
			EXPECT_TRUE(res.v[0].has_id);
			EXPECT_EQ(1, sx_assoc_count(cx));
		}
		for (k = 0; k < (int)res.n; k++)
			if (cmd == SCTPX_CMD_ASSOC_GET)
				EXPECT_EQ(-1, res.v[k].fd);
		sx_result_free(&res);
	}
	close(cx);
	close(lsn);
}

/*
 * The address nest's own errors (Documentation/sctpx.rst, "Common:
 * addresses"): EINVAL "address needs exactly one of IN4 and IN6" (both,
 * or neither) and "scope id on an IPv4 address", in an ASSOC_GET filter
 * and in a CONNECTX peer, with nothing started.
 */
TEST_F(mod, address_nest_errors)
{
	static const char *const msgs[] = {
		"address needs exactly one of IN4 and IN6",
		"address needs exactly one of IN4 and IN6",
		"scope id on an IPv4 address",
	};
	struct in6_addr v6 = IN6ADDR_LOOPBACK_INIT;
	struct in_addr v4 = { htonl(INADDR_LOOPBACK) };
	struct nlattr *outer, *addr;
	struct sx_result res;
	struct nl_msg *msg;
	uint16_t lport;
	int lsn, cx, kind, op;

	ASSERT_EQ(0, sx_pool_make(&self->p, 2));
	lsn = sx_server(AF_INET, &lport);
	ASSERT_LE(0, lsn);
	cx = socket(AF_INET, SOCK_SEQPACKET | SOCK_NONBLOCK, IPPROTO_SCTP);
	ASSERT_LE(0, cx);

	for (op = 0; op < 2; op++) {
		for (kind = 0; kind < 3; kind++) {
			if (op == 0) {
				msg = sx_msg(&self->nl, SCTPX_CMD_ASSOC_GET, NLM_F_DUMP);
				nla_put_s32(msg, SCTPX_A_SOCK_FD, self->p.srv);
				outer = sx_nest_start(msg, SCTPX_A_SELECT);
				addr = sx_nest_start(msg, SCTPX_SELECT_A_PEER_ADDR);
			} else {
				msg = sx_msg(&self->nl, SCTPX_CMD_CONNECTX, 0);
				nla_put_s32(msg, SCTPX_A_SOCK_FD, cx);
				outer = sx_nest_start(msg, SCTPX_A_PEER);
				addr = sx_nest_start(msg, SCTPX_PEER_A_ADDR);
			}
			if (kind == 0 || kind == 2)
				nla_put(msg, SCTPX_ADDR_A_IN4, 4, &v4);
			if (kind == 0)
				nla_put(msg, SCTPX_ADDR_A_IN6, 16, &v6);
			if (kind == 2)
				nla_put_u32(msg, SCTPX_ADDR_A_SCOPE_ID, 1);
			nla_put_u16(msg, SCTPX_ADDR_A_PORT, lport);
			nla_nest_end(msg, addr);
			nla_nest_end(msg, outer);
			memset(&res, 0, sizeof(res));
			EXPECT_EQ(-EINVAL, sx_request(&self->nl, msg, sx_collect_cb, &res))
				TH_LOG("%s, case %d", op ? "CONNECTX" : "ASSOC_GET", kind);
			EXPECT_EQ(0, res.n);
			sx_result_free(&res);
			/* Before 6.2 a dump's .start has no extended ack. */
			EXPECT_STREQ(op == 1 || sx_kernel_at_least(6, 2) ? msgs[kind] : "",
				     self->nl.extack);
			EXPECT_EQ(0, sx_assoc_count(cx));
		}
	}
	close(cx);
	close(lsn);
}

TEST_F(mod, peeloff_only_where_the_kernel_exports_it)
{
	struct sx_result res;
	uint32_t id = 5;

	/*
	 * Without sctp_do_peeloff() the op only refuses, saying why: its
	 * policy still applies, then EOPNOTSUPP with the module's message,
	 * before the socket is looked at. INFO_GET reports it absent.
	 */
	if (variant_no_peeloff()) {
		char why[256];

		EXPECT_EQ(-EOPNOTSUPP, sx_peeloff(&self->nl, 0, 0, false, &id, 1, NULL, &res));
		EXPECT_STREQ(SX_NO_PEELOFF_MSG, self->nl.extack);
		EXPECT_EQ(-EOPNOTSUPP, sx_peeloff(&self->nl, -1, SOCK_CLOEXEC, false,
						  &id, 1, NULL, &res));
		EXPECT_STREQ(SX_NO_PEELOFF_MSG, self->nl.extack);
		/* The policy comes first, as on every kernel. */
		EXPECT_EQ(-EINVAL, sx_peeloff(&self->nl, -1, O_APPEND, false, &id, 1, NULL, &res));
		EXPECT_EQ(0, sx_peeloff_offered());
		EXPECT_EQ(0, sx_peeloff_absent_check(why, sizeof(why))) TH_LOG("%s", why);
	} else {
		EXPECT_EQ(1, sx_peeloff_offered());
		EXPECT_EQ(-EBADF, sx_peeloff(&self->nl, -1, 0, false, &id, 1, NULL, &res));
	}
}

TEST_F(mod, unknown_command)
{
	struct nl_msg *msg;

	msg = sx_msg(&self->nl, SCTPX_CMD_MAX + 1, 0);
	EXPECT_EQ(-EOPNOTSUPP, sx_request(&self->nl, msg, NULL, NULL));
	msg = sx_msg(&self->nl, SCTPX_CMD_UNSPEC, 0);
	EXPECT_EQ(-EOPNOTSUPP, sx_request(&self->nl, msg, NULL, NULL));
	/* INFO_GET is a do, PEELOFF has no dump. */
	msg = sx_msg(&self->nl, SCTPX_CMD_PEELOFF, NLM_F_DUMP);
	EXPECT_EQ(-EOPNOTSUPP, sx_request(&self->nl, msg, NULL, NULL));
}

SX_HARNESS_MAIN
