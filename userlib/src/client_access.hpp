// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Making a Client over any transport: the unit tests' way in.
 */
#ifndef SCTPX_SRC_CLIENT_ACCESS_HPP
#define SCTPX_SRC_CLIENT_ACCESS_HPP

#include "sctpx/client.hpp"
#include "sctpx/sctpx.h"
#include "transport.hpp"

namespace sctpx {

struct ClientAccess {
	static Result<Client> make(detail::TransportFactory factory, ClientOptions opts);
};

/* A C API handle around c (the unit tests drive the C API over a fake). */
sctpx_client *c_handle(Client c);

} // namespace sctpx

#endif
