#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# `make check`: everything, in order, with one verdict.
#
#   scripts/check.sh [--vm-only] [BUILD_DIR]
#
#  1. dependencies (scripts/deps.sh: apt packages, the Debian kernels and
#     their suites' build userlands, checkpatch and kselftest_harness.h
#     from linux-source);
#  2. the library's host unit tests (GoogleTest);
#  3. style and ABI gates: checkpatch --strict on kmod/, kernel-doc on
#     kmod/ and the UAPI header (as sctpx.rst pulls it),
#     clang-tidy on the library and CLI, the YAML spec against the UAPI
#     header and the policies, the man pages through groff -ww; (after
#     the builds) libsctpx.so's exports and ABI (make abi-check), and the
#     Debian packages: make deb, lintian, an apt install in a clean chroot
#     where DKMS builds the module (scripts/check-packages.sh);
#  4. the module for every kernel, each in its kernel's userland, with
#     W=1, sparse and -Werror (scripts/build-module.sh), the selftests and
#     the static guest binaries of the library;
#  5. in QEMU, one guest per kernel: the kernel selftests, the library's
#     integration tests and the CLI (the first kernel's guest with the
#     DKMS-built module of step 3, asserted); the harness itself is checked first:
#     a guest that fails, and one that panics, must fail. A kernel whose
#     module has no PEELOFF (sctp_do_peeloff() static, 6.16 on) runs the
#     same programs with sctpx_variant=no-peeloff.
# The kernels: KERNELS (slots or releases, as the Makefile's KERNELS=),
# else all of BUILD/kernels.list. It prints a total per kernel, set-up,
# build and test times, and every kernel the archive cannot give today
# (that alone does not fail the run: make check-kernels-complete does).
# It ends with the line "N passed, N failed" (test cases over all kernels,
# every GoogleTest case of the unit tests, plus one per other gate; skips
# and expected failures, when there are any, follow on the same line) and
# exits non-zero on any failure, skip or expected failure, or when nothing
# passed at all.
#
# Every result is held to what its program announced: a TAP program's
# "1..N" plan (scripts/vm.sh), the unit binary's own list of its cases.
set -u

vm_only=
if [ "${1:-}" = --vm-only ]; then vm_only=1; shift; fi
BUILD=${1:-$(pwd)/build}
here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$here")
cd "$top" || exit 1
mkdir -p "$BUILD"

passed=0 failed=0 skipped=0 xfailed=0 totals=
t0=$(date +%s)

gate() { # gate NAME COMMAND... : one pass or one failure
	name=$1; shift
	printf 'check: %s ... ' "$name"
	if "$@" >"$BUILD/gate-$name.log" 2>&1; then
		echo ok
		passed=$((passed + 1))
	else
		echo FAIL
		tail -30 "$BUILD/gate-$name.log" | sed 's/^/    /'
		failed=$((failed + 1))
	fi
}

finish() {
	if [ -n "$totals" ]; then
		echo "check: per kernel:"
		printf '%s' "$totals"
	fi
	if [ -s "$BUILD/kernels.unavailable" ]; then
		sed 's/^\([^ ]*\) [^ ]* /check: NOT AVAILABLE TODAY: \1: /' "$BUILD/kernels.unavailable"
	fi
	echo "check: $(($(date +%s) - t0))s in all (set-up ${setup_s:-0}s, build ${build_s:-0}s, tests ${test_s:-0}s)"
	line="$passed passed, $failed failed"
	[ "$skipped" -eq 0 ] || line="$line, $skipped skipped"
	[ "$xfailed" -eq 0 ] || line="$line, $xfailed xfail"
	echo "$line"
	# A skipped test or an expected failure on a supported kernel is not
	# a pass; nor is a run in which nothing passed.
	[ "$failed" -eq 0 ] && [ "$skipped" -eq 0 ] && [ "$xfailed" -eq 0 ] &&
		[ "$passed" -gt 0 ]
	exit $?
}

