/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * sctpx C API: batch peeloff, association listing and multi-peer connectx
 * for SCTP sockets, through the sctpx kernel module when it is loaded and
 * through plain socket calls otherwise. See sctpx_open(3).
 *
 * Conventions: every call returns 0 or a negative errno value (-EINVAL,
 * ...); sctpx_extack() then gives the kernel's (or the fallback's)
 * explanation, if any. Results are allocated by the library and released
 * with their free function; the descriptors in them belong to the caller
 * and are never closed by the free functions.
 *
 * Thread safety: every function is MT-Safe; one sctpx_client may be used
 * by several threads at once. sctpx_extack() is per thread.
 *
 * fork(): a client belongs to the process that opened it; calls from a
 * child process fail with -ECHILD (open a new client there).
 *
 * No function lets a C++ exception out: every failure is a return value.
 */
#ifndef SCTPX_SCTPX_H
#define SCTPX_SCTPX_H

#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The library exports what this header declares, nothing else. */
#pragma GCC visibility push(default)

typedef struct sctpx_client sctpx_client;

/* sctpx_open() flags */
#define SCTPX_OPEN_FORCE_FALLBACK	(1U << 0) /* never use the module */
#define SCTPX_OPEN_NO_AUTOLOAD		(1U << 1) /* do not load it on demand */

/* Which way a call was served (the path field of results). */
#define SCTPX_PATH_MODULE	0
#define SCTPX_PATH_FALLBACK	1

/* sctpx_peeloff() flags, besides SOCK_NONBLOCK and SOCK_CLOEXEC */
#define SCTPX_PEEL_ATOMIC	(1U << 0) /* all or nothing */
#define SCTPX_PEEL_BRIEF	(1U << 1) /* results carry only id and fd */

/* sctpx_select.order */
#define SCTPX_SELECT_ORDER_ID		0
#define SCTPX_SELECT_ORDER_TRAFFIC	1

/* sctpx_connect_result.wait_end */
#define SCTPX_WAIT_NONE		0 /* the call did not wait */
#define SCTPX_WAIT_SETTLED	1 /* every association established or failed */
#define SCTPX_WAIT_TIMEOUT	2 /* the wait or SO_SNDTIMEO ran out (EINPROGRESS) */
#define SCTPX_WAIT_SIGNAL	3 /* a signal ended it (EINTR) */

/*
 * Growing the ABI. Every struct the caller hands in or has filled starts
 * with its size: set it with SCTPX_INIT(&s), which zeroes the struct and
 * sets size to the size the caller was compiled with. The library reads
 * and writes only the fields that fit in size, by name, so a program
 * built against an older header keeps working with a newer library (new
 * fields are appended) and the other way round (fields the library does
 * not know are left zero). A size smaller than the first version's is
 * EINVAL.
 *
 * Results (struct sctpx_assocs, struct sctpx_connect_result) are
 * allocated by the library and only read by the caller; their entries
 * are reached with sctpx_assocs_at() and sctpx_connect_result_at(), never
 * by indexing, so entries can grow too.
 *
 * struct sctpx_peer is the one exception: like struct iovec it is an
 * element of the caller's array and is frozen as it is.
 */
#define SCTPX_INIT(p) (memset((p), 0, sizeof(*(p))), (p)->size = sizeof(*(p)))

union sctpx_sockaddr {
	struct sockaddr sa;
	struct sockaddr_in v4;
	struct sockaddr_in6 v6;
};

struct sctpx_info {
	size_t size;		/* SCTPX_INIT() */
	int module_loaded;	/* the sctpx family answered */
	int forced_fallback;
	uint32_t family_version;
	char module_version[64];
	uint64_t ops;		/* SCTPX_OP_BIT() mask */
	uint32_t max_batch;
	uint32_t max_peers;
	uint32_t max_peer_addrs;
	int peeloff_path;	/* SCTPX_PATH_* each operation takes */
	int list_path;
	int connectx_path;
	int module_usable;	/* family version 2 or later: the module is used */
	uint64_t features;	/* SCTPX_FEATURE_* bits */
};

struct sctpx_counters {
	size_t size;		/* SCTPX_INIT() */
	uint64_t peeloff_requests;
	uint64_t peeled;
	uint64_t peel_errors;
	uint64_t connectx_requests;
	uint64_t connectx_started;
	uint64_t connectx_errors;
	uint64_t reply_errors;
	uint64_t lost_replies_dropped;
};

