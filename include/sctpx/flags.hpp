// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * sctpx::PeelFlags: the options of sctp_peeloff_flags(3) as a type-safe set.
 *
 *   auto f = sctpx::PeelFlag::NonBlock | sctpx::PeelFlag::CloseOnExec;
 *
 * Only the two options the kernel knows can be expressed; to_sock_flags()
 * gives SOCK_NONBLOCK / SOCK_CLOEXEC for the wire and the system call.
 */
#ifndef SCTPX_FLAGS_HPP
#define SCTPX_FLAGS_HPP

#include <cstdint>

#include "sctpx/result.hpp"

/* The library exports what its public headers declare, nothing else. */
#pragma GCC visibility push(default)

namespace sctpx {

enum class PeelFlag : std::uint8_t {
	NonBlock = 1U << 0,
	CloseOnExec = 1U << 1,
};

class PeelFlags {
public:
	constexpr PeelFlags() noexcept = default;
	constexpr PeelFlags(PeelFlag f) noexcept : bits_(static_cast<std::uint8_t>(f)) {}

	[[nodiscard]] constexpr bool has(PeelFlag f) const noexcept
	{
		return (bits_ & static_cast<std::uint8_t>(f)) != 0;
	}
	[[nodiscard]] constexpr bool empty() const noexcept { return bits_ == 0; }
	constexpr PeelFlags &operator|=(PeelFlags o) noexcept
	{
		bits_ |= o.bits_;
		return *this;
	}
	friend constexpr PeelFlags operator|(PeelFlags a, PeelFlags b) noexcept
	{
		return a |= b;
	}
	friend constexpr bool operator==(PeelFlags a, PeelFlags b) noexcept
	{
		return a.bits_ == b.bits_;
	}

	/* SOCK_NONBLOCK | SOCK_CLOEXEC, as sctp_peeloff_flags(3) takes them. */
	[[nodiscard]] unsigned int to_sock_flags() const noexcept;
	/* The reverse; any other bit is EINVAL, as in the module. */
	static Result<PeelFlags> from_sock_flags(unsigned int flags);

private:
	std::uint8_t bits_ = 0;
};

constexpr PeelFlags operator|(PeelFlag a, PeelFlag b) noexcept
{
	return PeelFlags(a) | PeelFlags(b);
}

} // namespace sctpx

#pragma GCC visibility pop

#endif
