// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * sctpx_vmtest: the library's integration tests, run as root inside the
 * QEMU guest. Every public call runs three ways: with the module, with
 * the fallback forced, and with the module unloaded (the binary loads and
 * unloads sctpx itself). Output is TAP.
 *
 * Every test is also checked for descriptors: the process's descriptor
 * table after the test (its fixture and client gone) must be the one it
 * had before, netlink sockets aside (the module load helpers keep their
 * own). A peeled descriptor lost or closed behind the caller's back fails
 * the test that did it.
 */
#include <algorithm>
#include <cstdlib>
#include <dirent.h>
#include <gtest/gtest.h>
#include <string>
#include <sys/socket.h>
#include <vector>

#include "tap.hpp"

namespace {

std::vector<int> open_fds()
{
	std::vector<int> out;
	DIR *d = opendir("/proc/self/fd");
	if (d == nullptr)
		return out;
	const int self = dirfd(d);
	while (const dirent *e = readdir(d)) {
		if (e->d_name[0] == '.')
			continue;
		const int fd = std::atoi(e->d_name);
		int domain = 0;
		socklen_t len = sizeof(domain);
		if (fd == self ||
		    (getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &domain, &len) == 0 && domain == AF_NETLINK))
			continue;
		out.push_back(fd);
	}
	closedir(d);
	std::sort(out.begin(), out.end());
	return out;
}

class FdAccounting : public ::testing::EmptyTestEventListener {
public:
	void OnTestStart(const ::testing::TestInfo & /*t*/) override { before_ = open_fds(); }
	/* Runs before the TAP listener's (end events go in reverse order). */
	void OnTestEnd(const ::testing::TestInfo & /*t*/) override
	{
		const auto after = open_fds();
		if (after != before_)
			ADD_FAILURE() << "descriptor table changed: " << before_.size() << " before, "
				      << after.size() << " after";
	}

private:
	std::vector<int> before_;
};

} // namespace

int main(int argc, char **argv)
{
	::testing::InitGoogleTest(&argc, argv);
	auto &listeners = ::testing::UnitTest::GetInstance()->listeners();
	delete listeners.Release(listeners.default_result_printer());
	listeners.Append(new sctpx::vm::TapListener);
	listeners.Append(new FdAccounting);
	return RUN_ALL_TESTS();
}
