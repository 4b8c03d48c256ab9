// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Client: picks the path of each call and keeps the netlink sockets.
 *
 * Locking: mu_ guards the pool of idle transports and the probe (what the
 * kernel offered when last asked). A call copies the probe, borrows a
 * transport and drops the lock before talking to the kernel; the
 * transport goes back to the pool when the call is done. So calls in
 * different threads run in parallel, each on its own netlink socket.
 */
#include <cerrno>
#include <mutex>
#include <optional>
#include <fcntl.h>
#include <unistd.h>
#include <vector>

#include <linux/sctpx.h>

#include "client_access.hpp"
#include "fallback.hpp"
#include "module_path.hpp"
#include "process_token.hpp"

namespace sctpx {

using detail::Probe;
using detail::Transport;

/*
 * The oldest family version the library uses (version 1 waited in the
 * kernel); version 3 only stopped sending counters the library never read.
 */
constexpr std::uint32_t kMinFamilyVersion = 2;

std::uint64_t detail::op_bit(Op op) noexcept
{
	switch (op) {
	case Op::Info: return SCTPX_OP_BIT(SCTPX_CMD_INFO_GET);
	case Op::List: return SCTPX_OP_BIT(SCTPX_CMD_ASSOC_GET);
	case Op::Peeloff: return SCTPX_OP_BIT(SCTPX_CMD_PEELOFF);
	case Op::Connectx: return SCTPX_OP_BIT(SCTPX_CMD_CONNECTX);
	}
	return 0;
}

Path detail::choose_path(const Probe &probe, Op op, bool forced) noexcept
{
	if (forced || !probe.module)
		return Path::Fallback;
	return (probe.ops & op_bit(op)) != 0 ? Path::Module : Path::Fallback;
}

struct Client::Impl {
	Impl(detail::TransportFactory f, ClientOptions o) : factory(std::move(f)), opts(o) {}

	detail::TransportFactory factory;
	const ClientOptions opts;
	/* The process that opened the client; a forked child gets ECHILD. */
	const std::uint64_t owner = detail::process_token();
	/* Is this the process that opened the client (process_token.hpp)? */
	bool in_owner() const noexcept { return detail::process_token() == owner; }
	mutable std::mutex mu;
	std::vector<std::unique_ptr<Transport>> idle; /* guarded by mu */
	Probe probe;                                   /* guarded by mu */
	/* The module answered INFO_GET with this family version (0: none). */
	std::uint32_t seen_version = 0; /* guarded by mu */
	/* The probe is an answer (INFO_GET, or "not registered"), not a default. */
	bool probe_known = false; /* guarded by mu */

	/*
	 * A transport for one call; back to the pool on destruction if its
	 * last exchange completed, closed otherwise (it may hold a reply).
	 */
	class Lease {
	public:
		Lease(Impl &impl, std::unique_ptr<Transport> t) : impl_(impl), t_(std::move(t)) {}
		Lease(const Lease &) = delete;
		Lease &operator=(const Lease &) = delete;
		Lease(Lease &&) = delete;
		Lease &operator=(Lease &&) = delete;
		~Lease() noexcept
		{
			if (!t_->reusable() || !impl_.in_owner())
				return; /* t_ closes its socket */
			const std::lock_guard lock(impl_.mu);
			try {
				impl_.idle.push_back(std::move(t_));
			} catch (...) {
				/* No room in the pool: close this one. */
			}
		}
		Transport &operator*() const { return *t_; }

	private:
		Impl &impl_;
		std::unique_ptr<Transport> t_;
	};

	Result<std::unique_ptr<Transport>> borrow()
	{
		{
			const std::lock_guard lock(mu);
			if (!idle.empty()) {
				auto t = std::move(idle.back());
				idle.pop_back();
				return t;
			}
		}
		return factory();
	}

	bool known() const
	{
		const std::lock_guard lock(mu);
		return probe_known;
	}

	Probe snapshot() const
	{
		const std::lock_guard lock(mu);
		return probe;
	}

