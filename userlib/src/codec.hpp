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
/*
 * CONNECTX of these peers (family version 2: it never waits). Every peer
 * must fit one attribute: check peer_attr_size() first.
 */
Result<NlMsg> encode_connectx(int family, int sock, std::span<const Peer> peers);
/* Bytes one SCTPX_A_PEER nest of p takes (attribute header included). */
std::size_t peer_attr_size(const Peer &p) noexcept;
/* The most a netlink attribute can hold, header included (16-bit length). */
constexpr std::size_t kMaxAttrSize = 65535;
/*
 * Bytes of peer attributes one CONNECTX request carries at most: well
 * inside a netlink socket's send buffer (libsctpx asks for 1 MiB, the
 * kernel grants at least 2 * net.core.wmem_max).
 */
constexpr std::size_t kMaxConnectxBytes = std::size_t{128} * 1024;
/* ASSOC_GET (dump) of the associations with these ids only. */
Result<NlMsg> encode_list_ids(int family, int sock, std::span<const AssocId> ids);
/* LOST_REPLY_GET: the reply of the last request the module could not deliver. */
Result<NlMsg> encode_lost_reply_get(int family);

struct InfoReply {
	std::uint32_t family_version = 0;
	std::string module_version;
	std::uint64_t ops = 0;
	std::uint64_t features = 0;
	Limits limits;
	ModuleCounters counters;
};
Result<InfoReply> decode_info(const nlmsghdr *nlh);

/*
 * One SCTPX_A_ASSOC entry. Its descriptor stays a plain number until it
 * is handed to the caller (an Fd in a Peeled): an entry dropped on the
 * way (a failure, an exception) leaves it open, its association alive,
 * never closes it.
 */
struct Entry {
	AssocInfo info;
	int fd = -1;
	int error = 0;
	std::optional<std::uint32_t> peer_index;
};

struct Reply {
	std::vector<Entry> entries;
	std::optional<std::uint32_t> remaining;
	/* A message was cut short or had bytes no attribute covers. */
	bool malformed = false;
};

/*
 * Append the entries (and REMAINING) of one reply message to out. The
 * room for every entry and address is reserved before the first entry is
 * read; after that, nothing allocates. Every SCTPX_ASSOC_A_FD is read,
 * also in a malformed message (out.malformed is then set, and the error
 * returned), so no descriptor the kernel installed goes unreported.
 */
Result<void> decode_entries(const nlmsghdr *nlh, Reply &out);


} // namespace sctpx::detail

#endif
