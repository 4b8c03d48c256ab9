#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# The library's own cost in the benchmark's guest: sctpx_micro_static
# (micro.cpp) under the same emulation as sctpx_bench, run by
# scripts/bench.sh after it. Its MICRO lines go to the console as they
# are (bench.sh collects them into micro.csv), then one TAP line.
. /lib/sctpx-tap.sh
echo "TAP version 13"
# Fewer samples than on the host (41): each takes about 20 times longer.
MICRO_SAMPLES=${MICRO_SAMPLES:-11} /tests/sctpx_micro_static >/tmp/micro 2>&1
rc=$?
grep -E '^MICRO(-OWN|-META)?,' /tmp/micro
t micro sh -c "[ $rc -eq 0 ] && grep -q '^MICRO-OK' /tmp/micro || { cat /tmp/micro; false; }"
echo "1..$n"
exit $fail
