// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * NlTransport: one libnl generic netlink socket, one request at a time.
 *
 * The socket is set up as Documentation/sctpx.rst asks: extended acks on
 * and capped, no automatic NLM_F_ACK (a PEELOFF reply of thousands of
 * entries may leave no room for an ack in the receive buffer), and
 * MSG_PEEK so libnl sizes its buffer to the largest reply; except when the
 * caller knows a bound for the reply, which then is read in one recvmsg()
 * into a buffer of that size.
 */
#include <algorithm>
#include <cstdlib>
#include <cerrno>
#include <cstring>
#include <memory>
#include <optional>

#include <linux/netlink.h>
#include <linux/sctpx.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <netlink/errno.h>
#include <netlink/handlers.h>
#include <netlink/socket.h>
#include <sys/socket.h>
#include <fcntl.h>
#include <unistd.h>

#include "nlerror.hpp"
#include "transport.hpp"

namespace sctpx::detail {

Message::Message(const nlmsghdr *nlh)
	: words_((nlh->nlmsg_len + sizeof(std::uint32_t) - 1) / sizeof(std::uint32_t))
{
	std::memcpy(words_.data(), nlh, nlh->nlmsg_len);
}

const nlmsghdr *Message::hdr() const noexcept
{
	return reinterpret_cast<const nlmsghdr *>(words_.data());
}

bool reply_matches(const nlmsghdr *nlh, const Expect &x) noexcept
{
	if (nlh->nlmsg_pid != x.port)
		return false;
	if (nlh->nlmsg_type == NLMSG_ERROR || nlh->nlmsg_type == NLMSG_DONE)
		return nlh->nlmsg_seq == x.seq || (x.alt_seq != 0 && nlh->nlmsg_seq == x.alt_seq);
	if (nlh->nlmsg_seq != x.seq || nlh->nlmsg_type != x.family)
		return false;
	if (nlh->nlmsg_len < NLMSG_HDRLEN + GENL_HDRLEN)
		return false;
	return static_cast<const genlmsghdr *>(nlmsg_data(nlh))->cmd == x.cmd;
}

namespace {

struct NlSockFree {
	void operator()(nl_sock *s) const noexcept { nl_socket_free(s); }
};
struct NlCbPut {
	void operator()(nl_cb *cb) const noexcept { nl_cb_put(cb); }
};

/* What the callbacks of one exchange collect. */
struct Exchange {
	Expect expect;
	std::vector<Message> msgs;
	std::optional<Error> err;
	bool done = false;
	bool mismatch = false;  /* a message that does not answer the request */
	bool dump_intr = false; /* NLM_F_DUMP_INTR on a part of the dump */
	bool failed = false;    /* the exchange could not complete (memory) */
};

/* Every message goes through this first (libnl's sequence check slot). */
int on_seq_check(nl_msg *msg, void *arg)
{
	auto *x = static_cast<Exchange *>(arg);
	const sockaddr_nl *src = nlmsg_get_src(msg);
	if ((src != nullptr && src->nl_pid != 0) || !reply_matches(nlmsg_hdr(msg), x->expect)) {
		x->mismatch = true;
		x->done = true;
		return NL_STOP;
	}
	return NL_OK;
}

int on_valid(nl_msg *msg, void *arg) noexcept
{
	auto *x = static_cast<Exchange *>(arg);
	const nlmsghdr *nlh = nlmsg_hdr(msg);
	/* No exception may cross libnl's C frames. */
	try {
		x->msgs.emplace_back(nlh);
	} catch (...) {
		x->err = Error{ENOMEM, "out of memory while receiving the reply"};
		x->failed = true;
		x->done = true;
		return NL_STOP;
	}
	if ((nlh->nlmsg_flags & NLM_F_DUMP_INTR) != 0)
		x->dump_intr = true;
	if ((nlh->nlmsg_flags & NLM_F_MULTI) == 0) {
		x->done = true;
		return NL_STOP;
	}
	return NL_OK;
}

int on_finish(nl_msg *msg, void *arg) noexcept
{
	auto *x = static_cast<Exchange *>(arg);
	try {
		x->err = error_from_done(nlmsg_hdr(msg));
	} catch (...) {
		x->err = Error{ENOMEM};
	}
	x->done = true;
	return NL_STOP;
}

int on_error(sockaddr_nl * /*who*/, nlmsgerr *e, void *arg) noexcept
{
	auto *x = static_cast<Exchange *>(arg);
	/* libnl hands us the payload; the header sits right before it. */
	const auto *nlh = reinterpret_cast<const nlmsghdr *>(
		reinterpret_cast<const char *>(e) - NLMSG_HDRLEN);
	try {
		x->err = error_from_nlmsgerr(nlh);
	} catch (...) {
		x->err = Error{std::abs(e->error)};
	}
	x->done = true;
	return NL_STOP;
}

int on_ack(nl_msg * /*msg*/, void *arg) noexcept
{
	static_cast<Exchange *>(arg)->done = true;
	return NL_STOP;
}

std::uint8_t genl_cmd(const nl_msg *req)
{
	const nlmsghdr *h = nlmsg_hdr(const_cast<nl_msg *>(req));
	if (h->nlmsg_len < NLMSG_HDRLEN + GENL_HDRLEN)
		return 0;
	return static_cast<const genlmsghdr *>(nlmsg_data(h))->cmd;
}

class NlTransport final : public Transport {
public:
	/*
	 * cb is this transport's for good: its callbacks write into ex_,
	 * which each exchange starts afresh (so the transport stays put).
	 */
	NlTransport(std::unique_ptr<nl_sock, NlSockFree> sk, std::unique_ptr<nl_cb, NlCbPut> cb)
		: sk_(std::move(sk)), cb_(std::move(cb))
	{
		nl_cb_err(cb_.get(), NL_CB_CUSTOM, on_error, &ex_);
		nl_cb_set(cb_.get(), NL_CB_SEQ_CHECK, NL_CB_CUSTOM, on_seq_check, &ex_);
		nl_cb_set(cb_.get(), NL_CB_VALID, NL_CB_CUSTOM, on_valid, &ex_);
		nl_cb_set(cb_.get(), NL_CB_FINISH, NL_CB_CUSTOM, on_finish, &ex_);
		nl_cb_set(cb_.get(), NL_CB_ACK, NL_CB_CUSTOM, on_ack, &ex_);
	}
	NlTransport(const NlTransport &) = delete;
	NlTransport &operator=(const NlTransport &) = delete;
	NlTransport(NlTransport &&) = delete;
	NlTransport &operator=(NlTransport &&) = delete;
	~NlTransport() override = default;

