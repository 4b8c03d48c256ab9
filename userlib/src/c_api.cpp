// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The C API: a thin layer over sctpx::Client. Results are built in a
 * C++ holder whose first member is the public struct; the free functions
 * find the holder again from that pointer.
 *
 * No exception leaves an extern "C" function: each body runs in guard(),
 * which turns std::bad_alloc and std::length_error into -ENOMEM and any
 * other exception into -EIO. The thread's extack is a fixed buffer, so
 * reporting an error never allocates.
 */
#include "sctpx/sctpx.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <exception>
#include <memory>
#include <new>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

#include "client_access.hpp"
#include "sctpx/client.hpp"

struct sctpx_client {
	sctpx::Client cxx;
};

namespace {

using namespace sctpx;

thread_local char last_extack[512];

void set_extack(const char *msg) noexcept
{
	std::snprintf(last_extack, sizeof(last_extack), "%s", msg != nullptr ? msg : "");
}

int fail(int errnum, const char *msg) noexcept
{
	set_extack(msg);
	return errnum != 0 ? -errnum : -EIO;
}

int fail(const Error &e) noexcept
{
	return fail(e.errnum(), e.extack.c_str());
}

int succeed() noexcept
{
	last_extack[0] = '\0';
	return 0;
}

/* Run body; no exception gets out. */
template <typename F>
int guard(F &&body) noexcept
{
	try {
		return body();
	} catch (const std::bad_alloc &) {
		return fail(ENOMEM, "out of memory");
	} catch (const std::length_error &) {
		return fail(ENOMEM, "argument too large to hold in memory");
	} catch (const std::exception &e) {
		return fail(EIO, e.what());
	} catch (...) {
		return fail(EIO, "unexpected internal error");
	}
}

/*
 * The sizes of the first version of each struct with a size field: a
 * caller's size below them is EINVAL. Never change them; append fields.
 */
constexpr std::size_t kInfoSizeV1 = sizeof(struct sctpx_info);
constexpr std::size_t kCountersSizeV1 = sizeof(struct sctpx_counters);
constexpr std::size_t kSelectSizeV1 = sizeof(struct sctpx_select);
constexpr std::size_t kConnectOptsSizeV1 = sizeof(struct sctpx_connect_opts);

/* Copy full into the caller's out, as far as its size goes. */
template <typename S>
void copy_out(S *out, const S &full) noexcept
{
	const std::size_t size = out->size;
	std::memcpy(out, &full, std::min(size, sizeof(S)));
	out->size = size;
}

/* The caller's in, as far as its size goes; the rest zero. */
template <typename S>
S copy_in(const S *in) noexcept
{
	S s{};
	std::memcpy(&s, in, std::min(in->size, sizeof(S)));
	return s;
}

int path_code(Path p) { return p == Path::Module ? SCTPX_PATH_MODULE : SCTPX_PATH_FALLBACK; }

union sctpx_sockaddr to_c(const Address &a)
{
	sockaddr_storage ss{};
	const socklen_t len = a.to_sockaddr(ss);
	union sctpx_sockaddr u{};
	std::memcpy(&u, &ss, std::min<std::size_t>(len, sizeof(u)));
	return u;
}

Result<Address> from_c(const union sctpx_sockaddr &u)
{
	return Address::from_sockaddr(&u.sa, sizeof(u));
}

Result<Selection> from_c(const struct sctpx_select *in)
{
	Selection sel;
	if (in == nullptr)
		return sel;
	if (in->size < kSelectSizeV1)
		return Error{EINVAL, "struct sctpx_select: size not set (SCTPX_INIT)"};
	const struct sctpx_select s = copy_in(in);
	sel.states = s.states;
	sel.peer_port = s.peer_port;
	sel.limit = s.limit;
	if (s.order > SCTPX_SELECT_ORDER_TRAFFIC)
		return Error{EINVAL, "unknown selection order"};
	sel.order = s.order == SCTPX_SELECT_ORDER_TRAFFIC ? Order::Traffic : Order::Id;
	if (s.has_peer_addr != 0) {
		auto a = from_c(s.peer_addr);
		if (!a)
			return std::move(a).error();
		sel.peer_addr = *a;
	}
	return sel;
}

struct AssocsHolder {
	struct sctpx_assocs pub {};
	std::vector<struct sctpx_assoc> v;
	std::vector<std::vector<union sctpx_sockaddr>> addrs;
	std::vector<std::string> msgs;
	std::string incomplete_msg;
};

struct ConnectHolder {
	struct sctpx_connect_result pub {};
	std::vector<struct sctpx_peer_result> v;
	std::vector<std::string> msgs;
};

/* The free functions rely on pub being at the holder's address. */
static_assert(std::is_standard_layout_v<AssocsHolder>);
static_assert(std::is_standard_layout_v<ConnectHolder>);

void fill(struct sctpx_assoc &c, const AssocInfo &a, std::vector<union sctpx_sockaddr> &addrs)
{
	c.id = a.id;
	c.state = a.state;
	c.fd = -1;
	c.error_msg = "";
	c.local_port = a.local_port;
	c.instreams = a.instreams;
	c.outstreams = a.outstreams;
	addrs.reserve(a.peer_addrs.size());
	for (const Address &p : a.peer_addrs)
		addrs.push_back(to_c(p));
	c.naddrs = addrs.size();
	c.addrs = addrs.empty() ? nullptr : addrs.data();
	c.data_in = a.counters.data_in;
	c.data_out = a.counters.data_out;
	c.packets_in = a.counters.packets_in;
	c.packets_out = a.counters.packets_out;
	c.rtx_chunks = a.counters.rtx_chunks;
	c.peer_addr_count = a.peer_addr_count;
	c.peer_addrs_cut = a.peer_addrs_cut ? 1 : 0;
	c.local_vtag = a.local_vtag;
	c.peer_vtag = a.peer_vtag;
	c.outstanding = a.outstanding;
	c.queued = a.queued;
	c.peer_rwnd = a.peer_rwnd;
	c.heard_ms = a.heard_ms;
	c.init_retries = a.init_retries;
	c.max_init_retries = a.max_init_retries;
}

/* The entries of h, sized and described; descriptors not yet taken. */
std::unique_ptr<AssocsHolder> holder(std::size_t n)
{
	auto h = std::make_unique<AssocsHolder>();
	h->v.resize(n);
	h->addrs.resize(n);
	h->msgs.resize(n);
	return h;
}

struct sctpx_assocs *publish(std::unique_ptr<AssocsHolder> h) noexcept
{
	h->pub.n = h->v.size();
	for (std::size_t i = 0; i < h->v.size(); i++)
		h->v[i].error_msg = h->msgs[i].c_str();
	h->pub.incomplete_msg = h->incomplete_msg.c_str();
	return &h.release()->pub;
}

/*
 * Everything is allocated before the first descriptor leaves the C++
 * result; then the descriptors move into the C entries, which cannot
 * fail. A failure before that leaves every descriptor open (released,
 * not closed: closing would end its association) and says so.
 */
int deliver_peel(Result<PeelResult> r, struct sctpx_assocs **out) noexcept
{
	if (!r)
		return fail(r.error());
	std::unique_ptr<AssocsHolder> h;
	try {
		h = holder(r->entries.size());
		for (std::size_t i = 0; i < r->entries.size(); i++) {
			const Peeled &p = r->entries[i];
			fill(h->v[i], p.info, h->addrs[i]);
			if (!p.fd)
				h->msgs[i] = p.fd.error().extack;
		}
		if (r->incomplete)
			h->incomplete_msg = r->incomplete->extack;
	} catch (...) {
		for (Peeled &p : r->entries)
			if (p.fd)
				(void)p.fd->release();
		return fail(ENOMEM, "out of memory after the peel: its new descriptors stay open, "
				    "unknown to the caller");
	}
	for (std::size_t i = 0; i < r->entries.size(); i++) {
		Peeled &p = r->entries[i];
		if (p.fd)
			h->v[i].fd = p.fd->release();
		else
			h->v[i].error = p.fd.error().errnum();
	}
	h->pub.remaining = r->remaining;
	h->pub.path = path_code(r->path);
	h->pub.incomplete = r->incomplete ? r->incomplete->errnum() : 0;
	*out = publish(std::move(h));
	return succeed();
}

Result<PeelOptions> peel_options(unsigned int flags)
{
	PeelOptions o;
	if ((flags & SCTPX_PEEL_ATOMIC) != 0)
		o.mode = Mode::AllOrNothing;
	o.brief = (flags & SCTPX_PEEL_BRIEF) != 0;
	auto f = PeelFlags::from_sock_flags(flags & ~(SCTPX_PEEL_ATOMIC | SCTPX_PEEL_BRIEF));
	if (!f)
		return std::move(f).error();
	o.flags = *f;
	return o;
}

int wait_code(const std::optional<WaitEnd> &w)
{
	if (!w)
		return SCTPX_WAIT_NONE;
	switch (*w) {
	case WaitEnd::Settled: return SCTPX_WAIT_SETTLED;
	case WaitEnd::Timeout: return SCTPX_WAIT_TIMEOUT;
	case WaitEnd::Signal: return SCTPX_WAIT_SIGNAL;
	}
	return SCTPX_WAIT_NONE;
}

} // namespace

