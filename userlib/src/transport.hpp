// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The netlink transport behind the module path, as an interface.
 *
 * The module path builds requests with libnl (codec.hpp) and hands them to
 * a Transport, which sends them and returns the reply messages. The real
 * one (NlTransport, netlink.cpp) talks to the kernel; the unit tests put a
 * fake in its place, which is how everything above the socket (batching,
 * ordering, error mapping, the fallback decision) runs on a machine
 * without SCTP.
 */
#ifndef SCTPX_SRC_TRANSPORT_HPP
#define SCTPX_SRC_TRANSPORT_HPP

#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

#include <netlink/msg.h>

#include "sctpx/result.hpp"

namespace sctpx::detail {

struct NlMsgFree {
	void operator()(nl_msg *m) const noexcept { nlmsg_free(m); }
};
using NlMsg = std::unique_ptr<nl_msg, NlMsgFree>;

/* One received netlink message, copied out of libnl's receive buffer. */
class Message {
public:
	explicit Message(const nlmsghdr *nlh);
	[[nodiscard]] const nlmsghdr *hdr() const noexcept;

private:
	/* u32 words: netlink messages are 4-byte aligned (NLMSG_ALIGNTO). */
	std::vector<std::uint32_t> words_;
};

class Transport {
public:
	Transport() = default;
	Transport(const Transport &) = delete;
	Transport &operator=(const Transport &) = delete;
	Transport(Transport &&) = delete;
	Transport &operator=(Transport &&) = delete;
	virtual ~Transport() = default;

	/*
	 * The sctpx family id; ENOENT when it is not registered. With
	 * autoload false an unloaded module is not loaded on demand.
	 */
	virtual Result<int> resolve(bool autoload) = 0;
	/*
	 * Send req and return its replies: the one message of a do, every
	 * part of a dump. Only messages that answer req are accepted: its
	 * sequence number, the family's message type, req's command, from
	 * the kernel to this socket's port; anything else fails the
	 * exchange (EPROTO). A kernel error comes back as the Error, with
	 * the extended ack's message. reply_max: 0, or a bound the caller
	 * knows for the size of every reply message (a brief PEELOFF by
	 * ids); with it the transport can read each message in one system
	 * call instead of peeking at its size first. It must hold: a reply
	 * that does not fit is an error, and for a PEELOFF its descriptors
	 * would be lost.
	 *
	 * ENOBUFS: the socket overran; for a PEELOFF or CONNECTX this is how
	 * the module says it could not deliver the reply (recover_lost()).
	 * A dump the kernel marked NLM_F_DUMP_INTR is EAGAIN.
	 */
	virtual Result<std::vector<Message>> transact(NlMsg req, std::size_t reply_max) = 0;
	/*
	 * Right after transact() failed with ENOBUFS: send lost_req
	 * (LOST_REPLY_GET) on this socket and return the reply the module
	 * kept: the one with the failed request's sequence number and
	 * command cmd. ENOENT when the module kept none.
	 */
	virtual Result<std::vector<Message>> recover_lost(NlMsg lost_req, std::uint8_t cmd) = 0;
	/*
	 * False once an exchange did not complete (send or receive failed,
	 * a reply did not match, memory ran out, a thread was cancelled):
	 * the socket may still hold a reply, so it is closed, never reused.
	 * A kernel error reply completes the exchange.
	 */
	[[nodiscard]] virtual bool reusable() const noexcept = 0;
};

/* What a reply must match (Transport::transact()). */
struct Expect {
	std::uint32_t seq = 0;      /* the request's sequence number */
	std::uint32_t port = 0;     /* our socket's port id (nlmsg_pid of replies) */
	std::uint16_t family = 0;   /* message type of the family's messages */
	std::uint8_t cmd = 0;       /* the genl command of the reply */
	/* LOST_REPLY_GET: its own error replies carry this other sequence number. */
	std::uint32_t alt_seq = 0;
};
/* Does nlh (from the kernel) answer the request described by x? */
bool reply_matches(const nlmsghdr *nlh, const Expect &x) noexcept;

using TransportFactory = std::function<Result<std::unique_ptr<Transport>>()>;

/* The real transport: a libnl generic netlink socket. */
Result<std::unique_ptr<Transport>> make_netlink_transport();

} // namespace sctpx::detail

#endif
