// SPDX-License-Identifier: LGPL-2.1-or-later
#include "fake_transport.hpp"

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <thread>

#include <dirent.h>

#include <linux/sctpx.h>

namespace sctpx::test {

std::uint8_t Request::cmd() const
{
	const auto *gh = static_cast<const genlmsghdr *>(nlmsg_data(msg.hdr()));
	return gh->cmd;
}

std::vector<const nlattr *> Request::all(int type) const
{
	const auto *gh = static_cast<const genlmsghdr *>(nlmsg_data(msg.hdr()));
	std::vector<const nlattr *> out;
	const nlattr *pos = nullptr;
	int rem = 0;
	nla_for_each_attr(pos, genlmsg_attrdata(gh, 0), genlmsg_attrlen(gh, 0), rem)
		if (nla_type(pos) == type)
			out.push_back(pos);
	return out;
}

const nlattr *Request::one(int type) const
{
	auto v = all(type);
	return v.empty() ? nullptr : v.front();
}

namespace {

class FakeTransport final : public detail::Transport {
public:
	FakeTransport(std::shared_ptr<FakeKernel> k, int number) : k_(std::move(k)), number_(number) {}

	Result<int> resolve(bool autoload) override
	{
		const AllocExempt exempt;
		const std::lock_guard lock(k_->mu);
		k_->resolves.push_back(autoload);
		if (!k_->family_registered)
			return Error{ENOENT, "sctpx generic netlink family not found"};
		return fake_family;
	}

	Result<std::vector<detail::Message>> transact(detail::NlMsg req, std::size_t reply_max) override
	{
		const AllocExempt exempt;
		/* As nl_send_auto() would: the length is final once sent. */
		Request r{detail::Message(nlmsg_hdr(req.get())), reply_max};
		Handler h;
		int lose = 0;
		bool keep = true;
		int withhold = 0;
		{
			const std::lock_guard lock(k_->mu);
			k_->requests.push_back(r);
			k_->request_transport.push_back(number_);
			if (!stale_.empty()) {
				/* What the socket held answers this request. */
				auto old = std::move(stale_);
				stale_.clear();
				return old;
			}
			if (!k_->family_registered)
				return Error{ENOENT};
			h = k_->handler;
			const bool big = r.cmd() == SCTPX_CMD_PEELOFF || r.cmd() == SCTPX_CMD_CONNECTX;
			if (big && k_->lose_replies > 0) {
				k_->lose_replies--;
				lose = 1;
				keep = k_->keep_lost;
			} else if (k_->withhold_replies > 0) {
				k_->withhold_replies--;
				withhold = 1;
			}
		}
		Result<std::vector<detail::Message>> msgs{Error{}};
		if (r.cmd() == SCTPX_CMD_INFO_GET && !h)
			msgs = std::vector<detail::Message>{info_reply(all_ops(), 4096, 1024)};
		else if (!h)
			return Error{EOPNOTSUPP};
		else
			msgs = h(r);
		if (msgs && lose != 0) {
			broken_ = true;
			if (keep)
				lost_ = std::move(*msgs);
			return Error{ENOBUFS, "netlink receive queue overrun: the reply was lost"};
		}
		if (msgs && withhold != 0) {
			broken_ = true;
			stale_ = std::move(*msgs);
			return Error{EINTR, "interrupted"};
		}
		/*
		 * A bound the reply breaks would make the real transport lose
		 * it, descriptors and all: fail loudly instead.
		 */
		if (msgs && reply_max != 0)
			for (const detail::Message &m : *msgs)
				if (m.hdr()->nlmsg_len > reply_max)
					return Error{EMSGSIZE, "reply larger than the transport's bound"};
		return msgs;
	}

	Result<std::vector<detail::Message>> recover_lost(detail::NlMsg req, std::uint8_t /*cmd*/) override
	{
		const AllocExempt exempt;
		Request r{detail::Message(nlmsg_hdr(req.get())), 0};
		const std::lock_guard lock(k_->mu);
		k_->requests.push_back(r);
		k_->request_transport.push_back(number_);
		k_->lost_reply_gets.push_back(number_);
		if (r.cmd() != SCTPX_CMD_LOST_REPLY_GET)
			return Error{EINVAL, "not a LOST_REPLY_GET"};
		if (!lost_)
			return Error{ENOENT, "no lost reply"};
		auto m = std::move(*lost_);
		lost_.reset();
		broken_ = false;
		return m;
	}

