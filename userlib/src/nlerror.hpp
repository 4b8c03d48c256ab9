// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Netlink errors to sctpx::Error: the errno of an NLMSG_ERROR or of a
 * failed dump's NLMSG_DONE, its extended-ack message, and libnl's own
 * error codes.
 */
#ifndef SCTPX_SRC_NLERROR_HPP
#define SCTPX_SRC_NLERROR_HPP

#include <optional>

#include <linux/netlink.h>

#include "sctpx/result.hpp"

namespace sctpx::detail {

/* An NLMSG_ERROR message (error != 0) to an Error, with its extack. */
Error error_from_nlmsgerr(const nlmsghdr *nlh);
/* A dump's NLMSG_DONE: the error it carries, if any. */
std::optional<Error> error_from_done(const nlmsghdr *nlh);
/* libnl's -NLE_* codes (as nl_recvmsgs() returns them) to an errno. */
int nle_to_errno(int nle) noexcept;

} // namespace sctpx::detail

#endif
