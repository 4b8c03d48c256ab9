// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The small value types: Fd, PeelFlags, Error, Selection presets, names.
 */
#include <cerrno>
#include <cstring>
#include <string>

#include <netinet/in.h>
#include <netinet/sctp.h>
#include <sys/socket.h>
#include <unistd.h>

#include "sctpx/client.hpp"

namespace sctpx {

void Fd::reset(int fd) noexcept
{
	const int old = std::exchange(fd_, fd);
	/*
	 * close() is not retried on EINTR: on Linux the descriptor is
	 * released whatever close() returns.
	 */
	if (old >= 0)
		::close(old);
}

unsigned int PeelFlags::to_sock_flags() const noexcept
{
	unsigned int f = 0;
	if (has(PeelFlag::NonBlock))
		f |= SOCK_NONBLOCK;
	if (has(PeelFlag::CloseOnExec))
		f |= SOCK_CLOEXEC;
	return f;
}

Result<PeelFlags> PeelFlags::from_sock_flags(unsigned int flags)
{
	constexpr unsigned int known = SOCK_NONBLOCK | SOCK_CLOEXEC;
	if ((flags & ~known) != 0)
		return Error{EINVAL, "unsupported flags: only SOCK_NONBLOCK and SOCK_CLOEXEC"};
	PeelFlags f;
	if ((flags & SOCK_NONBLOCK) != 0)
		f |= PeelFlag::NonBlock;
	if ((flags & SOCK_CLOEXEC) != 0)
		f |= PeelFlag::CloseOnExec;
	return f;
}

std::string Error::message() const
{
	std::string s = code.message();
	if (!extack.empty())
		s += ": " + extack;
	return s;
}

Selection Selection::established()
{
	Selection s;
	s.states = state_bit(SCTP_ESTABLISHED);
	return s;
}

Selection Selection::by_peer(const Address &a)
{
	Selection s;
	s.peer_addr = a;
	return s;
}

Selection Selection::by_peer_port(std::uint16_t port)
{
	Selection s;
	s.peer_port = port;
	return s;
}

Selection Selection::busiest(std::uint32_t k)
{
	Selection s;
	s.order = Order::Traffic;
	s.limit = k;
	return s;
}

std::string_view state_name(int state) noexcept
{
	switch (state) {
	case SCTP_EMPTY: return "EMPTY";
	case SCTP_CLOSED: return "CLOSED";
	case SCTP_COOKIE_WAIT: return "COOKIE_WAIT";
	case SCTP_COOKIE_ECHOED: return "COOKIE_ECHOED";
	case SCTP_ESTABLISHED: return "ESTABLISHED";
	case SCTP_SHUTDOWN_PENDING: return "SHUTDOWN_PENDING";
	case SCTP_SHUTDOWN_SENT: return "SHUTDOWN_SENT";
	case SCTP_SHUTDOWN_RECEIVED: return "SHUTDOWN_RECEIVED";
	case SCTP_SHUTDOWN_ACK_SENT: return "SHUTDOWN_ACK_SENT";
	default: return "UNKNOWN";
	}
}

std::string_view path_name(Path p) noexcept
{
	return p == Path::Module ? "module" : "fallback";
}

} // namespace sctpx