# gtest_count XML LISTED RC: "passed failed skipped" of one GoogleTest
# run from its XML report, held to the LISTED cases the binary announced
# (--gtest_list_tests) and to its exit status RC. Reasons on stderr.
gtest_count() {
	python3 - "$@" <<'PYEOF'
import sys
import xml.etree.ElementTree as ET

xml, listed, rc = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
p = f = s = 0
try:
    cases = list(ET.parse(xml).getroot().iter('testcase'))
except (OSError, ET.ParseError) as e:
    print(f"unit: no result file ({e}): {listed} cases unreported", file=sys.stderr)
    print(0, max(listed, 1), 0)
    sys.exit(0)
for tc in cases:
    name = f"{tc.get('classname')}.{tc.get('name')}"
    if tc.find('failure') is not None or tc.find('error') is not None:
        f += 1
        print(f"unit: FAIL {name}", file=sys.stderr)
    elif tc.get('result') == 'skipped' or tc.find('skipped') is not None:
        s += 1
        print(f"unit: SKIP {name}", file=sys.stderr)
    elif tc.get('status') == 'run' and tc.get('result', 'completed') == 'completed':
        p += 1
    else:
        s += 1
        print(f"unit: not run ({tc.get('status')}, {tc.get('result')}): {name}",
              file=sys.stderr)
n = p + f + s
if n < listed:
    f += listed - n
    print(f"unit: {listed - n} of {listed} listed cases unreported", file=sys.stderr)
elif n > listed:
    f += 1
    print(f"unit: {n} results for {listed} listed cases", file=sys.stderr)
if listed == 0:
    f += 1
    print("unit: the binary lists no test case", file=sys.stderr)
if rc != 0 and f == 0:
    f += 1
    print(f"unit: exited {rc} without a failing case", file=sys.stderr)
print(p, f, s)
PYEOF
}

# unit_tests BIN LOG: run one GoogleTest binary; prints "passed failed
# skipped", every case one result.
unit_tests() {
	bin=$1 log=$2 xml=$2.xml
	rm -f "$xml"
	listed=$("$bin" --gtest_list_tests 2>>"$log" | grep -c '^  ')
	"$bin" --gtest_output=xml:"$xml" >>"$log" 2>&1
	gtest_count "$xml" "${listed:-0}" $? 2>>"$log"
}

# The library's host unit tests: the build is one gate, then each
# GoogleTest case is counted on its own.
unit() {
	printf 'check: unit ... '
	log=$BUILD/gate-unit.log
	if ! { make -s -C userlib configure BUILD="$BUILD" &&
	       cmake --build "$BUILD/userlib" -j 2 --target sctpx_unit; } >"$log" 2>&1; then
		echo "FAIL (build)"
		tail -30 "$log" | sed 's/^/    /'
		failed=$((failed + 1))
		return
	fi
	counts=$(unit_tests "$BUILD/userlib/sctpx_unit" "$log")
	# shellcheck disable=SC2086
	set -- $counts
	p=$1 f=$2 s=$3
	echo "$p passed, $f failed, $s skipped"
	[ $((f + s)) -eq 0 ] || grep '^unit: ' "$log" | head -40 | sed 's/^/    /'
	passed=$((passed + p)); failed=$((failed + f)); skipped=$((skipped + s))
}

if [ -z "$vm_only" ]; then
	printf 'check: dependencies ... '
	if sh "$here/deps.sh" "$BUILD" >"$BUILD/deps.log" 2>&1; then
		echo ok
	else
		echo FAIL; tail -30 "$BUILD/deps.log"
		failed=$((failed + 1)); finish
	fi
	setup_s=$(($(date +%s) - t0))

	unit
	gate checkpatch make -s checkpatch BUILD="$BUILD"
	gate kernel-doc make -s kerneldoc BUILD="$BUILD"
	gate clang-tidy make -s -C userlib tidy BUILD="$BUILD"
	gate spec make -s spec BUILD="$BUILD"
	gate man make -s man
	b0=$(date +%s)
	gate modules make -s modules BUILD="$BUILD"
	gate modules-nopeeloff make -s modules-nopeeloff BUILD="$BUILD"
	gate selftests-build make -s selftests BUILD="$BUILD"
	gate userlib-build make -s userlib-vm BUILD="$BUILD"
	# The library's own ctests besides the unit binary (counted above):
	# exports, no libsctp symbol, the interposer's exports and refusals.
	gate library-ctest sh -c "make -s -C userlib configure BUILD='$BUILD' && cmake --build '$BUILD/userlib' -j 2 --target sctpx sctpx_preload sctpx_dropin_host && cd '$BUILD/userlib' && ctest --no-tests=error -E '^unit\$' --output-on-failure"
	build_s=$(($(date +%s) - b0))
	# libsctpx.so's exports and ABI against userlib/abi/ (make abi-check).
	gate abi-check make -s abi-check BUILD="$BUILD"
