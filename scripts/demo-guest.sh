#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# `make demo`, inside the guest: what the module is and what it does.
# scripts/vm.sh holds every guest program to a TAP plan: each step ends
# with its result line.
cli=/tests/sctpx-static
n=0 fail=0
result() { # result STATUS NAME
	n=$((n + 1))
	if [ "$1" -eq 0 ]; then echo "ok $n $2"; else echo "not ok $n $2"; fail=1; fi
}
echo "== modprobe sctpx"
modprobe sctpx
result $? modprobe
echo "== sctpx status"
$cli status
result $? status
echo "== sctpx demo -n ${sctpx_demo_n:-1000}: ${sctpx_demo_n:-1000} associations on loopback,"
echo "   listed, peeled off in one request with NONBLOCK|CLOEXEC, data checked,"
echo "   then the same the per-call way"
# Not shown on a terminal (demo.sh says so): progress as plain lines,
# which the CLI prints when its standard error is not a terminal.
if [ "${sctpx_demo_tty:-1}" = 1 ]; then
	$cli demo -n "${sctpx_demo_n:-1000}"
	rc=$?
else
	{ $cli demo -n "${sctpx_demo_n:-1000}" 2>&1; echo $? >/tmp/demo.rc; } | cat
	rc=$(cat /tmp/demo.rc)
fi
result "$rc" demo
echo "1..$n"
exit $fail