	Result<int> resolve(bool autoload) override
	{
		/*
		 * Asking nlctrl for an unknown family makes the kernel try
		 * request_module(); without autoload, look first.
		 */
		if (!autoload && access("/sys/module/sctpx", F_OK) != 0)
			return Error{ENOENT, "sctpx module not loaded"};
		const int id = genl_ctrl_resolve(sk_.get(), SCTPX_FAMILY_NAME);
		if (id < 0) {
			/* nlctrl's answer is not ours to check: start afresh. */
			broken_ = true;
			return Error{nle_to_errno(id), "sctpx generic netlink family not found"};
		}
		return id;
	}

	Result<std::vector<Message>> transact(NlMsg req, std::size_t reply_max) override
	{
		Expect x;
		x.cmd = genl_cmd(req.get());
		auto r = exchange(std::move(req), reply_max, x, false);
		if (r)
			last_seq_ = 0;
		return r;
	}

	Result<std::vector<Message>> recover_lost(NlMsg lost_req, std::uint8_t cmd) override
	{
		if (last_seq_ == 0)
			return Error{ENOENT, "no request to recover the reply of"};
		Expect x;
		x.cmd = cmd;
		x.seq = last_seq_;
		return exchange(std::move(lost_req), 0, x, true);
	}

	[[nodiscard]] bool reusable() const noexcept override { return !broken_; }

private:
	/*
	 * One request and its replies. For a LOST_REPLY_GET (lost) the
	 * expected sequence number is the lost request's, and the request's
	 * own goes to alt_seq (its errors, ENOENT).
	 */
	Result<std::vector<Message>> exchange(NlMsg req, std::size_t reply_max, Expect x, bool lost)
	{
		/* Until the exchange completes, the socket may hold a reply. */
		broken_ = true;
		/*
		 * Never below a page: an error with its extended ack must
		 * fit too, and libnl's own default is a page.
		 */
		const auto page = static_cast<std::size_t>(getpagesize());
		if (reply_max != 0) {
			nl_socket_disable_msg_peek(sk_.get());
			nl_socket_set_msg_buf_size(sk_.get(), std::max(reply_max, page));
		} else {
			nl_socket_enable_msg_peek(sk_.get());
			nl_socket_set_msg_buf_size(sk_.get(), 0);
		}

		/* Nothing of an earlier exchange carries over. */
		ex_ = Exchange{};
		Exchange &ex = ex_;

		errno = 0;
		const int sent = nl_send_auto(sk_.get(), req.get());
		if (sent < 0) {
			const int sys = errno;
			/* libnl says NLE_NOMEM for ENOBUFS and ENOMEM alike. */
			const int e = sent == -NLE_NOMEM ? (sys == ENOBUFS ? ENOBUFS : ENOMEM) : nle_to_errno(sent);
			return Error{e, "cannot send the netlink request"};
		}
		const std::uint32_t seq = nlmsg_hdr(req.get())->nlmsg_seq;
		if (lost) {
			x.alt_seq = seq;
		} else {
			x.seq = seq;
			last_seq_ = seq;
		}
		x.port = nl_socket_get_local_port(sk_.get());
		x.family = nlmsg_hdr(req.get())->nlmsg_type;
		ex.expect = x;
		while (!ex.done) {
			errno = 0;
			const int r = nl_recvmsgs(sk_.get(), cb_.get());
			const int sys = errno;
			if (r < 0 && !ex.done) {
				/* libnl says NLE_NOMEM for an overrun and for its own malloc. */
				if (r == -NLE_NOMEM && sys == ENOBUFS)
					return Error{ENOBUFS, "netlink receive queue overrun: the reply was lost"};
				if (r == -NLE_NOMEM)
					return Error{ENOMEM, "out of memory while receiving the reply"};
				return Error{nle_to_errno(r), "cannot receive the netlink reply"};
			}
		}
		if (ex.mismatch)
			return Error{EPROTO, "a netlink message that does not answer the request"};
		if (ex.failed)
			return std::move(*ex.err);
		/* The exchange is complete: nothing of it is left in the socket. */
		broken_ = false;
		if (ex.err)
			return std::move(*ex.err);
		if (ex.dump_intr)
			return Error{EAGAIN, "the association list changed during the dump (NLM_F_DUMP_INTR)"};
		return std::move(ex.msgs);
	}

