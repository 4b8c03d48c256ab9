// SPDX-License-Identifier: LGPL-2.1-or-later
//
// The C++ API from the installed libsctpx-dev (pkg-config and CMake's
// find_package(sctpx)), run by scripts/check-packages.sh: the checks of
// consumer.c (and its "module" argument), through sctpx::Client,
// sctpx::Fd and sctpx::Address (whose operator== must be exported).
#include <cerrno>
#include <iostream>
#include <string_view>

#include <netinet/in.h>
#include <sys/socket.h>

#include <sctpx/sctpx.hpp>

namespace {
int fail(const char *what, const sctpx::Error &e)
{
	std::cerr << "consumer-cpp: " << what << ": " << e.message() << '\n';
	return 1;
}
} // namespace

int main(int argc, char **argv)
{
	const bool module = argc > 1 && std::string_view(argv[1]) == "module";
	const auto want_path = module ? sctpx::Path::Module : sctpx::Path::Fallback;
	sctpx::ClientOptions opts;
	opts.autoload = false;
	auto client = sctpx::Client::open(opts);
	if (!client)
		return fail("Client::open", client.error());
	auto info = client->info();
	if (!info)
		return fail("info", info.error());
	if (info->module_loaded != module || info->list_path != want_path)
		return fail("module_loaded or list_path not as expected", {});
	std::cout << "consumer-cpp: module " << (module ? "loaded" : "not loaded")
		  << ", list " << sctpx::path_name(info->list_path) << '\n';

	auto a = sctpx::Address::parse("192.0.2.1", 80);
	auto b = sctpx::Address::parse("192.0.2.1", 80);
	if (!a || !b || !(*a == *b) || a->to_string() != "192.0.2.1:80")
		return fail("Address::parse, operator== or to_string", {});

	sctpx::Fd udp(socket(AF_INET, SOCK_DGRAM, 0));
	if (!udp)
		return fail("socket(UDP)", sctpx::Error(errno));
	auto refused = client->list(udp.get());
	if (refused || refused.error().errnum() != EOPNOTSUPP)
		return fail("a UDP socket, not refused with EOPNOTSUPP", {});
	std::cout << "consumer-cpp: a UDP socket is refused: "
		  << refused.error().message() << '\n';

	sctpx::Fd sk(socket(AF_INET, SOCK_SEQPACKET, IPPROTO_SCTP));
	if (!sk) {
		if (module || (errno != ESOCKTNOSUPPORT && errno != EPROTONOSUPPORT))
			return fail("socket(SCTP)", sctpx::Error(errno));
		std::cout << "consumer-cpp: this kernel has no SCTP sockets\n";
		return 0;
	}
	auto list = client->list(sk.get());
	if (!list)
		return fail("list", list.error());
	if (!list->assocs.empty() || list->path != want_path)
		return fail("associations on a fresh socket, or the wrong path", {});
	std::cout << "consumer-cpp: a fresh SCTP socket has no association\n";
	return 0;
}
