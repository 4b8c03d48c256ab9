// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Selections and address comparison for the fallback, written after the
 * module's own (kmod/assoc.c, kmod/addr.c) so both paths pick the same
 * associations.
 */
#include <algorithm>
#include <cerrno>
#include <cstring>

#include <netinet/in.h>
#include <netinet/sctp.h>

#include "fallback.hpp"

namespace sctpx::detail {

namespace {

/* The IPv4 address an IPv4-mapped IPv6 address stands for. */
bool unmap(const Address &a, std::array<std::uint8_t, 4> &v4)
{
	static constexpr std::array<std::uint8_t, 12> prefix{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
	if (a.family() == AF_INET) {
		std::memcpy(v4.data(), a.bytes(), 4);
		return true;
	}
	if (std::memcmp(a.bytes(), prefix.data(), prefix.size()) != 0)
		return false;
	std::memcpy(v4.data(), a.bytes() + prefix.size(), 4);
	return true;
}

} // namespace

bool link_local(const Address &a) noexcept
{
	return a.family() == AF_INET6 && a.bytes()[0] == 0xfe && (a.bytes()[1] & 0xc0) == 0x80;
}

bool addr_matches(const Address &have, const Address &want) noexcept
{
	if (want.port() != 0 && have.port() != want.port())
		return false;
	std::array<std::uint8_t, 4> h{};
	std::array<std::uint8_t, 4> w{};
	const bool hv4 = unmap(have, h);
	const bool wv4 = unmap(want, w);
	if (hv4 || wv4)
		return hv4 && wv4 && h == w;
	if (std::memcmp(have.bytes(), want.bytes(), 16) != 0)
		return false;
	/* Link-local: different only when both name a scope and they differ. */
	return !link_local(have) || have.scope_id() == 0 || want.scope_id() == 0 ||
	       have.scope_id() == want.scope_id();
}

bool selection_matches(const Selection &sel, const AssocInfo &a) noexcept
{
	if (sel.states != 0 && (a.state < 0 || a.state > 31 || (sel.states & state_bit(a.state)) == 0))
		return false;
	/* All of an association's transports share the peer's port. */
	if (sel.peer_port != 0 &&
	    (a.peer_addrs.empty() || a.peer_addrs.front().port() != sel.peer_port))
		return false;
	if (!sel.peer_addr)
		return true;
	return std::any_of(a.peer_addrs.begin(), a.peer_addrs.end(),
			   [&](const Address &p) { return addr_matches(p, *sel.peer_addr); });
}

std::uint32_t order_and_limit(std::vector<AssocInfo> &v, const Selection &sel)
{
	auto by_id = [](const AssocInfo &a, const AssocInfo &b) { return a.id < b.id; };
	std::sort(v.begin(), v.end(), by_id);
	if (sel.order == Order::Traffic) {
		auto traffic = [](const AssocInfo &a) { return a.counters.data_in + a.counters.data_out; };
		std::stable_sort(v.begin(), v.end(), [&](const AssocInfo &a, const AssocInfo &b) {
			return traffic(a) > traffic(b);
		});
	}
	if (sel.limit == 0 || v.size() <= sel.limit)
		return 0;
	const auto cut = static_cast<std::uint32_t>(v.size() - sel.limit);
	v.resize(sel.limit);
	return cut;
}

} // namespace sctpx::detail
