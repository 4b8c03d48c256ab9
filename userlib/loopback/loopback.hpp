// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * SCTP associations on loopback, built one way for every program that
 * needs some: the guest tests (tests/vm/env.cpp; cli_holder.cpp, its
 * multihomed client), the CLI's demo (tools/demo.cpp) and the benchmark. Linked into those programs as the
 * static library sctpx_loopback; it is not part of libsctpx and not
 * installed.
 *
 * The rules:
 *  - Addresses: IPv4. The server is one one-to-many socket
 *    (SOCK_SEQPACKET) bound to 127.0.0.1 on a port the kernel picks,
 *    listening with a backlog of 4096, its receive buffer raised to
 *    64 MiB (SO_RCVBUFFORCE: root only, best effort) so that thousands
 *    of queued greetings fit.
 *  - Clients: one one-to-one socket (SOCK_STREAM) per association, bound
 *    to Options::ip (127.0.0.1 unless told; any 127/8 address works on
 *    lo) on a port the kernel picks. Bound, not left to connect()'s
 *    implicit bind, so the server's association has exactly that one peer
 *    address, and address and port tell the clients apart.
 *  - COMM_UP: connect() on a blocking one-to-one socket returns once the
 *    handshake is complete (the client got the COOKIE ACK); the server's
 *    side was established before it sent it. So when the call returns,
 *    every association is up on both sides: no further wait.
 *  - Ids: read on the server with the kernel's own socket options
 *    (SCTP_GET_ASSOC_ID_LIST, then SCTP_STATUS's primary peer address),
 *    never through libsctpx, so the code under test does not build its
 *    own fixture. Associations already on the server are left alone.
 *  - Bounds: none of its own. The soft RLIMIT_NOFILE is raised to
 *    3 n + 64 (two descriptors per association and one more once peeled
 *    off) as far as the hard limit allows; the ephemeral ports
 *    (net.ipv4.ip_local_port_range) bound the clients of one address. A
 *    client that cannot be made fails the call, naming its index; the
 *    descriptors made so far are closed then.
 *  - A multihomed client is bound to 127.1.0.1, 127.1.0.2, ... (lo
 *    answers for all of 127/8 unconfigured), all on the port the kernel
 *    picks for the first, so its association has that many peer
 *    addresses.
 *  - Every descriptor is an Fd: closed (not aborted) with the result.
 */
#ifndef SCTPX_LOOPBACK_HPP
#define SCTPX_LOOPBACK_HPP

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "sctpx/fd.hpp"
#include "sctpx/result.hpp"
#include "sctpx/types.hpp"

namespace sctpx::loopback {

struct Server {
	Fd fd;
	std::uint16_t port = 0;
};
Result<Server> make_server();

struct Options {
	const char *ip = "127.0.0.1"; /* every client's own address */
	/* The message client i (bound to port) sends at once; none if empty. */
	std::function<std::string(std::size_t i, std::uint16_t port)> greeting;
	/* Called after each client is connected, with how many are. */
	std::function<void(std::size_t done)> progress;
};

/* Entry i of each vector is client i. */
struct Clients {
	std::vector<Fd> fds;
	std::vector<std::uint16_t> ports; /* its own port */
	std::vector<AssocId> ids;         /* its association on the server */
};
/* n clients of the server listening on 127.0.0.1:port (its socket: server). */
Result<Clients> connect_clients(int server, std::uint16_t port, std::size_t n,
				const Options &o = {});

/* A server and n clients of it. */
struct Assocs {
	Fd server;
	std::uint16_t port = 0;
	std::vector<Fd> clients;
	std::vector<AssocId> ids; /* ids[i]: clients[i]'s association on server */
	std::vector<std::uint16_t> client_ports;
};
Result<Assocs> make_assocs(std::size_t n, const Options &o = {});

/* One client bound to naddrs (>= 1) addresses, connected to 127.0.0.1:port. */
Result<Fd> multihomed_client(std::uint16_t port, std::uint32_t naddrs);

} // namespace sctpx::loopback

#endif
