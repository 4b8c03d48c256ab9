// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Requests to the sctpx family and their replies, in and out of netlink
 * messages. libnl does the encoding and the attribute walking; this file
 * only knows the layout of include/uapi/linux/sctpx.h.
 */
#ifndef SCTPX_SRC_CODEC_HPP
#define SCTPX_SRC_CODEC_HPP

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "sctpx/types.hpp"
#include "transport.hpp"

namespace sctpx::detail {

Result<NlMsg> encode_info(int family);
Result<NlMsg> encode_list(int family, int sock, const Selection &filter);
Result<NlMsg> encode_peeloff(int family, int sock, std::span<const AssocId> ids,
			     unsigned int sock_flags, bool atomic, bool brief);
Result<NlMsg> encode_peeloff(int family, int sock, const Selection &sel,
			     unsigned int sock_flags, bool atomic, bool brief);
/*
 * The largest reply a brief PEELOFF of n ids can get: a header and one
 * entry of id and fd (or id and error) each, 20 bytes.
 */
std::size_t brief_peeloff_reply_max(std::size_t n);
Result<NlMsg> encode_connectx(int family, int sock, std::span<const Peer> peers,
			      std::uint32_t wait_ms);

struct InfoReply {
	std::uint32_t family_version = 0;
	std::string module_version;
	std::uint64_t ops = 0;
	Limits limits;
	ModuleCounters counters;
};
Result<InfoReply> decode_info(const nlmsghdr *nlh);

/* One SCTPX_A_ASSOC entry. The descriptor is owned from the moment it is read. */
struct Entry {
	AssocInfo info;
	Fd fd;
	int error = 0;
	std::optional<std::uint32_t> peer_index;
};

struct Reply {
	std::vector<Entry> entries;
	std::optional<std::uint32_t> remaining;
	std::optional<std::uint32_t> wait_end;
};

/*
 * Append the entries (and REMAINING / WAIT_END) of one reply message to
 * out. Every SCTPX_ASSOC_A_FD is taken into an Fd even when the message
 * is malformed, so no descriptor the kernel installed can leak.
 */
Result<void> decode_entries(const nlmsghdr *nlh, Reply &out);

} // namespace sctpx::detail

#endif
