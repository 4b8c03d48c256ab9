// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * A Transport without a kernel: requests go to a handler written by the
 * test, replies are built with libnl exactly as the module would lay
 * them out.
 */
#ifndef SCTPX_TESTS_FAKE_TRANSPORT_HPP
#define SCTPX_TESTS_FAKE_TRANSPORT_HPP

#include <functional>
#include <memory>
#include <mutex>
#include <vector>

#include <netlink/attr.h>
#include <netlink/genl/genl.h>

#include "client_access.hpp"
#include "transport.hpp"

namespace sctpx::test {

constexpr int fake_family = 0x42;

/* A copy of a request, with its attributes at hand. */
struct Request {
	detail::Message msg;
	std::size_t reply_max = 0; /* the bound the caller gave the transport */
	[[nodiscard]] std::uint8_t cmd() const;
	[[nodiscard]] std::uint16_t flags() const { return msg.hdr()->nlmsg_flags; }
	/* Every top-level attribute of type t, in order. */
	[[nodiscard]] std::vector<const nlattr *> all(int type) const;
	[[nodiscard]] const nlattr *one(int type) const;
};

using Handler = std::function<Result<std::vector<detail::Message>>(const Request &)>;

/* What the fake kernel knows; shared by every transport a factory makes. */
struct FakeKernel {
	std::mutex mu;
	bool family_registered = true;
	std::vector<Request> requests;
	Handler handler;
};

detail::TransportFactory fake_factory(std::shared_ptr<FakeKernel> k);

/* Building reply messages. */
class ReplyBuilder {
public:
	explicit ReplyBuilder(std::uint8_t cmd, int nlflags = 0);
	ReplyBuilder(const ReplyBuilder &) = delete;
	ReplyBuilder &operator=(const ReplyBuilder &) = delete;
	ReplyBuilder(ReplyBuilder &&) = delete;
	ReplyBuilder &operator=(ReplyBuilder &&) = delete;
	~ReplyBuilder();
	nl_msg *msg() { return msg_.get(); }
	nlattr *nest(int type);
	void end(nlattr *nest);
	/* An entry: id, state, fd (>= 0), error (> 0), peer index (>= 0). */
	void entry(std::uint32_t id, int state, int fd = -1, int error = 0, long peer_index = -1);
	/* A brief PEELOFF entry: id and fd (>= 0) or error. */
	void brief_entry(std::uint32_t id, int fd, int error = 0);
	detail::Message done();

private:
	detail::NlMsg msg_;
};

/* An INFO_GET reply. */
detail::Message info_reply(std::uint64_t ops, std::uint32_t max_batch, std::uint32_t max_peers);
/* An NLMSG_ERROR carrying errnum and an extack message. */
detail::Message error_reply(int errnum, const char *extack, bool capped = true);
/* NLMSG_DONE of a dump, with an error or 0. */
detail::Message done_reply(int errnum);

/* The u32 ids of a PEELOFF request. */
std::vector<std::uint32_t> request_ids(const Request &r);

/* The full op mask of the module. */
std::uint64_t all_ops();

} // namespace sctpx::test

#endif
