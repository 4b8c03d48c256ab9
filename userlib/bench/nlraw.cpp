// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * See nlraw.hpp.
 */
#include "nlraw.hpp"

#include "clock.hpp"

#include <cerrno>
#include <cstring>

#include <linux/sctpx.h>
#include <netlink/attr.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <netlink/msg.h>
#include <netlink/socket.h>
#include <linux/netlink.h>
#include <sys/socket.h>
#include <arpa/inet.h>

namespace sctpx::bench {

namespace {
nl_sock *g_sk; /* one for the whole run; resolves the family once */
}

RawNl::RawNl() : buf_(8U << 20)
{
	if (!g_sk) {
		g_sk = nl_socket_alloc();
		if (!g_sk || genl_connect(g_sk) != 0) {
			err_ = "genl_connect";
			return;
		}
	}
	family_ = genl_ctrl_resolve(g_sk, SCTPX_FAMILY_NAME);
	if (family_ < 0) {
		err_ = "sctpx family not found";
		return;
	}
	fd_ = nl_socket_get_fd(g_sk);
	const int one = 1;
	(void)setsockopt(fd_, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	(void)setsockopt(fd_, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one));
}

RawNl::~RawNl() = default;

static void parse_addr(nlattr *nest, RawEntry &e)
{
	nlattr *a = nullptr;
	int rem = 0;
	std::uint16_t port = 0;
	std::uint32_t in4 = 0;
	nla_for_each_nested(a, nest, rem) {
		switch (nla_type(a)) {
		case SCTPX_ADDR_A_IN4:
			std::memcpy(&in4, nla_data(a), 4);
			break;
		case SCTPX_ADDR_A_PORT:
			port = nla_get_u16(a);
			break;
		default:
			break;
		}
	}
	e.peer_ports.push_back(port);
	e.peer_in4.push_back(in4);
}

static void parse_assoc(nlattr *nest, bool full, RawEntry &e)
{
	nlattr *a = nullptr;
	int rem = 0;
	nla_for_each_nested(a, nest, rem) {
		switch (nla_type(a)) {
		case SCTPX_ASSOC_A_ID:
			e.id = nla_get_u32(a);
			break;
		case SCTPX_ASSOC_A_FD:
			e.fd = static_cast<int>(nla_get_u32(a));
			break;
		case SCTPX_ASSOC_A_ERROR:
			e.error = static_cast<int>(nla_get_u32(a));
			break;
		case SCTPX_ASSOC_A_STATE:
			e.state = nla_get_u32(a);
			break;
		case SCTPX_ASSOC_A_PEER_INDEX:
			e.peer_index = nla_get_u32(a);
			break;
		case SCTPX_ASSOC_A_PEER_ADDR:
			if (full)
				parse_addr(a, e);
			break;
		case SCTPX_ASSOC_A_INSTREAMS:
			if (full)
				e.instreams = nla_get_u16(a);
			break;
		case SCTPX_ASSOC_A_OUTSTREAMS:
			if (full)
				e.outstreams = nla_get_u16(a);
			break;
		default:
			break;
		}
	}
}

std::uint64_t RawNl::take_syscall_ns()
{
	const std::uint64_t ns = syscall_ns_;
	syscall_ns_ = 0;
	return ns;
}

int RawNl::transact(void *m, bool full, std::vector<RawEntry> *out, std::uint64_t *stats)
{
	auto *msg = static_cast<nl_msg *>(m);
	nlmsghdr *req = nlmsg_hdr(msg);
	const std::uint32_t seq = req->nlmsg_seq;
	std::uint64_t t0 = now_ns();
	const ssize_t sent = send(fd_, req, req->nlmsg_len, 0);
	syscall_ns_ += now_ns() - t0;
	nlmsg_free(msg);
	if (sent < 0)
		return -errno;
	for (;;) {
		t0 = now_ns();
		const ssize_t n = recv(fd_, buf_.data(), buf_.size(), MSG_TRUNC);
		syscall_ns_ += now_ns() - t0;
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (static_cast<std::size_t>(n) > buf_.size())
			return -EMSGSIZE;
		auto *nlh = reinterpret_cast<nlmsghdr *>(buf_.data());
		int len = static_cast<int>(n);
		for (; nlmsg_ok(nlh, len) != 0; nlh = nlmsg_next(nlh, &len)) {
			if (nlh->nlmsg_seq != seq)
				continue;
			if (nlh->nlmsg_type == NLMSG_ERROR) {
				auto *e = static_cast<nlmsgerr *>(nlmsg_data(nlh));
				return e->error;
			}
			auto *g = static_cast<genlmsghdr *>(nlmsg_data(nlh));
			nlattr *a = nullptr;
			int rem = 0;
			nla_for_each_attr(a, genlmsg_attrdata(g, 0), genlmsg_attrlen(g, 0), rem) {
				switch (nla_type(a)) {
				case SCTPX_A_ASSOC:
					if (out) {
						out->emplace_back();
						parse_assoc(a, full, out->back());
					}
					break;
				case SCTPX_A_STATS:
					if (stats) {
						nlattr *s = nullptr;
						int r2 = 0;
						nla_for_each_nested(s, a, r2)
							if (nla_type(s) <= SCTPX_STATS_A_MAX && nla_len(s) == 8)
								stats[nla_type(s)] = nla_get_u64(s);
					}
					break;
				default:
					break;
				}
			}
			return 0;
		}
	}
}

static nl_msg *new_msg(int family, std::uint32_t seq, std::uint8_t cmd, std::size_t size)
{
	nl_msg *msg = nlmsg_alloc_size(size);
	if (!msg)
		return nullptr;
	if (!genlmsg_put(msg, 0, seq, family, 0, NLM_F_REQUEST, cmd, SCTPX_FAMILY_VERSION)) {
		nlmsg_free(msg);
		return nullptr;
	}
	return msg;
}

int RawNl::peeloff(int sock, std::span<const std::uint32_t> ids, std::uint32_t sel_in4,
		   std::uint32_t flags, bool full, std::vector<RawEntry> &out)
{
	nl_msg *msg = new_msg(family_, seq_++, SCTPX_CMD_PEELOFF, ids.size() * 8 + 512);
	if (!msg)
		return -ENOMEM;
	int bad = nla_put_s32(msg, SCTPX_A_SOCK_FD, sock) | nla_put_u32(msg, SCTPX_A_FLAGS, flags);
	if (!full)
		bad |= nla_put_flag(msg, SCTPX_A_BRIEF);
	if (sel_in4 != 0) {
		nlattr *sel = nla_nest_start(msg, SCTPX_A_SELECT | NLA_F_NESTED);
		nlattr *addr = nla_nest_start(msg, SCTPX_SELECT_A_PEER_ADDR | NLA_F_NESTED);
		bad |= nla_put(msg, SCTPX_ADDR_A_IN4, 4, &sel_in4);
		nla_nest_end(msg, addr);
		nla_nest_end(msg, sel);
	} else {
		for (const std::uint32_t id : ids)
			bad |= nla_put_u32(msg, SCTPX_A_ASSOC_ID, id);
	}
	if (bad != 0) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	out.clear();
	out.reserve(ids.empty() ? 64 : ids.size());
	return transact(msg, full, &out, nullptr);
}

int RawNl::connectx(int sock, std::span<const std::uint16_t> ports, std::vector<RawEntry> &out)
{
	nl_msg *msg = new_msg(family_, seq_++, SCTPX_CMD_CONNECTX, ports.size() * 40 + 512);
	if (!msg)
		return -ENOMEM;
	std::uint32_t lo = htonl(INADDR_LOOPBACK);
	int bad = nla_put_s32(msg, SCTPX_A_SOCK_FD, sock);
	for (const std::uint16_t port : ports) {
		nlattr *peer = nla_nest_start(msg, SCTPX_A_PEER | NLA_F_NESTED);
		nlattr *addr = nla_nest_start(msg, SCTPX_PEER_A_ADDR | NLA_F_NESTED);
		bad |= nla_put(msg, SCTPX_ADDR_A_IN4, 4, &lo);
		bad |= nla_put_u16(msg, SCTPX_ADDR_A_PORT, port);
		nla_nest_end(msg, addr);
		nla_nest_end(msg, peer);
	}
	if (bad != 0) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	out.clear();
	out.reserve(ports.size());
	return transact(msg, false, &out, nullptr);
}

int RawNl::info()
{
	nl_msg *msg = new_msg(family_, seq_++, SCTPX_CMD_INFO_GET, 256);
	if (!msg)
		return -ENOMEM;
	std::uint64_t stats[SCTPX_STATS_A_MAX + 1] = {};
	return transact(msg, false, nullptr, stats);
}

} // namespace sctpx::bench
