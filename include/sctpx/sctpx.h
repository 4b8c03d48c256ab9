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
 */
#ifndef SCTPX_SCTPX_H
#define SCTPX_SCTPX_H

#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#ifdef __cplusplus
extern "C" {
#endif

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
#define SCTPX_WAIT_NONE		0 /* no wait was asked for */
#define SCTPX_WAIT_SETTLED	1
#define SCTPX_WAIT_TIMEOUT	2
#define SCTPX_WAIT_SIGNAL	3

union sctpx_sockaddr {
	struct sockaddr sa;
	struct sockaddr_in v4;
	struct sockaddr_in6 v6;
};

struct sctpx_info {
	int module_loaded;
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
};

struct sctpx_counters {
	uint64_t peeloff_requests;
	uint64_t peeled;
	uint64_t peel_errors;
	uint64_t connectx_requests;
	uint64_t connectx_started;
	uint64_t connectx_errors;
	uint64_t reply_errors;
	uint64_t floor_ns;
	uint64_t floor_count;
	uint64_t peeloff_ns;
};

struct sctpx_select {
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
	uint16_t local_port;
	uint16_t instreams;
	uint16_t outstreams;
	size_t naddrs;
	union sctpx_sockaddr *addrs; /* peer addresses, primary first */
	uint64_t data_in, data_out, packets_in, packets_out, rtx_chunks;
};

struct sctpx_assocs {
	size_t n;
	struct sctpx_assoc *v;
	uint32_t remaining;	/* peeloff by selection: matches left */
	int path;		/* SCTPX_PATH_* */
};

struct sctpx_peer {
	const union sctpx_sockaddr *addrs;
	size_t naddrs;
};

struct sctpx_peer_result {
	uint32_t peer_index;
	int error;		/* positive errno, 0 on success */
	uint32_t id;
	int state;
};

struct sctpx_connect_result {
	size_t n;
	struct sctpx_peer_result *v;
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
void sctpx_assocs_free(struct sctpx_assocs *r);

int sctpx_connectx(sctpx_client *c, int sock, const struct sctpx_peer *peers,
		   size_t npeers, unsigned int wait_ms,
		   struct sctpx_connect_result **out);
void sctpx_connect_result_free(struct sctpx_connect_result *r);

#ifdef __cplusplus
}
#endif

#endif
