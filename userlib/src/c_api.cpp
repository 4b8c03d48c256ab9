// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The C API: a thin layer over sctpx::Client. Results are built in a
 * C++ holder whose first member is the public struct; the free functions
 * find the holder again from that pointer.
 */
#include "sctpx/sctpx.h"

#include <cerrno>
#include <cstring>
#include <memory>
#include <new>
#include <string>
#include <type_traits>
#include <vector>

#include "sctpx/client.hpp"

struct sctpx_client {
	sctpx::Client cxx;
};

namespace {

using namespace sctpx;

thread_local std::string last_extack;

int fail(const Error &e)
{
	last_extack = e.extack;
	return e.errnum() != 0 ? -e.errnum() : -EIO;
}

int fail(int errnum, const char *msg)
{
	return fail(Error{errnum, msg});
}

int succeed()
{
	last_extack.clear();
	return 0;
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

Result<Selection> from_c(const struct sctpx_select *s)
{
	Selection sel;
	if (s == nullptr)
		return sel;
	sel.states = s->states;
	sel.peer_port = s->peer_port;
	sel.limit = s->limit;
	if (s->order > SCTPX_SELECT_ORDER_TRAFFIC)
		return Error{EINVAL, "unknown selection order"};
	sel.order = s->order == SCTPX_SELECT_ORDER_TRAFFIC ? Order::Traffic : Order::Id;
	if (s->has_peer_addr != 0) {
		auto a = from_c(s->peer_addr);
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
};

struct ConnectHolder {
	struct sctpx_connect_result pub {};
	std::vector<struct sctpx_peer_result> v;
};

/* The free functions rely on pub being at the holder's address. */
static_assert(std::is_standard_layout_v<AssocsHolder>);
static_assert(std::is_standard_layout_v<ConnectHolder>);

void fill(struct sctpx_assoc &c, const AssocInfo &a, std::vector<union sctpx_sockaddr> &addrs)
{
	c.id = a.id;
	c.state = a.state;
	c.fd = -1;
	c.local_port = a.local_port;
	c.instreams = a.instreams;
	c.outstreams = a.outstreams;
	for (const Address &p : a.peer_addrs)
		addrs.push_back(to_c(p));
	c.naddrs = addrs.size();
	c.addrs = addrs.empty() ? nullptr : addrs.data();
	c.data_in = a.counters.data_in;
	c.data_out = a.counters.data_out;
	c.packets_in = a.counters.packets_in;
	c.packets_out = a.counters.packets_out;
	c.rtx_chunks = a.counters.rtx_chunks;
}

struct sctpx_assocs *publish(std::unique_ptr<AssocsHolder> h)
{
	h->pub.n = h->v.size();
	h->pub.v = h->v.empty() ? nullptr : h->v.data();
	return &h.release()->pub;
}

int deliver_peel(Result<PeelResult> r, struct sctpx_assocs **out)
{
	if (!r)
		return fail(r.error());
	auto h = std::make_unique<AssocsHolder>();
	h->v.resize(r->entries.size());
	h->addrs.resize(r->entries.size());
	for (std::size_t i = 0; i < r->entries.size(); i++) {
		Peeled &p = r->entries[i];
		fill(h->v[i], p.info, h->addrs[i]);
		if (p.fd)
			h->v[i].fd = p.fd->release();
		else
			h->v[i].error = p.fd.error().errnum();
	}
	h->pub.remaining = r->remaining;
	h->pub.path = path_code(r->path);
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

} // namespace

extern "C" {

int sctpx_open(sctpx_client **out, unsigned int flags)
{
	if (out == nullptr || (flags & ~(SCTPX_OPEN_FORCE_FALLBACK | SCTPX_OPEN_NO_AUTOLOAD)) != 0)
		return fail(EINVAL, "bad arguments");
	ClientOptions o;
	o.force_fallback = (flags & SCTPX_OPEN_FORCE_FALLBACK) != 0;
	o.autoload = (flags & SCTPX_OPEN_NO_AUTOLOAD) == 0;
	try {
		auto c = Client::open(o);
		if (!c)
			return fail(c.error());
		*out = std::make_unique<sctpx_client>(sctpx_client{std::move(*c)}).release();
		return succeed();
	} catch (const std::bad_alloc &) {
		return fail(ENOMEM, "out of memory");
	}
}

void sctpx_close(sctpx_client *c)
{
	const std::unique_ptr<sctpx_client> owner(c);
}

const char *sctpx_extack(void)
{
	return last_extack.c_str();
}

int sctpx_get_info(sctpx_client *c, struct sctpx_info *out)
{
	if (c == nullptr || out == nullptr)
		return fail(EINVAL, "bad arguments");
	try {
		auto r = c->cxx.info();
		if (!r)
			return fail(r.error());
		*out = {};
		out->module_loaded = r->module_loaded ? 1 : 0;
		out->forced_fallback = r->forced_fallback ? 1 : 0;
		out->family_version = r->family_version;
		std::strncpy(out->module_version, r->module_version.c_str(),
			     sizeof(out->module_version) - 1);
		out->ops = r->ops;
		out->max_batch = r->limits.max_batch;
		out->max_peers = r->limits.max_peers;
		out->max_peer_addrs = r->limits.max_peer_addrs;
		out->peeloff_path = path_code(r->peeloff_path);
		out->list_path = path_code(r->list_path);
		out->connectx_path = path_code(r->connectx_path);
		return succeed();
	} catch (const std::bad_alloc &) {
		return fail(ENOMEM, "out of memory");
	}
}

int sctpx_get_counters(sctpx_client *c, struct sctpx_counters *out)
{
	if (c == nullptr || out == nullptr)
		return fail(EINVAL, "bad arguments");
	try {
		auto r = c->cxx.counters();
		if (!r)
			return fail(r.error());
		*out = {r->peeloff_requests, r->peeled, r->peel_errors, r->connectx_requests,
			r->connectx_started, r->connectx_errors, r->reply_errors, r->floor_ns,
			r->floor_count, r->peeloff_ns};
		return succeed();
	} catch (const std::bad_alloc &) {
		return fail(ENOMEM, "out of memory");
	}
}

int sctpx_assoc_list(sctpx_client *c, int sock, const struct sctpx_select *filter,
		     struct sctpx_assocs **out)
{
	if (c == nullptr || out == nullptr)
		return fail(EINVAL, "bad arguments");
	try {
		auto sel = from_c(filter);
		if (!sel)
			return fail(sel.error());
		auto r = c->cxx.list(sock, *sel);
		if (!r)
			return fail(r.error());
		auto h = std::make_unique<AssocsHolder>();
		h->v.resize(r->assocs.size());
		h->addrs.resize(r->assocs.size());
		for (std::size_t i = 0; i < r->assocs.size(); i++)
			fill(h->v[i], r->assocs[i], h->addrs[i]);
		h->pub.path = path_code(r->path);
		*out = publish(std::move(h));
		return succeed();
	} catch (const std::bad_alloc &) {
		return fail(ENOMEM, "out of memory");
	}
}

int sctpx_peeloff(sctpx_client *c, int sock, const uint32_t *ids, size_t n, unsigned int flags,
		  struct sctpx_assocs **out)
{
	if (c == nullptr || out == nullptr || (ids == nullptr && n != 0))
		return fail(EINVAL, "bad arguments");
	try {
		auto o = peel_options(flags);
		if (!o)
			return fail(o.error());
		return deliver_peel(c->cxx.peeloff(sock, std::span<const AssocId>(ids, n), *o), out);
	} catch (const std::bad_alloc &) {
		return fail(ENOMEM, "out of memory");
	}
}

int sctpx_peeloff_select(sctpx_client *c, int sock, const struct sctpx_select *sel,
			 unsigned int flags, struct sctpx_assocs **out)
{
	if (c == nullptr || out == nullptr)
		return fail(EINVAL, "bad arguments");
	try {
		auto o = peel_options(flags);
		if (!o)
			return fail(o.error());
		auto s = from_c(sel);
		if (!s)
			return fail(s.error());
		return deliver_peel(c->cxx.peeloff(sock, *s, *o), out);
	} catch (const std::bad_alloc &) {
		return fail(ENOMEM, "out of memory");
	}
}

void sctpx_assocs_free(struct sctpx_assocs *r)
{
	const std::unique_ptr<AssocsHolder> owner(reinterpret_cast<AssocsHolder *>(r));
}

int sctpx_connectx(sctpx_client *c, int sock, const struct sctpx_peer *peers, size_t npeers,
		   unsigned int wait_ms, struct sctpx_connect_result **out)
{
	if (c == nullptr || out == nullptr || (peers == nullptr && npeers != 0))
		return fail(EINVAL, "bad arguments");
	try {
		std::vector<Peer> pv(npeers);
		const std::span<const struct sctpx_peer> in(peers, npeers);
		for (std::size_t i = 0; i < npeers; i++) {
			if (in[i].addrs == nullptr && in[i].naddrs != 0)
				return fail(EINVAL, "bad arguments");
			for (const auto &a : std::span(in[i].addrs, in[i].naddrs)) {
				auto addr = from_c(a);
				if (!addr)
					return fail(addr.error());
				pv[i].addrs.push_back(*addr);
			}
		}
		ConnectOptions o;
		o.wait = std::chrono::milliseconds(wait_ms);
		auto r = c->cxx.connectx(sock, pv, o);
		if (!r)
			return fail(r.error());
		auto h = std::make_unique<ConnectHolder>();
		for (const PeerOutcome &p : r->peers) {
			struct sctpx_peer_result pr {};
			pr.peer_index = p.peer_index;
			if (p.result) {
				pr.id = p.result->id;
				pr.state = p.result->state;
			} else {
				pr.error = p.result.error().errnum();
			}
			h->v.push_back(pr);
		}
		h->pub.n = h->v.size();
		h->pub.v = h->v.empty() ? nullptr : h->v.data();
		h->pub.path = path_code(r->path);
		h->pub.wait_end = !r->wait_end ? SCTPX_WAIT_NONE
				  : *r->wait_end == WaitEnd::Settled ? SCTPX_WAIT_SETTLED
				  : *r->wait_end == WaitEnd::Timeout ? SCTPX_WAIT_TIMEOUT
								     : SCTPX_WAIT_SIGNAL;
		*out = &h.release()->pub;
		return succeed();
	} catch (const std::bad_alloc &) {
		return fail(ENOMEM, "out of memory");
	}
}

void sctpx_connect_result_free(struct sctpx_connect_result *r)
{
	const std::unique_ptr<ConnectHolder> owner(reinterpret_cast<ConnectHolder *>(r));
}

} // extern "C"