fi

# shellcheck disable=SC2086
kernels=$(sh "$here/kernels.sh" "$BUILD" $(echo "${KERNELS:-}" | tr ',' ' ') 2>&1) || {
	echo "check: $kernels"
	failed=$((failed + 1)); finish
}
if [ -z "$kernels" ]; then
	echo "check: no test kernel in $BUILD/kernels.list"
	failed=$((failed + 1)); finish
fi
# The harness self-check and the PEELOFF-less variant use the first kernel
# of kernels.list (bookworm's 6.1), whatever KERNELS selects.
k1=$(head -1 "$BUILD/kernels.list")
t1=$(date +%s)

# run_vm OUTDIR VM_ARGS...: one guest through scripts/vm.sh, its counts
# added to the totals. Nothing is read from an earlier run: the counts are
# removed first, and a guest that vm.sh failed has at least one failure.
run_vm() {
	o=$1; shift
	rm -f "$o/counts"
	st=$(mktemp)
	{ sh "$here/vm.sh" -q -b "$BUILD" -o "$o" "$@"; echo $? >"$st"; } 2>&1 | sed 's/^/    /'
	rc=$(cat "$st"); rm -f "$st"
	p=0 f=1 s=0 x=0
	[ ! -f "$o/counts" ] || read -r p f s x <"$o/counts"
	x=${x:-0}
	if [ "$rc" -ne 0 ] && [ $((f + s + x)) -eq 0 ]; then
		echo "    check: vm.sh failed (exit $rc) with no failure counted"
		f=1
	elif [ "$rc" -eq 0 ] && [ $((f + s + x)) -gt 0 ]; then
		echo "    check: vm.sh passed a run with failures, skips or xfails"
		f=$((f + 1))
	fi
	# The failing cases and their assertion lines (the full log stays).
	if [ "$f" -gt 0 ]; then
		grep -E '^(not ok|# [a-z_]+\.c[p]*:[0-9]+:)' "$o/serial.log" 2>/dev/null |
			head -60 | sed 's/^/    /'
	fi
	passed=$((passed + p)); failed=$((failed + f))
	skipped=$((skipped + s)); xfailed=$((xfailed + x))
}

# total NAME WHAT START: the last run_vm's counts as a line of the
# per-kernel summary that finish prints, with its time since START.
total() {
	totals="$totals$(printf '  %-24s %-36s %4d passed, %d failed, %d skipped, %d xfail (%ds)' \
		"$1" "$2" "$p" "$f" "$s" "$x" $(($(date +%s) - $3)))
"
}

