/* SPDX-License-Identifier: ((GPL-2.0 WITH Linux-syscall-note) OR BSD-3-Clause) */
/*
 * sctpx: a generic netlink family that extends the in-kernel SCTP stack
 * with batch peeloff, association listing and multi-peer connectx.
 *
 * This header is the one description of the ABI; the module, the
 * library and the selftests all include it, and
 * Documentation/netlink/specs/sctpx.yaml is checked against it.
 *
 * Conventions:
 * - integers are in host byte order, except IPv4/IPv6 addresses, which
 *   are in network byte order as in struct sockaddr_in{,6};
 * - errno values in replies are positive (EINVAL, not -EINVAL);
 * - association states are the values of enum sctp_sstat_state in
 *   <linux/sctp.h> (SCTP_ESTABLISHED, SCTP_COOKIE_WAIT, ...);
 * - peeloff flags are the sctp_peeloff_flags(3) ones, SOCK_NONBLOCK and
 *   SOCK_CLOEXEC from <sys/socket.h>;
 * - new attributes and commands are only ever appended.
 */
#ifndef _UAPI_LINUX_SCTPX_H
#define _UAPI_LINUX_SCTPX_H

#define SCTPX_FAMILY_NAME	"sctpx"
#define SCTPX_FAMILY_VERSION	1

/**
 * enum sctpx_cmd - commands of the sctpx family
 * @SCTPX_CMD_INFO_GET: do; family and module versions, the commands this
 *	build of the module offers, its limits and its counters
 * @SCTPX_CMD_ASSOC_GET: dump; the associations of an SCTP socket, in
 *	ascending id order, optionally filtered by %SCTPX_A_SELECT
 * @SCTPX_CMD_PEELOFF: do; branch associations off a one-to-many socket
 *	into new one-to-one sockets, one %SCTPX_A_ASSOC result each
 * @SCTPX_CMD_CONNECTX: do; start associations to one or more peers, each
 *	given by several addresses, and optionally wait for them
 */
enum sctpx_cmd {
	SCTPX_CMD_UNSPEC,
	SCTPX_CMD_INFO_GET,
	SCTPX_CMD_ASSOC_GET,
	SCTPX_CMD_PEELOFF,
	SCTPX_CMD_CONNECTX,

	__SCTPX_CMD_MAX,
};
#define SCTPX_CMD_MAX (__SCTPX_CMD_MAX - 1)

/* Bit of a command in %SCTPX_A_OPS. */
#define SCTPX_OP_BIT(cmd)	(1ULL << (cmd))

/**
 * enum sctpx_attr - top-level attributes
 * @SCTPX_A_FAMILY_VERSION: u32, reply of INFO_GET: %SCTPX_FAMILY_VERSION
 * @SCTPX_A_MODULE_VERSION: string, reply of INFO_GET
 * @SCTPX_A_OPS: u64, reply of INFO_GET: SCTPX_OP_BIT() of every command
 *	this build offers (PEELOFF is absent on kernels that no longer
 *	export sctp_do_peeloff)
 * @SCTPX_A_MAX_BATCH: u32, reply of INFO_GET: most associations one
 *	PEELOFF request may take (module parameter max_batch)
 * @SCTPX_A_MAX_PEERS: u32, reply of INFO_GET: most peers in one CONNECTX
 *	request (module parameter max_peers)
 * @SCTPX_A_MAX_PEER_ADDRS: u32, reply of INFO_GET: most addresses of one
 *	peer in CONNECTX (module parameter max_peer_addrs)
 * @SCTPX_A_STATS: nest of &enum sctpx_stats_attr, reply of INFO_GET
 * @SCTPX_A_SOCK_FD: s32, the caller's SCTP socket (ASSOC_GET, PEELOFF,
 *	CONNECTX)
 * @SCTPX_A_FLAGS: u32, PEELOFF: SOCK_NONBLOCK and/or SOCK_CLOEXEC for the
 *	new sockets; any other bit is EINVAL
 * @SCTPX_A_ATOMIC: flag, PEELOFF: all or nothing; every entry is
 *	validated under the socket lock before any is peeled, and an invalid
 *	entry fails the whole request
 * @SCTPX_A_ASSOC_ID: u32, may repeat, PEELOFF: an association to peel off;
 *	results come back in the same order
 * @SCTPX_A_SELECT: nest of &enum sctpx_select_attr; PEELOFF: which
 *	associations to peel off (instead of %SCTPX_A_ASSOC_ID), evaluated
 *	under the socket lock; ASSOC_GET: a filter (states, peer only)
 * @SCTPX_A_ASSOC: nest of &enum sctpx_assoc_attr, may repeat: one per
 *	association in the replies of ASSOC_GET, PEELOFF and CONNECTX
 * @SCTPX_A_REMAINING: u32, reply of a PEELOFF by selection: matching
 *	associations left on the socket because of %SCTPX_SELECT_A_LIMIT
 * @SCTPX_A_PEER: nest of &enum sctpx_peer_attr, may repeat, CONNECTX: one
 *	peer to associate with
 * @SCTPX_A_WAIT_MS: u32, CONNECTX: wait up to this long for all started
 *	associations to be established or to fail; 0 or absent: do not wait
 * @SCTPX_A_WAIT_END: u32, &enum sctpx_wait_end, reply of CONNECTX when a
 *	wait was asked for: why the wait ended
 * @SCTPX_A_PAD: padding for 64-bit attributes
 * @SCTPX_A_BRIEF: flag, PEELOFF: every entry of the reply carries only
 *	%SCTPX_ASSOC_A_ID and %SCTPX_ASSOC_A_FD (or %SCTPX_ASSOC_A_ERROR), no
 *	metadata: for callers that know what they asked for and want the
 *	cheapest reply
 */
