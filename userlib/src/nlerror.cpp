// SPDX-License-Identifier: LGPL-2.1-or-later
#include "nlerror.hpp"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <string>

#include <netlink/attr.h>
#include <netlink/errno.h>
#include <netlink/msg.h>

namespace sctpx::detail {

namespace {

/*
 * The TLVs after an ack's payload (NLM_F_ACK_TLVS). They start after the
 * echoed request, or right after its header when the kernel capped the
 * echo (NETLINK_CAP_ACK, which we set).
 */
std::string extack_message(const nlmsghdr *nlh, std::size_t payload_fixed)
{
	if ((nlh->nlmsg_flags & NLM_F_ACK_TLVS) == 0)
		return {};
	const auto *data = static_cast<const char *>(nlmsg_data(nlh));
	std::size_t off = payload_fixed;
	if (nlh->nlmsg_type == NLMSG_ERROR && (nlh->nlmsg_flags & NLM_F_CAPPED) == 0) {
		const auto *e = static_cast<const nlmsgerr *>(nlmsg_data(nlh));
		off += e->msg.nlmsg_len - NLMSG_HDRLEN;
	}
	const long len = static_cast<long>(nlh->nlmsg_len) - NLMSG_HDRLEN - static_cast<long>(off);
	if (len <= 0)
		return {};
	nlattr *tb[NLMSGERR_ATTR_MAX + 1] = {};
	/* libnl takes non-const attributes but only reads them here. */
	auto *head = const_cast<nlattr *>(reinterpret_cast<const nlattr *>(data + off));
	if (nla_parse(tb, NLMSGERR_ATTR_MAX, head, static_cast<int>(len), nullptr) != 0)
		return {};
	const nlattr *msg = tb[NLMSGERR_ATTR_MSG];
	if (msg == nullptr || nla_len(msg) <= 0)
		return {};
	const auto *s = static_cast<const char *>(nla_data(msg));
	return {s, strnlen(s, static_cast<std::size_t>(nla_len(msg)))};
}

} // namespace

Error error_from_nlmsgerr(const nlmsghdr *nlh)
{
	if (nlh->nlmsg_len < NLMSG_HDRLEN + sizeof(nlmsgerr))
		return {EPROTO, "truncated netlink error message"};
	const auto *e = static_cast<const nlmsgerr *>(nlmsg_data(nlh));
	return {std::abs(e->error), extack_message(nlh, sizeof(nlmsgerr))};
}

std::optional<Error> error_from_done(const nlmsghdr *nlh)
{
	if (nlh->nlmsg_len < NLMSG_HDRLEN + sizeof(int))
		return std::nullopt;
	int err = 0;
	std::memcpy(&err, nlmsg_data(nlh), sizeof(err));
	if (err >= 0)
		return std::nullopt;
	return Error{-err, extack_message(nlh, sizeof(int))};
}

int nle_to_errno(int nle) noexcept
{
	switch (std::abs(nle)) {
	case NLE_SUCCESS:
		return 0;
	case NLE_NOMEM:
		/* libnl maps a receive overrun (ENOBUFS) to NLE_NOMEM too. */
		return ENOBUFS;
	case NLE_INTR:
		return EINTR;
	case NLE_AGAIN:
		return EAGAIN;
	case NLE_BAD_SOCK:
		return EBADF;
	case NLE_INVAL:
		return EINVAL;
	case NLE_RANGE:
		return ERANGE;
	case NLE_MSGSIZE:
		return EMSGSIZE;
	case NLE_OPNOTSUPP:
		return EOPNOTSUPP;
	case NLE_AF_NOSUPPORT:
		return EAFNOSUPPORT;
	case NLE_OBJ_NOTFOUND:
		return ENOENT;
	case NLE_PERM:
		return EPERM;
	case NLE_BUSY:
		return EBUSY;
	case NLE_PROTO_MISMATCH:
		return EPROTONOSUPPORT;
	case NLE_NOACCESS:
		return EACCES;
	case NLE_SEQ_MISMATCH:
	case NLE_MSG_TRUNC:
	case NLE_MSG_OVERFLOW:
	case NLE_MSGTYPE_NOSUPPORT:
	case NLE_PARSE_ERR:
		return EPROTO;
	default:
		return EIO;
	}
}

} // namespace sctpx::detail
