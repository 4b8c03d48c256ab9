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
	/* Fault injection, all guarded by mu: */
	/*
	 * The next N PEELOFF / CONNECTX replies are not delivered: the
	 * exchange fails with ENOBUFS, as the module makes it, and the reply
	 * is kept for LOST_REPLY_GET on that transport (keep_lost), or
	 * dropped (LOST_REPLY_GET then answers ENOENT).
	 */
	int lose_replies = 0;
	bool keep_lost = true;
	/*
	 * The next N replies stay in the transport's socket while the
	 * exchange fails (EINTR), as a cancelled or failed read leaves them.
	 * That transport then answers its next request with them, as a
	 * socket read without any matching would.
	 */
	int withhold_replies = 0;
	/* The next N factory calls fail (EMFILE). */
	int factory_failures = 0;
	int transports_made = 0;
	/* The autoload argument of every resolve(). */
	std::vector<bool> resolves;
	/* LOST_REPLY_GET requests, and on which transport (its number). */
	std::vector<int> lost_reply_gets;
	/* The transport (its number) each request went through. */
	std::vector<int> request_transport;
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

/* An INFO_GET reply of a given family version. */
detail::Message info_reply_version(std::uint32_t version, std::uint64_t ops);

/*
 * Allocation fault injection (the unit test binary replaces operator
 * new): after n more allocations on this thread, every allocation throws
 * std::bad_alloc until disarmed. The fake kernel's own work is exempt.
 */
void fail_allocations_after(long n);
void stop_failing_allocations();
/* For the replaced operator new: should this allocation fail? */
bool injected_alloc_failure() noexcept;
/* Allocations that threw since the last fail_allocations_after(). */
long failed_allocations();
/* RAII: exempts the current scope from the injection. */
struct AllocExempt {
	AllocExempt();
	AllocExempt(const AllocExempt &) = delete;
	AllocExempt &operator=(const AllocExempt &) = delete;
	AllocExempt(AllocExempt &&) = delete;
	AllocExempt &operator=(AllocExempt &&) = delete;
	~AllocExempt();
};

/* The descriptors open in this process (/proc/self/fd), sorted. */
std::vector<int> open_fds();

} // namespace sctpx::test

#endif
