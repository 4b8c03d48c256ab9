// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The guest test environment: the module's state, associations on
 * loopback, and the three ways a call can be served.
 */
#ifndef SCTPX_TESTS_VM_ENV_HPP
#define SCTPX_TESTS_VM_ENV_HPP

#include <gtest/gtest.h>
#include <optional>
#include <string>
#include <vector>

#include "loopback.hpp"
#include "sctpx/sctpx.hpp"

namespace sctpx::vm {

/* Module: loaded and used. Forced: loaded, fallback forced. Absent: unloaded. */
enum class Way { Module, Forced, Absent };
std::string way_name(const ::testing::TestParamInfo<Way> &i);

bool module_loaded();
bool kernel_at_least(int major, int minor);
/*
 * The module under test was built without PEELOFF, as on kernels where
 * sctp_do_peeloff() is static (>= 6.16). Said by the harness on the kernel
 * command line (sctpx_variant=no-peeloff), not by the module, so that the
 * library's own reading of INFO_GET is what gets tested.
 */
bool variant_no_peeloff();
void load_module();   /* modprobe sctpx */
void unload_module(); /* rmmod sctpx */
/*
 * Write a module parameter and read it back: a write the kernel refuses
 * (or that does not stick) is a fatal failure, so wrap the call in
 * ASSERT_NO_FATAL_FAILURE().
 */
void set_param(const char *name, const std::string &value);
std::string get_param(const char *name); /* "" if unreadable */

/* Sets a parameter for a scope and puts the old value back at its end. */
class ParamScope {
public:
	ParamScope(const char *name, const std::string &value);
	~ParamScope();
	ParamScope(const ParamScope &) = delete;
	ParamScope &operator=(const ParamScope &) = delete;

private:
	const char *name_;
	std::string old_;
};

/*
 * n associations, as loopback.hpp builds them: a one-to-many server on
 * 127.0.0.1, one-to-one clients bound to 127.0.0.1. A failure is a test
 * failure; the vectors then still hold n entries (ids 0, no descriptors),
 * so a test indexing them fails on its own checks.
 */
using loopback::Assocs;
Assocs make_assocs(std::size_t n);
/* A bare server socket (no associations) on 127.0.0.1; its port. */
Fd make_server(std::uint16_t &port);

std::size_t assoc_count(int server);
/*
 * A one-to-one client bound to @naddrs loopback addresses (127.1.0.1,
 * 127.1.0.2, ...), connected to 127.0.0.1:@port: the server's association
 * then has @naddrs peer addresses. Waits until the server has @want
 * associations in all.
 */
Fd make_multihomed_peer(int server, std::uint16_t port, std::uint32_t naddrs,
			std::size_t want);
/* The peer addresses the SCTP stack holds for association @id of @sock. */
std::uint32_t stack_addr_count(int sock, AssocId id);
void send_msg(int fd, const std::string &msg);
/* One message, waiting up to 2 s; "" on timeout. */
std::string recv_msg(int fd);
bool nonblocking(int fd);
bool cloexec(int fd);

/* Fixture of every test that runs the three ways. */
class WayTest : public ::testing::TestWithParam<Way> {
protected:
	void SetUp() override;
	Client &client() { return *client_; }
	[[nodiscard]] Path expected_path(Op op) const
	{
		if (GetParam() != Way::Module ||
		    (op == Op::Peeloff && variant_no_peeloff()))
			return Path::Fallback;
		return Path::Module;
	}
	unsigned int c_open_flags() const;
	/*
	 * max_batch at @value for the rest of the test (not where the module
	 * is absent), the client refreshed to see it; on the PEELOFF module
	 * path, checks the module took it and notes its PEELOFF requests.
	 * Call through ASSERT_NO_FATAL_FAILURE().
	 */
	void limit_batch(unsigned int value);
	/* PEELOFF requests since limit_batch() on the module path, else none. */
	std::optional<std::uint64_t> peeloff_requests_since();

private:
	std::optional<Client> client_;
	std::optional<ParamScope> batch_limit_;
	std::optional<std::uint64_t> peeloff_requests0_;
};

} // namespace sctpx::vm

#endif
