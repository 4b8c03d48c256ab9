#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# The sctpx CLI in the guest, as TAP: status, demo with and without the
# module, usage errors.
. /lib/sctpx-tap.sh
# The static CLI travels with the tests (scripts/vm.sh -x).
cli=/tests/sctpx-static
echo "TAP version 13"
modprobe sctpx
# The path peeloff takes with the module loaded: the module's PEELOFF, or
# the library's fallback where the module has none (INFO_GET reports it
# absent: a kernel without sctp_do_peeloff(), which scripts/check.sh
# passes on as sctpx_variant=no-peeloff). The CLI must say which it used.
peel=module
[ "${sctpx_variant:-}" = no-peeloff ] && peel=fallback
t status_module sh -c "$cli status >/tmp/d && cat /tmp/d && grep -q 'peeloff $peel,' /tmp/d &&
	$cli status --json >/tmp/j && grep -q '\"module_loaded\":true' /tmp/j"
t demo_module sh -c "$cli demo -n 300 >/tmp/d && cat /tmp/d && grep -q 'batch     $peel' /tmp/d"
t demo_json sh -c "$cli --json demo -n 50 >/tmp/d && cat /tmp/d && grep -q '\"rounds\"' /tmp/d"
t usage_exit_2 sh -c "$cli bogus; [ \$? -eq 2 ]"
t demo_bad_n sh -c "$cli demo -n 0; [ \$? -eq 2 ]"
rmmod sctpx
t status_absent sh -c "$cli status >/tmp/d && cat /tmp/d && grep -q 'not loaded' /tmp/d"
t demo_fallback sh -c "$cli --fallback demo -n 100 >/tmp/d && cat /tmp/d && grep -q 'batch     fallback' /tmp/d"
echo "1..$n"
exit $fail