struct sctpx_select {
	size_t size;		/* SCTPX_INIT() */
	uint32_t states;	/* bit (1 << state) per accepted state; 0: any */
	int has_peer_addr;
	union sctpx_sockaddr peer_addr; /* its port compared if non-zero */
	uint16_t peer_port;	/* 0: any */
	uint32_t order;		/* SCTPX_SELECT_ORDER_* (peeloff only) */
	uint32_t limit;		/* 0: every match (peeloff only) */
};

struct sctpx_assoc {
	uint32_t id;
	int state;		/* enum sctp_sstat_state */
	int fd;			/* peeloff: the new socket, or -1 */
	int error;		/* peeloff: positive errno, 0 on success */
	const char *error_msg;	/* why, when there is more to say; else "" */
	uint16_t local_port;
	uint16_t instreams;
	uint16_t outstreams;
	size_t naddrs;
	const union sctpx_sockaddr *addrs; /* peer addresses, primary first */
	uint64_t data_in, data_out, packets_in, packets_out, rtx_chunks;
	/* Family version 2 (module only, 0 on the fallback, except as noted) */
	uint32_t peer_addr_count; /* the peer's addresses (both paths) */
	int peer_addrs_cut;	/* addrs holds fewer (the module lists 8) */
	uint32_t local_vtag, peer_vtag;
	uint32_t outstanding;	/* bytes sent, not acknowledged */
	uint32_t queued;	/* bytes queued, not sent */
	uint32_t peer_rwnd;	/* both paths */
	uint32_t heard_ms;	/* since the peer was last heard */
	uint32_t init_retries, max_init_retries;
};

struct sctpx_assocs {
	size_t n;		/* entries: sctpx_assocs_at(r, 0 .. n - 1) */
	uint32_t remaining;	/* peeloff by selection: matches left */
	int path;		/* SCTPX_PATH_* */
	/*
	 * A call split into several requests whose later request failed:
	 * its positive errno (0: none) and message. The entries hold what
	 * moved before (and the same error for every id not tried).
	 */
	int incomplete;
	const char *incomplete_msg;
};

struct sctpx_peer {
	const union sctpx_sockaddr *addrs;
	size_t naddrs;
};

struct sctpx_connect_opts {
	size_t size;		/* SCTPX_INIT() */
	/*
	 * Non-blocking socket: wait up to this long (and no longer than
	 * SO_SNDTIMEO, when set) for every association; 0: do not wait.
	 * A blocking socket (one peer) always waits as sctp_connectx(3).
	 */
	unsigned int wait_ms;
};

struct sctpx_peer_result {
	uint32_t peer_index;
	/*
	 * 0: started (no wait) or established. EINPROGRESS: still being set
	 * up when the wait or SO_SNDTIMEO ran out; EINTR: when a signal
	 * ended the wait; ETIMEDOUT, ECONNREFUSED, ...: it failed.
	 */
	int error;
	const char *error_msg;	/* more about error; else "" */
	uint32_t id;		/* the association, whenever it was started */
	int state;		/* its last state seen */
};

struct sctpx_connect_result {
	size_t n;		/* entries: sctpx_connect_result_at(r, 0 .. n - 1) */
	int wait_end;		/* SCTPX_WAIT_* */
	int path;
};

int sctpx_open(sctpx_client **out, unsigned int flags);
void sctpx_close(sctpx_client *c);
const char *sctpx_extack(void);

int sctpx_get_info(sctpx_client *c, struct sctpx_info *out);
int sctpx_get_counters(sctpx_client *c, struct sctpx_counters *out);

int sctpx_assoc_list(sctpx_client *c, int sock, const struct sctpx_select *filter,
		     struct sctpx_assocs **out);
int sctpx_peeloff(sctpx_client *c, int sock, const uint32_t *ids, size_t n,
		  unsigned int flags, struct sctpx_assocs **out);
int sctpx_peeloff_select(sctpx_client *c, int sock, const struct sctpx_select *sel,
			 unsigned int flags, struct sctpx_assocs **out);
/* Entry i of r (NULL if i >= r->n). */
const struct sctpx_assoc *sctpx_assocs_at(const struct sctpx_assocs *r, size_t i);
void sctpx_assocs_free(struct sctpx_assocs *r);

int sctpx_connectx(sctpx_client *c, int sock, const struct sctpx_peer *peers,
		   size_t npeers, const struct sctpx_connect_opts *opts,
		   struct sctpx_connect_result **out);
/* Entry i of r (NULL if i >= r->n). */
const struct sctpx_peer_result *sctpx_connect_result_at(const struct sctpx_connect_result *r,
							 size_t i);
void sctpx_connect_result_free(struct sctpx_connect_result *r);

#pragma GCC visibility pop

#ifdef __cplusplus
}
#endif

#endif