enum sctpx_attr {
	SCTPX_A_UNSPEC,
	SCTPX_A_FAMILY_VERSION,
	SCTPX_A_MODULE_VERSION,
	SCTPX_A_OPS,
	SCTPX_A_MAX_BATCH,
	SCTPX_A_MAX_PEERS,
	SCTPX_A_MAX_PEER_ADDRS,
	SCTPX_A_STATS,
	SCTPX_A_SOCK_FD,
	SCTPX_A_FLAGS,
	SCTPX_A_ATOMIC,
	SCTPX_A_ASSOC_ID,
	SCTPX_A_SELECT,
	SCTPX_A_ASSOC,
	SCTPX_A_REMAINING,
	SCTPX_A_PEER,
	SCTPX_A_WAIT_MS,
	SCTPX_A_WAIT_END,
	SCTPX_A_PAD,
	SCTPX_A_BRIEF,

	__SCTPX_A_MAX,
};
#define SCTPX_A_MAX (__SCTPX_A_MAX - 1)

/**
 * enum sctpx_select_attr - which associations a request is about
 *
 * All given criteria must hold; an empty nest selects every association.
 *
 * @SCTPX_SELECT_A_STATES: u32, bit (1 << state) for each &enum
 *	sctp_sstat_state accepted; 0 or absent: any state
 * @SCTPX_SELECT_A_PEER_ADDR: nest of &enum sctpx_addr_attr; one of the
 *	association's peer addresses equals it (its port too, if non-zero)
 * @SCTPX_SELECT_A_PEER_PORT: u16, the association's peer port
 * @SCTPX_SELECT_A_ORDER: u32, &enum sctpx_select_order (PEELOFF only)
 * @SCTPX_SELECT_A_LIMIT: u32, take at most this many of the matching
 *	associations, in %SCTPX_SELECT_A_ORDER (PEELOFF only)
 */
enum sctpx_select_attr {
	SCTPX_SELECT_A_UNSPEC,
	SCTPX_SELECT_A_STATES,
	SCTPX_SELECT_A_PEER_ADDR,
	SCTPX_SELECT_A_PEER_PORT,
	SCTPX_SELECT_A_ORDER,
	SCTPX_SELECT_A_LIMIT,

	__SCTPX_SELECT_A_MAX,
};
#define SCTPX_SELECT_A_MAX (__SCTPX_SELECT_A_MAX - 1)

/**
 * enum sctpx_select_order - order in which a selection takes associations
 * @SCTPX_ORDER_ID: ascending association id (the default)
 * @SCTPX_ORDER_TRAFFIC: most DATA chunks sent plus received first (the
 *	"busiest K" of sctp_peeloff(3)); ties by ascending id
 */
