/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The netlink fuzzer's parts (fuzz.c runs them, one request at a time):
 * fuzz_gen.c builds the requests, fuzz_io.c sends them and reads the
 * answers, fuzz_world.c holds the sockets and associations they name,
 * fuzz_oracle.c judges each answer against what the module must do.
 */
#ifndef SCTPX_FUZZ_H
#define SCTPX_FUZZ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/netlink.h>

struct __test_metadata;

#define FUZZ_DEFAULT	5000
#define SLAB_BOUND_KB	1024
#define REQ_MAX		(256 << 10)
#define RBUF_MAX	(4 << 20)
#define POOL_LOW	12
#define POOL_ADD	16
#define ANSWER_MS	15000

struct req {
	uint8_t b[REQ_MAX];
	size_t len;
	bool overflow;
};

#define ENTRIES_MAX 8192

/* A peer transport address, IPv4-mapped IPv6 folded to IPv4. */
struct paddr {
	int family;		/* 0: none */
	uint8_t a[16];
	uint16_t port;
};

struct pool {
	int srv;
	uint16_t port;
	int family;
	int *cli;
	int ncli;
	int cap;
};

/*
 * Every SCTP socket the fuzzer holds and may name in a request, with its
 * associations before and after each request.
 */
struct ids {
	uint32_t *v;
	size_t n;
};

struct tsock {
	int fd;
	const char *name;
	bool one_to_one;	/* its association by SCTP_STATUS, once established */
	bool churns;		/* associations come and go with other sockets */
	struct ids before, after;
};

/* An association seen before a request: on which socket, to which peer. */
struct prec {
	uint32_t id;
	int t;			/* index into world.track */
	struct paddr peer;	/* primary path, by SCTP_STATUS */
};

#define TRACK_MAX	12
#define OPS		6	/* 0: unknown commands, then INFO_GET .. LOST_REPLY_GET */
#define LOSS_PERCENT	8	/* PEELOFF and CONNECTX requests whose reply is dropped */
#define FAIL_REPLIES	"/sys/kernel/debug/sctpx/fail_replies"

struct world {
	int nl;			/* raw generic netlink socket */
	uint32_t portid;
	int family;		/* sctpx family id */
	uint32_t seq;
	struct pool srv, other;
	int srv6;		/* one-to-many IPv6 socket, no associations */
	uint16_t srv6_port;
	int cx_target;		/* where CONNECTX peers can really connect */
	uint16_t cx_port;
	uint16_t closed_port;	/* nobody listens there */
	int scratch;		/* non-blocking one-to-many for CONNECTX */
	int menu[32];		/* other kinds of descriptor */
	const char *menu_kind[32];
	int nmenu;
	uint32_t *peeled_ids;	/* ids already peeled, for reuse */
	size_t npeeled;
	bool no_peeloff;	/* the module has no PEELOFF (INFO_GET) */
	unsigned long peel_refused_absent;	/* its EOPNOTSUPPs */
	uint8_t *rbuf;
	/* figures */
	unsigned long requests, replies, errors, fds_received, mutated;
	unsigned long by_cmd[8], err_by_cmd[8], abandoned_dumps;
	unsigned long errno_count[160], entry_errno_count[160];
	/* per op: requests, successful answers, items (fds, ids, entries) */
	unsigned long op_req[OPS], op_ok[OPS], op_items[OPS], checked_fds;
	struct tsock track[TRACK_MAX];
	int ntrack;
	struct prec *prec;
	size_t nprec, prec_cap;
	uint32_t *cx_ids;	/* every id a CONNECTX reply named */
	size_t ncx, cx_cap;
	uint32_t max_batch;
	/* The request as generated; used only when it was sent undamaged. */
	uint32_t req_ids[ENTRIES_MAX];
	size_t nreq_ids;
	bool req_sel;		/* a selection (PEELOFF) or filter (ASSOC_GET) */
	bool req_bad;		/* must be refused as a whole */
	bool req_atomic;
	bool req_flags_ok;	/* req_flags is what the new fds must carry */
	uint32_t req_flags;
	size_t cx_npeers;	/* CONNECTX: peers, when known exactly */
	/* Lost replies: forced through debugfs, then asked for again. */
	bool loss_armed;	/* fail_replies is 1 for this request */
	unsigned long lost_forced, lost_recovered, lost_fds;
};

struct fdset {
	int v[4096];
	int n;
};

/* One SCTPX_A_ASSOC entry of a reply, as far as the oracle needs it. */
struct entry {
	bool has_id, has_fd, has_err;
	uint32_t id, err;
	int fd;
	struct paddr peer;	/* the first PEER_ADDR (the primary path) */
};

