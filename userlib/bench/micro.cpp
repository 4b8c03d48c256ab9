// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * sctpx_micro: where the library's own time goes in a peeloff by ids,
 * measured natively on the host (no emulation, no SCTP, no module).
 *
 * The library runs against the unit tests' fake transport
 * (tests/unit/fake_transport.hpp) with a handler that answers PEELOFF as
 * the module does (FD and ID per entry, or every attribute of the full
 * entry with one IPv4 peer address), handing out descriptors of a fixed
 * pool that the caller releases again. A wrapper around the transport
 * times and counts what happens inside it, so "own" is the library minus
 * its transport. Each stage of a call is also run on its own: request
 * encoding, reply decoding, the record of peeled associations, the result
 * vector with its Fds, the C layer; and the real netlink transport
 * (NlTransport) against the host kernel's nlctrl next to a bare
 * send()/recv() of the same request, for what libnl adds to a round trip.
 *
 * Every time is the median over samples of many calls; the variants are
 * interleaved and rotated from sample to sample, so a loaded machine slows
 * them alike. Allocations: every malloc/calloc/realloc (allocount.hpp).
 * System calls: counted with seccomp (syscount.hpp).
 *
 * Output, one line each:
 *   MICRO-META,key,value
 *   MICRO,variant,n,ns_call,ns_assoc,q1_ns,q3_ns,allocs_call,syscalls_call
 *   MICRO-OWN,variant,n,own_ns_call,transport_ns_call,own_allocs_call
 * then a Markdown table of the breakdown. Exit status 1 when a check
 * fails. Environment: MICRO_SAMPLES (samples per variant, default 41).
 * sctpx_micro --calls N COUNT: only COUNT brief peeloffs of N ids (for
 * strace -c).
 */
#include <algorithm>
#include <array>
#include <arpa/inet.h>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <fcntl.h>
#include <functional>
#include <map>
#include <memory>
#include <random>
#include <span>
#include <string>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <linux/sctpx.h>
#include <netlink/attr.h>
#include <netlink/genl/genl.h>

#include "allocount.hpp"
#include "clock.hpp"
#include "client_access.hpp"
#include "codec.hpp"
#include "fake_transport.hpp"
#include "module_path.hpp"
#include "peeled.hpp"
#include "sctpx/sctpx.h"
#include "sctpx/sctpx.hpp"
#include "syscount.hpp"
#include "transport.hpp"

using namespace sctpx;
using sctpx::bench::allocations;
using sctpx::bench::count_syscalls;
using sctpx::bench::now_ns;

namespace {

constexpr std::array<std::size_t, 4> kSizes{1, 8, 64, 512};
constexpr std::size_t kPoolSize = 512;
constexpr unsigned int kSockFlags = SOCK_NONBLOCK | SOCK_CLOEXEC;

int g_failures = 0;

void fail(const std::string &what)
{
	if (g_failures++ < 20)
		std::printf("MICRO-FAIL %s\n", what.c_str());
}

std::string loadavg()
{
	std::string s;
	if (FILE *f = std::fopen("/proc/loadavg", "re")) {
		std::array<char, 128> buf{};
		if (std::fgets(buf.data(), static_cast<int>(buf.size()), f) != nullptr)
			s = buf.data();
		std::fclose(f);
	}
	while (!s.empty() && s.back() == '\n')
		s.pop_back();
	return s;
}

/* What the wrapped transport saw: time and allocations inside it. */
struct Meter {
	std::uint64_t ns = 0;
	long allocs = 0;
	long exchanges = 0;
	long resolves = 0;
	long info_gets = 0;
};

std::uint8_t genl_cmd(const detail::NlMsg &m)
{
	const nlmsghdr *h = nlmsg_hdr(m.get());
	return static_cast<const genlmsghdr *>(nlmsg_data(h))->cmd;
}

/* The fake transport, timed: the library's time is the call's minus this. */
class MeteredTransport final : public detail::Transport {
public:
	MeteredTransport(std::unique_ptr<detail::Transport> inner, Meter *m)
		: inner_(std::move(inner)), m_(m)
	{
	}

	Result<int> resolve(bool autoload) override
	{
		m_->resolves++;
		return inner_->resolve(autoload);
	}

