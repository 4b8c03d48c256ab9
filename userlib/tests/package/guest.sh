#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# In the guest, as TAP: what scripts/check-packages.sh installed in its
# chroot, with the sctpx.ko DKMS built there loaded: the packaged CLI
# (sctpx-pkg) says the module is loaded, and the four consumers built
# against libsctpx-dev (consumer.c, consumer.cpp; with pkg-config and with
# CMake) pass in "module" mode. The packaged libsctpx.so.1 travels in
# /tests (scripts/vm.sh -x), hence LD_LIBRARY_PATH.
. /lib/sctpx-tap.sh
export LD_LIBRARY_PATH=/tests
echo "TAP version 13"
t modprobe_dkms_module modprobe sctpx
t status_loaded sh -c "/tests/sctpx-pkg status >/tmp/d && cat /tmp/d && grep -q '^module: *loaded' /tmp/d"
for p in consumer-c-pc consumer-cpp-pc consumer-c-cmake consumer-cpp-cmake; do
	t "$p" "/tests/$p" module
done
rmmod sctpx
echo "1..$n"
exit $fail