	/*
	 * Ask the kernel whether the family is there and what it offers.
	 * The probe changes only on an answer: the module's INFO_GET, or
	 * ENOENT (the family is not registered). Any other failure (no
	 * memory, a transport error) leaves it as it was and is returned, so
	 * one bad moment never moves the client to the fallback.
	 */
	Result<detail::InfoReply> reprobe()
	{
		auto t = borrow();
		if (!t) {
			const int e = t.error().errnum();
			if (e != EAFNOSUPPORT && e != EPROTONOSUPPORT)
				return std::move(t).error();
			/* No generic netlink in this kernel: no module, surely. */
			const std::lock_guard lock(mu);
			probe = Probe{};
			seen_version = 0;
			probe_known = true;
			return Error{ENOENT, "no generic netlink in this kernel"};
		}
		Lease lease(*this, std::move(*t));
		/* Forcing the fallback never loads the module. */
		auto family = (*lease).resolve(opts.autoload && !opts.force_fallback);
		if (!family) {
			if (family.error().errnum() == ENOENT) {
				const std::lock_guard lock(mu);
				probe = Probe{};
				seen_version = 0;
				probe_known = true;
			}
			return std::move(family).error();
		}
		detail::Session s{*lease, *family, {}};
		auto info = detail::module_info(s);
		if (!info)
			return info;
		Probe p;
		/* Version 1 waits in the kernel and loses replies: not used. */
		p.module = info->family_version >= kMinFamilyVersion;
		p.family = *family;
		p.ops = info->ops;
		p.limits = info->limits;
		const std::lock_guard lock(mu);
		probe = p;
		seen_version = info->family_version;
		probe_known = true;
		return info;
	}

