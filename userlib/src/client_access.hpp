// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The Client's internals the unit tests reach: making a Client over any
 * transport, and the choice of the path that serves an operation.
 */
#ifndef SCTPX_SRC_CLIENT_ACCESS_HPP
#define SCTPX_SRC_CLIENT_ACCESS_HPP

#include <cstdint>

#include "sctpx/client.hpp"
#include "sctpx/sctpx.h"
#include "transport.hpp"

namespace sctpx {

struct ClientAccess {
	static Result<Client> make(detail::TransportFactory factory, ClientOptions opts);
};

/* A C API handle around c (the unit tests drive the C API over a fake). */
sctpx_client *c_handle(Client c);

namespace detail {

/* What the last look at the kernel found. */
struct Probe {
	bool module = false; /* the family resolved and INFO_GET answered */
	int family = -1;
	std::uint64_t ops = 0;
	Limits limits;
};

/* SCTPX_OP_BIT() of the command behind op. */
std::uint64_t op_bit(Op op) noexcept;
/*
 * The module when its family resolved and its INFO_GET lists the
 * command; the socket calls otherwise or when the caller forces them.
 */
Path choose_path(const Probe &probe, Op op, bool forced) noexcept;

} // namespace detail

} // namespace sctpx

#endif