	Result<std::vector<detail::Message>> transact(detail::NlMsg req, std::size_t reply_max) override
	{
		if (genl_cmd(req) == SCTPX_CMD_INFO_GET)
			m_->info_gets++;
		const long a0 = allocations();
		const std::uint64_t t0 = now_ns();
		auto r = inner_->transact(std::move(req), reply_max);
		m_->ns += now_ns() - t0;
		m_->allocs += allocations() - a0;
		m_->exchanges++;
		return r;
	}

	Result<std::vector<detail::Message>> recover_lost(detail::NlMsg req, std::uint8_t cmd) override
	{
		return inner_->recover_lost(std::move(req), cmd);
	}

	[[nodiscard]] bool reusable() const noexcept override { return inner_->reusable(); }

private:
	std::unique_ptr<detail::Transport> inner_;
	Meter *m_;
};

detail::TransportFactory metered_factory(std::shared_ptr<test::FakeKernel> k, Meter *m)
{
	return [inner = test::fake_factory(std::move(k)), m]() -> Result<std::unique_ptr<detail::Transport>> {
		auto t = inner();
		if (!t)
			return std::move(t).error();
		return std::unique_ptr<detail::Transport>(
			std::make_unique<MeteredTransport>(std::move(*t), m));
	};
}

/*
 * The fake module: PEELOFF answered as kmod/peeloff.c lays it out, the
 * i-th id getting pool[i]; INFO_GET as the fake's default (max_batch
 * 4096, so every N here is one request). Its own time is kept apart.
 */
class FakeModule {
public:
	explicit FakeModule(const std::vector<Fd> &pool) : pool_(pool) {}

	Result<std::vector<detail::Message>> handle(const test::Request &r)
	{
		const std::uint64_t t0 = now_ns();
		auto out = answer(r);
		ns += now_ns() - t0;
		return out;
	}

	std::uint64_t ns = 0;

private:
	Result<std::vector<detail::Message>> answer(const test::Request &r)
	{
		if (r.cmd() == SCTPX_CMD_INFO_GET)
			return std::vector<detail::Message>{test::info_reply(test::all_ops(), 4096, 1024)};
		if (r.cmd() != SCTPX_CMD_PEELOFF)
			return Error{EOPNOTSUPP};
		const auto *gh = static_cast<const genlmsghdr *>(nlmsg_data(r.msg.hdr()));
		ids_.clear();
		bool brief = false;
		const nlattr *pos = nullptr;
		int rem = 0;
		nla_for_each_attr(pos, genlmsg_attrdata(gh, 0), genlmsg_attrlen(gh, 0), rem) {
			if (nla_type(pos) == SCTPX_A_ASSOC_ID)
				ids_.push_back(nla_get_u32(pos));
			else if (nla_type(pos) == SCTPX_A_BRIEF)
				brief = true;
		}
		if (ids_.size() > pool_.size())
			return Error{E2BIG};
		const std::unique_ptr<nl_msg, detail::NlMsgFree> m(
			nlmsg_alloc_size(std::max<std::size_t>(4096, ids_.size() * 256)));
		genlmsg_put(m.get(), 1, 1, test::fake_family, 0, 0, SCTPX_CMD_PEELOFF, SCTPX_FAMILY_VERSION);
		for (std::size_t i = 0; i < ids_.size(); i++)
			put_entry(m.get(), ids_[i], pool_[i].get(), brief);
		return std::vector<detail::Message>{detail::Message(nlmsg_hdr(m.get()))};
	}

