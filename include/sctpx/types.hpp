// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The values sctpx calls take and return.
 */
#ifndef SCTPX_TYPES_HPP
#define SCTPX_TYPES_HPP

#include <array>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <netinet/in.h>
#include <sys/socket.h>

#include "sctpx/fd.hpp"
#include "sctpx/flags.hpp"
#include "sctpx/result.hpp"

/* The library exports what its public headers declare, nothing else. */
#pragma GCC visibility push(default)

namespace sctpx {

/* SCTP association id, as sctp_assoc_t (the wire carries it as u32). */
using AssocId = std::uint32_t;

/* Which way a call was served. */
enum class Path : std::uint8_t {
	Module,   /* the sctpx generic netlink family */
	Fallback, /* plain socket calls (lksctp-tools), one per association */
};

/* One transport address: IPv4 or IPv6, a port (host order), a scope id. */
class Address {
public:
	Address() = default;
	/* inet_pton() of ip; EINVAL if it is neither an IPv4 nor an IPv6 address. */
	static Result<Address> parse(std::string_view ip, std::uint16_t port = 0,
				     std::uint32_t scope_id = 0);
	/* From a sockaddr_in or sockaddr_in6; EAFNOSUPPORT otherwise. */
	static Result<Address> from_sockaddr(const sockaddr *sa, socklen_t len);
	static Address v4(const in_addr &a, std::uint16_t port);
	static Address v6(const in6_addr &a, std::uint16_t port, std::uint32_t scope_id);

	[[nodiscard]] int family() const noexcept { return family_; }
	[[nodiscard]] std::uint16_t port() const noexcept { return port_; }
	[[nodiscard]] std::uint32_t scope_id() const noexcept { return scope_id_; }
	/* 4 (IPv4) or 16 (IPv6) bytes, network order. */
	[[nodiscard]] const std::uint8_t *bytes() const noexcept { return bytes_.data(); }
	[[nodiscard]] std::size_t size() const noexcept { return family_ == AF_INET ? 4 : 16; }
	/* Fill a sockaddr_in/sockaddr_in6; returns its length. */
	socklen_t to_sockaddr(sockaddr_storage &ss) const noexcept;
	/* "192.0.2.1:80", "[2001:db8::1%2]:80" */
	[[nodiscard]] std::string to_string() const;

	friend bool operator==(const Address &a, const Address &b) noexcept;

private:
	int family_ = AF_UNSPEC;
	std::uint16_t port_ = 0;
	std::uint32_t scope_id_ = 0;
	std::array<std::uint8_t, 16> bytes_{};
};
/* Declared here as well: a friend declaration alone does not take the
 * default visibility above, and the library would not export it. */
bool operator==(const Address &a, const Address &b) noexcept;

/* An association's counters (SCTP_GET_ASSOC_STATS in the fallback). */
struct AssocCounters {
	std::uint64_t data_in = 0;  /* DATA chunks received, ordered + unordered */
	std::uint64_t data_out = 0; /* DATA chunks sent, ordered + unordered */
	std::uint64_t packets_in = 0;
	std::uint64_t packets_out = 0;
	std::uint64_t rtx_chunks = 0;
};

/* One association as the kernel describes it. */
struct AssocInfo {
	AssocId id = 0;
	int state = 0; /* enum sctp_sstat_state */
	std::vector<Address> peer_addrs; /* primary path first */
	std::uint16_t local_port = 0;
	std::uint16_t instreams = 0;
	std::uint16_t outstreams = 0;
	AssocCounters counters;
	/*
	 * Family version 2. The module lists at most 8 peer addresses
	 * (SCTPX_ENTRY_PEER_ADDRS_MAX); peer_addr_count is how many the peer
	 * has and peer_addrs_cut says the list was cut (read the rest with
	 * sctp_getpaddrs(3)). The fallback lists them all.
	 */
	std::uint32_t peer_addr_count = 0;
	bool peer_addrs_cut = false;
	/* Module only (0 on the fallback, which cannot read them): */
	std::uint32_t local_vtag = 0;       /* our verification tag ("tag" of ss) */
	std::uint32_t peer_vtag = 0;        /* the peer's ("ptag") */
	std::uint32_t outstanding = 0;      /* bytes sent, not yet acknowledged */
	std::uint32_t queued = 0;           /* bytes queued, not yet sent */
	std::uint32_t heard_ms = 0;         /* since the peer was last heard */
	std::uint32_t init_retries = 0;     /* INIT / COOKIE ECHO retransmissions */
	std::uint32_t max_init_retries = 0; /* after which setup fails (ETIMEDOUT) */
	/* Both paths (SCTP_STATUS's sstat_rwnd on the fallback): */
	std::uint32_t peer_rwnd = 0;
};

/* Bit of a state in Selection::states. */
constexpr std::uint32_t state_bit(int state) noexcept
{
	return 1U << static_cast<unsigned int>(state);
}

enum class Order : std::uint8_t {
	Id,      /* ascending association id */
	Traffic, /* most DATA chunks sent + received first ("busiest K") */
};

/*
 * Which associations a call is about. All criteria given must hold; the
 * default selects every association. order and limit apply to peeloff only.
 */
struct Selection {
	std::uint32_t states = 0; /* state_bit() mask; 0 = any state */
	std::optional<Address> peer_addr; /* port compared only if non-zero */
	std::uint16_t peer_port = 0;      /* 0 = any */
	Order order = Order::Id;
	std::uint32_t limit = 0; /* 0 = every match */