enum sctpx_select_order {
	SCTPX_ORDER_ID,
	SCTPX_ORDER_TRAFFIC,

	__SCTPX_ORDER_MAX,
};
#define SCTPX_ORDER_MAX (__SCTPX_ORDER_MAX - 1)

/**
 * enum sctpx_addr_attr - one transport address
 *
 * Exactly one of %SCTPX_ADDR_A_IN4 and %SCTPX_ADDR_A_IN6 is present; it
 * gives the address family.
 *
 * @SCTPX_ADDR_A_IN4: binary, 4 bytes, IPv4 address in network byte order
 * @SCTPX_ADDR_A_IN6: binary, 16 bytes, IPv6 address in network byte order
 * @SCTPX_ADDR_A_PORT: u16, port in host byte order
 * @SCTPX_ADDR_A_SCOPE_ID: u32, IPv6 scope (interface) id
 */
enum sctpx_addr_attr {
	SCTPX_ADDR_A_UNSPEC,
	SCTPX_ADDR_A_IN4,
	SCTPX_ADDR_A_IN6,
	SCTPX_ADDR_A_PORT,
	SCTPX_ADDR_A_SCOPE_ID,

	__SCTPX_ADDR_A_MAX,
};
#define SCTPX_ADDR_A_MAX (__SCTPX_ADDR_A_MAX - 1)

/**
 * enum sctpx_assoc_attr - one association, in a listing or a result
 * @SCTPX_ASSOC_A_ID: u32, association id (sctp_assoc_t)
 * @SCTPX_ASSOC_A_STATE: u32, &enum sctp_sstat_state
 * @SCTPX_ASSOC_A_PEER_ADDR: nest of &enum sctpx_addr_attr, may repeat; the
 *	peer's addresses, primary first
 * @SCTPX_ASSOC_A_LOCAL_PORT: u16
 * @SCTPX_ASSOC_A_INSTREAMS: u16, inbound streams
 * @SCTPX_ASSOC_A_OUTSTREAMS: u16, outbound streams
 * @SCTPX_ASSOC_A_DATA_IN: u64, DATA chunks received (ordered + unordered)
 * @SCTPX_ASSOC_A_DATA_OUT: u64, DATA chunks sent (ordered + unordered)
 * @SCTPX_ASSOC_A_PACKETS_IN: u64, SCTP packets received
 * @SCTPX_ASSOC_A_PACKETS_OUT: u64, SCTP packets sent
 * @SCTPX_ASSOC_A_RTX_CHUNKS: u64, chunks retransmitted
 * @SCTPX_ASSOC_A_FD: s32, PEELOFF: the new one-to-one socket, installed in
 *	the caller's file table
 * @SCTPX_ASSOC_A_ERROR: u32, PEELOFF and CONNECTX: why this entry failed
 *	(positive errno); absent on success. A CONNECTX peer whose association
 *	failed after it was started keeps its ID and last STATE
 * @SCTPX_ASSOC_A_PEER_INDEX: u32, CONNECTX: position of the peer in the
 *	request, from 0
 * @SCTPX_ASSOC_A_PAD: padding for 64-bit attributes
 */
enum sctpx_assoc_attr {
	SCTPX_ASSOC_A_UNSPEC,
	SCTPX_ASSOC_A_ID,
	SCTPX_ASSOC_A_STATE,
	SCTPX_ASSOC_A_PEER_ADDR,
	SCTPX_ASSOC_A_LOCAL_PORT,
	SCTPX_ASSOC_A_INSTREAMS,
	SCTPX_ASSOC_A_OUTSTREAMS,
	SCTPX_ASSOC_A_DATA_IN,
	SCTPX_ASSOC_A_DATA_OUT,
	SCTPX_ASSOC_A_PACKETS_IN,
	SCTPX_ASSOC_A_PACKETS_OUT,
	SCTPX_ASSOC_A_RTX_CHUNKS,
	SCTPX_ASSOC_A_FD,
	SCTPX_ASSOC_A_ERROR,
	SCTPX_ASSOC_A_PEER_INDEX,
	SCTPX_ASSOC_A_PAD,

