// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Address: parsing, sockaddr conversion, printing.
 */
#include <arpa/inet.h>
#include <cstring>
#include <gtest/gtest.h>

#include "sctpx/types.hpp"

namespace sctpx {
namespace {

TEST(Address, ParseV4AndV6)
{
	auto a = Address::parse("192.0.2.7", 80);
	ASSERT_TRUE(a.ok());
	EXPECT_EQ(a->family(), AF_INET);
	EXPECT_EQ(a->size(), 4U);
	EXPECT_EQ(a->to_string(), "192.0.2.7:80");
	auto b = Address::parse("fe80::1", 9, 2);
	ASSERT_TRUE(b.ok());
	EXPECT_EQ(b->family(), AF_INET6);
	EXPECT_EQ(b->to_string(), "[fe80::1%2]:9");
	auto bad = Address::parse("not-an-address");
	ASSERT_FALSE(bad.ok());
	EXPECT_EQ(bad.error().errnum(), EINVAL);
}

TEST(Address, SockaddrRoundTrip)
{
	for (const char *s : {"10.1.2.3", "2001:db8::5"}) {
		auto a = Address::parse(s, 4242);
		sockaddr_storage ss{};
		const socklen_t len = a->to_sockaddr(ss);
		auto b = Address::from_sockaddr(reinterpret_cast<sockaddr *>(&ss), len);
		ASSERT_TRUE(b.ok());
		EXPECT_EQ(*a, *b);
	}
	sockaddr sa{};
	sa.sa_family = AF_UNIX;
	EXPECT_EQ(Address::from_sockaddr(&sa, sizeof(sa)).error().errnum(), EAFNOSUPPORT);
}

TEST(Address, PortIsHostOrderInSockaddrNetworkOrder)
{
	auto a = Address::parse("127.0.0.1", 0x1234);
	sockaddr_storage ss{};
	a->to_sockaddr(ss);
	sockaddr_in sin{};
	std::memcpy(&sin, &ss, sizeof(sin));
	EXPECT_EQ(sin.sin_port, htons(0x1234));
}

} // namespace
} // namespace sctpx
