/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The sctpx family's messages: attributes put into requests, replies
 * parsed into entries, and the PEELOFF, ASSOC_GET and INFO_GET requests.
 */
#ifndef SX_LIB_REQUESTS_H
#define SX_LIB_REQUESTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <netinet/in.h>
#include <linux/sctpx.h>
#include "nl.h"

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

/* Bit (1 << type) of every attribute of INFO_GET's stats nest: 0 or -errno. */
int sx_stats_types(struct sx_nl *nl, uint64_t *types);

#endif /* SX_LIB_REQUESTS_H */