# The harness proves itself before it judges anything: a failing test and
# a kernel panic must both come out as failures; programs that break their
# TAP plan (none, short, too long, out of sequence), are killed by a
# signal, or report SKIP, XFAIL or XPASS must be counted as exactly that;
# an empty test list must fail; and the unit-test counting must see a
# GoogleTest failure and a GTEST_SKIP for what they are.
selfcheck() {
	k=$k1
	d=$(mktemp -d)
	printf '#!/bin/sh\necho "1..1"\necho "not ok 1 deliberate"\nexit 1\n' >"$d/fails"
	printf '#!/bin/sh\necho c >/proc/sysrq-trigger\n' >"$d/panics"
	printf '#!/bin/sh\nprintf "1..2\\nok 1 a\\nok 2 b\\n"\n' >"$d/good"
	printf '#!/bin/sh\nprintf "1..3\\nok 1 a\\nok 2 b\\n"\n' >"$d/short"
	printf '#!/bin/sh\nprintf "ok 1 a\\n"\n' >"$d/noplan"
	printf '#!/bin/sh\nprintf "1..2\\nok 1 a # XFAIL known\\nok 2 b # XPASS\\n"\n' >"$d/xfails"
	printf '#!/bin/sh\nprintf "1..1\\nok 1 a # SKIP no reason\\n"\n' >"$d/skips"
	printf '#!/bin/sh\nprintf "1..2\\nok 1 a\\n"\nkill -SEGV $$\n' >"$d/killed"
	printf '#!/bin/sh\nprintf "1..1\\nok 1 a\\nok 2 b\\n"\n' >"$d/toomany"
	printf '#!/bin/sh\nprintf "1..2\\nok 1 a\\nok 1 b\\n"\n' >"$d/badseq"
	chmod +x "$d"/*
	ok=0
	if sh "$here/vm.sh" -q -b "$BUILD" -k "$k" -o "$d/vm" -t 120 "$d/fails" 2>/dev/null; then
		echo "harness passed a failing test"; ok=1
	fi
	if sh "$here/vm.sh" -q -b "$BUILD" -k "$k" -o "$d/vm" -t 120 "$d/panics" 2>/dev/null; then
		echo "harness passed a kernel panic"; ok=1
	fi
	# passed: good 2, short 2, noplan 1, killed 1, toomany 2, badseq 2;
	# failed: short 1 (a missing result), noplan 1, xfails 1 (the XPASS),
	# killed 2 (a missing result, the signal), toomany 1, badseq 1;
	# skipped: 1; xfail: 1.
	if sh "$here/vm.sh" -q -b "$BUILD" -k "$k" -o "$d/vm" -t 120 "$d/good" \
		"$d/short" "$d/noplan" "$d/xfails" "$d/skips" "$d/killed" \
		"$d/toomany" "$d/badseq" 2>"$d/tap.err"; then
		echo "harness passed broken TAP programs"; ok=1
	fi
	got=$(cat "$d/vm/counts" 2>/dev/null)
	if [ "$got" != "10 7 1 1" ]; then
		echo "harness counted broken TAP programs as '$got', not '10 7 1 1'"
		cat "$d/tap.err"; ok=1
	fi
	# An empty test list fails before any guest boots.
	mkdir -p "$d/b/selftests"
	ln -s "$BUILD/k" "$d/b/k"; ln -s "$BUILD/obj" "$d/b/obj"
	echo "$k" >"$d/b/kernels.list"; : >"$d/b/selftests/ORDER"
	if sh "$here/vm.sh" -q -b "$d/b" -k "$k" -o "$d/vm" -t 120 2>/dev/null; then
		echo "harness passed an empty test list"; ok=1
	fi
	# GoogleTest: one pass, one failure, one GTEST_SKIP.
	printf '%s\n' '#include <gtest/gtest.h>' \
		'TEST(Self, Passes) { EXPECT_EQ(1, 1); }' \
		'TEST(Self, Fails) { EXPECT_EQ(1, 2); }' \
		'TEST(Self, Skips) { GTEST_SKIP() << "deliberate"; }' >"$d/g.cpp"
	if g++ -o "$d/g" "$d/g.cpp" -lgtest -lgtest_main -pthread; then
		got=$(unit_tests "$d/g" "$d/g.log")
		if [ "$got" != "1 1 1" ]; then
			echo "unit counting gave '$got' for pass, fail, skip, not '1 1 1'"; ok=1
		fi
	else
		echo "cannot build the GoogleTest self-check"; ok=1
	fi
	rm -rf "$d"
	return $ok
}
gate harness selfcheck

# The Debian packages: built, lintian, installed with apt in a clean
# chroot, where DKMS builds the module that the first kernel's guest
# below loads (scripts/check-packages.sh; it boots one guest itself, so
# it comes after the harness's self-check).
if [ -z "$vm_only" ]; then
	p0=$(date +%s)
	gate deb make -s deb BUILD="$BUILD"
	gate lintian sh "$here/check-packages.sh" lintian "$BUILD"
	gate packages-install sh "$here/check-packages.sh" install "$BUILD"
	echo "check: packages: $(($(date +%s) - p0))s"
	dkms_ko=$BUILD/pkg/sctpx.ko
fi

# One boot per kernel: the kernel selftests, then the library's
# integration tests and the CLI (which end with the module unloaded).
# An empty selftest list would drop every selftest without a word.
progs=$(sed "s|^|$BUILD/selftests/|" "$BUILD/selftests/ORDER" 2>/dev/null)
if [ -z "$progs" ]; then
	echo "check: $BUILD/selftests/ORDER lists no selftest"
	failed=$((failed + 1))
fi
# The drop-in's guest files (lksctp-tools' tests built from Debian's
# source package, the interposer, the probe): one list for every kernel.
dropin=$(sh "$here/lksctp-tests.sh" --vm-args "$BUILD" 2>"$BUILD/lksctp-tests.log") || {
	echo "check: cannot build the drop-in's guest files"; tail -20 "$BUILD/lksctp-tests.log"
	failed=$((failed + 1)); dropin=
}
for k in $kernels; do
	slot=$(awk -v r="$k" '$2 == r { print $1 ", built in " $3 }' "$BUILD/kernels.slots" 2>/dev/null)
	# Where the module has no PEELOFF (the build's probe of
	# sctp_do_peeloff, scripts/build-module.sh), the tests assert that.
	variant=
	if grep -qx 'sctp_do_peeloff=n' "$BUILD/obj/$k/features" 2>/dev/null; then
		variant=sctpx_variant=no-peeloff
	fi
	# The first kernel's guest loads the module DKMS built from the
	# sctpx-dkms package (packages-install above; missing if that failed,
	# and then this guest fails), not the Kbuild one.
	kmod=
	[ "$k" != "$k1" ] || [ -z "${dkms_ko:-}" ] || kmod="-m ko=$dkms_ko"
	echo "check: selftests, library and CLI on $k (${slot:-?})${variant:+ [$variant]}${kmod:+ [sctpx.ko built by DKMS from sctpx-dkms]} ..."
	k0=$(date +%s)
	# shellcheck disable=SC2086
	run_vm "$BUILD/vm/$k" -k "$k" $kmod -a "$variant" -x "$BUILD/userlib/sctpx-static" \
		-x "$BUILD/userlib/sctpx-clitest" -x "$(command -v ss)" \
		$dropin $progs "$BUILD/userlib/sctpx_vmtest" \
		${dropin:+"$top/userlib/tests/vm/dropin.sh"} "$top/userlib/tests/vm/cli-demo.sh" \
		"$top/userlib/tests/vm/cli-assocs.sh"
	total "$k" "${slot:-?}${variant:+, no PEELOFF}" "$k0"
done

# That guest's sctpx.ko was the DKMS one: the copy in its initramfs has
# the checksum packages-install recorded, which the Kbuild module's is not.
dkms_loaded() {
	k=$1
	in_guest=$(cpio -i --quiet --to-stdout "lib/modules/$k/extra/sctpx.ko" \
		<"$BUILD/vm/$k/initramfs.cpio" | sha256sum | cut -d' ' -f1)
	want=$(cat "$BUILD/pkg/sctpx.ko.sha256")
	kbuild=$(sha256sum <"$BUILD/obj/$k/kmod/sctpx.ko" | cut -d' ' -f1)
	echo "guest's sctpx.ko $in_guest; DKMS-built $want; Kbuild $kbuild"
	[ -n "$want" ] && [ "$in_guest" = "$want" ] && [ "$want" != "$kbuild" ]
}
if [ -n "${dkms_ko:-}" ] && echo " $kernels " | tr '\n' ' ' | grep -q " $k1 "; then
	gate dkms-module-in-guest dkms_loaded "$k1"
fi

# The module as built where sctp_do_peeloff() is not exported (>= 6.16):
# PEELOFF must be absent and reported so, and the library must serve
# peeloff through its fallback with the same results.
echo "check: module without PEELOFF, library fallback, on $k1 ..."
k0=$(date +%s)
run_vm "$BUILD/vm/$k1-nopeeloff" -k "$k1" \
	-m ko="$BUILD/obj/$k1-nopeeloff/kmod/sctpx.ko" -a sctpx_variant=no-peeloff \
	-x "$BUILD/userlib/sctpx-static" "$BUILD/selftests/module" \
	"$BUILD/selftests/assoc_dump" "$BUILD/userlib/sctpx_vmtest"
total "$k1-nopeeloff" "PEELOFF left out on purpose" "$k0"
test_s=$(($(date +%s) - t1))
finish
