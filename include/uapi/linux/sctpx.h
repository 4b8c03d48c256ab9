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
 * - new attributes and commands are only ever appended; a removed
 *   attribute keeps its number, reserved: refused in a request, never
 *   sent in a reply;
 * - a reader ignores attributes it does not know, and treats a counter
 *   missing from %SCTPX_A_STATS as not offered.
 *
 * Family version 3 (this header) differs from version 2 in:
 * - the module times nothing for its counters: the benchmark timing of
 *   version 2 (%SCTPX_STATS_A_RESERVED_8, %SCTPX_STATS_A_RESERVED_9 and
 *   %SCTPX_STATS_A_RESERVED_11, and the module parameter measure_floor)
 *   moved to the sctpx_peeloff tracepoint (tracefs events/sctpx/; not
 *   part of this ABI); those counters are never sent. Requests and
 *   replies are otherwise those of version 2.
 *
 * Family version 2 differs from version 1 in:
 * - CONNECTX never waits: it starts the associations and returns; it
 *   needs a non-blocking socket; %SCTPX_A_RESERVED_16 and
 *   %SCTPX_A_RESERVED_17 (version 1's wait and its outcome) are refused;
 * - an %SCTPX_A_ASSOC entry carries at most %SCTPX_ENTRY_PEER_ADDRS_MAX
 *   peer addresses, with the association's total count and a flag when
 *   the list was cut, and new fields (verification tags, queued and
 *   outstanding data, the peer's window, INIT retransmissions, time since
 *   the peer was last heard);
 * - ASSOC_GET filters by association ids (%SCTPX_SELECT_A_ASSOC_ID);
 * - a PEELOFF or CONNECTX reply the module could not deliver is kept for
 *   %SCTPX_CMD_LOST_REPLY_GET; the request is never reported as failed
 *   once its work is done;
 * - counters are per network namespace; INFO_GET reports
 *   %SCTPX_A_FEATURES.
 */
#ifndef _UAPI_LINUX_SCTPX_H
#define _UAPI_LINUX_SCTPX_H

/**
 * DOC: Family and limits
 *
 * %SCTPX_FAMILY_NAME: "sctpx", the generic netlink family's name, which
 * nlctrl resolves to its id.
 *
 * %SCTPX_FAMILY_VERSION: 3, the family version this header describes;
 * also in the family's CTRL_ATTR_VERSION and in %SCTPX_A_FAMILY_VERSION.
 *
 * %SCTPX_ENTRY_PEER_ADDRS_MAX: 8, the most peer addresses one
 * %SCTPX_A_ASSOC entry carries (primary first).
 *
 * %SCTPX_LOST_REPLY_BYTES_MAX: 16 MiB, the bytes of undelivered replies
 * one network namespace keeps for %SCTPX_CMD_LOST_REPLY_GET; one reply
 * per netlink socket, the newest.
 */
#define SCTPX_FAMILY_NAME	"sctpx"
#define SCTPX_FAMILY_VERSION	3

#define SCTPX_ENTRY_PEER_ADDRS_MAX	8

#define SCTPX_LOST_REPLY_BYTES_MAX	(16U << 20)

/**
 * enum sctpx_cmd - commands of the sctpx family
 * @SCTPX_CMD_UNSPEC: 0, no command; a request for it is EOPNOTSUPP
 * @SCTPX_CMD_INFO_GET: do; family and module versions, the commands this
 *	build of the module offers, its limits, its features and its counters
 * @SCTPX_CMD_ASSOC_GET: dump; the associations of an SCTP socket, in
 *	ascending id order, optionally filtered by %SCTPX_A_SELECT
 * @SCTPX_CMD_PEELOFF: do; branch associations off a one-to-many socket
 *	into new one-to-one sockets, one %SCTPX_A_ASSOC result each
 * @SCTPX_CMD_CONNECTX: do; start associations to one or more peers, each
 *	given by several addresses, on a non-blocking socket; it returns as
 *	soon as every peer is started (or failed to start), never waiting for
 *	a handshake. The peers are started, and the reply sent, by the calling
 *	task after the request's handler returned, before its send returns;
 *	an ack asked for (%NLM_F_ACK) follows the reply
 * @SCTPX_CMD_LOST_REPLY_GET: do; the last PEELOFF or CONNECTX reply the
 *	module could not deliver to the requesting netlink socket, sent again
 *	as it was (its own command and the sequence number of the request it
 *	answers) and then forgotten; ENOENT when there is none
 */
enum sctpx_cmd {
	SCTPX_CMD_UNSPEC,
	SCTPX_CMD_INFO_GET,
	SCTPX_CMD_ASSOC_GET,
	SCTPX_CMD_PEELOFF,
	SCTPX_CMD_CONNECTX,
	SCTPX_CMD_LOST_REPLY_GET,

	/* private: */
	__SCTPX_CMD_MAX,
};
#define SCTPX_CMD_MAX (__SCTPX_CMD_MAX - 1)

/**
 * SCTPX_OP_BIT - bit of a command in %SCTPX_A_OPS
 * @cmd: the command, an &enum sctpx_cmd value
 *
 * Return: 1ULL << @cmd, a u64.
 */
#define SCTPX_OP_BIT(cmd)	(1ULL << (cmd))

/**
 * enum sctpx_attr - top-level attributes
 * @SCTPX_A_UNSPEC: type 0, never sent; refused in a request (EINVAL, "Unknown
 *	attribute type")
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
 *	under the socket lock; ASSOC_GET: a filter (states, peer, association
 *	id only)
 * @SCTPX_A_ASSOC: nest of &enum sctpx_assoc_attr, may repeat: one per
 *	association in the replies of ASSOC_GET, PEELOFF and CONNECTX
 * @SCTPX_A_REMAINING: u32, reply of a PEELOFF by selection: matching
 *	associations left on the socket because of %SCTPX_SELECT_A_LIMIT
 * @SCTPX_A_PEER: nest of &enum sctpx_peer_attr, may repeat, CONNECTX: one
 *	peer to associate with
 * @SCTPX_A_RESERVED_16: family version 1's CONNECTX wait (WAIT_MS);
 *	refused: waiting is the caller's, in user space
 * @SCTPX_A_RESERVED_17: family version 1's wait outcome (WAIT_END); never
 *	sent
 * @SCTPX_A_PAD: padding for 64-bit attributes
 * @SCTPX_A_BRIEF: flag, PEELOFF: every entry of the reply carries only
 *	%SCTPX_ASSOC_A_ID and %SCTPX_ASSOC_A_FD (or %SCTPX_ASSOC_A_ERROR), no
 *	metadata: for callers that know what they asked for and want the
 *	cheapest reply
 * @SCTPX_A_FEATURES: u64, reply of INFO_GET: %SCTPX_FEATURE_* bits of
 *	what this build of the module does on this kernel
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
	SCTPX_A_RESERVED_16,
	SCTPX_A_RESERVED_17,
	SCTPX_A_PAD,
	SCTPX_A_BRIEF,
	SCTPX_A_FEATURES,

	/* private: */
	__SCTPX_A_MAX,
};
#define SCTPX_A_MAX (__SCTPX_A_MAX - 1)