	static void put_entry(nl_msg *m, std::uint32_t id, int fd, bool brief)
	{
		nlattr *e = nla_nest_start(m, SCTPX_A_ASSOC | NLA_F_NESTED);
		nla_put_s32(m, SCTPX_ASSOC_A_FD, fd);
		nla_put_u32(m, SCTPX_ASSOC_A_ID, id);
		if (!brief) {
			nla_put_u32(m, SCTPX_ASSOC_A_STATE, 3 /* SCTP_ESTABLISHED */);
			nla_put_u16(m, SCTPX_ASSOC_A_LOCAL_PORT, 5000);
			nla_put_u16(m, SCTPX_ASSOC_A_INSTREAMS, 10);
			nla_put_u16(m, SCTPX_ASSOC_A_OUTSTREAMS, 10);
			for (const int a : {SCTPX_ASSOC_A_DATA_IN, SCTPX_ASSOC_A_DATA_OUT, SCTPX_ASSOC_A_PACKETS_IN,
					    SCTPX_ASSOC_A_PACKETS_OUT, SCTPX_ASSOC_A_RTX_CHUNKS})
				nla_put_u64(m, a, id);
			nlattr *a = nla_nest_start(m, SCTPX_ASSOC_A_PEER_ADDR | NLA_F_NESTED);
			const std::uint32_t lo = htonl(0x7f000001);
			nla_put(m, SCTPX_ADDR_A_IN4, sizeof(lo), &lo);
			nla_put_u16(m, SCTPX_ADDR_A_PORT, 40000);
			nla_nest_end(m, a);
			nla_put_u32(m, SCTPX_ASSOC_A_PEER_ADDR_COUNT, 1);
			for (const int k : {SCTPX_ASSOC_A_LOCAL_VTAG, SCTPX_ASSOC_A_PEER_VTAG, SCTPX_ASSOC_A_OUTSTANDING,
					    SCTPX_ASSOC_A_QUEUED, SCTPX_ASSOC_A_PEER_RWND, SCTPX_ASSOC_A_HEARD_MS,
					    SCTPX_ASSOC_A_INIT_RETRIES, SCTPX_ASSOC_A_MAX_INIT_RETRIES})
				nla_put_u32(m, k, id);
		}
		nla_nest_end(m, e);
	}

	const std::vector<Fd> &pool_;
	std::vector<std::uint32_t> ids_;
};

/* One measured variant: a call of it, and its samples. */
struct Variant {
	std::string name;
	std::size_t n = 0;
	int batch = 1; /* calls per sample */
	std::function<void()> once;
	/* Set: run before each call, untimed (a cold call: caches evicted). */
	std::function<void()> before;
	Meter *meter = nullptr; /* set: the fake transport's share is known */
	std::vector<double> ns, transport_ns;
	double allocs = 0, own_allocs = 0;
	long syscalls = -1;
};

struct Stats {
	double median = 0, q1 = 0, q3 = 0;
};

Stats stats(std::vector<double> v)
{
	Stats s;
	if (v.empty())
		return s;
	std::sort(v.begin(), v.end());
	s.median = v[v.size() / 2];
	s.q1 = v[v.size() / 4];
	s.q3 = v[(v.size() * 3) / 4];
	return s;
}

void sample(Variant &v)
{
	const Meter before = v.meter != nullptr ? *v.meter : Meter{};
	std::uint64_t dt = 0;
	if (v.before) {
		for (int i = 0; i < v.batch; i++) {
			v.before();
			const std::uint64_t t0 = now_ns();
			v.once();
			dt += now_ns() - t0;
		}
	} else {
		const std::uint64_t t0 = now_ns();
		for (int i = 0; i < v.batch; i++)
			v.once();
		dt = now_ns() - t0;
	}
	v.ns.push_back(static_cast<double>(dt) / v.batch);
	if (v.meter != nullptr)
		v.transport_ns.push_back(static_cast<double>(v.meter->ns - before.ns) / v.batch);
}

/* Allocations and system calls of one call, outside any timed sample. */
void count(Variant &v)
{
	const Meter before = v.meter != nullptr ? *v.meter : Meter{};
	const long a0 = allocations();
	for (int i = 0; i < v.batch; i++)
		v.once();
	v.allocs = static_cast<double>(allocations() - a0) / v.batch;
	v.own_allocs = v.allocs;
	if (v.meter != nullptr)
		v.own_allocs -= static_cast<double>(v.meter->allocs - before.allocs) / v.batch;
	/* The fewest of three: a first call may also grow the heap (brk, mmap). */
	for (int i = 0; i < 3; i++) {
		const long c = count_syscalls(v.once);
		if (i == 0 || (c >= 0 && c < v.syscalls))
			v.syscalls = c;
	}
}

/*
 * Push the caches out: a call right after its round's set-up (as in the
 * guest benchmark) finds neither its code nor its data cached.
 */
void evict()
{
	static std::vector<unsigned char> junk(std::size_t{32} << 20);
	static unsigned char v = 0;
	v++;
	for (std::size_t i = 0; i < junk.size(); i += 64)
		junk[i] = v;
}

/* Warm up, then count: once per variant, outside the timed samples. */
void prepare(std::vector<Variant> &vs)
{
	for (Variant &v : vs) {
		v.once();
		count(v);
	}
}

/*
 * One sample of every variant, in a new order each round (shuffled, seeded
 * by the round): no variant always follows the same one and inherits its
 * leftovers in the caches.
 */
void one_round(std::vector<Variant> &vs, int r)
{
	std::vector<std::size_t> order(vs.size());
	for (std::size_t k = 0; k < order.size(); k++)
		order[k] = k;
	std::mt19937 rng(static_cast<std::uint32_t>(r));
	std::shuffle(order.begin(), order.end(), rng);
	for (const std::size_t k : order)
		sample(vs[k]);
}

void run(std::vector<Variant> &vs, int samples)
{
	prepare(vs);
	for (int s = 0; s < samples; s++)
		one_round(vs, s);
}

/* --- the library against the fake module ---------------------------------- */

struct Fixture {
	std::vector<Fd> pool;
	Fd sock; /* the "one-to-many socket": any descriptor fstat() can see */
	std::shared_ptr<test::FakeKernel> kernel = std::make_shared<test::FakeKernel>();
	std::unique_ptr<FakeModule> module;
	Meter meter;
	std::unique_ptr<Client> client;
	std::unique_ptr<sctpx_client, void (*)(sctpx_client *)> c{nullptr, sctpx_close};
	std::unique_ptr<detail::Transport> session_transport;
	std::uint32_t next_id = 100;
	long calls = 0;

