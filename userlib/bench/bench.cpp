// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * sctpx_bench: the benchmark, run inside the QEMU guest (see
 * scripts/bench.sh and Documentation/benchmarks.md).
 *
 * Arms (all peeled sockets SOCK_NONBLOCK | SOCK_CLOEXEC, one one-to-many
 * server socket on 127.0.0.1, fresh associations for every round, the
 * order of the variants rotated from round to round):
 *   peeloff   N ids: loop of sctp_peeloff_flags(3) ("loop"), one bare
 *             netlink PEELOFF ("nl"), sctpx::Client::peeloff ("lib")
 *   gateway   ready-to-use fds with metadata: GET_ASSOC_NUMBER +
 *             GET_ASSOC_ID_LIST, then per id sctp_peeloff_flags +
 *             SCTP_STATUS + sctp_getpaddrs ("gw-loop"); one PEELOFF by
 *             selection, every attribute decoded ("gw-nl"); the library's
 *             peeloff(Selection) ("gw-lib")
 *   busy      M > 0: both arms again with M messages queued on the parent
 *             for 16 other associations (clients on 127.0.0.2)
 *   connectx  N peers (one-to-many servers on N ports), timed until all
 *             are ESTABLISHED: blocking sctp_connectx loop ("blocking"),
 *             non-blocking sctp_connectx loop + waiting for N
 *             SCTP_COMM_UP on the socket ("nb-commup"), one bare CONNECTX
 *             (which only starts them) + the same wait ("nl-commup"), the
 *             library's connectx with its own wait ("lib")
 * The floor comes with every sctpx peeloff round: the module's
 * sctpx_peeloff tracepoint, enabled for the whole run, its events read
 * off tracefs's trace_pipe and summed per round (tracefloor.hpp); a round
 * without one fails.
 * floor_ns and req_ns are the sums of the events' floor_ns and
 * request_ns, floor_count the associations they peeled, and the STAGE_ns
 * columns the sums of the events' stages (kStages). Each round is checked (fd valid, its flags, its peer,
 * its queued greeting readable on it, nothing left on or lost from the
 * parent, every descriptor of the round closed again); a failed check
 * fails the run.
 * The module's max_batch is raised to 4096 for the run and restored
 * (class MaxBatch; meta max_batch_module and max_batch_run).
 *
 * Output (stdout, the guest's serial console), one line each:
 *   BENCH-META,key,value
 *   BENCH-CSV,arm,variant,n,m,round,ns,floor_ns,floor_count,req_ns,
 *             parse_ns,lookup_ns,reserve_ns,reply_ns,peel_ns,send_ns,
 *             install_ns (0 for a per-call variant),
 *             nl_syscall_ns (the bare variants: time inside their send()
 *             and recv(), the handler included; 0 for the others)
 *   BENCH-SYS,arm,variant,n,m,syscalls,ns (ns: connectx only, the
 *             counted call's duration, for system calls per second)
 *   SCTPX-BENCH-PROGRESS done/total label
 *   BENCH-FAIL text
 * and TAP at the end. Environment: BENCH_ROUNDS (10), BENCH_ROUNDS_BIG (5:
 * N=4096 and M=10000), BENCH_ARMS (comma list, default all), BENCH_QUICK=1
 * (two rounds, small N: a smoke test), BENCH_CX_RCVBUF (bytes: the
 * receive buffer of every connectx variant's client socket; default
 * 64 MiB, as the loopback servers' own; 0: the kernel's default),
 * BENCH_NOTRACE=1 (the event left off: no floor, no stages; what tracing
 * costs a round, against a traced run).
 */
#include <algorithm>
#include <array>
#include <arpa/inet.h>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <functional>
#include <malloc.h>
#include <map>
#include <optional>
#include <poll.h>
#include <set>
#include <string>
#include <sys/socket.h>
#include <sys/utsname.h>
#include <ctime>
#include <unistd.h>
#include <vector>

#include <netinet/in.h>
#include <netinet/sctp.h>

#include "clock.hpp"
#include "loopback.hpp"
#include "nlraw.hpp"
#include "sctpx/sctpx.hpp"
#include "syscount.hpp"
#include "tracefloor.hpp"

using namespace sctpx;
using namespace sctpx::bench;

namespace {

constexpr unsigned int kFlags = SOCK_NONBLOCK | SOCK_CLOEXEC;
constexpr int kBusyAssocs = 16;

int g_failures;

void meta(const char *key, const std::string &value)
{
	std::printf("BENCH-META,%s,%s\n", key, value.c_str());
}

void fail(const std::string &what)
{
	if (g_failures++ < 50)
		std::printf("BENCH-FAIL %s\n", what.c_str());
	std::fflush(stdout);
}

std::uint32_t in4(const char *ip)
{
	in_addr a{};
	inet_pton(AF_INET, ip, &a);
	return a.s_addr;
}

sockaddr_in sin_of(const char *ip, std::uint16_t port)
{
	sockaddr_in s{};
	s.sin_family = AF_INET;
	s.sin_port = htons(port);
	s.sin_addr.s_addr = in4(ip);
	return s;
}

std::uint16_t peer_port(int fd)
{
	sockaddr_storage s{};
	socklen_t len = sizeof(s);
	if (getpeername(fd, reinterpret_cast<sockaddr *>(&s), &len) != 0)
		return 0;
	return ntohs(reinterpret_cast<sockaddr_in *>(&s)->sin_port);
}

int assoc_count(int sock)
{
	std::uint32_t n = 0;
	socklen_t len = sizeof(n);
	if (getsockopt(sock, SOL_SCTP, SCTP_GET_ASSOC_NUMBER, &n, &len) != 0)
		return -1;
	return static_cast<int>(n);
}

std::vector<std::uint32_t> assoc_ids(int sock)
{
	const int n = assoc_count(sock);
	std::vector<std::uint32_t> ids;
	if (n < 0)
		return ids;
	std::vector<std::uint8_t> buf(sizeof(sctp_assoc_ids) + (n + 16) * sizeof(sctp_assoc_t));
	auto len = static_cast<socklen_t>(buf.size());
	auto *list = reinterpret_cast<sctp_assoc_ids *>(buf.data());
	if (getsockopt(sock, SOL_SCTP, SCTP_GET_ASSOC_ID_LIST, list, &len) != 0)
		return ids;
	ids.assign(list->gaids_assoc_id, list->gaids_assoc_id + list->gaids_number_of_ids);
	return ids;
}

/* The peer port of association id of a one-to-many socket (primary path). */
std::uint16_t assoc_peer_port(int sock, std::uint32_t id, int *state = nullptr)
{
	sctp_status st{};
	st.sstat_assoc_id = static_cast<sctp_assoc_t>(id);
	socklen_t len = sizeof(st);
	if (getsockopt(sock, SOL_SCTP, SCTP_STATUS, &st, &len) != 0)
		return 0;
	if (state)
		*state = st.sstat_state;
	return ntohs(reinterpret_cast<sockaddr_in *>(&st.sstat_primary.spinfo_address)->sin_port);
}

void abort_close(int fd)
{
	linger l{1, 0};
	(void)setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof(l));
	close(fd);
}

/* Descriptors this process has open: a round must give back what it took. */
int open_fds()
{
	DIR *d = opendir("/proc/self/fd");
	if (d == nullptr)
		return -1;
	int n = 0;
	while (readdir(d) != nullptr)
		n++;
	closedir(d);
	return n;
}

bool wait_count(int sock, int want)
{
	for (int i = 0; i < 2000; i++) {
		if (assoc_count(sock) == want)
			return true;
		usleep(1000);
	}
	return false;
}

std::string greeting(std::uint16_t port)
{
	return "g" + std::to_string(port);
}

/* A parent socket, possibly busy: M messages queued for 16 associations. */
struct Parent {
	Fd sock;
	int fd = -1; /* sock.get() */
	std::uint16_t port = 0;
	std::vector<Fd> busy_clients;
	std::set<std::uint32_t> busy_ids;
	int m = 0;
};

bool make_parent(Parent &p, int m)
{
	auto srv = loopback::make_server();
	if (!srv)
		return false;
	p.sock = std::move(srv->fd);
	p.fd = p.sock.get();
	p.port = srv->port;
	p.m = m;
	if (m == 0)
		return true;
	/* From 127.0.0.2: the selection by peer 127.0.0.1 leaves them alone. */
	loopback::Options o;
	o.ip = "127.0.0.2";
	auto busy = loopback::connect_clients(p.fd, p.port, kBusyAssocs, o);
	if (!busy)
		return false;
	p.busy_clients = std::move(busy->fds);
	p.busy_ids.insert(busy->ids.begin(), busy->ids.end());
	/* "b<client> <seq>": the drain checks that each client's stay in order. */
	for (int k = 0; k < m; k++) {
		const std::string msg = "b" + std::to_string(k % kBusyAssocs) + " " +
					std::to_string(k / kBusyAssocs);
		if (send(p.busy_clients[k % kBusyAssocs].get(), msg.data(), msg.size(), 0) !=
		    static_cast<ssize_t>(msg.size()))
			return false;
	}
	/* Every message acknowledged: all of them sit on the parent. */
	for (const Fd &c : p.busy_clients) {
		for (int t = 0;; t++) {
			sctp_status st{};
			socklen_t len = sizeof(st);
			if (getsockopt(c.get(), SOL_SCTP, SCTP_STATUS, &st, &len) != 0)
				return false;
			if (st.sstat_unackdata == 0 && st.sstat_penddata == 0)
				break;
			if (t > 5000)
				return false;
			usleep(1000);
		}
	}
	return true;
}

/* Read the parent's queue: exactly M busy messages, no greeting. */
void drain_parent(Parent &p, const std::string &label)
{
	int busy = 0;
	int other = 0;
	int disorder = 0;
	std::vector<int> next(kBusyAssocs, 0);
	std::array<char, 256> buf{};
	for (;;) {
		const ssize_t r = recv(p.fd, buf.data(), buf.size() - 1, MSG_DONTWAIT);
		if (r < 0)
			break;
		buf.at(static_cast<std::size_t>(r)) = 0;
		int c = -1;
		int seq = -1;
		if (r > 0 && buf[0] == 'b' && std::sscanf(buf.data() + 1, "%d %d", &c, &seq) == 2 &&
		    c >= 0 && c < kBusyAssocs) {
			busy++;
			disorder += seq != next[c] ? 1 : 0;
			next[c] = seq + 1;
		} else {
			other++;
		}
	}
	if (busy != p.m || other != 0 || disorder != 0)
		fail(label + ": parent queue holds " + std::to_string(busy) + " busy messages (want " +
		     std::to_string(p.m) + "), " + std::to_string(other) + " others, " +
		     std::to_string(disorder) + " out of order");
	for (Fd &c : p.busy_clients)
		abort_close(c.release());
	p.sock.reset();
}

/* The N associations of one round. */
struct Targets {
	std::vector<Fd> clients;
	std::vector<std::uint32_t> ids;
	std::map<std::uint32_t, std::uint16_t> port_of; /* id -> client's port */
};

bool make_targets(Parent &p, int n, Targets &t)
{
	loopback::Options o;
	o.greeting = [](std::size_t /*i*/, std::uint16_t port) { return greeting(port); };
	auto c = loopback::connect_clients(p.fd, p.port, static_cast<std::size_t>(n), o);
	if (!c)
		return false;
	t.ids = c->ids;
	for (std::size_t i = 0; i < c->ids.size(); i++)
		t.port_of[c->ids[i]] = c->ports[i];
	t.clients = std::move(c->fds);
	return static_cast<int>(t.ids.size()) == n;
}

/* What a variant handed back for one association. */
struct Got {
	std::uint32_t id = 0;
	int fd = -1;
	int error = 0;
	bool has_meta = false;
	std::uint16_t meta_port = 0;
	int meta_state = 0;
};

void check_round(const std::string &label, Parent &p, Targets &t, std::vector<Got> &got)
{
	if (got.size() != t.ids.size()) {
		fail(label + ": " + std::to_string(got.size()) + " results for " +
		     std::to_string(t.ids.size()) + " associations");
	}
	std::set<std::uint32_t> seen;
	for (Got &g : got) {
		const auto it = t.port_of.find(g.id);
		const std::string who = label + " id " + std::to_string(g.id);
		if (it == t.port_of.end() || !seen.insert(g.id).second) {
			fail(who + ": unexpected or repeated id");
			continue;
		}
		if (g.error != 0 || g.fd < 0) {
			fail(who + ": error " + std::to_string(g.error));
			continue;
		}
		const int fl = fcntl(g.fd, F_GETFL);
		const int fdfl = fcntl(g.fd, F_GETFD);
		if (fl < 0 || (fl & O_NONBLOCK) == 0 || fdfl < 0 || (fdfl & FD_CLOEXEC) == 0)
			fail(who + ": flags");
		if (peer_port(g.fd) != it->second)
			fail(who + ": wrong peer");
		if (g.has_meta && (g.meta_port != it->second || g.meta_state != SCTP_ESTABLISHED))
			fail(who + ": wrong metadata");
		pollfd pf{g.fd, POLLIN, 0};
		char buf[64] = {};
		ssize_t r = -1;
		if (poll(&pf, 1, 1000) == 1)
			r = recv(g.fd, buf, sizeof(buf) - 1, 0);
		if (r <= 0 || greeting(it->second) != buf)
			fail(who + ": greeting not on its fd");
	}
	if (seen.size() != t.ids.size())
		fail(label + ": associations missing from the result");
	if (assoc_count(p.fd) != static_cast<int>(p.busy_ids.size()))
		fail(label + ": parent still holds peeled associations");
}

void teardown(Parent &p, Targets &t, std::vector<Got> &got)
{
	/* Aborted, not closed gracefully as the builder's Fd would. */
	for (Fd &c : t.clients)
		abort_close(c.release());
	for (const Got &g : got)
		if (g.fd >= 0)
			close(g.fd);
	if (!wait_count(p.fd, static_cast<int>(p.busy_ids.size())))
		fail("teardown: associations left on the parent");
}

/* --- the peeloff and gateway variants ----------------------------------- */

struct Ctx {
	Client *lib = nullptr;
	RawNl *nl = nullptr;
	TraceFloor *trace = nullptr;
};

void v_loop(Ctx & /*c*/, Parent &p, Targets &t, std::vector<Got> &got)
{
	got.resize(t.ids.size());
	for (std::size_t i = 0; i < t.ids.size(); i++) {
		got[i].id = t.ids[i];
		got[i].fd = sctp_peeloff_flags(p.fd, static_cast<sctp_assoc_t>(t.ids[i]), kFlags);
		if (got[i].fd < 0)
			got[i].error = errno;
	}
}

void from_raw(const std::vector<RawEntry> &raw, std::vector<Got> &got, bool meta)
{
	got.resize(raw.size());
	for (std::size_t i = 0; i < raw.size(); i++) {
		got[i].id = raw[i].id;
		got[i].fd = raw[i].error != 0 ? -1 : raw[i].fd;
		got[i].error = raw[i].error;
		if (meta) {
			got[i].has_meta = true;
			got[i].meta_port = raw[i].peer_ports.empty() ? 0 : raw[i].peer_ports[0];
			got[i].meta_state = static_cast<int>(raw[i].state);
		}
	}
}

void v_nl(Ctx &c, Parent &p, Targets &t, std::vector<Got> &got)
{
	std::vector<RawEntry> raw;
	const int r = c.nl->peeloff(p.fd, t.ids, 0, kFlags, false, raw);
	if (r != 0)
		fail("nl peeloff: " + std::string(std::strerror(-r)));
	from_raw(raw, got, false);
}

PeelOptions lib_opts(bool brief)
{
	PeelOptions o;
	o.flags = PeelFlag::NonBlock | PeelFlag::CloseOnExec;
	o.brief = brief;
	return o;
}

void from_lib(Result<PeelResult> &res, std::vector<Got> &got, bool meta)
{
	if (!res) {
		fail("lib peeloff: " + res.error().message());
		return;
	}
	if (res->path != Path::Module)
		fail("lib peeloff: not served by the module");
	got.resize(res->entries.size());
	for (std::size_t i = 0; i < res->entries.size(); i++) {
		Peeled &e = res->entries[i];
		got[i].id = e.info.id;
		if (e.fd)
			got[i].fd = e.fd->release();
		else
			got[i].error = e.fd.error().errnum();
		if (meta) {
			got[i].has_meta = true;
			got[i].meta_port = e.info.peer_addrs.empty() ? 0 : e.info.peer_addrs[0].port();
			got[i].meta_state = e.info.state;
		}
	}
}

void v_lib(Ctx &c, Parent &p, Targets &t, std::vector<Got> &got)
{
	auto res = c.lib->peeloff(p.fd, std::span<const AssocId>(t.ids), lib_opts(true));
	from_lib(res, got, false);
}

/* What a gateway does today for a ready-to-use fd with its metadata. */
void v_gw_loop(Ctx & /*c*/, Parent &p, Targets & /*t*/, std::vector<Got> &got)
{
	std::uint32_t n = 0;
	socklen_t len = sizeof(n);
	if (getsockopt(p.fd, SOL_SCTP, SCTP_GET_ASSOC_NUMBER, &n, &len) != 0)
		return;
	std::vector<std::uint8_t> buf(sizeof(sctp_assoc_ids) + (n + 16) * sizeof(sctp_assoc_t));
	auto *list = reinterpret_cast<sctp_assoc_ids *>(buf.data());
	len = static_cast<socklen_t>(buf.size());
	if (getsockopt(p.fd, SOL_SCTP, SCTP_GET_ASSOC_ID_LIST, list, &len) != 0)
		return;
	got.reserve(list->gaids_number_of_ids);
	for (std::uint32_t i = 0; i < list->gaids_number_of_ids; i++) {
		const auto id = static_cast<std::uint32_t>(list->gaids_assoc_id[i]);
		if (p.busy_ids.count(id) != 0)
			continue; /* the gateway knows which ones it serves itself */
		Got g;
		g.id = id;
		g.fd = sctp_peeloff_flags(p.fd, static_cast<sctp_assoc_t>(id), kFlags);
		if (g.fd < 0) {
			g.error = errno;
			got.push_back(g);
			continue;
		}
		sctp_status st{};
		socklen_t sl = sizeof(st);
		if (getsockopt(g.fd, SOL_SCTP, SCTP_STATUS, &st, &sl) == 0) {
			g.has_meta = true;
			g.meta_state = st.sstat_state;
		}
		sockaddr *addrs = nullptr;
		const int na = sctp_getpaddrs(g.fd, 0, &addrs);
		if (na > 0) {
			g.meta_port = ntohs(reinterpret_cast<sockaddr_in *>(addrs)->sin_port);
			sctp_freepaddrs(addrs);
		}
		got.push_back(g);
	}
}

void v_gw_nl(Ctx &c, Parent &p, Targets & /*t*/, std::vector<Got> &got)
{
	std::vector<RawEntry> raw;
	const int r = c.nl->peeloff(p.fd, {}, in4("127.0.0.1"), kFlags, true, raw);
	if (r != 0)
		fail("nl selection peeloff: " + std::string(std::strerror(-r)));
	from_raw(raw, got, true);
}

void v_gw_lib(Ctx &c, Parent &p, Targets & /*t*/, std::vector<Got> &got)
{
	auto lo = Address::parse("127.0.0.1", 0);
	auto res = c.lib->peeloff(p.fd, Selection::by_peer(*lo), lib_opts(false));
	from_lib(res, got, true);
}

using PeelFn = void (*)(Ctx &, Parent &, Targets &, std::vector<Got> &);

struct Variant {
	const char *name;
	PeelFn fn;
	bool sctpx; /* goes through the module: its floor is traced */
};

/* --- connectx ------------------------------------------------------------- */

struct CxServers {
	std::vector<Fd> fds;
	std::vector<std::uint16_t> ports;
};

int cx_blocking(Ctx & /*c*/, int sock, const CxServers &s)
{
	int up = 0;
	for (const std::uint16_t port : s.ports) {
		sockaddr_in to = sin_of("127.0.0.1", port);
		sctp_assoc_t id = 0;
		if (sctp_connectx(sock, reinterpret_cast<sockaddr *>(&to), 1, &id) == 0)
			up++;
	}
	return up;
}

/*
 * Read SCTP_ASSOC_CHANGE notifications off sock until want SCTP_COMM_UP
 * (10 s at most): the number seen, or -1 on any other change (an
 * association lost or refused).
 */
int wait_commup(int sock, int want)
{
	int up = 0;
	const std::uint64_t deadline = now_ns() + 10000000000ULL;
	alignas(8) char buf[512];
	while (up < want && now_ns() < deadline) {
		pollfd pf{sock, POLLIN, 0};
		if (poll(&pf, 1, 1000) <= 0)
			continue;
		for (;;) {
			iovec iov{buf, sizeof(buf)};
			msghdr mh{};
			mh.msg_iov = &iov;
			mh.msg_iovlen = 1;
			const ssize_t r = recvmsg(sock, &mh, MSG_DONTWAIT);
			if (r < 0)
				break;
			if ((mh.msg_flags & MSG_NOTIFICATION) == 0)
				continue;
			const auto *sn = reinterpret_cast<const sctp_notification *>(buf);
			if (sn->sn_header.sn_type == SCTP_ASSOC_CHANGE) {
				if (sn->sn_assoc_change.sac_state == SCTP_COMM_UP)
					up++;
				else
					return -1;
			}
		}
	}
	return up;
}

int cx_nb_commup(Ctx & /*c*/, int sock, const CxServers &s)
{
	for (const std::uint16_t port : s.ports) {
		sockaddr_in to = sin_of("127.0.0.1", port);
		sctp_assoc_t id = 0;
		if (sctp_connectx(sock, reinterpret_cast<sockaddr *>(&to), 1, &id) != 0 &&
		    errno != EINPROGRESS)
			return -1;
	}
	return wait_commup(sock, static_cast<int>(s.ports.size()));
}

/*
 * CONNECTX only starts the associations (family version 2 on); the
 * caller then waits for them itself, here as the per-call way does: for
 * N SCTP_COMM_UP on the same socket (subscribed before the request, so
 * none is missed however early it comes).
 */
int cx_nl_commup(Ctx &c, int sock, const CxServers &s)
{
	std::vector<RawEntry> out;
	if (c.nl->connectx(sock, s.ports, out) != 0 || out.size() != s.ports.size())
		return -1;
	for (const RawEntry &e : out)
		if (e.error != 0)
			return -1;
	return wait_commup(sock, static_cast<int>(s.ports.size()));
}

/* The library: CONNECTX, then its own wait (polling ASSOC_GET, 1-50 ms backoff). */
int cx_lib(Ctx &c, int sock, const CxServers &s)
{
	std::vector<Peer> peers(s.ports.size());
	for (std::size_t i = 0; i < s.ports.size(); i++) {
		auto a = Address::parse("127.0.0.1", s.ports[i]);
		peers[i].addrs.assign(1, *a);
	}
	ConnectOptions o;
	o.wait = std::chrono::milliseconds(10000);
	auto r = c.lib->connectx(sock, std::span<const Peer>(peers), o);
	if (!r || r->path != Path::Module || r->wait_end != WaitEnd::Settled)
		return -1;
	int up = 0;
	for (const PeerOutcome &po : r->peers)
		up += po.result && po.result->state == SCTP_ESTABLISHED ? 1 : 0;
	return up;
}

/* A counter of /proc/net/sctp/snmp (e.g. SctpT1InitExpireds), -1 if absent. */
long sctp_snmp(const char *name)
{
	FILE *f = std::fopen("/proc/net/sctp/snmp", "r");
	if (!f)
		return -1;
	char key[64];
	long v = -1;
	long val = 0;
	while (std::fscanf(f, "%63s %ld", key, &val) == 2)
		if (std::strcmp(key, name) == 0)
			v = val;
	std::fclose(f);
	return v;
}

using CxFn = int (*)(Ctx &, int, const CxServers &);

struct CxVariant {
	const char *name;
	CxFn fn;
	bool nonblock;
	bool events;
};

/* --- the driver ------------------------------------------------------------ */

struct Config {
	std::string arm;
	int n;
	int m;
	int rounds;
};

int g_done, g_total;
bool g_debug, g_nocount;
/*
 * BENCH_CX_RCVBUF: receive buffer (SO_RCVBUFFORCE) of every connectx
 * variant's client socket, the same for all so that they compare the
 * handshakes; 0 leaves the kernel's default. With the default, N=512
 * SCTP_COMM_UP notifications overflow it and the handshakes of the ways
 * that wait for them stall on T1 retransmissions (meta
 * t1_*_expired_connectx_*): an application that sets up hundreds of
 * associations at once sizes that buffer, and so does the benchmark.
 */
int g_cx_rcvbuf;

void progress(const std::string &label)
{
	g_done++;
	std::printf("SCTPX-BENCH-PROGRESS %d/%d %s\n", g_done, g_total, label.c_str());
	std::fflush(stdout);
}

std::string cfg_label(const Config &c)
{
	return c.arm + " N=" + std::to_string(c.n) + " M=" + std::to_string(c.m);
}

void run_peel_config(Ctx &ctx, const Config &cfg, const std::vector<Variant> &vars)
{
	const std::string arm = cfg.m > 0 ? "busy-" + cfg.arm : cfg.arm;
	Parent p;
	if (!make_parent(p, cfg.m)) {
		fail(cfg_label(cfg) + ": cannot build the parent");
		return;
	}
	/* Round -1 counts system calls (and warms up); it is not timed. */
	for (int r = -1; r < cfg.rounds; r++) {
		for (std::size_t k = 0; k < vars.size(); k++) {
			const Variant &v = vars[(k + static_cast<std::size_t>(r + 1)) % vars.size()];
			const std::string label = cfg_label(cfg) + " " + v.name + " round " + std::to_string(r);
			const int fds_before = open_fds();
			Targets t;
			if (!make_targets(p, cfg.n, t)) {
				fail(label + ": cannot set up associations");
				return;
			}
			std::vector<Got> got;
			if (g_debug)
				std::printf("# %s\n", label.c_str());
			if (r < 0) {
				const long sys = g_nocount ? -1 : count_syscalls([&] { v.fn(ctx, p, t, got); });
				std::printf("BENCH-SYS,%s,%s,%d,%d,%ld,0\n", arm.c_str(), v.name, cfg.n, cfg.m, sys);
			} else {
				Floor fl;
				const bool traced = v.sctpx && ctx.trace != nullptr;
				if (traced && ctx.trace->clear() != 0)
					fail(label + ": cannot read the trace buffer");
				(void)ctx.nl->take_syscall_ns();
				const std::uint64_t t0 = now_ns();
				v.fn(ctx, p, t, got);
				const std::uint64_t dt = now_ns() - t0;
				if (traced && (ctx.trace->read(fl) != 0 || fl.events == 0))
					fail(label + ": no sctpx_peeloff event read");
				std::printf("BENCH-CSV,%s,%s,%d,%d,%d,%llu,%llu,%llu,%llu", arm.c_str(),
					    v.name, cfg.n, cfg.m, r, static_cast<unsigned long long>(dt),
					    static_cast<unsigned long long>(fl.floor_ns),
					    static_cast<unsigned long long>(fl.peeled),
					    static_cast<unsigned long long>(fl.request_ns));
				for (const std::uint64_t st : fl.stage_ns)
					std::printf(",%llu", static_cast<unsigned long long>(st));
				std::printf(",%llu\n", static_cast<unsigned long long>(ctx.nl->take_syscall_ns()));
			}
			check_round(label, p, t, got);
			teardown(p, t, got);
			if (open_fds() != fds_before)
				fail(label + ": descriptors left open");
		}
		progress(cfg_label(cfg));
	}
	drain_parent(p, cfg_label(cfg));
}

void run_cx_config(Ctx &ctx, const Config &cfg, const std::vector<CxVariant> &vars)
{
	CxServers s;
	for (int i = 0; i < cfg.n; i++) {
		auto srv = loopback::make_server();
		if (!srv) {
			fail(cfg_label(cfg) + ": cannot build the servers: " + srv.error().message());
			return;
		}
		s.fds.push_back(std::move(srv->fd));
		s.ports.push_back(srv->port);
	}
	/* Handshake retransmissions per variant: INIT, COOKIE ECHO */
	std::map<std::string, std::pair<long, long>> t1;
	for (int r = -1; r < cfg.rounds; r++) {
		for (std::size_t k = 0; k < vars.size(); k++) {
			const CxVariant &v = vars[(k + static_cast<std::size_t>(r + 1)) % vars.size()];
			const long t1_before = sctp_snmp("SctpT1InitExpireds");
			const long cookie_before = sctp_snmp("SctpT1CookieExpireds");
			const std::string label = cfg_label(cfg) + " " + v.name + " round " + std::to_string(r);
			const int fds_before = open_fds();
			Fd client(socket(AF_INET, SOCK_SEQPACKET | SOCK_CLOEXEC |
					 (v.nonblock ? SOCK_NONBLOCK : 0), IPPROTO_SCTP));
			if (!client) {
				fail(label + ": socket");
				return;
			}
			const int sock = client.get();
			if (g_cx_rcvbuf > 0 &&
			    setsockopt(sock, SOL_SOCKET, SO_RCVBUFFORCE, &g_cx_rcvbuf,
				       sizeof(g_cx_rcvbuf)) != 0) {
				fail(label + ": SO_RCVBUFFORCE");
				return;
			}
			if (v.events) {
				sctp_event ev{};
				ev.se_assoc_id = SCTP_FUTURE_ASSOC;
				ev.se_type = SCTP_ASSOC_CHANGE;
				ev.se_on = 1;
				(void)setsockopt(sock, IPPROTO_SCTP, SCTP_EVENT, &ev, sizeof(ev));
			}
			int up = 0;
			if (g_debug)
				std::printf("# %s\n", label.c_str());
			if (r < 0) {
				/* Timed as well: calls per second over the counted call. */
				const std::uint64_t t0 = now_ns();
				const long sys = g_nocount ? -1 : count_syscalls([&] { up = v.fn(ctx, sock, s); });
				const std::uint64_t dt = now_ns() - t0;
				std::printf("BENCH-SYS,connectx,%s,%d,0,%ld,%llu\n", v.name, cfg.n, sys,
					    static_cast<unsigned long long>(dt));
			} else {
				const std::uint64_t t0 = now_ns();
				up = v.fn(ctx, sock, s);
				const std::uint64_t dt = now_ns() - t0;
				std::printf("BENCH-CSV,connectx,%s,%d,0,%d,%llu,0,0,0\n", v.name, cfg.n, r,
					    static_cast<unsigned long long>(dt));
			}
			/* Check: N associations, each established. */
			if (up != cfg.n)
				fail(label + ": " + std::to_string(up) + " of " + std::to_string(cfg.n) +
				     " established");
			const auto ids = assoc_ids(sock);
			std::set<std::uint16_t> ports;
			for (const std::uint32_t id : ids) {
				int st = 0;
				ports.insert(assoc_peer_port(sock, id, &st));
				if (st != SCTP_ESTABLISHED)
					fail(label + ": association not established");
			}
			if (ids.size() != static_cast<std::size_t>(cfg.n) ||
			    ports.size() != static_cast<std::size_t>(cfg.n))
				fail(label + ": wrong associations on the client");
			/* None lost on the way: each server holds its one. */
			for (const Fd &fd : s.fds)
				if (assoc_count(fd.get()) != 1)
					fail(label + ": a server does not hold exactly one association");
			t1[v.name].first += sctp_snmp("SctpT1InitExpireds") - t1_before;
			t1[v.name].second += sctp_snmp("SctpT1CookieExpireds") - cookie_before;
			abort_close(client.release());
			for (const Fd &fd : s.fds)
				if (!wait_count(fd.get(), 0))
					fail(label + ": server kept an association");
			if (open_fds() != fds_before)
				fail(label + ": descriptors left open");
		}
		progress(cfg_label(cfg));
	}
	for (const auto &[name, count] : t1) {
		const std::string tail = name + "_" + std::to_string(cfg.n);
		meta(("t1_init_expired_connectx_" + tail).c_str(), std::to_string(count.first));
		meta(("t1_cookie_expired_connectx_" + tail).c_str(), std::to_string(count.second));
	}
}

/*
 * The module's max_batch (default 1024) caps one PEELOFF; the benchmark
 * asks for up to 4096 ids in one request, so it raises the parameter for
 * the run (before the library reads the limits) and puts it back at the
 * end. Both values go to the meta output.
 */
class MaxBatch {
public:
	static constexpr const char *kPath = "/sys/module/sctpx/parameters/max_batch";
	explicit MaxBatch(int want) : old_(read())
	{
		meta("max_batch_module", std::to_string(old_));
		if (old_ > 0 && old_ < want && write(want))
			set_ = true;
		meta("max_batch_run", std::to_string(read()));
	}
	~MaxBatch()
	{
		if (set_)
			(void)write(old_);
	}
	MaxBatch(const MaxBatch &) = delete;
	MaxBatch &operator=(const MaxBatch &) = delete;
	MaxBatch(MaxBatch &&) = delete;
	MaxBatch &operator=(MaxBatch &&) = delete;
	[[nodiscard]] static int read()
	{
		FILE *f = std::fopen(kPath, "r");
		if (f == nullptr)
			return -1;
		int v = -1;
		if (std::fscanf(f, "%d", &v) != 1)
			v = -1;
		std::fclose(f);
		return v;
	}

private:
	static bool write(int v)
	{
		FILE *f = std::fopen(kPath, "w");
		if (f == nullptr)
			return false;
		const bool ok = std::fprintf(f, "%d\n", v) > 0;
		return std::fclose(f) == 0 && ok;
	}
	int old_;
	bool set_ = false;
};

int env_int(const char *name, int def)
{
	const char *v = std::getenv(name);
	return v != nullptr && *v != 0 ? std::atoi(v) : def;
}

bool arm_on(const std::string &arm)
{
	const char *v = std::getenv("BENCH_ARMS");
	if (v == nullptr || *v == 0)
		return true;
	const std::string s = std::string(",") + v + ",";
	return s.find("," + arm + ",") != std::string::npos;
}

std::string read_file(const char *path)
{
	FILE *f = std::fopen(path, "r");
	if (!f)
		return "";
	char buf[256] = {};
	const std::size_t n = std::fread(buf, 1, sizeof(buf) - 1, f);
	std::fclose(f);
	std::string s(buf, n);
	while (!s.empty() && (s.back() == '\n' || s.back() == ' '))
		s.pop_back();
	return s;
}

/*
 * What a request costs before any association moves: medians of 31 tries
 * of a system call, an INFO_GET, and a PEELOFF of an unknown id (the whole
 * request path, one error entry), bare and through the library.
 */
void fixed_costs(Ctx &ctx)
{
	auto server = loopback::make_server();
	if (!server) {
		fail("fixed costs: no server: " + server.error().message());
		return;
	}
	const int srv = server->fd.get();
	const std::uint32_t bogus[1] = {0x7fffffff};
	auto median = [](const std::function<void()> &fn) {
		std::vector<std::uint64_t> v;
		for (int i = 0; i < 31; i++) {
			const std::uint64_t t0 = now_ns();
			fn();
			v.push_back(now_ns() - t0);
		}
		std::sort(v.begin(), v.end());
		return std::to_string(v[v.size() / 2]);
	};
	meta("fixed_getsockopt_ns", median([&] { (void)assoc_count(srv); }));
	meta("fixed_info_ns", median([&] { (void)ctx.nl->info(); }));
	meta("fixed_nl_peel_ns", median([&] {
		std::vector<RawEntry> raw;
		(void)ctx.nl->peeloff(srv, bogus, 0, kFlags, false, raw);
	}));
	/* 4096 unknown ids: parsing, id resolution and 4096 error entries. */
	std::vector<std::uint32_t> many(4096);
	for (std::size_t i = 0; i < many.size(); i++)
		many[i] = 0x10000000U + static_cast<std::uint32_t>(i * 7919U);
	meta("fixed_nl_peel4096_unknown_ns", median([&] {
		std::vector<RawEntry> raw;
		(void)ctx.nl->peeloff(srv, many, 0, kFlags, false, raw);
	}));
	meta("fixed_lib_peel_ns", median([&] {
		auto r = ctx.lib->peeloff(srv, std::span<const AssocId>(bogus), lib_opts(true));
		(void)r;
	}));
	meta("fixed_loop_peel_ns", median([&] {
		(void)sctp_peeloff_flags(srv, static_cast<sctp_assoc_t>(bogus[0]), kFlags);
	}));
}

} // namespace

int main()
{
	std::setvbuf(stdout, nullptr, _IOLBF, 0);
	/* One malloc arena: a counted thread must not count creating its own. */
	(void)mallopt(M_ARENA_MAX, 1);
	std::printf("TAP version 13\n");
	if (std::system("modprobe sctpx") != 0) {
		std::printf("1..0 # SKIP no sctpx module\n");
		return 1;
	}
	utsname u{};
	uname(&u);
	meta("kernel", u.release);
	meta("cpus", std::to_string(sysconf(_SC_NPROCESSORS_ONLN)));
	meta("clocksource", read_file("/sys/devices/system/clocksource/clocksource0/current_clocksource"));
	meta("module_version", read_file("/sys/module/sctpx/version"));
	/* Off: what the event costs a round, by comparison with a traced run. */
	const bool notrace = env_int("BENCH_NOTRACE", 0) != 0;
	meta("floor_source", notrace ? "none (BENCH_NOTRACE=1)" : "tracepoint sctpx:sctpx_peeloff");
	/* The largest request: N=4096 and the fixed cost of 4096 unknown ids. */
	constexpr int kLargestBatch = 4096;
	const MaxBatch batch(kLargestBatch);
	if (MaxBatch::read() < kLargestBatch) {
		std::printf("1..1\nnot ok 1 bench # cannot set %s to %d\n", MaxBatch::kPath, kLargestBatch);
		return 1;
	}

	auto client = Client::open();
	RawNl nl;
	if (!client || !nl.ok() || client->path_for(Op::Peeloff) != Path::Module) {
		std::printf("1..1\nnot ok 1 bench # no module path: %s\n", nl.error().c_str());
		return 1;
	}
	std::optional<TraceFloor> trace;
	if (!notrace) {
		trace.emplace();
		if (!trace->ok()) {
			std::printf("1..1\nnot ok 1 bench # no floor: %s\n", trace->error().c_str());
			return 1;
		}
	}
	Ctx ctx{&*client, &nl, trace ? &*trace : nullptr};

	const bool quick = env_int("BENCH_QUICK", 0) != 0;
	g_debug = env_int("BENCH_DEBUG", 0) != 0;
	g_nocount = env_int("BENCH_NOCOUNT", 0) != 0;
	g_cx_rcvbuf = env_int("BENCH_CX_RCVBUF", 64 << 20);
	meta("cx_rcvbuf", g_cx_rcvbuf > 0 ? std::to_string(g_cx_rcvbuf) : "default");
	const int rounds = quick ? 2 : env_int("BENCH_ROUNDS", 10);
	const int big = quick ? 2 : env_int("BENCH_ROUNDS_BIG", 5);
	std::vector<Config> cfgs;
	const std::vector<int> peel_n = quick ? std::vector<int>{1, 64} :
						std::vector<int>{1, 8, 64, 512, 4096};
	const std::vector<int> gw_n = quick ? std::vector<int>{1, 64} :
					      std::vector<int>{1, 8, 64, 512};
	const std::vector<int> busy_n = quick ? std::vector<int>{64} : std::vector<int>{1, 64, 512};
	const std::vector<int> busy_m = quick ? std::vector<int>{1000} : std::vector<int>{1000, 10000};
	const std::vector<int> cx_n = quick ? std::vector<int>{64} : std::vector<int>{64, 512};
	if (arm_on("peeloff"))
		for (const int n : peel_n)
			cfgs.push_back({"peeloff", n, 0, n >= 4096 ? big : rounds});
	if (arm_on("gateway"))
		for (const int n : gw_n)
			cfgs.push_back({"gateway", n, 0, rounds});
	if (arm_on("busy"))
		for (const int m : busy_m)
			for (const int n : busy_n)
				for (const char *a : {"peeloff", "gateway"})
					cfgs.push_back({a, n, m, m >= 10000 ? big : rounds});
	if (arm_on("connectx"))
		for (const int n : cx_n)
			cfgs.push_back({"connectx", n, 0, rounds});
	for (const Config &c : cfgs)
		g_total += c.rounds + 1;
	meta("rounds", std::to_string(rounds));
	meta("rounds_big", std::to_string(big));

	const std::vector<Variant> peel = {
		{"loop", v_loop, false}, {"nl", v_nl, true}, {"lib", v_lib, true}};
	const std::vector<Variant> gw = {
		{"gw-loop", v_gw_loop, false}, {"gw-nl", v_gw_nl, true}, {"gw-lib", v_gw_lib, true}};
	const std::vector<CxVariant> cx = {{"blocking", cx_blocking, false, false},
					   {"nb-commup", cx_nb_commup, true, true},
					   {"nl-commup", cx_nl_commup, true, true},
					   {"lib", cx_lib, true, false}};

	fixed_costs(ctx);
	const std::uint64_t start = now_ns();
	for (const Config &c : cfgs) {
		if (c.arm == "connectx")
			run_cx_config(ctx, c, cx);
		else
			run_peel_config(ctx, c, c.arm == "peeloff" ? peel : gw);
	}
	meta("seconds", std::to_string((now_ns() - start) / 1000000000ULL));
	std::printf("1..1\n%s 1 bench # %d failed checks\n", g_failures != 0 ? "not ok" : "ok", g_failures);
	return g_failures != 0 ? 1 : 0;
}
