// SPDX-License-Identifier: LGPL-2.1-or-later
#include <arpa/inet.h>
#include <cerrno>
#include <cstring>
#include <string>

#include "sctpx/types.hpp"

namespace sctpx {

Address Address::v4(const in_addr &a, std::uint16_t port)
{
	Address r;
	r.family_ = AF_INET;
	r.port_ = port;
	std::memcpy(r.bytes_.data(), &a, sizeof(a));
	return r;
}

Address Address::v6(const in6_addr &a, std::uint16_t port, std::uint32_t scope_id)
{
	Address r;
	r.family_ = AF_INET6;
	r.port_ = port;
	r.scope_id_ = scope_id;
	std::memcpy(r.bytes_.data(), &a, sizeof(a));
	return r;
}

Result<Address> Address::parse(std::string_view ip, std::uint16_t port, std::uint32_t scope_id)
{
	const std::string s(ip);
	in_addr a4{};
	in6_addr a6{};
	if (scope_id == 0 && inet_pton(AF_INET, s.c_str(), &a4) == 1)
		return v4(a4, port);
	if (inet_pton(AF_INET6, s.c_str(), &a6) == 1)
		return v6(a6, port, scope_id);
	return Error{EINVAL, "not an IPv4 or IPv6 address: " + s};
}

Result<Address> Address::from_sockaddr(const sockaddr *sa, socklen_t len)
{
	if (sa != nullptr && sa->sa_family == AF_INET && len >= sizeof(sockaddr_in)) {
		sockaddr_in sin{};
		std::memcpy(&sin, sa, sizeof(sin));
		return v4(sin.sin_addr, ntohs(sin.sin_port));
	}
	if (sa != nullptr && sa->sa_family == AF_INET6 && len >= sizeof(sockaddr_in6)) {
		sockaddr_in6 sin6{};
		std::memcpy(&sin6, sa, sizeof(sin6));
		return v6(sin6.sin6_addr, ntohs(sin6.sin6_port), sin6.sin6_scope_id);
	}
	return Error{EAFNOSUPPORT, "not an IPv4 or IPv6 socket address"};
}

socklen_t Address::to_sockaddr(sockaddr_storage &ss) const noexcept
{
	ss = {};
	if (family_ == AF_INET) {
		sockaddr_in sin{};
		sin.sin_family = AF_INET;
		sin.sin_port = htons(port_);
		std::memcpy(&sin.sin_addr, bytes_.data(), sizeof(sin.sin_addr));
		std::memcpy(&ss, &sin, sizeof(sin));
		return sizeof(sin);
	}
	sockaddr_in6 sin6{};
	sin6.sin6_family = AF_INET6;
	sin6.sin6_port = htons(port_);
	sin6.sin6_scope_id = scope_id_;
	std::memcpy(&sin6.sin6_addr, bytes_.data(), sizeof(sin6.sin6_addr));
	std::memcpy(&ss, &sin6, sizeof(sin6));
	return sizeof(sin6);
}

std::string Address::to_string() const
{
	std::array<char, INET6_ADDRSTRLEN> buf{};
	if (family_ == AF_UNSPEC)
		return "-";
	inet_ntop(family_, bytes_.data(), buf.data(), buf.size());
	std::string host(buf.data());
	if (family_ == AF_INET6) {
		if (scope_id_ != 0)
			host += "%" + std::to_string(scope_id_);
		host = "[" + host + "]";
	}
	return host + ":" + std::to_string(port_);
}

bool operator==(const Address &a, const Address &b) noexcept
{
	return a.family_ == b.family_ && a.port_ == b.port_ && a.scope_id_ == b.scope_id_ &&
	       std::memcmp(a.bytes_.data(), b.bytes_.data(), a.size()) == 0;
}

} // namespace sctpx
