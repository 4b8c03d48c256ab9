// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * sctpx-clitest hold DIR: associations for the CLI to read from outside.
 *
 *   S  one-to-many server on 127.0.0.1, read continuously
 *   C1 one-to-one client of S sending a message every 50 ms ("flow")
 *   C2, C3 idle one-to-one clients of S
 *   M  one-to-one client of S bound to 10 addresses (127.1.0.1-10): S's
 *      association with it has more peer addresses than the module lists
 *      (8), so its list is cut ("server-multi")
 *   K  one-to-many sink with the smallest receive buffer, never read
 *   T  one-to-one client of K, written to until its send buffer is full:
 *      data queued and outstanding, none moving, while K still answers
 *      (T's RTO and heartbeat interval are short, so K's SACKs of the
 *      zero-window probes and its heartbeat acks keep coming) ("stalled")
 *
 * It writes DIR/view (each association as its own listing through the
 * library shows it, ids and states checked against SCTP_STATUS), then
 * DIR/ready, and runs until killed. Any setup failure: DIR/error.
 *
 * sctpx-clitest nosctp: a process with sockets, none of them SCTP; it
 * prints "ready udp FD tcp FD unix FD pid PID" once they exist.
 */
#include <array>
#include <cerrno>
#include <csignal>
#include <chrono>
#include <cstring>
#include <fstream>
#include <iostream>
#include <thread>

#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/sctp.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "cli_test.hpp"
#include "loopback.hpp"
#include "sctpx/sctpx.hpp"

namespace sctpx::clitest {

namespace {

[[noreturn]] void give_up(const std::string &dir, const std::string &why)
{
	std::ofstream(dir + "/error") << why << ": " << std::strerror(errno) << '\n';
	std::cerr << "sctpx-clitest: " << why << ": " << std::strerror(errno) << '\n';
	std::exit(1);
}

std::uint16_t port_of(int fd)
{
	sockaddr_in sin{};
	socklen_t len = sizeof(sin);
	if (getsockname(fd, reinterpret_cast<sockaddr *>(&sin), &len) != 0)
		return 0;
	return ntohs(sin.sin_port);
}

sockaddr_in loopback(std::uint16_t port)
{
	sockaddr_in sin{};
	sin.sin_family = AF_INET;
	sin.sin_port = htons(port);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	return sin;
}

Fd server(const std::string &dir, int rcvbuf)
{
	Fd s(socket(AF_INET, SOCK_SEQPACKET, IPPROTO_SCTP));
	if (!s)
		give_up(dir, "socket");
	if (rcvbuf > 0 && setsockopt(s.get(), SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf)) != 0)
		give_up(dir, "SO_RCVBUF");
	sockaddr_in sin = loopback(0);
	if (bind(s.get(), reinterpret_cast<sockaddr *>(&sin), sizeof(sin)) != 0 ||
	    listen(s.get(), 16) != 0)
		give_up(dir, "bind/listen");
	return s;
}

/* Short RTO and heartbeats, and no giving up: the stalled peer stays heard. */
void keep_heard(const std::string &dir, int fd)
{
	sctp_rtoinfo rto{};
	rto.srto_initial = 500;
	rto.srto_max = 1000;
	rto.srto_min = 200;
	if (setsockopt(fd, IPPROTO_SCTP, SCTP_RTOINFO, &rto, sizeof(rto)) != 0)
		give_up(dir, "SCTP_RTOINFO");
	sctp_assocparams ap{};
	ap.sasoc_asocmaxrxt = 10000;
	if (setsockopt(fd, IPPROTO_SCTP, SCTP_ASSOCINFO, &ap, sizeof(ap)) != 0)
		give_up(dir, "SCTP_ASSOCINFO");
	sctp_paddrparams pp{};
	pp.spp_hbinterval = 300;
	pp.spp_pathmaxrxt = 10000;
	pp.spp_flags = SPP_HB_ENABLE;
	if (setsockopt(fd, IPPROTO_SCTP, SCTP_PEER_ADDR_PARAMS, &pp, sizeof(pp)) != 0)
		give_up(dir, "SCTP_PEER_ADDR_PARAMS");
}

Fd client(const std::string &dir, std::uint16_t port, bool heard)
{
	Fd c(socket(AF_INET, SOCK_STREAM, IPPROTO_SCTP));
	if (!c)
		give_up(dir, "socket");
	if (heard)
		keep_heard(dir, c.get());
	/* Bound to 127.0.0.1 alone: unbound, it would offer the peer every
	 * address of the guest, including those other tests added. */
	sockaddr_in self = loopback(0);
	if (bind(c.get(), reinterpret_cast<sockaddr *>(&self), sizeof(self)) != 0)
		give_up(dir, "bind 127.0.0.1");
	sockaddr_in sin = loopback(port);
	if (connect(c.get(), reinterpret_cast<sockaddr *>(&sin), sizeof(sin)) != 0)
		give_up(dir, "connect");
	return c;
}

void drain(int fd)
{
	std::array<char, 4096> buf{};
	while (recv(fd, buf.data(), buf.size(), MSG_DONTWAIT) > 0) {
	}
}

/* SCTP_STATUS of association id on fd (0: a one-to-one socket's). */
sctp_status status(const std::string &dir, int fd, std::uint32_t id)
{
	sctp_status st{};
	st.sstat_assoc_id = static_cast<sctp_assoc_t>(id);
	socklen_t len = sizeof(st);
	if (getsockopt(fd, IPPROTO_SCTP, SCTP_STATUS, &st, &len) != 0)
		give_up(dir, "SCTP_STATUS");
	return st;
}

} // namespace