	[[nodiscard]] bool reusable() const noexcept override { return !broken_ && stale_.empty(); }

private:
	std::shared_ptr<FakeKernel> k_;
	const int number_;
	bool broken_ = false;
	std::vector<detail::Message> stale_;
	std::optional<std::vector<detail::Message>> lost_;
};

} // namespace

detail::TransportFactory fake_factory(std::shared_ptr<FakeKernel> k)
{
	return [k]() -> Result<std::unique_ptr<detail::Transport>> {
		const AllocExempt exempt;
		int n = 0;
		{
			const std::lock_guard lock(k->mu);
			if (k->factory_failures > 0) {
				k->factory_failures--;
				return Error{EMFILE, "cannot open a generic netlink socket"};
			}
			n = ++k->transports_made;
		}
		return std::unique_ptr<detail::Transport>(std::make_unique<FakeTransport>(k, n));
	};
}

ReplyBuilder::ReplyBuilder(std::uint8_t cmd, int nlflags) : msg_(nlmsg_alloc_size(1 << 20))
{
	genlmsg_put(msg_.get(), 1, 1, fake_family, 0, nlflags, cmd, SCTPX_FAMILY_VERSION);
}

ReplyBuilder::~ReplyBuilder() = default;

nlattr *ReplyBuilder::nest(int type)
{
	return nla_nest_start(msg_.get(), type | NLA_F_NESTED);
}

void ReplyBuilder::end(nlattr *n)
{
	nla_nest_end(msg_.get(), n);
}

void ReplyBuilder::entry(std::uint32_t id, int state, int fd, int error, long peer_index)
{
	nlattr *n = nest(SCTPX_A_ASSOC);
	if (fd >= 0)
		nla_put_s32(msg_.get(), SCTPX_ASSOC_A_FD, fd);
	if (peer_index >= 0)
		nla_put_u32(msg_.get(), SCTPX_ASSOC_A_PEER_INDEX, static_cast<std::uint32_t>(peer_index));
	if (id != 0)
		nla_put_u32(msg_.get(), SCTPX_ASSOC_A_ID, id);
	if (error != 0) {
		nla_put_u32(msg_.get(), SCTPX_ASSOC_A_ERROR, static_cast<std::uint32_t>(error));
	} else {
		nla_put_u32(msg_.get(), SCTPX_ASSOC_A_STATE, static_cast<std::uint32_t>(state));
		nla_put_u16(msg_.get(), SCTPX_ASSOC_A_INSTREAMS, 10);
		nla_put_u16(msg_.get(), SCTPX_ASSOC_A_OUTSTREAMS, 10);
		nla_put_u64(msg_.get(), SCTPX_ASSOC_A_DATA_IN, id * 2ULL);
	}
	end(n);
}

void ReplyBuilder::brief_entry(std::uint32_t id, int fd, int error)
{
	nlattr *n = nest(SCTPX_A_ASSOC);
	nla_put_u32(msg_.get(), SCTPX_ASSOC_A_ID, id);
	if (error != 0)
		nla_put_u32(msg_.get(), SCTPX_ASSOC_A_ERROR, static_cast<std::uint32_t>(error));
	else
		nla_put_s32(msg_.get(), SCTPX_ASSOC_A_FD, fd);
	end(n);
}

detail::Message ReplyBuilder::done()
{
	return detail::Message(nlmsg_hdr(msg_.get()));
}

detail::Message info_reply_version(std::uint32_t version, std::uint64_t ops)
{
	ReplyBuilder b(SCTPX_CMD_INFO_GET);
	nla_put_u32(b.msg(), SCTPX_A_FAMILY_VERSION, version);
	nla_put_string(b.msg(), SCTPX_A_MODULE_VERSION, "0.9");
	nla_put_u64(b.msg(), SCTPX_A_OPS, ops);
	nla_put_u32(b.msg(), SCTPX_A_MAX_BATCH, 64);
	nla_put_u32(b.msg(), SCTPX_A_MAX_PEERS, 64);
	return b.done();
}

detail::Message info_reply(std::uint64_t ops, std::uint32_t max_batch, std::uint32_t max_peers)
{
	ReplyBuilder b(SCTPX_CMD_INFO_GET);
	nla_put_u32(b.msg(), SCTPX_A_FAMILY_VERSION, SCTPX_FAMILY_VERSION);
	nla_put_u64(b.msg(), SCTPX_A_FEATURES, SCTPX_FEATURE_CONNECTX_HOOKS);
	nla_put_string(b.msg(), SCTPX_A_MODULE_VERSION, "1.2.3");
	nla_put_u64(b.msg(), SCTPX_A_OPS, ops);
	nla_put_u32(b.msg(), SCTPX_A_MAX_BATCH, max_batch);
	nla_put_u32(b.msg(), SCTPX_A_MAX_PEERS, max_peers);
	nla_put_u32(b.msg(), SCTPX_A_MAX_PEER_ADDRS, 64);
	nlattr *s = b.nest(SCTPX_A_STATS);
	nla_put_u64(b.msg(), SCTPX_STATS_A_PEELED, 7);
	nla_put_u64(b.msg(), SCTPX_STATS_A_REPLY_ERRORS, 1);
	nla_put_u64(b.msg(), SCTPX_STATS_A_LOST_REPLIES_DROPPED, 2);
	b.end(s);
	return b.done();
}

detail::Message error_reply(int errnum, const char *extack, bool capped)
{
	/* The request the error answers: a header and one attribute. */
	detail::NlMsg req(nlmsg_alloc());
	genlmsg_put(req.get(), 1, 1, fake_family, 0, 0, SCTPX_CMD_PEELOFF, 1);
	nla_put_s32(req.get(), SCTPX_A_SOCK_FD, 3);

	const int flags = NLM_F_ACK_TLVS | (capped ? NLM_F_CAPPED : 0);
	detail::NlMsg m(nlmsg_alloc_simple(NLMSG_ERROR, flags));
	nlmsgerr e{};
	e.error = -errnum;
	e.msg = *nlmsg_hdr(req.get());
	nlmsg_append(m.get(), &e, sizeof(e), NLMSG_ALIGNTO);
	if (!capped) {
		const nlmsghdr *rh = nlmsg_hdr(req.get());
		nlmsg_append(m.get(), const_cast<void *>(nlmsg_data(rh)), static_cast<std::size_t>(nlmsg_datalen(rh)),
			     NLMSG_ALIGNTO);
	}
	nla_put_string(m.get(), NLMSGERR_ATTR_MSG, extack);
	return detail::Message(nlmsg_hdr(m.get()));
}

detail::Message done_reply(int errnum)
{
	detail::NlMsg m(nlmsg_alloc_simple(NLMSG_DONE, NLM_F_MULTI));
	int v = -errnum;
	nlmsg_append(m.get(), &v, sizeof(v), NLMSG_ALIGNTO);
	return detail::Message(nlmsg_hdr(m.get()));
}

std::vector<std::uint32_t> request_ids(const Request &r)
{
	std::vector<std::uint32_t> ids;
	for (const nlattr *a : r.all(SCTPX_A_ASSOC_ID))
		ids.push_back(nla_get_u32(a));
	return ids;
}

std::uint64_t all_ops()
{
	return SCTPX_OP_BIT(SCTPX_CMD_INFO_GET) | SCTPX_OP_BIT(SCTPX_CMD_ASSOC_GET) |
	       SCTPX_OP_BIT(SCTPX_CMD_PEELOFF) | SCTPX_OP_BIT(SCTPX_CMD_CONNECTX) |
	       SCTPX_OP_BIT(SCTPX_CMD_LOST_REPLY_GET);
}

namespace {
std::atomic<long> g_alloc_left{-1};   /* -1: not armed */
std::atomic<long> g_alloc_failed{0};
std::atomic<std::thread::id> g_alloc_thread{};
thread_local int t_exempt = 0;
} // namespace

void fail_allocations_after(long n)
{
	g_alloc_failed = 0;
	g_alloc_thread = std::this_thread::get_id();
	g_alloc_left = n;
}

void stop_failing_allocations()
{
	g_alloc_left = -1;
}

long failed_allocations()
{
	return g_alloc_failed;
}

AllocExempt::AllocExempt() { t_exempt++; }
AllocExempt::~AllocExempt() { t_exempt--; }

/* Called by the replaced operator new: should this allocation fail? */
bool injected_alloc_failure() noexcept
{
	if (g_alloc_left.load(std::memory_order_relaxed) < 0 || t_exempt != 0 ||
	    g_alloc_thread.load(std::memory_order_relaxed) != std::this_thread::get_id())
		return false;
	if (g_alloc_left.load() == 0) {
		g_alloc_failed++;
		return true;
	}
	g_alloc_left--;
	return false;
}

std::vector<int> open_fds()
{
	std::vector<int> out;
	DIR *d = opendir("/proc/self/fd");
	if (d == nullptr)
		return out;
	const int self = dirfd(d);
	while (const dirent *e = readdir(d)) {
		if (e->d_name[0] == '.')
			continue;
		const int fd = std::atoi(e->d_name);
		if (fd != self)
			out.push_back(fd);
	}
	closedir(d);
	std::sort(out.begin(), out.end());
	return out;
}

} // namespace sctpx::test
