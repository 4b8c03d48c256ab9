// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Which process is this? A client belongs to the process that opened it
 * (its netlink sockets are shared with a child, and a reply could reach
 * either), and every call checks that cheaply: a token compare instead of
 * a getpid(2) system call.
 */
#ifndef SCTPX_SRC_PROCESS_TOKEN_HPP
#define SCTPX_SRC_PROCESS_TOKEN_HPP

#include <cstdint>

namespace sctpx::detail {

/*
 * A non-zero value that differs from every token any ancestor of this
 * process had, and stays the same for the life of the process. A child
 * made by fork(2), _Fork(3) or clone(2) without CLONE_VM gets a new one,
 * with or without pthread_atfork(3) handlers; a child that shares its
 * parent's memory (vfork(2), CLONE_VM) keeps its parent's.
 */
std::uint64_t process_token() noexcept;

} // namespace sctpx::detail

#endif