struct answer {
	int err;		/* positive errno, 0 for a reply */
	bool send_failed;	/* err came from send(), not from the family */
	bool lost;		/* recv() said ENOBUFS: the reply was lost */
	int nmsgs;
	int fds[ENTRIES_MAX];
	uint32_t fd_ids[ENTRIES_MAX];
	int nfds;
	struct entry ent[ENTRIES_MAX];
	int nent;
	char why[160];		/* non-empty: the answer is malformed */
};

/* fuzz_gen.c: the seeded generator and the requests it builds. */
extern uint64_t rng;
uint32_t rnd32(void);
uint32_t rnd(uint32_t n);
bool chance(int percent);
void put_raw(struct req *r, const void *p, size_t n);
void put_attr(struct req *r, uint16_t type, const void *p, size_t n);
void put_u32(struct req *r, uint16_t type, uint32_t v);
void put_u16(struct req *r, uint16_t type, uint16_t v);
size_t nest_start(struct req *r, uint16_t type);
void nest_end(struct req *r, size_t off);
uint16_t nested(uint16_t type);
void put_junk(struct req *r, uint16_t type);
int pick_fd(struct world *w, bool connectx);
uint32_t pick_id(struct world *w, const struct ids *srv,
		 const struct ids *other);
uint16_t pick_port(struct world *w, bool for_connect);
void gen_addr(struct world *w, struct req *r, uint16_t type,
	      bool for_connect);
bool gen_select(struct world *w, struct req *r);
void gen_peeloff(struct world *w, struct req *r, int *fd,
		 const struct ids *srv, const struct ids *other);
void gen_connectx(struct world *w, struct req *r, int fd);
void gen_dump(struct world *w, struct req *r, int fd);
void gen_junk_attrs(struct req *r);
void mutate(struct req *r, size_t payload);

/* fuzz_world.c: the sockets, associations and fds the requests name. */
void paddr_from_sa(struct paddr *p, const void *packed);
bool paddr_eq(const struct paddr *x, const struct paddr *y);
const char *paddr_str(const struct paddr *p, char *buf, size_t len);
void sctp_opts(int fd);
int pool_grow(struct pool *p, int n);
int pool_open(struct pool *p, int family, int n);
void pool_close(struct pool *p);
bool pool_drop_port(struct pool *p, uint16_t port);
int scratch_open(void);
void menu_add(struct world *w, int fd, const char *kind);
int menu_open(struct world *w);
int cmp_int(const void *a, const void *b);
int fdset_read(struct fdset *s);
bool fdset_has(const struct fdset *s, int fd);
int ids_get(int fd, struct ids *s);
bool ids_has(const struct ids *s, uint32_t id);
void track_add(struct world *w, int fd, const char *name,
	       bool one_to_one, bool churns);
void track_build(struct world *w);
void track_free(struct world *w);
int track_ids(const struct tsock *t, struct ids *s);
const struct prec *prec_find(const struct world *w, uint32_t id);
int track_before(struct world *w);
bool cx_has(const struct world *w, uint32_t id);
void cx_add(struct world *w, uint32_t id);
struct tsock *track_by_fd(struct world *w, int fd);
int world_open(struct world *w);
void world_close(struct world *w);

/* fuzz_oracle.c: what the kernel must answer. */
bool attrs_ok(const void *p, int len);
bool request_errno_ok(uint8_t cmd, int e);
bool entry_errno_ok(uint8_t cmd, uint32_t e);
void bad(struct answer *a, const char *why, long v);
void parse_paddr(struct paddr *p, const void *d, int len);
void check_assoc(struct answer *ans, uint8_t cmd, const struct nlattr *nest,
		 uint32_t *next_index);
void check_reply(struct world *w, struct answer *ans, uint8_t cmd,
		 const struct nlmsghdr *nlh, uint32_t *next_index);
int fd_kind_ok(int fd);
/* fuzz_io.c: the exchange with the module. */
int transact(struct world *w, struct req *r, struct answer *ans,
	     uint8_t cmd, bool ack);
long knob_read(void);
bool recover_lost(struct world *w, struct answer *ans, uint8_t cmd,
		  uint32_t seq);
void abandon_dump(struct world *w, int fd);

/*
 * After a request: is everything as the answer says? Logs each thing that
 * is not (fuzz_log()) and returns false.
 */
bool oracle(struct __test_metadata *_metadata, struct world *w,
	    const struct answer *ans, uint8_t cmd, int fd, bool strict,
	    unsigned long i);

/* fuzz.c: TH_LOG() for the parts that cannot include the harness. */
void fuzz_log(struct __test_metadata *_metadata, const char *file, int line,
	      const char *fmt, ...) __attribute__((format(printf, 4, 5)));

#endif /* SCTPX_FUZZ_H */
