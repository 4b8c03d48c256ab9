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

/* n associations: a one-to-many server on 127.0.0.1, one-to-one clients. */
struct Assocs {
	Fd server;
	std::uint16_t port = 0;
	std::vector<Fd> clients;
	std::vector<AssocId> ids; /* ids[i]: clients[i]'s association on server */
	std::vector<std::uint16_t> client_ports;
};
Assocs make_assocs(std::size_t n);
/* A bare server socket (no associations) on 127.0.0.1; its port. */
Fd make_server(std::uint16_t &port, int type = SOCK_SEQPACKET);

std::size_t assoc_count(int server);
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
