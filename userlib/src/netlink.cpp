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
#include <cerrno>
#include <cstring>
#include <memory>
#include <optional>

#include <linux/netlink.h>
#include <linux/sctpx.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
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

namespace {

struct NlSockFree {
	void operator()(nl_sock *s) const noexcept { nl_socket_free(s); }
};
struct NlCbPut {
	void operator()(nl_cb *cb) const noexcept { nl_cb_put(cb); }
};

/* What the callbacks of one exchange collect. */
struct Exchange {
	std::vector<Message> msgs;
	std::optional<Error> err;
	bool done = false;
};

int on_valid(nl_msg *msg, void *arg)
{
	auto *x = static_cast<Exchange *>(arg);
	const nlmsghdr *nlh = nlmsg_hdr(msg);
	x->msgs.emplace_back(nlh);
	if ((nlh->nlmsg_flags & NLM_F_MULTI) == 0) {
		x->done = true;
		return NL_STOP;
	}
	return NL_OK;
}

int on_finish(nl_msg *msg, void *arg)
{
	auto *x = static_cast<Exchange *>(arg);
	x->err = error_from_done(nlmsg_hdr(msg));
	x->done = true;
	return NL_STOP;
}

int on_error(sockaddr_nl * /*who*/, nlmsgerr *e, void *arg)
{
	auto *x = static_cast<Exchange *>(arg);
	/* libnl hands us the payload; the header sits right before it. */
	const auto *nlh = reinterpret_cast<const nlmsghdr *>(
		reinterpret_cast<const char *>(e) - NLMSG_HDRLEN);
	x->err = error_from_nlmsgerr(nlh);
	x->done = true;
	return NL_STOP;
}

int on_ack(nl_msg * /*msg*/, void *arg)
{
	static_cast<Exchange *>(arg)->done = true;
	return NL_STOP;
}

class NlTransport final : public Transport {
public:
	explicit NlTransport(std::unique_ptr<nl_sock, NlSockFree> sk) : sk_(std::move(sk)) {}

	Result<int> resolve(bool autoload) override
	{
		/*
		 * Asking nlctrl for an unknown family makes the kernel try
		 * request_module(); without autoload, look first.
		 */
		if (!autoload && access("/sys/module/sctpx", F_OK) != 0)
			return Error{ENOENT, "sctpx module not loaded"};
		const int id = genl_ctrl_resolve(sk_.get(), SCTPX_FAMILY_NAME);
		if (id < 0)
			return Error{nle_to_errno(id), "sctpx generic netlink family not found"};
		return id;
	}

	Result<std::vector<Message>> transact(NlMsg req, std::size_t reply_max) override
	{
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

		std::unique_ptr<nl_cb, NlCbPut> cb(nl_cb_alloc(NL_CB_DEFAULT));
		if (!cb)
			return Error{ENOMEM};
		Exchange x;
		nl_cb_err(cb.get(), NL_CB_CUSTOM, on_error, &x);
		nl_cb_set(cb.get(), NL_CB_VALID, NL_CB_CUSTOM, on_valid, &x);
		nl_cb_set(cb.get(), NL_CB_FINISH, NL_CB_CUSTOM, on_finish, &x);
		nl_cb_set(cb.get(), NL_CB_ACK, NL_CB_CUSTOM, on_ack, &x);

		const int sent = nl_send_auto(sk_.get(), req.get());
		if (sent < 0)
			return Error{nle_to_errno(sent), "cannot send the netlink request"};
		while (!x.done) {
			const int r = nl_recvmsgs(sk_.get(), cb.get());
			if (r < 0 && !x.done)
				return Error{nle_to_errno(r), "cannot receive the netlink reply"};
		}
		if (x.err)
			return std::move(*x.err);
		return std::move(x.msgs);
	}

private:
	std::unique_ptr<nl_sock, NlSockFree> sk_;
};

} // namespace

Result<std::unique_ptr<Transport>> make_netlink_transport()
{
	std::unique_ptr<nl_sock, NlSockFree> sk(nl_socket_alloc());
	if (!sk)
		return Error{ENOMEM};
	if (const int r = genl_connect(sk.get()); r < 0)
		return Error{nle_to_errno(r), "cannot open a generic netlink socket"};
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
	return std::unique_ptr<Transport>(std::make_unique<NlTransport>(std::move(sk)));
}

} // namespace sctpx::detail