	static Selection all() { return {}; }
	static Selection established();
	static Selection by_peer(const Address &a);
	static Selection by_peer_port(std::uint16_t port);
	static Selection busiest(std::uint32_t k);
};

enum class Mode : std::uint8_t {
	BestEffort,   /* peel what can be peeled, report the rest per entry */
	AllOrNothing, /* any invalid entry fails the whole call */
};

struct PeelOptions {
	PeelFlags flags;
	Mode mode = Mode::BestEffort;
	/*
	 * Report only info.id with each fd, not the association's details:
	 * the cheapest call, for callers that know what they peeled.
	 */
	bool brief = false;
};

/* One association of a peeloff: its new descriptor or why it failed. */
struct Peeled {
	AssocInfo info;  /* only info.id is set when fd holds an error */
	Result<Fd> fd{Error{}};
};

struct PeelResult {
	/*
	 * ids: the caller's order (then, should the module ever answer with
	 * an entry no id asked for, that entry, so its fd is not lost);
	 * selection: its order.
	 */
	std::vector<Peeled> entries;
	std::uint32_t remaining = 0; /* selection: matches left by the limit */
	/*
	 * A call split into several requests whose later request failed:
	 * why. entries hold what the earlier requests moved (and, for ids,
	 * this error for every id not tried).
	 */
	std::optional<Error> incomplete;
	Path path = Path::Module;
};

struct AssocList {
	std::vector<AssocInfo> assocs; /* ascending id */
	Path path = Path::Module;
};

/* A peer to associate with: its addresses in the order to try, one port. */
struct Peer {
	std::vector<Address> addrs;
};

struct ConnectOptions {
	/*
	 * Non-blocking socket: wait up to this long (and no longer than the
	 * socket's SO_SNDTIMEO, when set) for every association to be
	 * established or to fail, all in parallel, in user space; 0: do not
	 * wait. Any value is accepted (milliseconds::max() waits for ever).
	 * Blocking socket: one peer only, waited for as sctp_connectx(3)
	 * does (up to SO_SNDTIMEO, by the kernel); wait does not apply.
	 */
	std::chrono::milliseconds wait{0};
};

enum class WaitEnd : std::uint8_t {
	Settled, /* every association established or failed */
	Timeout, /* the wait (or the socket's SO_SNDTIMEO) ran out */
	Signal,  /* a signal cut it short (EINTR) */
};

struct Connected {
	AssocId id = 0;
	int state = 0;
};

/*
 * One peer's outcome. result holds the association when it was started
 * (no wait) or established (with a wait); otherwise the error:
 *   EINPROGRESS  still being set up when the wait or SO_SNDTIMEO ran out
 *   EINTR        still being set up when a signal ended the wait
 *   ETIMEDOUT, ECONNREFUSED, ECONNRESET, ...  it failed
 * id and state are the association's whenever it was started, also when
 * result holds an error (0 when it never was, or is not known).
 */
struct PeerOutcome {
	std::uint32_t peer_index = 0; /* position in the caller's list */
	Result<Connected> result{Error{}};
	AssocId id = 0;
	int state = 0; /* last state seen */
};

struct ConnectResult {
	std::vector<PeerOutcome> peers; /* the caller's order */
	/* Set when the call waited (a wait asked for, or a blocking socket). */
	std::optional<WaitEnd> wait_end;
	Path path = Path::Module;
};

/*
 * The module's counters (enum sctpx_stats_attr) of the caller's network
 * namespace, since the module loaded (or the namespace was created).
 */
struct ModuleCounters {
	std::uint64_t peeloff_requests = 0;
	std::uint64_t peeled = 0;
	std::uint64_t peel_errors = 0;
	std::uint64_t connectx_requests = 0;
	std::uint64_t connectx_started = 0;
	std::uint64_t connectx_errors = 0;
	std::uint64_t reply_errors = 0;
	/* Undelivered replies the module could not keep (their fds are lost). */
	std::uint64_t lost_replies_dropped = 0;
};

struct Limits {
	std::uint32_t max_batch = 0;
	std::uint32_t max_peers = 0;
	std::uint32_t max_peer_addrs = 0;
};

/* The library's operations; what the module offers is per operation. */
enum class Op : std::uint8_t { Info, List, Peeloff, Connectx };

struct Info {
	bool module_loaded = false; /* the sctpx family resolved */
	bool forced_fallback = false;
	std::uint32_t family_version = 0;
	/*
	 * The module speaks a family version this library can use (2 or
	 * later). A version 1 module is reported here but never used: every
	 * call takes the fallback.
	 */
	bool module_usable = false;
	std::string module_version;
	std::uint64_t ops = 0; /* SCTPX_OP_BIT() mask from the module */
	std::uint64_t features = 0; /* SCTPX_FEATURE_* bits (version 2) */
	Limits limits;
	ModuleCounters counters;
	/* Which path each operation takes with this client. */
	Path list_path = Path::Fallback;
	Path peeloff_path = Path::Fallback;
	Path connectx_path = Path::Fallback;
	Path path = Path::Fallback; /* how this Info was obtained */
};

} // namespace sctpx

#pragma GCC visibility pop

#endif