	__SCTPX_ASSOC_A_MAX,
};
#define SCTPX_ASSOC_A_MAX (__SCTPX_ASSOC_A_MAX - 1)

/**
 * enum sctpx_peer_attr - one peer of a CONNECTX request
 * @SCTPX_PEER_A_ADDR: nest of &enum sctpx_addr_attr, repeated once per
 *	address, in the order the kernel should try them; all share one port
 */
enum sctpx_peer_attr {
	SCTPX_PEER_A_UNSPEC,
	SCTPX_PEER_A_ADDR,

	__SCTPX_PEER_A_MAX,
};
#define SCTPX_PEER_A_MAX (__SCTPX_PEER_A_MAX - 1)

/**
 * enum sctpx_wait_end - why a CONNECTX wait ended
 * @SCTPX_WAIT_END_SETTLED: every association is established or failed
 * @SCTPX_WAIT_END_TIMEOUT: %SCTPX_A_WAIT_MS (or the socket's send
 *	timeout, if shorter) ran out
 * @SCTPX_WAIT_END_SIGNAL: a signal interrupted the wait
 */
enum sctpx_wait_end {
	SCTPX_WAIT_END_UNSPEC,
	SCTPX_WAIT_END_SETTLED,
	SCTPX_WAIT_END_TIMEOUT,
	SCTPX_WAIT_END_SIGNAL,

	__SCTPX_WAIT_END_MAX,
};
#define SCTPX_WAIT_END_MAX (__SCTPX_WAIT_END_MAX - 1)

/**
 * enum sctpx_stats_attr - module-wide counters, all u64, since load
 * @SCTPX_STATS_A_PEELOFF_REQUESTS: PEELOFF requests that reached the
 *	socket (the request parsed and named a one-to-many SCTP socket of the
 *	caller's network namespace)
 * @SCTPX_STATS_A_PEELED: associations peeled off and handed to a caller
 * @SCTPX_STATS_A_PEEL_ERRORS: PEELOFF entries that failed
 * @SCTPX_STATS_A_CONNECTX_REQUESTS: CONNECTX requests that passed
 *	validation and started their peers
 * @SCTPX_STATS_A_CONNECTX_STARTED: associations CONNECTX started
 * @SCTPX_STATS_A_CONNECTX_ERRORS: CONNECTX peers that failed
 * @SCTPX_STATS_A_REPLY_ERRORS: replies that could not be delivered after
 *	the work was done (the new fds were installed all the same)
 * @SCTPX_STATS_A_FLOOR_NS: time spent in the kernel work a peeled fd cannot
 *	avoid (fd reservation, sctp_do_peeloff, sock_alloc_file), in ns;
 *	counted only while the module parameter measure_floor is set
 * @SCTPX_STATS_A_FLOOR_COUNT: peels counted in %SCTPX_STATS_A_FLOOR_NS
 * @SCTPX_STATS_A_PAD: padding
 * @SCTPX_STATS_A_PEELOFF_NS: time spent inside PEELOFF requests that
 *	peeled something, from the handler's start to the last fd installed
 *	(reply sent), in ns; counted only while measure_floor is set. With
 *	%SCTPX_STATS_A_FLOOR_NS it splits a request's cost into the
 *	unavoidable work, sctpx's own, and the netlink transport around it
 */
enum sctpx_stats_attr {
	SCTPX_STATS_A_UNSPEC,
	SCTPX_STATS_A_PEELOFF_REQUESTS,
	SCTPX_STATS_A_PEELED,
	SCTPX_STATS_A_PEEL_ERRORS,
	SCTPX_STATS_A_CONNECTX_REQUESTS,
	SCTPX_STATS_A_CONNECTX_STARTED,
	SCTPX_STATS_A_CONNECTX_ERRORS,
	SCTPX_STATS_A_REPLY_ERRORS,
	SCTPX_STATS_A_FLOOR_NS,
	SCTPX_STATS_A_FLOOR_COUNT,
	SCTPX_STATS_A_PAD,
	SCTPX_STATS_A_PEELOFF_NS,

	__SCTPX_STATS_A_MAX,
};
#define SCTPX_STATS_A_MAX (__SCTPX_STATS_A_MAX - 1)

#endif /* _UAPI_LINUX_SCTPX_H */