int hold(const std::string &dir)
{
	std::signal(SIGPIPE, SIG_IGN);
	auto c = Client::open();
	if (!c)
		give_up(dir, "Client::open");
	Fd s = server(dir, 0);
	const std::uint16_t sport = port_of(s.get());
	Fd c1 = client(dir, sport, false);
	Fd c2 = client(dir, sport, false);
	Fd c3 = client(dir, sport, false);
	auto m = loopback::multihomed_client(sport, 10); /* loopback.hpp */
	if (!m)
		give_up(dir, m.error().message());
	Fd k = server(dir, 1); /* the kernel rounds it up to its minimum */
	Fd t = client(dir, port_of(k.get()), true);

	/* Fill T until the kernel refuses more: K's window is closed by then. */
	if (fcntl(t.get(), F_SETFL, O_NONBLOCK) != 0)
		give_up(dir, "O_NONBLOCK");
	const std::string chunk(1000, 'x');
	for (int i = 0; i < 100000; i++) {
		if (send(t.get(), chunk.data(), chunk.size(), 0) < 0) {
			if (errno != EAGAIN)
				give_up(dir, "send to the sink");
			break;
		}
	}
	/* Wait until T has data queued or in flight (SCTP_STATUS counts chunks). */
	for (int i = 0; i < 50; i++) {
		const sctp_status st = status(dir, t.get(), 0);
		if (st.sstat_penddata + st.sstat_unackdata > 0)
			break;
		std::this_thread::sleep_for(std::chrono::milliseconds(100));
	}

	const struct {
		int fd;
		const char *role;
	} socks[] = {{s.get(), "server"}, {c1.get(), "flow"}, {c2.get(), "client"},
		     {c3.get(), "client"}, {m->get(), "client"}, {k.get(), "sink"},
		     {t.get(), "stalled"}};
	std::ofstream view(dir + "/view.tmp");
	std::size_t rows = 0;
	for (const auto &sk : socks) {
		auto l = c->list(sk.fd);
		if (!l)
			give_up(dir, "list fd " + std::to_string(sk.fd) + ": " + l.error().message());
		for (const AssocInfo &a : l->assocs) {
			/* The listing must agree with the socket option itself. */
			const bool one_to_one = sk.fd != s.get() && sk.fd != k.get();
			const sctp_status st = status(dir, sk.fd, one_to_one ? 0 : a.id);
			if (static_cast<std::uint32_t>(st.sstat_assoc_id) != a.id ||
			    st.sstat_state != a.state) {
				errno = 0;
				give_up(dir, "fd " + std::to_string(sk.fd) + ": listed id " +
						     std::to_string(a.id) + " state " +
						     std::to_string(a.state) + ", SCTP_STATUS says " +
						     std::to_string(st.sstat_assoc_id) + " " +
						     std::to_string(st.sstat_state));
			}
			const bool multi = sk.fd == s.get() && a.peer_addr_count == 10;
			view << sk.fd << ' ' << a.id << ' ' << state_name(a.state) << ' '
			     << a.local_port << ' '
			     << (a.peer_addrs.empty() ? 0 : a.peer_addrs.front().port()) << ' '
			     << a.local_vtag << ' ' << a.peer_vtag << ' '
			     << (multi ? "server-multi" : sk.role) << '\n';
			rows++;
		}
	}
	view.close();
	/* 4 on S, one on each client, one on K, one on T. */
	if (rows != 10) {
		errno = 0;
		give_up(dir, "listed " + std::to_string(rows) + " associations, not 10");
	}
	std::rename((dir + "/view.tmp").c_str(), (dir + "/view").c_str());
	std::ofstream(dir + "/pid") << getpid() << '\n';
	std::ofstream(dir + "/ready") << "ready\n";

	const std::string msg(64, 'f');
	for (;;) {
		(void)send(c1.get(), msg.data(), msg.size(), MSG_DONTWAIT);
		drain(s.get());
		drain(c2.get());
		std::this_thread::sleep_for(std::chrono::milliseconds(50));
	}
}

int no_sctp()
{
	const Fd udp(socket(AF_INET, SOCK_DGRAM, 0));
	const Fd tcp(socket(AF_INET, SOCK_STREAM, 0));
	const Fd unx(socket(AF_UNIX, SOCK_STREAM, 0));
	if (!udp || !tcp || !unx) {
		std::cerr << "sctpx-clitest: socket: " << std::strerror(errno) << '\n';
		return 1;
	}
	/* Its descriptors, for --fd of a socket that is not SCTP. */
	std::cout << "ready udp " << udp.get() << " tcp " << tcp.get() << " unix " << unx.get()
		  << " pid " << getpid() << std::endl;
	pause();
	return 0;
}

} // namespace sctpx::clitest

int main(int argc, char **argv)
{
	using namespace sctpx::clitest;
	const std::vector<std::string> a(argv + 1, argv + argc);
	if (a.size() == 2 && a[0] == "hold")
		return hold(a[1]);
	if (a.size() == 1 && a[0] == "nosctp")
		return no_sctp();
	if (a.size() == 4 && a[0] == "check-assocs")
		return check_assocs(a[1], a[2], a[3]);
	if (a.size() == 4 && a[0] == "check-text")
		return check_text(a[1], a[2], a[3]);
	if (a.size() == 5 && a[0] == "check-top")
		return check_top(a[1], a[2], static_cast<unsigned>(std::stoul(a[3])), a[4]);
	if (a.size() == 3 && a[0] == "check-empty")
		return check_empty(a[1], std::stol(a[2]));
	std::cerr << "usage: sctpx-clitest hold DIR | nosctp | check-assocs DIR JSON PATH |\n"
		     "       check-text DIR TEXT PATH | check-top DIR TEXT COUNT PATH |\n"
		     "       check-empty JSON PID\n";
	return 2;
}