/**
 * DOC: Feature bits
 *
 * Bits of %SCTPX_A_FEATURES.
 *
 * %SCTPX_FEATURE_CONNECTX_HOOKS: CONNECTX goes through the kernel's
 * setsockopt entry (do_sock_setsockopt()), so the LSM and cgroup-BPF
 * setsockopt hooks see every peer as for sctp_connectx(3); without it
 * (kernels before 6.7) they do not run.
 *
 * %SCTPX_FEATURE_PEELOFF_HOOKS: PEELOFF runs the LSM and cgroup-BPF
 * getsockopt hooks that SCTP_SOCKOPT_PEELOFF runs. No kernel exports a
 * way to run them without the kernel's own peeloff (6.12's
 * do_sock_getsockopt() would do one association's peel itself), so no
 * build sets it; a reader must not assume it.
 */
#define SCTPX_FEATURE_CONNECTX_HOOKS	(1ULL << 0)
#define SCTPX_FEATURE_PEELOFF_HOOKS	(1ULL << 1)

/**
 * enum sctpx_select_attr - which associations a request is about
 *
 * All given criteria must hold; an empty nest selects every association.
 *
 * @SCTPX_SELECT_A_UNSPEC: type 0, never sent; refused in a request (EINVAL, "Unknown
 *	attribute type")
 * @SCTPX_SELECT_A_STATES: u32, bit (1 << state) for each &enum
 *	sctp_sstat_state accepted; 0 or absent: any state. A bit above
 *	SCTP_SHUTDOWN_ACK_SENT (bit 8) is refused (EINVAL, "reserved bit set")
 * @SCTPX_SELECT_A_PEER_ADDR: nest of &enum sctpx_addr_attr; one of the
 *	association's peer addresses equals it (its port too, if non-zero)
 * @SCTPX_SELECT_A_PEER_PORT: u16, the association's peer port; 0 or
 *	absent: any port
 * @SCTPX_SELECT_A_ORDER: u32, &enum sctpx_select_order (PEELOFF only);
 *	above %SCTPX_ORDER_MAX is ERANGE
 * @SCTPX_SELECT_A_LIMIT: u32, at least 1 (0 is ERANGE): take at most this
 *	many of the matching associations, in %SCTPX_SELECT_A_ORDER (PEELOFF
 *	only)
 * @SCTPX_SELECT_A_ASSOC_ID: u32, may repeat, at most max_batch times
 *	(more: E2BIG) (ASSOC_GET only): the association's id is one of these;
 *	an id that names no association of the socket lists nothing, and is
 *	no error
 */
