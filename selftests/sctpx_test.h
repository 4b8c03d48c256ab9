/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by the sctpx selftests, one file per job under lib/:
 *
 *   nl.h          the netlink client (one socket bound to the family)
 *   requests.h    the family's attributes, replies and requests
 *   loopback.h    SCTP servers, clients and messages on loopback
 *   assoc_pool.h  a server with n client associations, ids mapped
 *   sysfs.h       sysfs, procfs and debugfs files
 *   module_ctl.h  loading the module; whether it offers PEELOFF
 *   slab.h        kernel memory accounting (SUnreclaim, slab caches)
 *   process.h     descriptors, children, timeout scaling
 *   fixture.h     what a fixture holds and its teardown gives back
 *
 * A test includes this header, not lib/'s (fuzz.c and connectx.c also
 * their own parts', fuzz.h and connectx.h). The macros below need
 * kselftest_harness.h, which only the test's own file may include: it
 * defines the runner, so a second file with it would not link.
 */
#ifndef SCTPX_TEST_H
#define SCTPX_TEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/resource.h>
#include <netinet/in.h>
#include <netlink/genl/genl.h>
#include <linux/sctpx.h>

#include "lib/nl.h"
#include "lib/requests.h"
#include "lib/loopback.h"
#include "lib/assoc_pool.h"
#include "lib/sysfs.h"
#include "lib/module_ctl.h"
#include "lib/slab.h"
#include "lib/process.h"
#include "lib/fixture.h"
#include "lib/tracefs.h"

/*
 * The first statement of a test of PEELOFF itself. Where the module has
 * PEELOFF, nothing. Where it has not, the test asserts what that module
 * must do instead (INFO_GET reports the op absent, as the build said; a
 * PEELOFF request is refused as sx_peeloff_absent_check() checks) and
 * ends there, passed on those assertions: the library's peeloff on such a
 * kernel goes through its fallback, tested by userlib/tests/vm/.
 */
#define SX_PEELOFF_OR_ASSERT_ABSENT()					\
	do {								\
		int __offered = sx_peeloff_offered();			\
		char __why[256];					\
									\
		ASSERT_LE(0, __offered);				\
		if (!__offered) {					\
			ASSERT_EQ(0, sx_peeloff_absent_check(__why,	\
							     sizeof(__why))) \
				TH_LOG("%s", __why);			\
			TH_LOG("no PEELOFF in this module: refusal asserted"); \
			return;						\
		}							\
	} while (0)

/*
 * A fixture of the module, a netlink socket (self->nl) and a pool of
 * associations the test sizes (sx_pool_make(&self->p, n)). The teardown
 * frees the pool and closes the socket and every descriptor the test left
 * open, so a test stopped by a failed assertion leaks nothing into the
 * next.
 */
#define SX_FIXTURE_NL_POOL(name)					\
	FIXTURE(name) {							\
		struct sx_nl nl;					\
		struct sx_pool p;					\
		int top;	/* the highest descriptor before setup */ \
	};								\
									\
	FIXTURE_SETUP(name)						\
	{								\
		sx_fix_begin(&self->nl, &self->p, &self->top);		\
		ASSERT_EQ(0, sx_module_ensure());			\
		ASSERT_EQ(0, sx_nl_open(&self->nl));			\
	}								\
									\
	FIXTURE_TEARDOWN(name)						\
	{								\
		sx_fix_end(&self->nl, &self->p, self->top);		\
	}

/*
 * TEST_HARNESS_MAIN with the timeouts stretched by sx_timeout_scale().
 * Use after including kselftest_harness.h, whose static fixture list it
 * walks before handing over to the harness.
 */
#define SX_HARNESS_MAIN							\
	int main(int argc, char **argv)					\
	{								\
		struct __fixture_metadata *f;				\
		struct __test_metadata *t;				\
		int scale = sx_timeout_scale();				\
									\
		for (f = __fixture_list; f; f = f->next)		\
			for (t = f->tests; t; t = t->next)		\
				t->timeout *= scale;			\
		return test_harness_run(argc, argv);			\
	}

#endif /* SCTPX_TEST_H */