namespace sctpx {

sctpx_client *c_handle(Client c)
{
	return std::make_unique<sctpx_client>(sctpx_client{std::move(c)}).release();
}

} // namespace sctpx

extern "C" {

int sctpx_open(sctpx_client **out, unsigned int flags)
{
	return guard([&] {
		if (out == nullptr || (flags & ~(SCTPX_OPEN_FORCE_FALLBACK | SCTPX_OPEN_NO_AUTOLOAD)) != 0)
			return fail(EINVAL, "bad arguments");
		ClientOptions o;
		o.force_fallback = (flags & SCTPX_OPEN_FORCE_FALLBACK) != 0;
		o.autoload = (flags & SCTPX_OPEN_NO_AUTOLOAD) == 0;
		auto c = Client::open(o);
		if (!c)
			return fail(c.error());
		*out = std::make_unique<sctpx_client>(sctpx_client{std::move(*c)}).release();
		return succeed();
	});
}

void sctpx_close(sctpx_client *c)
{
	const std::unique_ptr<sctpx_client> owner(c);
}

const char *sctpx_extack(void)
{
	return last_extack;
}

int sctpx_get_info(sctpx_client *c, struct sctpx_info *out)
{
	return guard([&] {
		if (c == nullptr || out == nullptr)
			return fail(EINVAL, "bad arguments");
		if (out->size < kInfoSizeV1)
			return fail(EINVAL, "struct sctpx_info: size not set (SCTPX_INIT)");
		auto r = c->cxx.info();
		if (!r)
			return fail(r.error());
		struct sctpx_info i {};
		i.module_loaded = r->module_loaded ? 1 : 0;
		i.forced_fallback = r->forced_fallback ? 1 : 0;
		i.family_version = r->family_version;
		std::snprintf(i.module_version, sizeof(i.module_version), "%s", r->module_version.c_str());
		i.ops = r->ops;
		i.max_batch = r->limits.max_batch;
		i.max_peers = r->limits.max_peers;
		i.max_peer_addrs = r->limits.max_peer_addrs;
		i.peeloff_path = path_code(r->peeloff_path);
		i.list_path = path_code(r->list_path);
		i.connectx_path = path_code(r->connectx_path);
		i.module_usable = r->module_usable ? 1 : 0;
		i.features = r->features;
		copy_out(out, i);
		return succeed();
	});
}

int sctpx_get_counters(sctpx_client *c, struct sctpx_counters *out)
{
	return guard([&] {
		if (c == nullptr || out == nullptr)
			return fail(EINVAL, "bad arguments");
		if (out->size < kCountersSizeV1)
			return fail(EINVAL, "struct sctpx_counters: size not set (SCTPX_INIT)");
		auto r = c->cxx.counters();
		if (!r)
			return fail(r.error());
		struct sctpx_counters k {};
		k.peeloff_requests = r->peeloff_requests;
		k.peeled = r->peeled;
		k.peel_errors = r->peel_errors;
		k.connectx_requests = r->connectx_requests;
		k.connectx_started = r->connectx_started;
		k.connectx_errors = r->connectx_errors;
		k.reply_errors = r->reply_errors;
		k.lost_replies_dropped = r->lost_replies_dropped;
		copy_out(out, k);
		return succeed();
	});
}

int sctpx_assoc_list(sctpx_client *c, int sock, const struct sctpx_select *filter,
		     struct sctpx_assocs **out)
{
	return guard([&] {
		if (c == nullptr || out == nullptr)
			return fail(EINVAL, "bad arguments");
		auto sel = from_c(filter);
		if (!sel)
			return fail(sel.error());
		auto r = c->cxx.list(sock, *sel);
		if (!r)
			return fail(r.error());
		auto h = holder(r->assocs.size());
		for (std::size_t i = 0; i < r->assocs.size(); i++)
			fill(h->v[i], r->assocs[i], h->addrs[i]);
		h->pub.path = path_code(r->path);
		*out = publish(std::move(h));
		return succeed();
	});
}

int sctpx_peeloff(sctpx_client *c, int sock, const uint32_t *ids, size_t n, unsigned int flags,
		  struct sctpx_assocs **out)
{
	return guard([&] {
		if (c == nullptr || out == nullptr || (ids == nullptr && n != 0))
			return fail(EINVAL, "bad arguments");
		auto o = peel_options(flags);
		if (!o)
			return fail(o.error());
		return deliver_peel(c->cxx.peeloff(sock, std::span<const AssocId>(ids, n), *o), out);
	});
}

int sctpx_peeloff_select(sctpx_client *c, int sock, const struct sctpx_select *sel,
			 unsigned int flags, struct sctpx_assocs **out)
{
	return guard([&] {
		if (c == nullptr || out == nullptr)
			return fail(EINVAL, "bad arguments");
		auto o = peel_options(flags);
		if (!o)
			return fail(o.error());
		auto s = from_c(sel);
		if (!s)
			return fail(s.error());
		return deliver_peel(c->cxx.peeloff(sock, *s, *o), out);
	});
}

const struct sctpx_assoc *sctpx_assocs_at(const struct sctpx_assocs *r, size_t i)
{
	if (r == nullptr || i >= r->n)
		return nullptr;
	return &reinterpret_cast<const AssocsHolder *>(r)->v[i];
}

void sctpx_assocs_free(struct sctpx_assocs *r)
{
	const std::unique_ptr<AssocsHolder> owner(reinterpret_cast<AssocsHolder *>(r));
}

int sctpx_connectx(sctpx_client *c, int sock, const struct sctpx_peer *peers, size_t npeers,
		   const struct sctpx_connect_opts *opts, struct sctpx_connect_result **out)
{
	return guard([&] {
		if (c == nullptr || out == nullptr || (peers == nullptr && npeers != 0))
			return fail(EINVAL, "bad arguments");
		ConnectOptions o;
		if (opts != nullptr) {
			if (opts->size < kConnectOptsSizeV1)
				return fail(EINVAL, "struct sctpx_connect_opts: size not set (SCTPX_INIT)");
			const struct sctpx_connect_opts co = copy_in(opts);
			o.wait = std::chrono::milliseconds(co.wait_ms);
		}
		const std::span<const struct sctpx_peer> in(peers, npeers);
		std::vector<Peer> pv;
		pv.reserve(npeers);
		for (const struct sctpx_peer &p : in) {
			if (p.addrs == nullptr && p.naddrs != 0)
				return fail(EINVAL, "bad arguments");
			Peer &q = pv.emplace_back();
			q.addrs.reserve(p.naddrs);
			for (const auto &a : std::span(p.addrs, p.naddrs)) {
				auto addr = from_c(a);
				if (!addr)
					return fail(addr.error());
				q.addrs.push_back(*addr);
			}
		}
		auto r = c->cxx.connectx(sock, pv, o);
		if (!r)
			return fail(r.error());
		auto h = std::make_unique<ConnectHolder>();
		h->v.reserve(r->peers.size());
		h->msgs.reserve(r->peers.size());
		for (const PeerOutcome &p : r->peers) {
			struct sctpx_peer_result pr {};
			pr.peer_index = p.peer_index;
			pr.id = p.id;
			pr.state = p.state;
			if (p.result) {
				pr.id = p.result->id;
				pr.state = p.result->state;
				h->msgs.emplace_back();
			} else {
				pr.error = p.result.error().errnum();
				h->msgs.push_back(p.result.error().extack);
			}
			h->v.push_back(pr);
		}
		for (std::size_t i = 0; i < h->v.size(); i++)
			h->v[i].error_msg = h->msgs[i].c_str();
		h->pub.n = h->v.size();
		h->pub.path = path_code(r->path);
		h->pub.wait_end = wait_code(r->wait_end);
		*out = &h.release()->pub;
		return succeed();
	});
}

const struct sctpx_peer_result *sctpx_connect_result_at(const struct sctpx_connect_result *r,
							 size_t i)
{
	if (r == nullptr || i >= r->n)
		return nullptr;
	return &reinterpret_cast<const ConnectHolder *>(r)->v[i];
}

void sctpx_connect_result_free(struct sctpx_connect_result *r)
{
	const std::unique_ptr<ConnectHolder> owner(reinterpret_cast<ConnectHolder *>(r));
}

} // extern "C"
