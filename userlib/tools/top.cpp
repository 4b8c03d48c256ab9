// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * `sctpx top --pid PID`: another process's associations, refreshed every
 * interval, busiest first, with DATA chunk rates and a stalled flag
 * (top_model.hpp). On a terminal: a full-screen view (the alternate
 * screen, restored on exit) that q or SIGINT ends; otherwise (or with
 * --plain) one plain block per refresh, headed by a timestamp, no escape
 * codes.
 */
#include <algorithm>
#include <chrono>
#include <csignal>
#include <ctime>
#include <iomanip>
#include <iostream>
#include <sstream>

#include <poll.h>
#include <termios.h>
#include <unistd.h>

#include "cli.hpp"
#include "top_model.hpp"

namespace sctpx::cli {

namespace {

volatile std::sig_atomic_t stop_signal = 0;

void on_signal(int /*sig*/)
{
	stop_signal = 1;
}

/*
 * SIGINT and SIGTERM end the loop cleanly. They are blocked except inside
 * ppoll(), so one arriving just before the wait still ends it at once
 * instead of after up to a whole interval; the mask to wait with goes to
 * *wait_mask.
 */
void catch_signals(sigset_t *wait_mask)
{
	struct sigaction sa {};
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = 0;
	sigaction(SIGINT, &sa, nullptr);
	sigaction(SIGTERM, &sa, nullptr);
	sigset_t block;
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	sigprocmask(SIG_BLOCK, &block, wait_mask);
	sigdelset(wait_mask, SIGINT);
	sigdelset(wait_mask, SIGTERM);
}

/* The terminal in full-screen mode for the object's life. */
class Screen {
public:
	Screen() : active_(tcgetattr(STDIN_FILENO, &saved_) == 0)
	{
		if (active_) {
			termios raw = saved_;
			/* Keys arrive one by one, unechoed; ^C still raises SIGINT. */
			raw.c_lflag &= ~static_cast<tcflag_t>(ICANON | ECHO);
			raw.c_cc[VMIN] = 0;
			raw.c_cc[VTIME] = 0;
			tcsetattr(STDIN_FILENO, TCSANOW, &raw);
		}
		std::cout << "\x1b[?1049h\x1b[?25l" << std::flush; /* alternate screen, no cursor */
	}
	~Screen()
	{
		std::cout << "\x1b[?25h\x1b[?1049l" << std::flush;
		if (active_)
			tcsetattr(STDIN_FILENO, TCSANOW, &saved_);
	}
	Screen(const Screen &) = delete;
	Screen &operator=(const Screen &) = delete;
	Screen(Screen &&) = delete;
	Screen &operator=(Screen &&) = delete;
	[[nodiscard]] bool keys() const { return active_; }

private:
	termios saved_{};
	bool active_ = false;
};

std::string utc_now()
{
	const std::time_t t = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
	std::tm tm{};
	gmtime_r(&t, &tm);
	std::ostringstream s;
	s << std::put_time(&tm, "%Y-%m-%dT%H:%M:%SZ");
	return s.str();
}

std::vector<top::Sample> samples(const std::vector<SocketAssocs> &socks)
{
	std::vector<top::Sample> out;
	for (const SocketAssocs &s : socks)
		for (const AssocInfo &a : s.assocs) {
			top::Sample x;
			x.fd = s.fd;
			x.id = a.id;
			x.vtag = a.local_vtag;
			x.state = a.state;
			x.data_in = a.counters.data_in;
			x.data_out = a.counters.data_out;
			x.detail = s.path == Path::Module;
			x.outstanding = a.outstanding;
			x.queued = a.queued;
			x.heard_ms = a.heard_ms;
			out.push_back(x);
		}
	return out;
}

/* The module's figures; "-" on the fallback, which cannot read them. */
std::string figure(const top::Row &r, std::uint32_t v)
{
	return r.s.detail ? std::to_string(v) : "-";
}

std::string rate(double v)
{
	std::ostringstream s;
	s << std::fixed << std::setprecision(1) << v;
	return s.str();
}

const char *stall_name(top::Stall s)
{
	switch (s) {
	case top::Stall::Yes:
		return "yes";
	case top::Stall::No:
		return "no";
	case top::Stall::Unknown:
		break;
	}
	return "-";
}

std::string render(const Options &o, const std::vector<top::Row> &rows, Path path)
{
	std::ostringstream s;
	s << "sctpx top: pid " << o.pid << ", " << utc_now() << ", " << rows.size()
	  << " associations, listed by: " << path_name(path) << ", every " << o.interval_s
	  << " s, stalled after " << o.stall_s << " s\n";
	s << cell("FD", 5) << cell("ID", 7) << cell("STATE", 18) << cell("DATA_IN/s", 10, true)
	  << cell("DATA_OUT/s", 11, true) << cell("OUTSTANDING", 12, true)
	  << cell("QUEUED", 9, true) << cell("HEARD_MS", 10, true) << cell("IDLE_S", 8, true)
	  << "  STALLED\n";
	for (const top::Row &r : rows)
		s << cell(std::to_string(r.s.fd), 5) << cell(std::to_string(r.s.id), 7)
		  << cell(state_name(r.s.state), 18) << cell(rate(r.in_per_s), 10, true)
		  << cell(rate(r.out_per_s), 11, true) << cell(figure(r, r.s.outstanding), 12, true)
		  << cell(figure(r, r.s.queued), 9, true)
		  << cell(r.s.detail ? heard_text(r.s.heard_ms) : "-", 10, true)
		  << cell(rate(r.idle_s), 8, true) << "  " << stall_name(r.stalled) << '\n';
	return s.str();
}

/*
 * Wait until deadline, a key (q quits) or a signal; false: stop. Without
 * a terminal there is nothing to read: ppoll() only sleeps. ppoll() runs
 * at least once even when the deadline has passed (a listing slower than
 * the interval): it is where the blocked SIGINT/SIGTERM get through. A
 * terminal that hung up stops being read (it would wake ppoll() at once,
 * forever).
 */
bool wait_until(std::chrono::steady_clock::time_point deadline, bool &keys,
		const sigset_t &wait_mask)
{
	for (;;) {
		if (stop_signal != 0)
			return false;
		const auto left = std::max(std::chrono::nanoseconds(0),
					   std::chrono::duration_cast<std::chrono::nanoseconds>(
						   deadline - std::chrono::steady_clock::now()));
		const timespec ts{static_cast<std::time_t>(left.count() / 1000000000),
				  static_cast<long>(left.count() % 1000000000)};
		pollfd p{STDIN_FILENO, POLLIN, 0};
		const int r = ppoll(&p, keys ? 1 : 0, &ts, &wait_mask);
		if (r < 0)
			continue; /* a signal: checked above */
		if (r == 0) {
			if (std::chrono::steady_clock::now() >= deadline)
				return true;
			continue;
		}
		char ch = 0;
		const ssize_t n = read(STDIN_FILENO, &ch, 1);
		if (n == 1 && (ch == 'q' || ch == 'Q'))
			return false;
		if (n == 0 || (p.revents & (POLLHUP | POLLERR | POLLNVAL)) != 0)
			keys = false;
	}
}

} // namespace

int cmd_top(const Options &o)
{
	auto c = open_lister(o);
	if (!c)
		return die("cannot open the library", c.error());
	/* One pidfd for the whole run: a reused pid is never shown for it. */
	auto pidfd = open_process(o.pid);
	if (!pidfd)
		return fail(pidfd.error());
	sigset_t wait_mask;
	catch_signals(&wait_mask);
	const bool full = !o.plain && isatty(STDOUT_FILENO) != 0;
	std::optional<Screen> screen;
	if (full)
		screen.emplace();
	bool keys = screen && screen->keys();

	top::Tracks tracks;
	const auto t0 = std::chrono::steady_clock::now();
	const auto step = std::chrono::duration_cast<std::chrono::steady_clock::duration>(
		std::chrono::duration<double>(o.interval_s));
	for (std::uint32_t n = 1;; n++) {
		auto socks = list_process(*c, o.pid, *pidfd, o.fd);
		if (!socks) {
			screen.reset(); /* the error on the normal screen */
			return fail(socks.error());
		}
		const double now =
			std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
		const auto rows = top::refresh(tracks, samples(*socks), now, o.stall_s);
		const Path path = socks->empty() ? c->path_for(Op::List) : socks->front().path;
		const std::string text = render(o, rows, path);
		if (full)
			std::cout << "\x1b[H\x1b[2J" << text << "(q quits)" << std::flush;
		else
			std::cout << text << '\n' << std::flush;
		/*
		 * A reader that went away (| head) ends the run: with SIGPIPE
		 * ignored by whoever started sctpx, writing on would loop forever.
		 */
		if (!std::cout) {
			screen.reset();
			std::cerr << "sctpx: standard output: write error\n";
			return exit_fail;
		}
		if (o.count != 0 && n >= o.count)
			break;
		if (!wait_until(t0 + step * n, keys, wait_mask))
			break;
	}
	return exit_ok;
}

} // namespace sctpx::cli
