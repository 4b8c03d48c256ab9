#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# /init of the sctpx test guest (busybox). Modes, from the kernel command
# line (sctpx_mode=..., passed to init as an environment variable):
#   test  run every program in /tests in order (the list in /tests/ORDER
#         if present), each between SCTPX-TEST-BEGIN/END markers
#   shell an interactive shell on the console
# It then checks the kernel log for warnings, copies the log to the second
# serial port, prints SCTPX-RESULT and reports through the isa-debug-exit
# port: byte 0 for pass, 1 for fail. QEMU exits (byte << 1) | 1, so 1 means
# pass and 3 fail; a panic or a hang leaves neither and the host fails.

# The console's first line carries firmware escape codes; markers must
# start a line of their own.
echo
/bin/busybox --install -s
export PATH=/sbin:/usr/sbin:/bin:/usr/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mount -t tmpfs tmpfs /tmp
mount -t tmpfs tmpfs /run
mkdir -p /dev/pts /dev/shm
mount -t devpts devpts /dev/pts
ip link set lo up
hostname sctpx-guest
# Associations by the thousand need descriptors and ports.
ulimit -n 1048576 2>/dev/null || ulimit -n 65536
echo "1024 65535" >/proc/sys/net/ipv4/ip_local_port_range

report() { # report 0|1
	if [ "$1" = 0 ]; then byte='\000'; else byte='\001'; fi
	echo "SCTPX-RESULT $([ "$1" = 0 ] && echo pass || echo fail)"
	# shellcheck disable=SC2059
	printf "$byte" | dd of=/dev/port bs=1 seek=244 count=1 2>/dev/null
	sleep 2
	poweroff -f
}

# The SCTP chain first: a failure here is the environment, not a test.
if ! modprobe sctp; then
	echo "SCTPX-ERROR cannot load the sctp module"
	report 1
fi

case "${sctpx_mode:-test}" in
shell)
	echo "sctpx guest: $(uname -r); tests in /tests; sctpx.ko: modprobe sctpx"
	setsid cttyhack sh -l
	report 0
	;;
esac

status=0
if [ -f /tests/ORDER ]; then
	progs=$(cat /tests/ORDER)
else
	progs=$(cd /tests && ls)
fi
# Nothing to run is not a pass.
if [ -z "$(echo $progs)" ]; then
	echo "SCTPX-ERROR no test programs to run"
	report 1
fi
for t in $progs; do
	echo "SCTPX-TEST-BEGIN $t"
	(cd /tmp && "/tests/$t")
	rc=$?
	echo "SCTPX-TEST-END $t $rc"
	[ "$rc" = 0 ] || status=1
done

# A debug kernel (make check-debug) has kmemleak: scan, and fail on any
# unreferenced object allocated on sctpx's behalf.
mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
if [ -w /sys/kernel/debug/kmemleak ]; then
	echo scan >/sys/kernel/debug/kmemleak
	sleep 6
	echo scan >/sys/kernel/debug/kmemleak
	leaks=$(grep -c 'unreferenced object' /sys/kernel/debug/kmemleak)
	# Objects with sctpx in their allocation backtrace.
	ours=$(awk '/^unreferenced object/ { n += mine; mine = 0 }
		/sctpx/ { mine = 1 } END { print n + mine }' /sys/kernel/debug/kmemleak)
	if [ "$ours" -gt 0 ]; then
		echo "SCTPX-KMEMLEAK $leaks unreferenced objects, $ours from sctpx"
		head -100 /sys/kernel/debug/kmemleak
		status=1
	else
		echo "SCTPX-KMEMLEAK $leaks unreferenced objects, none from sctpx"
	fi
fi

# panic_on_warn turns a WARN into a panic; anything else the kernel
# complained about (KASAN, lockdep, list corruption) fails the run too.
# kmemleak's own lines are not in the pattern: it announces itself at boot
# and reports leaks of any origin; the scan above is its verdict.
if dmesg | grep -E -q 'WARNING:|BUG:|Oops|general protection|Call Trace|UBSAN|KASAN|refcount_t|list_(add|del) corruption'; then
	echo "SCTPX-DMESG dirty"
	dmesg | grep -E -B2 -A20 'WARNING:|BUG:|Oops|general protection|Call Trace|UBSAN|KASAN|refcount_t|list_(add|del) corruption' | head -60
	status=1
else
	echo "SCTPX-DMESG clean"
fi
dmesg >/dev/ttyS1 2>/dev/null
report $status