	/*
	 * Run op on the module path if the probe says so, else on the
	 * fallback. Two kernel answers mean the probe is stale: ENOENT (the
	 * family id is gone: the module was unloaded, maybe reloaded under
	 * another id) and E2BIG (a limit was lowered); both come before the
	 * module did anything, so probe again and retry once.
	 */
	template <typename R, typename ModFn, typename FbFn>
	Result<R> run(Op op, ModFn &&mod, FbFn &&fb)
	{
		/*
		 * The kernel could not be asked when the client opened (no
		 * descriptor, no memory): ask now. The fallback is chosen only
		 * when the module is really absent, never for want of asking.
		 */
		if (!opts.force_fallback && !known()) {
			if (auto r = reprobe(); !r && r.error().errnum() != ENOENT)
				return std::move(r).error();
		}
		for (int attempt = 0;; attempt++) {
			const Probe p = snapshot();
			if (detail::choose_path(p, op, opts.force_fallback) == Path::Fallback)
				return fb();
			auto t = borrow();
			if (!t)
				return std::move(t).error();
			Result<R> r = [&] {
				Lease lease(*this, std::move(*t));
				detail::Session s{*lease, p.family, p.limits};
				return mod(s);
			}();
			const int e = r ? 0 : r.error().errnum();
			if (attempt > 0 || (e != ENOENT && e != E2BIG))
				return r;
			auto again = reprobe();
			/* The family is still there and still says ENOENT: its answer. */
			if (again && e == ENOENT && snapshot().family == p.family)
				return r;
			if (!again && again.error().errnum() != ENOENT)
				return r;
			if (e == E2BIG && snapshot().limits.max_batch == p.limits.max_batch &&
			    snapshot().limits.max_peers == p.limits.max_peers)
				return r;
		}
	}
};

namespace {

Error moved_from()
{
	return {EINVAL, "sctpx::Client used after it was moved from"};
}

Error forked()
{
	return {ECHILD, "sctpx client used in a child process after fork(); open a new one there"};
}

} // namespace

/* Every public call starts here: a usable client in the process that opened it. */
Result<void> Client::usable() const
{
	if (!impl_)
		return moved_from();
	if (!impl_->in_owner())
		return forked();
	return {};
}

Client::Client(std::unique_ptr<Impl> impl) noexcept : impl_(std::move(impl)) {}
Client::Client(Client &&) noexcept = default;
Client &Client::operator=(Client &&) noexcept = default;
Client::~Client() = default;

Result<Client> ClientAccess::make(detail::TransportFactory factory, ClientOptions opts)
{
	auto impl = std::make_unique<Client::Impl>(std::move(factory), opts);
	/*
	 * An absent module is not an error: the probe says "fallback". Nor
	 * is any other failure to ask: the first call asks again.
	 */
	(void)impl->reprobe();
	return Client(std::move(impl));
}

Result<Client> Client::open(ClientOptions opts)
{
	return ClientAccess::make(detail::make_netlink_transport, opts);
}

Result<void> Client::refresh()
{
	if (auto u = usable(); !u)
		return std::move(u).error();
	auto r = impl_->reprobe();
	if (!r && r.error().errnum() != ENOENT)
		return std::move(r).error();
	return {};
}

Path Client::path_for(Op op) const
{
	if (!impl_ || !impl_->in_owner())
		return Path::Fallback;
	return detail::choose_path(impl_->snapshot(), op, impl_->opts.force_fallback);
}

Result<Info> Client::info()
{
	if (auto u = usable(); !u)
		return std::move(u).error();
	Info out;
	out.forced_fallback = impl_->opts.force_fallback;
	auto r = impl_->reprobe();
	if (r) {
		out.module_loaded = true;
		out.family_version = r->family_version;
		out.module_usable = r->family_version >= kMinFamilyVersion;
		out.module_version = r->module_version;
		out.ops = r->ops;
		out.features = r->features;
		out.limits = r->limits;
		out.counters = r->counters;
		out.path = Path::Module;
	} else if (r.error().errnum() != ENOENT) {
		/* The family is there but did not answer: say so. */
		return std::move(r).error();
	}
	out.list_path = path_for(Op::List);
	out.peeloff_path = path_for(Op::Peeloff);
	out.connectx_path = path_for(Op::Connectx);
	return out;
}

Result<ModuleCounters> Client::counters()
{
	if (auto u = usable(); !u)
		return std::move(u).error();
	if (impl_->opts.force_fallback)
		return Error{ENOENT, "the fallback is forced: no module counters"};
	auto r = impl_->reprobe();
	if (!r)
		return std::move(r).error();
	return r->counters;
}

Result<AssocList> Client::list(int sock, const Selection &filter)
{
	if (auto u = usable(); !u)
		return std::move(u).error();
	return impl_->run<AssocList>(
		Op::List, [&](detail::Session &s) { return detail::module_list(s, sock, filter); },
		[&] { return detail::fallback_list(sock, filter); });
}

Result<PeelResult> Client::peeloff(int sock, std::span<const AssocId> ids, PeelOptions opts)
{
	if (auto u = usable(); !u)
		return std::move(u).error();
	if (ids.empty())
		return Error{EINVAL,
			     "missing association ids (SCTPX_A_ASSOC_ID) or selection (SCTPX_A_SELECT)"};
	return impl_->run<PeelResult>(
		Op::Peeloff, [&](detail::Session &s) { return detail::module_peeloff(s, sock, ids, opts); },
		[&] { return detail::fallback_peeloff(sock, ids, opts); });
}

Result<PeelResult> Client::peeloff(int sock, const Selection &sel, PeelOptions opts)
{
	if (auto u = usable(); !u)
		return std::move(u).error();
	return impl_->run<PeelResult>(
		Op::Peeloff, [&](detail::Session &s) { return detail::module_peeloff(s, sock, sel, opts); },
		[&] { return detail::fallback_peeloff(sock, sel, opts); });
}

Result<ConnectResult> Client::connectx(int sock, std::span<const Peer> peers, ConnectOptions opts)
{
	if (auto u = usable(); !u)
		return std::move(u).error();
	/*
	 * The module never waits and refuses blocking sockets: a blocking
	 * socket gets sctp_connectx(3)'s own system call, whose wait is the
	 * kernel's, up to SO_SNDTIMEO (served as the fallback is).
	 */
	const int fl = fcntl(sock, F_GETFL);
	if (fl >= 0 && (static_cast<unsigned int>(fl) & O_NONBLOCK) == 0)
		return detail::fallback_connectx(sock, peers, opts);
	return impl_->run<ConnectResult>(
		Op::Connectx,
		[&](detail::Session &s) { return detail::module_connectx(s, sock, peers, opts); },
		[&] { return detail::fallback_connectx(sock, peers, opts); });
}

Result<ConnectResult> Client::connectx(int sock, const Peer &peer, ConnectOptions opts)
{
	return connectx(sock, std::span<const Peer>(&peer, 1), opts);
}

} // namespace sctpx
