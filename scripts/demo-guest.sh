#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# `make demo`, inside the guest: what the module is and what it does.
set -e
cli=/tests/sctpx-static
echo "== modprobe sctpx"
modprobe sctpx
echo "== sctpx status"
$cli status
echo "== sctpx demo -n ${sctpx_demo_n:-1000}: ${sctpx_demo_n:-1000} associations on loopback,"
echo "   listed, peeled off in one request with NONBLOCK|CLOEXEC, data checked,"
echo "   then the same the per-call way"
$cli demo -n "${sctpx_demo_n:-1000}"
