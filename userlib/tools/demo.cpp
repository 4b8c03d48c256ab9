// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * `sctpx demo`: N associations on loopback, listed, then peeled off in one
 * batch with NONBLOCK|CLOEXEC; each new descriptor must carry its flags
 * and the message its client queued before the peel. The same again the
 * per-call way (the fallback: one sctp_peeloff_flags() per association)
 * for comparison.
 */
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <iomanip>
#include <iostream>

#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "cli.hpp"
#include "loopback.hpp"

namespace sctpx::cli {

namespace {

struct Round {
	std::string way;
	Path path = Path::Module;
	std::uint32_t assocs = 0;
	std::uint32_t peeled = 0;
	std::uint32_t errors = 0;
	std::uint32_t data_ok = 0;
	std::uint32_t flags_ok = 0;
	double us_per_assoc = 0;
	std::string first_error;
};

/* The message client i sends, left queued on the server for its peeled fd. */
std::string greeting(std::size_t i)
{
	return "hello from client " + std::to_string(i);
}

/* n associations (loopback.hpp); progress on stderr for long runs. */
Result<loopback::Assocs> make_assocs(std::uint32_t n)
{
	loopback::Options lo;
	lo.greeting = [](std::size_t i, std::uint16_t /*port*/) { return greeting(i); };
	/* On a terminal the progress line updates in place; in a log, one line each. */
	const bool tty = isatty(STDERR_FILENO) != 0;
	const bool progress = n >= 1000;
	if (progress)
		lo.progress = [n, tty, step = std::max<std::uint32_t>(n / 10, 1)](std::size_t done) {
			if (done % step == 0)
				std::cerr << (tty ? "\r" : "") << "sctpx demo: connecting " << done << "/"
					  << n << (tty ? "" : "\n") << std::flush;
		};
	auto a = loopback::make_assocs(n, lo);
	if (progress && tty)
		std::cerr << '\n';
	return a;
}

bool flags_ok(int fd)
{
	const int fl = fcntl(fd, F_GETFL);
	const int fdfl = fcntl(fd, F_GETFD);
	return fl >= 0 && fdfl >= 0 && (static_cast<unsigned int>(fl) & O_NONBLOCK) != 0 &&
	       (static_cast<unsigned int>(fdfl) & FD_CLOEXEC) != 0;
}

bool data_ok(int fd, const std::string &want)
{
	pollfd p{fd, POLLIN, 0};
	if (poll(&p, 1, 2000) != 1)
		return false;
	std::string buf(want.size() + 64, '\0');
	const ssize_t r = recv(fd, buf.data(), buf.size(), MSG_DONTWAIT);
	return r == static_cast<ssize_t>(want.size()) && buf.compare(0, want.size(), want) == 0;
}

Result<Round> run_round(Client &lister, Client &peeler, std::string way, std::uint32_t n,
			bool show_list)
{
	auto lb = make_assocs(n);
	if (!lb)
		return std::move(lb).error();
	if (show_list) {
		auto l = lister.list(lb->server.get());
		if (!l)
			return std::move(l).error();
		std::cout << "listed " << l->assocs.size() << " associations on port " << lb->port
			  << " (" << path_name(l->path) << ")\n";
		for (std::size_t i = 0; i < l->assocs.size() && i < 3; i++) {
			const AssocInfo &a = l->assocs[i];
			std::cout << "  id " << a.id << " " << state_name(a.state) << " peer "
				  << (a.peer_addrs.empty() ? "-" : a.peer_addrs.front().to_string());
			if (a.peer_addr_count > 1)
				std::cout << " (+" << a.peer_addr_count - 1 << " more"
					  << (a.peer_addrs_cut ? ", list cut" : "") << ")";
			std::cout << " streams " << a.instreams << "/" << a.outstreams;
			if (a.local_vtag != 0)
				std::cout << " vtags " << a.local_vtag << "/" << a.peer_vtag << " rwnd "
					  << a.peer_rwnd << " heard " << a.heard_ms << " ms ago";
			std::cout << '\n';
		}
		if (l->assocs.size() > 3)
			std::cout << "  ...\n";
		/* Before the next round's progress on stderr, also through a pipe. */
		std::cout << std::flush;
	}

	PeelOptions o;
	o.flags = PeelFlag::NonBlock | PeelFlag::CloseOnExec;
	const auto t0 = std::chrono::steady_clock::now();
	auto r = peeler.peeloff(lb->server.get(), lb->ids, o);
	const auto t1 = std::chrono::steady_clock::now();
	if (!r)
		return std::move(r).error();

	Round out;
	out.way = std::move(way);
	out.path = r->path;
	out.assocs = n;
	out.us_per_assoc = std::chrono::duration<double, std::micro>(t1 - t0).count() / n;
	for (std::size_t i = 0; i < r->entries.size(); i++) {
		const Peeled &p = r->entries[i];
		if (!p.fd) {
			out.errors++;
			if (out.first_error.empty())
				out.first_error = p.fd.error().message();
			continue;
		}
		out.peeled++;
		out.flags_ok += flags_ok(p.fd->get()) ? 1 : 0;
		out.data_ok += data_ok(p.fd->get(), greeting(i)) ? 1 : 0;
	}
	return out;
}

void print_table(const std::vector<Round> &rounds)
{
	std::cout << '\n'
		  << std::left << std::setw(10) << "way" << std::setw(10) << "path" << std::right
		  << std::setw(8) << "assocs" << std::setw(8) << "peeled" << std::setw(8) << "errors"
		  << std::setw(9) << "data ok" << std::setw(10) << "flags ok" << std::setw(12)
		  << "us/assoc" << '\n';
	for (const Round &r : rounds)
		std::cout << std::left << std::setw(10) << r.way << std::setw(10) << path_name(r.path)
			  << std::right << std::setw(8) << r.assocs << std::setw(8) << r.peeled
			  << std::setw(8) << r.errors << std::setw(9) << r.data_ok << std::setw(10)
			  << r.flags_ok << std::setw(12) << std::fixed << std::setprecision(1)
			  << r.us_per_assoc << '\n';
	for (const Round &r : rounds)
		if (!r.first_error.empty())
			std::cout << r.way << ": first error: " << r.first_error << '\n';
}

void print_json(const std::vector<Round> &rounds)
{
	Json j;
	j.open().open_array("rounds");
	for (const Round &r : rounds)
		j.open()
			.field("way", r.way)
			.field("path", path_name(r.path))
			.field("assocs", static_cast<std::uint64_t>(r.assocs))
			.field("peeled", static_cast<std::uint64_t>(r.peeled))
			.field("errors", static_cast<std::uint64_t>(r.errors))
			.field("data_ok", static_cast<std::uint64_t>(r.data_ok))
			.field("flags_ok", static_cast<std::uint64_t>(r.flags_ok))
			.field("us_per_assoc", r.us_per_assoc)
			.close();
	j.close_array().close();
	std::cout << j.str() << '\n';
}

} // namespace

int cmd_demo(const Options &o)
{
	ClientOptions batch_opts;
	batch_opts.force_fallback = o.force_fallback;
	auto batch = Client::open(batch_opts);
	ClientOptions call_opts;
	call_opts.force_fallback = true;
	auto per_call = Client::open(call_opts);
	if (!batch)
		return die("cannot open the library", batch.error());
	if (!per_call)
		return die("cannot open the library", per_call.error());

	std::vector<Round> rounds;
	auto r1 = run_round(*batch, *batch, "batch", o.n, !o.json);
	if (!r1)
		return die("batch round", r1.error());
	rounds.push_back(std::move(*r1));
	auto r2 = run_round(*batch, *per_call, "per-call", o.n, false);
	if (!r2)
		return die("per-call round", r2.error());
	rounds.push_back(std::move(*r2));

	if (o.json)
		print_json(rounds);
	else
		print_table(rounds);

	for (const Round &r : rounds)
		if (r.peeled != r.assocs || r.data_ok != r.assocs || r.flags_ok != r.assocs) {
			std::cerr << "sctpx: demo: " << r.way << " round: " << r.peeled << "/" << r.assocs
				  << " peeled, " << r.data_ok << " with their data, " << r.flags_ok
				  << " with NONBLOCK|CLOEXEC\n";
			return exit_fail;
		}
	return exit_ok;
}

} // namespace sctpx::cli
