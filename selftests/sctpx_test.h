/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by the sctpx selftests: talking to the family through
 * libnl-genl, and building SCTP associations on loopback.
 *
 * Requests go without NLM_F_ACK: a doit answers with its reply or an
 * error, a dump ends with NLMSG_DONE. This is what the module's
 * documentation recommends for large replies.
 */
#ifndef SCTPX_TEST_H
#define SCTPX_TEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/resource.h>
#include <netinet/in.h>
#include <netlink/genl/genl.h>
#include <linux/sctpx.h>

/* One netlink socket bound to the sctpx family. */
struct sx_nl {
	struct nl_sock *sk;
	int family;
	int err;		/* errno of the last request, positive; 0: ok */
	char extack[256];	/* extended-ack text of the last request */
	int bad_attr_off;	/* offset of the offending attribute, or -1 */
	int miss_type;		/* missing attribute type, or -1 */
	int nlerr;		/* libnl's error (NLE_*, negative) behind an EIO */
};

int sx_nl_open(struct sx_nl *nl);
void sx_nl_close(struct sx_nl *nl);

/* A request with the genl header filled in; add attributes with nla_put. */
struct nl_msg *sx_msg(struct sx_nl *nl, uint8_t cmd, int nlflags);

/* Called for each reply message; return 0 to go on. */
typedef int (*sx_msg_cb)(struct nlmsghdr *nlh, void *arg);

/* Send @msg (freed) and collect the answer. Return 0 or -errno. */
int sx_request(struct sx_nl *nl, struct nl_msg *msg, sx_msg_cb cb, void *arg);

/* Start a nest with NLA_F_NESTED, as strict validation wants. */
struct nlattr *sx_nest_start(struct nl_msg *msg, int type);

struct sx_addr {
	int family;
	union {
		struct in_addr v4;
		struct in6_addr v6;
	};
	uint16_t port;
	uint32_t scope_id;
};

#define SX_MAX_ADDRS 8

struct sx_assoc {
	bool has_id;
	uint32_t id;
	bool has_state;
	uint32_t state;
	int fd;			/* -1: none */
	int error;		/* positive errno; 0: none */
	bool has_index;
	uint32_t peer_index;
	int naddrs;
	struct sx_addr addrs[SX_MAX_ADDRS];
	uint16_t local_port;
	uint16_t instreams;
	uint16_t outstreams;
	bool has_counters;
	uint64_t data_in, data_out, packets_in, packets_out, rtx_chunks;
	bool has_addr_count;
	uint32_t addr_count;	/* the peer's addresses, all of them */
	bool addrs_cut;		/* naddrs < addr_count */
	bool has_live;		/* the fields below came with the entry */
	uint32_t local_vtag, peer_vtag, outstanding, queued, peer_rwnd;
	uint32_t heard_ms, init_retries, max_init_retries;
};

struct sx_result {
	struct sx_assoc *v;
	size_t n;
	size_t cap;
	int nmsgs;		/* reply messages received */
	bool has_remaining;
	uint32_t remaining;
};

void sx_result_free(struct sx_result *res);
int sx_parse_assoc(struct nlattr *nest, struct sx_assoc *a);
int sx_collect_cb(struct nlmsghdr *nlh, void *arg); /* arg: sx_result */
int sx_put_addr(struct nl_msg *msg, int type, const struct sx_addr *a);
struct sx_addr sx_addr4(const char *ip, uint16_t port);
struct sx_addr sx_addr6(const char *ip, uint16_t port);

struct sx_select {
	uint32_t states;
	bool has_addr;
	struct sx_addr addr;
	uint16_t port;
	bool has_order;
	uint32_t order;
	uint32_t limit;
	const uint32_t *ids;	/* SCTPX_SELECT_A_ASSOC_ID, ASSOC_GET only */
	size_t nids;
};

int sx_put_select(struct nl_msg *msg, const struct sx_select *sel);

/*
 * PEELOFF of explicit ids, or of a selection (sel != NULL, ids unused).
 * how: SX_PEEL_* bits; true and false read as atomic or not.
 */