enum sctpx_select_attr {
	SCTPX_SELECT_A_UNSPEC,
	SCTPX_SELECT_A_STATES,
	SCTPX_SELECT_A_PEER_ADDR,
	SCTPX_SELECT_A_PEER_PORT,
	SCTPX_SELECT_A_ORDER,
	SCTPX_SELECT_A_LIMIT,
	SCTPX_SELECT_A_ASSOC_ID,

	/* private: */
	__SCTPX_SELECT_A_MAX,
};
#define SCTPX_SELECT_A_MAX (__SCTPX_SELECT_A_MAX - 1)

/**
 * enum sctpx_select_order - order in which a selection takes associations
 * @SCTPX_ORDER_ID: ascending association id (the default)
 * @SCTPX_ORDER_TRAFFIC: most DATA chunks (ordered and unordered) sent
 *	plus received first (the
 *	"busiest K" of sctp_peeloff(3)); ties by ascending id
 */
enum sctpx_select_order {
	SCTPX_ORDER_ID,
	SCTPX_ORDER_TRAFFIC,

	/* private: */
	__SCTPX_ORDER_MAX,
};
#define SCTPX_ORDER_MAX (__SCTPX_ORDER_MAX - 1)

/**
 * enum sctpx_addr_attr - one transport address
 *
 * Exactly one of %SCTPX_ADDR_A_IN4 and %SCTPX_ADDR_A_IN6 is present; it
 * gives the address family.
 *
 * @SCTPX_ADDR_A_UNSPEC: type 0, never sent; refused in a request (EINVAL, "Unknown
 *	attribute type")
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

	/* private: */
	__SCTPX_ADDR_A_MAX,
};
#define SCTPX_ADDR_A_MAX (__SCTPX_ADDR_A_MAX - 1)

/**
 * enum sctpx_assoc_attr - one association, in a listing or a result
 * @SCTPX_ASSOC_A_UNSPEC: type 0, never sent
 * @SCTPX_ASSOC_A_ID: u32, association id (sctp_assoc_t)
 * @SCTPX_ASSOC_A_STATE: u32, &enum sctp_sstat_state
 * @SCTPX_ASSOC_A_PEER_ADDR: nest of &enum sctpx_addr_attr, may repeat; the
 *	peer's addresses, primary first, at most %SCTPX_ENTRY_PEER_ADDRS_MAX
 *	(a peer chooses how many addresses it has; the rest are read with
 *	sctp_getpaddrs(3))
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
 *	(positive errno); absent on success. A CONNECTX peer with an ERROR
 *	has no ID: nothing of it was left on the socket
 * @SCTPX_ASSOC_A_PEER_INDEX: u32, CONNECTX: position of the peer in the
 *	request, from 0
 * @SCTPX_ASSOC_A_PAD: padding for 64-bit attributes
 * @SCTPX_ASSOC_A_PEER_ADDR_COUNT: u32, how many addresses the peer has
 * @SCTPX_ASSOC_A_PEER_ADDRS_CUT: flag, the entry carries fewer
 *	%SCTPX_ASSOC_A_PEER_ADDR than %SCTPX_ASSOC_A_PEER_ADDR_COUNT
 * @SCTPX_ASSOC_A_LOCAL_VTAG: u32, our verification tag (the "tag" of
 *	``ss -i --sctp``)
 * @SCTPX_ASSOC_A_PEER_VTAG: u32, the peer's verification tag ("ptag");
 *	0 until the peer's INIT or INIT-ACK is in
 * @SCTPX_ASSOC_A_OUTSTANDING: u32, bytes of DATA sent and not yet
 *	acknowledged
 * @SCTPX_ASSOC_A_QUEUED: u32, bytes of DATA queued and not yet sent
 * @SCTPX_ASSOC_A_PEER_RWND: u32, the peer's receive window as last known
 * @SCTPX_ASSOC_A_HEARD_MS: u32, milliseconds since a packet was last heard
 *	from the peer on any of its addresses; U32_MAX when none was ever
 *	heard, and it saturates there
 * @SCTPX_ASSOC_A_INIT_RETRIES: u32, INIT (or COOKIE ECHO) retransmissions
 *	so far, while the association is being set up
 * @SCTPX_ASSOC_A_MAX_INIT_RETRIES: u32, how many it may make before it
 *	fails with ETIMEDOUT (SCTP_INITMSG's sinit_max_attempts)
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
	SCTPX_ASSOC_A_PEER_ADDR_COUNT,
	SCTPX_ASSOC_A_PEER_ADDRS_CUT,
	SCTPX_ASSOC_A_LOCAL_VTAG,
	SCTPX_ASSOC_A_PEER_VTAG,
	SCTPX_ASSOC_A_OUTSTANDING,
	SCTPX_ASSOC_A_QUEUED,
	SCTPX_ASSOC_A_PEER_RWND,
	SCTPX_ASSOC_A_HEARD_MS,
	SCTPX_ASSOC_A_INIT_RETRIES,
	SCTPX_ASSOC_A_MAX_INIT_RETRIES,

	/* private: */
	__SCTPX_ASSOC_A_MAX,
};
#define SCTPX_ASSOC_A_MAX (__SCTPX_ASSOC_A_MAX - 1)

