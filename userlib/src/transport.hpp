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
	 * part of a dump. A kernel error comes back as the Error, with the
	 * extended ack's message. reply_max: 0, or a bound the caller knows
	 * for the size of every reply message (a brief PEELOFF by ids); with
	 * it the transport can read each message in one system call instead
	 * of peeking at its size first. It must hold: a reply that does not
	 * fit is an error, and for a PEELOFF its descriptors would be lost.
	 */
	virtual Result<std::vector<Message>> transact(NlMsg req, std::size_t reply_max) = 0;
};

using TransportFactory = std::function<Result<std::unique_ptr<Transport>>()>;

/* The real transport: a libnl generic netlink socket. */
Result<std::unique_ptr<Transport>> make_netlink_transport();

} // namespace sctpx::detail

#endif