	bool open()
	{
		const Fd null(::open("/dev/null", O_RDONLY | O_CLOEXEC));
		for (std::size_t i = 0; i < kPoolSize; i++)
			pool.emplace_back(fcntl(null.get(), F_DUPFD_CLOEXEC, 0));
		sock = Fd(socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
		if (!null || !sock || !std::all_of(pool.begin(), pool.end(), [](const Fd &f) { return f.valid(); }))
			return false;
		module = std::make_unique<FakeModule>(pool);
		kernel->handler = [m = module.get()](const test::Request &r) { return m->handle(r); };
		auto cl = ClientAccess::make(metered_factory(kernel, &meter), {});
		auto c2 = ClientAccess::make(metered_factory(kernel, &meter), {});
		if (!cl || !c2)
			return false;
		client = std::make_unique<Client>(std::move(*cl));
		c.reset(c_handle(std::move(*c2)));
		auto t = metered_factory(kernel, &meter)();
		if (!t)
			return false;
		session_transport = std::move(*t);
		return client->path_for(Op::Peeloff) == Path::Module;
	}

	/* Fresh ids, as fresh associations would have. */
	std::vector<AssocId> ids(std::size_t n)
	{
		std::vector<AssocId> v(n);
		for (AssocId &id : v)
			id = next_id++;
		return v;
	}

	/* The fake kernel keeps every request: drop them (not in a timed sample). */
	void trim()
	{
		const std::lock_guard lock(kernel->mu);
		kernel->requests.clear();
		kernel->request_transport.clear();
	}

	/* Check the result and give the pool's descriptors back (never closed). */
	void take(Result<PeelResult> &r, std::size_t n)
	{
		calls++;
		if (!r || r->path != Path::Module || r->entries.size() != n) {
			fail("peeloff: " + (r ? std::string("wrong result") : r.error().message()));
			return;
		}
		for (std::size_t i = 0; i < n; i++) {
			Peeled &p = r->entries[i];
			if (!p.fd || p.fd->get() != pool[i].get())
				fail("peeloff: entry " + std::to_string(i) + " without its descriptor");
			if (p.fd)
				(void)p.fd->release();
		}
	}

	void take_c(int rc, sctpx_assocs *out, std::size_t n)
	{
		calls++;
		if (rc != 0 || out == nullptr || out->n != n) {
			fail("sctpx_peeloff: " + std::string(sctpx_extack()));
		} else {
			for (std::size_t i = 0; i < n; i++)
				if (sctpx_assocs_at(out, i)->fd != pool[i].get())
					fail("sctpx_peeloff: entry without its descriptor");
		}
		sctpx_assocs_free(out);
	}
};

PeelOptions cxx_opts(bool brief)
{
	PeelOptions o;
	o.flags = PeelFlag::NonBlock | PeelFlag::CloseOnExec;
	o.brief = brief;
	return o;
}

/* The reply of a PEELOFF of n ids, as the fake module builds it. */
detail::Message reply_of(Fixture &f, std::size_t n, bool brief)
{
	auto req = detail::encode_peeloff(test::fake_family, f.sock.get(), f.ids(n), kSockFlags, false, brief);
	const test::Request r{detail::Message(nlmsg_hdr(req->get())), 0};
	auto msgs = f.module->handle(r);
	return std::move(msgs->front());
}

/*
 * The brief C++ call again, cold: after the caches were evicted. Run
 * apart from the warm variants, which would otherwise pay for the
 * eviction in their next sample.
 */
std::vector<Variant> cold_variants(Fixture &f, std::size_t n)
{
	Variant v;
	v.name = "cxx-cold";
	v.n = n;
	v.batch = 2;
	v.meter = &f.meter;
	v.before = evict;
	const int sock = f.sock.get();
	v.once = [&f, n, sock] {
		const auto ids = f.ids(n);
		auto r = f.client->peeloff(sock, std::span<const AssocId>(ids), cxx_opts(true));
		f.take(r, n);
	};
	std::vector<Variant> vs;
	vs.push_back(std::move(v));
	return vs;
}

std::vector<Variant> fake_variants(Fixture &f, std::size_t n)
{
	const int batch = static_cast<int>(std::max<std::size_t>(4, 1024 / n));
	const int sock = f.sock.get();
	std::vector<Variant> vs;
	auto add = [&](std::string name, std::function<void()> fn, Meter *m) {
		Variant v;
		v.name = std::move(name);
		v.n = n;
		v.batch = batch;
		v.once = std::move(fn);
		v.meter = m;
		vs.push_back(std::move(v));
	};

	for (const bool brief : {true, false}) {
		const std::string sfx = brief ? "" : "-full";
		add("cxx" + sfx, [&f, n, sock, brief] {
			const auto ids = f.ids(n);
			auto r = f.client->peeloff(sock, std::span<const AssocId>(ids), cxx_opts(brief));
			f.take(r, n);
		}, &f.meter);
		add("c" + sfx, [&f, n, sock, brief] {
			const auto ids = f.ids(n);
			sctpx_assocs *out = nullptr;
			const int rc = sctpx_peeloff(f.c.get(), sock, ids.data(), n,
						     kSockFlags | (brief ? SCTPX_PEEL_BRIEF : 0U), &out);
			f.take_c(rc, out, n);
		}, &f.meter);
		add("module_peeloff" + sfx, [&f, n, sock, brief] {
			const auto ids = f.ids(n);
			detail::Session s{*f.session_transport, test::fake_family, {4096, 1024, 64}};
			auto r = detail::module_peeloff(s, sock, std::span<const AssocId>(ids), cxx_opts(brief));
			f.take(r, n);
		}, &f.meter);
		add("encode" + sfx, [&f, n, sock, brief] {
			const auto ids = f.ids(n);
			auto r = detail::encode_peeloff(test::fake_family, sock, ids, kSockFlags, false, brief);
			if (!r)
				fail("encode");
		}, nullptr);
		auto msg = std::make_shared<detail::Message>(reply_of(f, n, brief));
		add("decode" + sfx, [msg, n] {
			detail::Reply r;
			if (!detail::decode_entries(msg->hdr(), r) || r.entries.size() != n)
				fail("decode");
		}, nullptr);
		/* The ids vector every call variant builds first (not the library's). */
		if (brief)
			add("ids-vector", [&f, n] { (void)f.ids(n); }, nullptr);
	}
	/*
	 * The record of peeled associations, fresh ids each call, as while a
	 * connectx waits; with none waiting a peel records nothing.
	 */
	auto pr = std::make_shared<PeelResult>();
	pr->entries.resize(n);
	for (Peeled &p : pr->entries)
		p.fd = Fd();
	add("note_peeled", [&f, pr, sock] {
		for (Peeled &p : pr->entries)
			p.info.id = f.next_id++;
		const detail::PeelWatch watch(true);
		detail::note_peeled(sock, *pr);
	}, nullptr);
	/* The result's vector of Peeled with an Fd each, taken apart again. */
	add("peeled-vector", [&f, n] {
		std::vector<Peeled> v(n);
		for (std::size_t i = 0; i < n; i++) {
			v[i].info.id = static_cast<AssocId>(i);
			v[i].fd = Fd(f.pool[i].get());
		}
		for (Peeled &p : v)
			(void)p.fd->release();
	}, nullptr);
	return vs;
}

/* --- the real netlink transport against the host kernel ------------------- */

detail::NlMsg getfamily_nosuch()
{
	detail::NlMsg m(nlmsg_alloc());
	genlmsg_put(m.get(), NL_AUTO_PORT, NL_AUTO_SEQ, GENL_ID_CTRL, 0, 0, CTRL_CMD_GETFAMILY, 1);
	nla_put_string(m.get(), CTRL_ATTR_FAMILY_NAME, "sctpx-nosuch");
	return m;
}

/* The least a program can do: one send(), one recv() into its own buffer. */
class BareNl {
public:
	BareNl() : fd_(socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC)), buf_(8192) {}