	std::unique_ptr<nl_sock, NlSockFree> sk_;
	std::unique_ptr<nl_cb, NlCbPut> cb_;
	Exchange ex_; /* what cb_'s callbacks collect for the current exchange */
	bool broken_ = false;
	std::uint32_t last_seq_ = 0; /* of the last request without a complete reply */
};

} // namespace

Result<std::unique_ptr<Transport>> make_netlink_transport()
{
	std::unique_ptr<nl_sock, NlSockFree> sk(nl_socket_alloc());
	if (!sk)
		return Error{ENOMEM};
	if (const int r = genl_connect(sk.get()); r < 0) {
		/*
		 * libnl folds socket()'s EMFILE and ENFILE into NLE_FAILURE;
		 * errno still holds them. A caller out of descriptors must
		 * hear so (a peeloff then keeps its association).
		 */
		const int sys = errno;
		if (std::abs(r) == NLE_FAILURE && (sys == EMFILE || sys == ENFILE))
			return Error{sys, "cannot open a generic netlink socket"};
		return Error{nle_to_errno(r), "cannot open a generic netlink socket"};
	}
	const int fd = nl_socket_get_fd(sk.get());
	const int one = 1;
	/* Best effort: without them errors just come without a message. */
	(void)setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	(void)setsockopt(fd, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one));
	/* No other process should inherit our kernel channel. */
	(void)fcntl(fd, F_SETFD, FD_CLOEXEC);
	nl_socket_disable_auto_ack(sk.get());
	nl_socket_enable_msg_peek(sk.get());
	/*
	 * libnl sizes both buffers to 32 KiB on connect, and a request must fit
	 * the send buffer whole (8 bytes per association id). Ask for more; the
	 * kernel caps it at net.core.wmem_max (twice 208 KiB by default, room
	 * for kMaxIdsPerRequest ids).
	 */
	(void)nl_socket_set_buffer_size(sk.get(), 1 << 20, 1 << 20);
	std::unique_ptr<nl_cb, NlCbPut> cb(nl_cb_alloc(NL_CB_DEFAULT));
	if (!cb)
		return Error{ENOMEM, "out of memory (libnl callbacks)"};
	return std::unique_ptr<Transport>(std::make_unique<NlTransport>(std::move(sk), std::move(cb)));
}

} // namespace sctpx::detail