#define SX_PEEL_ATOMIC	1U	/* SCTPX_A_ATOMIC */
#define SX_PEEL_BRIEF	2U	/* SCTPX_A_BRIEF */
int sx_peeloff(struct sx_nl *nl, int fd, uint32_t flags, unsigned int how,
	       const uint32_t *ids, size_t nids, const struct sx_select *sel,
	       struct sx_result *res);
/* ASSOC_GET dump. */
int sx_assoc_dump(struct sx_nl *nl, int fd, const struct sx_select *filter,
		  struct sx_result *res);

/* INFO_GET: the reply's top-level attributes, and its stats nest. */
struct sx_info {
	uint32_t family_version;
	char module_version[64];
	uint64_t ops;
	uint32_t max_batch, max_peers, max_peer_addrs;
	bool has_stats;
	uint64_t stats[SCTPX_STATS_A_MAX + 1];
};
int sx_info(struct sx_nl *nl, struct sx_info *info);

/* SCTP on loopback. */
int sx_raise_nofile(rlim_t n);
int sx_count_fds(void);
int sx_server(int family, uint16_t *port);		/* one-to-many, listening */
int sx_server_at(int family, const char *ip, uint16_t *port);
int sx_clients(int family, uint16_t port, int n, int *fds);	/* one-to-one */
int sx_clients_to(int family, const char *ip, uint16_t port, int n, int *fds);
uint16_t sx_local_port(int fd);
int sx_assoc_ids(int sfd, uint32_t **ids, size_t *n);
int sx_assoc_count(int sfd);
/* The client of @fds whose local port is @port, or -1. */
int sx_client_by_port(const int *fds, int n, uint16_t port);
int sx_send(int fd, const void *buf, size_t len);
/* Receive one message; 0 on timeout (stretched by sx_timeout_scale()). */
ssize_t sx_recv(int fd, void *buf, size_t len, int timeout_ms);
bool sx_fd_nonblock(int fd);
bool sx_fd_cloexec(int fd);
/* 0, or the write's -errno (EINVAL for a value a parameter refuses). */
int sx_sysfs_write(const char *path, const char *val);
int sx_sysfs_read(const char *path, char *buf, size_t len);
/* 0 once @path exists, debugfs mounted if it was not; else -errno. */
int sx_debugfs(const char *path);
/* A one-to-many server and n one-to-one clients; ids in client order. */
struct sx_pool {
	int srv;
	uint16_t port;
	int n;
	int *cli;		/* -1 once closed */
	uint32_t *ids;		/* ids[i]: cli[i]'s association on srv */
};

int sx_pool_make(struct sx_pool *p, int n);	/* on 127.0.0.1 */
int sx_pool_make_at(struct sx_pool *p, int family, const char *ip, int n);
/* The same on 127.0.0.1, setup(srv) run before any client connects. */
int sx_pool_make_setup(struct sx_pool *p, int n, int (*setup)(int srv));
void sx_pool_free(struct sx_pool *p);
int sx_pool_index(const struct sx_pool *p, uint32_t id);
/* The peer port of a socket's (primary) association, by SCTP_STATUS. */
int sx_peer_port(int fd);
/* Does a message go both ways between fd and cli? */
bool sx_ping(int fd, int cli);
/* The highest open descriptor. */
int sx_max_fd(void);
/* Wait until the peer has acknowledged everything fd sent (5 s, stretched). */
int sx_wait_acked(int fd);

/* finit_module() of /lib/modules/<release>/extra/sctpx.ko; 0 or -errno. */
int sx_module_load(void);
/*
 * SUnreclaim of /proc/meminfo in kB, or -1, after giving back unused
 * dentries and inodes and shrinking every slab cache.
 */
long sx_slab_unreclaim_kb(void);

/* Associations in this network namespace (/proc/net/sctp/assocs), or -errno. */
int sx_kernel_assoc_count(void);
/*
 * A baseline: SUnreclaim (sx_slab_unreclaim_kb()) and every unreclaimable
 * slab cache's memory (/proc/slabinfo), to name what grew.
 */
