#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Boot a Debian kernel in QEMU (TCG: this host has no KVM and cannot load
# modules itself) with sctpx.ko and test programs, and judge the run.
#
#   scripts/vm.sh [options] [PROGRAM...]
#     -k RELEASE   kernel release (default: the first of BUILD/kernels.list)
#     -b BUILD     build directory (default: ./build)
#     -m ko=PATH   sctpx.ko to use (default: BUILD/obj/RELEASE/kmod/sctpx.ko)
#     -s           interactive guest shell instead of tests (Ctrl-a x quits)
#     -a ARGS      extra kernel command line
#     -t SECONDS   time limit for the whole guest run (default 1200)
#     -M MEM       guest memory (default 2G)
#     -q           quiet: do not stream the guest console
#     -o DIR       where the logs go (default: BUILD/vm/RELEASE)
#     -x FILE      also put FILE in the guest's /tests, without running it
#                  (a tool the programs use); may repeat
#   PROGRAM...     run these (static binaries or busybox scripts) in order;
#                  default: every program listed in BUILD/selftests/ORDER
#
# Logs stay in BUILD/vm/RELEASE/ (or -o DIR): serial.log (console, test output) and
# dmesg.log (the guest's kernel log). Pass means: QEMU exited through the
# isa-debug-exit port with the guest's pass byte *and* the console shows
# "SCTPX-RESULT pass". A panic (panic_on_warn=1 oops=panic, -no-reboot),
# a hang or a missing marker is a failure. Test counts are written to
# BUILD/vm/RELEASE/counts as "passed failed skipped".
set -eu

here=$(cd "$(dirname "$0")" && pwd)
build=$(pwd)/build
rel= ko= shell= append= timeout_s=1200 mem=2G quiet= out= extra=

while getopts k:b:m:sa:t:M:qo:x: opt; do
	case $opt in
	k) rel=$OPTARG ;;
	b) build=$(cd "$OPTARG" && pwd) ;;
	m) ko=${OPTARG#ko=} ;;
	s) shell=1 ;;
	a) append=$OPTARG ;;
	t) timeout_s=$OPTARG ;;
	M) mem=$OPTARG ;;
	q) quiet=1 ;;
	o) out=$OPTARG ;;
	x) extra="$extra $OPTARG" ;;
	*) sed -n '5,25p' "$0" >&2; exit 2 ;;
	esac
done
shift $((OPTIND - 1))

[ -n "$rel" ] || rel=$(head -1 "$build/kernels.list" 2>/dev/null || true)
[ -n "$rel" ] || { echo "vm: no kernel release (-k, or $build/kernels.list)" >&2; exit 2; }
# Whatever happens next, no earlier run's results stay to be read.
[ -n "$out" ] || out=$build/vm/$rel
mkdir -p "$out"
rm -f "$out/serial.log" "$out/dmesg.log" "$out/counts"
kroot=$build/k/$rel/root
vmlinuz=$kroot/boot/vmlinuz-$rel
# Newer packages (trixie-backports 7.x, sid) have no /boot: the image is
# /usr/lib/modules/REL/vmlinuz (scripts/deps.sh also links it to /boot).
[ -f "$vmlinuz" ] || vmlinuz=$kroot/usr/lib/modules/$rel/vmlinuz
[ -f "$vmlinuz" ] || { echo "vm: no kernel $rel in $build/k (run scripts/deps.sh)" >&2; exit 2; }
[ -n "$ko" ] || ko=$build/obj/$rel/kmod/sctpx.ko
[ -f "$ko" ] || { echo "vm: no $ko (run make modules)" >&2; exit 2; }