/**
 * enum sctpx_peer_attr - one peer of a CONNECTX request
 * @SCTPX_PEER_A_UNSPEC: type 0, never sent; refused in a request (EINVAL, "Unknown
 *	attribute type")
 * @SCTPX_PEER_A_ADDR: nest of &enum sctpx_addr_attr, repeated once per
 *	address; all share one port. As with sctp_connectx(3), the INIT goes
 *	to the first and moves on to the next only while an address does not
 *	answer; an ABORT from any of them fails the peer
 */
enum sctpx_peer_attr {
	SCTPX_PEER_A_UNSPEC,
	SCTPX_PEER_A_ADDR,

	/* private: */
	__SCTPX_PEER_A_MAX,
};
#define SCTPX_PEER_A_MAX (__SCTPX_PEER_A_MAX - 1)

/**
 * enum sctpx_stats_attr - counters of the caller's network namespace, all
 *	u64, since the module was loaded (or the namespace created)
 * @SCTPX_STATS_A_UNSPEC: type 0, never sent
 * @SCTPX_STATS_A_PEELOFF_REQUESTS: PEELOFF requests that reached the
 *	socket (the request parsed and named a one-to-many SCTP socket of the
 *	caller's network namespace), even when the request then fails as a
 *	whole
 * @SCTPX_STATS_A_PEELED: associations peeled off and handed to a caller
 * @SCTPX_STATS_A_PEEL_ERRORS: PEELOFF entries that failed, in requests
 *	answered with a reply (an all-or-nothing request refused as a whole
 *	counts none)
 * @SCTPX_STATS_A_CONNECTX_REQUESTS: CONNECTX requests that passed
 *	validation and started their peers
 * @SCTPX_STATS_A_CONNECTX_STARTED: associations CONNECTX started: peers
 *	for which an association id was obtained
 * @SCTPX_STATS_A_CONNECTX_ERRORS: CONNECTX peers that failed
 * @SCTPX_STATS_A_REPLY_ERRORS: PEELOFF, CONNECTX or LOST_REPLY_GET
 *	replies that could not be delivered after
 *	the work was done (the new fds were installed all the same, and the
 *	reply kept for %SCTPX_CMD_LOST_REPLY_GET)
 * @SCTPX_STATS_A_RESERVED_8: family version 2's FLOOR_NS (time in the
 *	kernel work every peeled fd needs); never sent: the sctpx_peeloff
 *	tracepoint carries it
 * @SCTPX_STATS_A_RESERVED_9: family version 2's FLOOR_COUNT (peels timed
 *	in FLOOR_NS); never sent
 * @SCTPX_STATS_A_PAD: padding
 * @SCTPX_STATS_A_RESERVED_11: family version 2's PEELOFF_NS (time inside
 *	PEELOFF requests); never sent: the sctpx_peeloff tracepoint carries it
 * @SCTPX_STATS_A_LOST_REPLIES_DROPPED: undelivered replies that were not,
 *	or are no longer, kept for %SCTPX_CMD_LOST_REPLY_GET: the namespace's
 *	room for them (%SCTPX_LOST_REPLY_BYTES_MAX) was full, memory ran out,
 *	or a newer lost reply of the same netlink socket replaced it; their
 *	fds stay installed, unknown to the caller
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
	SCTPX_STATS_A_RESERVED_8,
	SCTPX_STATS_A_RESERVED_9,
	SCTPX_STATS_A_PAD,
	SCTPX_STATS_A_RESERVED_11,
	SCTPX_STATS_A_LOST_REPLIES_DROPPED,

	/* private: */
	__SCTPX_STATS_A_MAX,
};
#define SCTPX_STATS_A_MAX (__SCTPX_STATS_A_MAX - 1)

#endif /* _UAPI_LINUX_SCTPX_H */