struct sx_slab_snap {
	long unreclaim_kb;
	size_t n;
	struct sx_slab_cache {
		char name[64];
		long kb;	/* in its slabs */
		long objs;	/* in use */
	} *v;
};
int sx_slab_snap(struct sx_slab_snap *s);
void sx_slab_snap_free(struct sx_slab_snap *s);
/*
 * Wait up to secs seconds (stretched by sx_timeout_scale()) for SUnreclaim
 * to come back within bound_kb of before's, logging it every minute, and
 * return the last reading. Association teardown and RCU callbacks finish
 * after close() returns. When it does not come back, log the caches that
 * grew most since before.
 */
long sx_slab_settle(const struct sx_slab_snap *before, long bound_kb, int secs);

/* Is the running kernel at least major.minor? */
bool sx_kernel_at_least(int major, int minor);
/* Load sctpx.ko if it is not loaded. */
int sx_module_ensure(void);

/*
 * PEELOFF exists in the module only where the kernel exports
 * sctp_do_peeloff() (through 6.15; scripts/build-module.sh probes it).
 * sx_peeloff_offered(): 1 or 0 as INFO_GET's SCTPX_A_OPS says, held to
 * what the build said (the guest's sctpx_variant=no-peeloff, set by
 * scripts/check.sh from the build's probe): -EPROTO when they differ, or
 * another -errno. Never a kernel version.
 */
int sx_peeloff_offered(void);
/* What a PEELOFF request gets from a module without it (kmod/netlink.c). */
#define SX_NO_PEELOFF_MSG \
	"PEELOFF unavailable: this kernel does not export sctp_do_peeloff(); use sctp_peeloff(3)"
/*
 * On such a module: a well-formed PEELOFF of two live associations fails
 * with EOPNOTSUPP and SX_NO_PEELOFF_MSG, returns no entry and leaves both
 * associations where they were. 0, or -1 with what differed in @why.
 */
int sx_peeloff_absent_check(char *why, size_t len);

/*
 * The first statement of a test of PEELOFF itself. Where the module has
 * PEELOFF, nothing. Where it has not, the test asserts what that module
 * must do instead (INFO_GET reports the op absent, as the build said; a
 * PEELOFF request is refused as sx_peeloff_absent_check() checks) and
 * ends there, passed on those assertions: the library's peeloff on such a
 * kernel goes through its fallback, tested by userlib/tests/vm/.
 */
#define SX_PEELOFF_OR_ASSERT_ABSENT()					\
	do {								\
		int __offered = sx_peeloff_offered();			\
		char __why[256];					\
									\
		ASSERT_LE(0, __offered);				\
		if (!__offered) {					\
			ASSERT_EQ(0, sx_peeloff_absent_check(__why,	\
							     sizeof(__why))) \
				TH_LOG("%s", __why);			\
			TH_LOG("no PEELOFF in this module: refusal asserted"); \
			return;						\
		}							\
	} while (0)

/*
 * Did a child (a waitpid() status) exit normally with status 0? A child
 * killed by a signal (a segfault, the OOM killer) is not a pass, whatever
 * WEXITSTATUS() reads. When it is not, say on stderr how it ended.
 */
bool sx_child_ok(int status);

/*
 * Does fd hold association id: SCTP_STATUS answers on it for association
 * 0 (a one-to-one or peeled socket; a one-to-many socket refuses) and
 * names id? Says on stderr what it found when not.
 */
bool sx_fd_holds(int fd, uint32_t id);

/*
 * The value of the guest's sctpx_timeout_scale (1 when unset): by how much
 * to stretch every test's timeout. make check-debug sets it, because KASAN
 * and lockdep under TCG make the large cases take many times longer than
 * kselftest's 30 s default.
 */
int sx_timeout_scale(void);

/*
 * TEST_HARNESS_MAIN with the timeouts stretched by sx_timeout_scale().
 * Use after including kselftest_harness.h, whose static fixture list it
 * walks before handing over to the harness.
 */
#define SX_HARNESS_MAIN							\
	int main(int argc, char **argv)					\
	{								\
		struct __fixture_metadata *f;				\
		struct __test_metadata *t;				\
		int scale = sx_timeout_scale();				\
									\
		for (f = __fixture_list; f; f = f->next)		\
			for (t = f->tests; t; t = t->next)		\
				t->timeout *= scale;			\
		return test_harness_run(argc, argv);			\
	}

#endif /* SCTPX_TEST_H */