if [ $# -eq 0 ] && [ -z "$shell" ]; then
	order=$build/selftests/ORDER
	[ -f "$order" ] || { echo "vm: no $order (run make selftests)" >&2; exit 2; }
	# shellcheck disable=SC2046
	set -- $(sed "s|^|$build/selftests/|" "$order")
	# An empty list would run nothing and pass.
	[ $# -gt 0 ] || { echo "vm: $order lists no program" >&2; exit 2; }
fi
for p in "$@"; do
	[ -f "$p" ] || { echo "vm: no program $p" >&2; exit 2; }
done
# The programs every result must come from, each exactly once.
expect=$(for p in "$@"; do basename "$p"; done | tr '\n' ' ')

# The guest runs programs in the order given here.
listdir=$(mktemp -d)
trap 'rm -rf "$listdir"' EXIT
for p in "$@"; do basename "$p"; done >"$listdir/ORDER"
# shellcheck disable=SC2086
"$here/mkinitramfs.sh" "$kroot" "$rel" "$ko" "$out/initramfs.cpio" \
	"$@" $extra "$listdir/ORDER"

mode=test
[ -z "$shell" ] || mode=shell
# No tsc=reliable here: it turns off the clocksource watchdog, and a QEMU
# stall under TCG then shows as a jump of guest time (seen: a kselftest
# alarm firing early). The benchmark asks for it (scripts/bench.sh -a).
cmdline="console=ttyS0 quiet panic=-1 panic_on_warn=1 oops=panic sctpx_mode=$mode $append"

# -display none, not -nographic: the consoles are the -serial options below
# either way, and -nographic would also tell SeaBIOS there is no screen, so
# it would copy its banner and screen-clearing escape codes to ttyS0.
set -- qemu-system-x86_64 -accel tcg -cpu max -smp 2 -m "$mem" \
	-display none -no-reboot -nodefaults \
	-device isa-debug-exit,iobase=0xf4,iosize=0x04 \
	-kernel "$vmlinuz" -initrd "$out/initramfs.cpio" -append "$cmdline"

if [ -n "$shell" ]; then
	exec "$@" -serial mon:stdio -serial "file:$out/dmesg.log"
fi

# One guest at a time on this machine: TCG guests on a 2-core host slow each
# other down until time-bounded tests fail. A second run waits here.
lock=${SCTPX_QEMU_LOCK:-/tmp/sctpx-qemu.lock}

run_guest() { # run_guest: boot once, set rc
	rm -f "$out/serial.log" "$out/dmesg.log"
	rc=0
	if [ -n "$quiet" ]; then
		flock "$lock" timeout -k 10 "$timeout_s" "$@" -serial stdio \
			-serial "file:$out/dmesg.log" </dev/null >"$out/serial.log" 2>&1 || rc=$?
	else
		# Stream the console and keep it; the pipeline's status is QEMU's.
		{ flock "$lock" timeout -k 10 "$timeout_s" "$@" -serial stdio \
			-serial "file:$out/dmesg.log" </dev/null 2>&1 ||
			echo "SCTPX-QEMU-EXIT $?"; } | tee "$out/serial.log"
		rc=$(sed -n 's/^SCTPX-QEMU-EXIT \([0-9]*\).*/\1/p' "$out/serial.log" | tail -1)
		rc=${rc:-0}
	fi
}

start=$(date +%s)
run_guest "$@"
# TCG occasionally kills a guest while it boots (seen: an int3 oops in the
# timer softirq, before any module was loaded, with two QEMUs on two
# cores). Only a guest that died before the first test began is booted
# again, once, and the log says so; anything after that counts.
if [ "$rc" -ne 1 ] && ! grep -q '^SCTPX-TEST-BEGIN' "$out/serial.log" &&
   ! grep -q '^SCTPX-ERROR' "$out/serial.log"; then
	cp "$out/serial.log" "$out/serial-boot-failure.log"
	echo "vm: $rel: guest died before any test began (QEMU exit $rc); booting once more (first log: $out/serial-boot-failure.log)" >&2
	run_guest "$@"
fi
secs=$(($(date +%s) - start))

# Count test cases from the TAP lines of each program, and hold each
# program to its own plan: a program that printed no "1..N" plan, fewer or
# more results than it planned, results out of sequence, or that never
# started or finished fails, whatever its exit status. Directives count as
# what they are: "# SKIP" is a skip, "# XFAIL" (and "not ok ... # TODO") an
# expected failure, "# XPASS" (and "ok ... # TODO") a failure; none is a
# pass. counts: "passed failed skipped xfail".
tr -d '\r' <"$out/serial.log" | awk -v expect="$expect" '
	function problem(msg) { failed++; print "vm: " prog ": " msg > "/dev/stderr" }
	function close_prog(rc, finished,    miss) {
		if (!finished)
			problem("never finished")
		if (plan < 0) {
			problem("printed no TAP plan (1..N)")
		} else if (plan == 0) {
			problem("planned no tests (1..0)")
		} else if (nres < plan) {
			miss = plan - nres
			failed += miss
			print "vm: " prog ": " miss " of " plan " planned results missing" > "/dev/stderr"
		} else if (nres > plan) {
			problem(nres " results for a plan of " plan)
		}
		if (plans > 1)
			problem(plans " TAP plans")
		if (badseq)
			problem("results out of sequence (" badseq ")")
		if (finished && rc != 0 && fails == 0)
			problem("exited " rc " without a failing test case")
		inprog = 0
	}
	BEGIN { nexp = split(expect, exp_list, " ") }
	/^SCTPX-TEST-BEGIN / {
		if (inprog) close_prog(0, 0)
		prog = $2; inprog = 1; fails = 0; plan = -1; plans = 0; nres = 0; badseq = ""
		began[prog]++
		next
	}
	/^SCTPX-TEST-END / { if (inprog) close_prog($3, 1); next }
	!inprog { next }
	/^1\.\.[0-9]+([ \t]|$)/ { plans++; plan = substr($1, 4) + 0; next }
	/^(not )?ok [0-9]+([ \t]|$)/ {
		num = ($1 == "not") ? $3 : $2
		nres++
		if (num + 0 != nres && badseq == "")
			badseq = "result " num " where " nres " was due"
		d = ""
		if (match(toupper($0), /[ \t]#[ \t]*(SKIP|XFAIL|XPASS|TODO)/))
			d = substr(toupper($0), RSTART, RLENGTH)
		if ($1 == "not") {
			if (d ~ /TODO|XFAIL/) xfail++
			else { failed++; fails++ }
		} else if (d ~ /SKIP/) skipped++
		else if (d ~ /XFAIL/) xfail++
		else if (d ~ /XPASS|TODO/) {
			failed++; fails++
			print "vm: " prog ": unexpected pass (XPASS): " $0 > "/dev/stderr"
		} else passed++
	}
	END {
		if (inprog) close_prog(0, 0)
		for (i = 1; i <= nexp; i++) {
			prog = exp_list[i]
			if (!(prog in began)) problem("never started")
			else if (began[prog] > 1) problem("started " began[prog] " times")
		}
		printf "%d %d %d %d\n", passed, failed, skipped, xfail
	}' >"$out/counts"
read -r passed failed skipped xfail <"$out/counts"

verdict=fail
reason=
if [ "$rc" -eq 1 ] && grep -q '^SCTPX-RESULT pass' "$out/serial.log"; then
	verdict=pass
elif [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
	reason="guest did not finish within ${timeout_s}s"
elif [ "$rc" -eq 3 ]; then
	reason="guest reported failure"
elif grep -q 'Kernel panic' "$out/serial.log"; then
	reason="guest kernel panicked (a WARN with panic_on_warn=1, or an oops)"
else
	reason="guest ended without a result (QEMU exit $rc)"
fi
# The guest judges exit statuses; the plans, results and directives are
# judged here. A skip or an expected failure is not a pass either.
if [ "$verdict" = pass ] && [ "$failed" -gt 0 ]; then
	verdict=fail reason="$failed test results failed or missing"
elif [ "$verdict" = pass ] && [ $((skipped + xfail)) -gt 0 ]; then
	verdict=fail reason="$skipped skipped and $xfail expected failures are not passes"
fi

if [ "$verdict" != pass ]; then
	echo "vm: $rel: FAIL: $reason" >&2
	echo "---- tail of $out/serial.log" >&2
	tail -40 "$out/serial.log" >&2
	if [ -s "$out/dmesg.log" ]; then
		echo "---- tail of $out/dmesg.log" >&2
		tail -20 "$out/dmesg.log" >&2
	fi
	# A run that failed as a whole has at least one failure (or a
	# skip or expected failure that made it fail).
	[ $((failed + skipped + xfail)) -gt 0 ] || failed=1
	echo "$passed $failed $skipped $xfail" >"$out/counts"
fi
echo "vm: $rel: $verdict: $passed passed, $failed failed, $skipped skipped, $xfail xfail (${secs}s)" >&2
[ "$verdict" = pass ]