	[[nodiscard]] bool ok() const { return fd_.valid(); }

	int exchange()
	{
		detail::NlMsg m = getfamily_nosuch();
		nlmsghdr *h = nlmsg_hdr(m.get());
		h->nlmsg_seq = ++seq_;
		h->nlmsg_flags |= NLM_F_REQUEST; /* what nl_send_auto() adds */
		if (send(fd_.get(), h, h->nlmsg_len, 0) < 0)
			return -errno;
		const ssize_t got = recv(fd_.get(), buf_.data(), buf_.size(), 0);
		if (got < static_cast<ssize_t>(NLMSG_HDRLEN + sizeof(nlmsgerr)))
			return -EPROTO;
		const auto *r = reinterpret_cast<const nlmsghdr *>(buf_.data());
		if (r->nlmsg_type != NLMSG_ERROR || r->nlmsg_seq != seq_)
			return -EPROTO;
		return static_cast<const nlmsgerr *>(NLMSG_DATA(r))->error;
	}

private:
	Fd fd_;
	std::vector<std::uint8_t> buf_;
	std::uint32_t seq_ = 0;
};

struct RealNl {
	std::unique_ptr<detail::Transport> lib;
	BareNl bare;
};

std::vector<Variant> real_variants(RealNl &nl, bool cold)
{
	std::vector<Variant> vs;
	auto add = [&](std::string name, std::function<void()> fn) {
		Variant v;
		v.name = std::move(name) + (cold ? "-cold" : "");
		v.batch = cold ? 2 : 64;
		v.once = std::move(fn);
		if (cold)
			v.before = evict;
		vs.push_back(std::move(v));
	};
	for (const std::size_t bound : {std::size_t{0}, std::size_t{256}}) {
		add(bound == 0 ? "nl-lib-peek" : "nl-lib-bounded", [&nl, bound] {
			auto r = nl.lib->transact(getfamily_nosuch(), bound);
			if (r || r.error().errnum() != ENOENT || !nl.lib->reusable())
				fail("NlTransport: not the ENOENT of nlctrl");
		});
	}
	add("nl-bare", [&nl] {
		if (nl.bare.exchange() != -ENOENT)
			fail("bare netlink: not the ENOENT of nlctrl");
	});
	return vs;
}

/* --- output ---------------------------------------------------------------- */

/* Per variant and N: the samples (minus the fake transport) and counts. */
struct Results {
	std::map<std::string, std::vector<double>> samples;
	std::map<std::string, double> allocs, syscalls;
};

std::string key(const std::string &name, std::size_t n)
{
	return name + "/" + std::to_string(n);
}

void print(const Variant &v, Results &res)
{
	const Stats s = stats(v.ns);
	const double per_assoc = v.n != 0 ? s.median / static_cast<double>(v.n) : s.median;
	std::printf("MICRO,%s,%zu,%.0f,%.1f,%.0f,%.0f,%.2f,%ld\n", v.name.c_str(), v.n, s.median, per_assoc,
		    s.q1, s.q3, v.allocs, v.syscalls);
	std::vector<double> own = v.ns;
	if (v.meter != nullptr) {
		for (std::size_t i = 0; i < v.ns.size(); i++)
			own[i] = v.ns[i] - v.transport_ns[i];
		std::printf("MICRO-OWN,%s,%zu,%.0f,%.0f,%.2f\n", v.name.c_str(), v.n, stats(own).median,
			    stats(v.transport_ns).median, v.own_allocs);
	}
	res.samples[key(v.name, v.n)] = std::move(own);
	res.allocs[key(v.name, v.n)] = v.own_allocs;
	res.syscalls[key(v.name, v.n)] = static_cast<double>(v.syscalls);
}

/*
 * Median over rounds of plus[r] - minus...[r]: the variants of one round
 * ran back to back, so a difference within a round cancels most of the
 * load the machine had at that moment.
 */
Stats paired(Results &res, std::size_t n, const std::string &plus, const std::vector<std::string> &minus)
{
	const std::vector<double> &p = res.samples[key(plus, n)];
	std::vector<double> d(p);
	for (const std::string &m : minus) {
		const std::vector<double> &q = res.samples[key(m, n)];
		for (std::size_t r = 0; r < d.size() && r < q.size(); r++)
			d[r] -= q[r];
	}
	return stats(d);
}

/* The breakdown, one row per stage, a column per N (ns per call, natively). */
void table(Results &res)
{
	struct Row {
		const char *stage;
		std::string plus;
		std::vector<std::string> minus;
	};
	const std::vector<Row> rows = {
		{"whole C++ call (Client::peeloff, brief), minus the fake transport", "cxx", {"ids-vector"}},
		{"  client dispatch (usable, probe, pool lease)", "cxx", {"module_peeloff"}},
		{"  request encoding (encode_peeloff, libnl)", "encode", {"ids-vector"}},
		{"  reply decoding (decode_entries)", "decode", {}},
		{"  (record of peeled ids while a connectx waits: one fstat, one lock; else none)",
		 "note_peeled", {}},
		{"  matching + result building (rest of module_peeloff)",
		 "module_peeloff",
		 {"encode", "decode"}},
		{"C layer (sctpx_peeloff + sctpx_assocs_free over the C++ call)", "c", {"cxx"}},
		{"whole C++ call, full entries (not brief)", "cxx-full", {"ids-vector"}},
		{"  reply decoding, full entries", "decode-full", {}},
		{"C layer, full entries", "c-full", {"cxx-full"}},
		{"whole C++ call, brief, cold (caches evicted just before)", "cxx-cold", {"ids-vector"}},
	};
	/* Median, and half the interquartile range of the rounds. */
	std::printf("\n| stage | N=1 ns | N=8 ns | N=64 ns | N=512 ns |\n|---|---:|---:|---:|---:|\n");
	for (const Row &r : rows) {
		std::printf("| %s |", r.stage);
		for (const std::size_t n : kSizes) {
			const Stats st = paired(res, n, r.plus, r.minus);
			std::printf(" %.0f ±%.0f |", st.median, (st.q3 - st.q1) / 2);
		}
		std::printf("\n");
	}
	std::printf("\n| per call | N=1 | N=8 | N=64 | N=512 |\n|---|---:|---:|---:|---:|\n");
	for (const char *v : {"cxx", "c", "cxx-full", "c-full"}) {
		std::printf("| allocations, %s (library only) |", v);
		for (const std::size_t n : kSizes)
			std::printf(" %.1f |", res.allocs[key(v, n)]);
		std::printf("\n| system calls, %s (fake transport: none) |", v);
		for (const std::size_t n : kSizes)
			std::printf(" %.0f |", res.syscalls[key(v, n)]);
		std::printf("\n");
	}
	if (res.samples.count(key("nl-bare", 0)) == 0)
		return;
	std::printf("\n| real netlink round trip (host kernel, nlctrl) | warm ns | cold ns | system calls | allocations |\n"
		    "|---|---:|---:|---:|---:|\n");
	for (const std::string v : {"nl-bare", "nl-lib-bounded", "nl-lib-peek"})
		std::printf("| %s | %.0f | %.0f | %.0f | %.1f |\n", v.c_str(), stats(res.samples[key(v, 0)]).median,
			    stats(res.samples[key(v + "-cold", 0)]).median, res.syscalls[key(v, 0)],
			    res.allocs[key(v, 0)]);
	std::printf("\n| system calls per call, real path | N=1 | N=8 | N=64 | N=512 |\n|---|---:|---:|---:|---:|\n");
	std::printf("| library, brief (its own + NlTransport, one recvmsg) |");
	for (const std::size_t n : kSizes)
		std::printf(" %.0f |", res.syscalls[key("cxx", n)] + res.syscalls[key("nl-lib-bounded", 0)]);
	std::printf("\n| library, full (its own + NlTransport, MSG_PEEK first) |");
	for (const std::size_t n : kSizes)
		std::printf(" %.0f |", res.syscalls[key("cxx-full", n)] + res.syscalls[key("nl-lib-peek", 0)]);
	std::printf("\n| bare request (send, recv) |");
	for (std::size_t i = 0; i < kSizes.size(); i++)
		std::printf(" %.0f |", res.syscalls[key("nl-bare", 0)]);
	std::printf("\n");
}

/*
 * --calls N COUNT: COUNT brief C++ peeloffs of N ids and nothing else,
 * for strace -c to name the system calls.
 */
int calls_only(Fixture &f, std::size_t n, long count)
{
	for (long i = 0; i < count; i++) {
		const auto ids = f.ids(n);
		auto r = f.client->peeloff(f.sock.get(), std::span<const AssocId>(ids), cxx_opts(true));
		f.take(r, n);
		if (i % 256 == 255)
			f.trim();
	}
	std::printf("MICRO-META,calls,%ld of %zu ids\n", count, n);
	return g_failures == 0 ? 0 : 1;
}

} // namespace

int main(int argc, char **argv)
{
	const std::span<char *> args(argv, static_cast<std::size_t>(argc));
	int samples = 41;
	if (const char *e = std::getenv("MICRO_SAMPLES"))
		samples = std::max(3, std::atoi(e));
	std::printf("MICRO-META,loadavg_start,%s\n", loadavg().c_str());
	std::printf("MICRO-META,nproc,%ld\n", sysconf(_SC_NPROCESSORS_ONLN));
	std::printf("MICRO-META,samples,%d\n", samples);

	Fixture f;
	if (!f.open()) {
		std::printf("MICRO-FAIL cannot set up the fake module and its descriptors\n");
		return 1;
	}
	if (args.size() == 4 && std::strcmp(args[1], "--calls") == 0) {
		const auto n = static_cast<std::size_t>(std::atol(args[2]));
		if (n == 0 || n > kPoolSize)
			return 2;
		return calls_only(f, n, std::atol(args[3]));
	}
	Results own;
	for (const std::size_t n : kSizes) {
		const Meter before = f.meter;
		const long calls = f.calls;
		for (auto vs : {fake_variants(f, n), cold_variants(f, n)}) {
			prepare(vs);
			for (int s = 0; s < samples; s++) {
				one_round(vs, s);
				f.trim();
			}
			for (const Variant &v : vs)
				print(v, own);
		}
		/* Per call, the probe is cached: no resolve, no INFO_GET. */
		const long r = f.meter.resolves - before.resolves;
		const long ig = f.meter.info_gets - before.info_gets;
		std::printf("MICRO-META,resolve_info_get_n%zu,%ld resolve %ld INFO_GET in %ld calls\n", n, r, ig,
			    f.calls - calls);
		if (r != 0 || ig != 0 || f.calls == calls)
			fail("a resolve or INFO_GET per call, or no call at all");
	}
	for (const Fd &fd : f.pool)
		if (fcntl(fd.get(), F_GETFD) < 0)
			fail("a pool descriptor was closed by the library");

	RealNl nl;
	auto t = detail::make_netlink_transport();
	if (t && nl.bare.ok()) {
		nl.lib = std::move(*t);
		for (const bool cold : {false, true}) {
			auto vs = real_variants(nl, cold);
			run(vs, samples);
			for (const Variant &v : vs)
				print(v, own);
		}
	} else {
		std::printf("MICRO-META,real_netlink,unavailable\n");
	}
	/* System calls the library itself makes, for reference. */
	std::vector<Variant> ref;
	for (const char *name : {"getpid", "fstat"}) {
		Variant v;
		v.name = name;
		v.batch = 256;
		const int sock = f.sock.get();
		if (std::strcmp(name, "getpid") == 0)
			v.once = [] { (void)getpid(); };
		else
			v.once = [sock] {
				struct stat st {};
				(void)fstat(sock, &st);
			};
		ref.push_back(std::move(v));
	}
	run(ref, samples);
	for (const Variant &v : ref)
		print(v, own);

	table(own);
	std::printf("\nMICRO-META,loadavg_end,%s\n", loadavg().c_str());
	if (g_failures != 0) {
		std::printf("MICRO-FAIL %d checks failed\n", g_failures);
		return 1;
	}
	std::printf("MICRO-OK\n");
	return 0;
}
