#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# `make check`: everything, in order, with one verdict.
#
#   scripts/check.sh [--vm-only] [BUILD_DIR]
#
#  1. dependencies (scripts/deps.sh: apt packages, the two Debian kernels,
#     checkpatch and kselftest_harness.h from linux-source);
#  2. the library's host unit tests (GoogleTest);
#  3. style and ABI gates: checkpatch --strict and kernel-doc on kmod/,
#     clang-tidy on the library and CLI, the YAML spec against the UAPI
#     header and the policies, the man pages through groff -ww;
#  4. the module for both kernels with W=1, sparse and -Werror, the
#     selftests and the static guest binaries of the library;
#  5. in QEMU, on both kernels: the kernel selftests, the library's
#     integration tests and the CLI; the harness itself is checked first:
#     a guest that fails, and one that panics, must fail.
# It ends with the line "N passed, N failed" (test cases over both kernels,
# plus one per gate) and exits non-zero on any failure.
set -u

vm_only=
if [ "${1:-}" = --vm-only ]; then vm_only=1; shift; fi
BUILD=${1:-$(pwd)/build}
here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$here")
cd "$top" || exit 1
mkdir -p "$BUILD"

passed=0 failed=0 skipped=0
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
	echo "check: $(($(date +%s) - t0))s in all (set-up ${setup_s:-0}s)"
	if [ "$skipped" -gt 0 ]; then
		echo "$passed passed, $failed failed, $skipped skipped"
	else
		echo "$passed passed, $failed failed"
	fi
	# A skipped test on a supported kernel is not a pass.
	[ "$failed" -eq 0 ] && [ "$skipped" -eq 0 ]
	exit $?
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

	gate unit make -s -C userlib test BUILD="$BUILD"
	gate checkpatch make -s checkpatch BUILD="$BUILD"
	gate kernel-doc make -s kerneldoc BUILD="$BUILD"
	gate clang-tidy make -s -C userlib tidy BUILD="$BUILD"
	gate spec make -s spec BUILD="$BUILD"
	gate man make -s man
	gate modules make -s modules BUILD="$BUILD"
	gate modules-nopeeloff make -s modules-nopeeloff BUILD="$BUILD"
	gate selftests-build make -s selftests BUILD="$BUILD"
	gate userlib-build make -s userlib-vm BUILD="$BUILD"
fi

kernels=$(cat "$BUILD/kernels.list")

# The harness proves itself before it judges anything: a failing test and
# a kernel panic must both come out as failures.
selfcheck() {
	k=$(head -1 "$BUILD/kernels.list")
	d=$(mktemp -d)
	printf '#!/bin/sh\necho "1..1"\necho "not ok 1 deliberate"\nexit 1\n' >"$d/fails"
	printf '#!/bin/sh\necho c >/proc/sysrq-trigger\n' >"$d/panics"
	chmod +x "$d/fails" "$d/panics"
	ok=0
	if sh "$here/vm.sh" -q -b "$BUILD" -k "$k" -t 120 "$d/fails" 2>/dev/null; then
		echo "harness passed a failing test"; ok=1
	fi
	if sh "$here/vm.sh" -q -b "$BUILD" -k "$k" -t 120 "$d/panics" 2>/dev/null; then
		echo "harness passed a kernel panic"; ok=1
	fi
	rm -rf "$d"
	rm -rf "$BUILD/vm/$k"
	return $ok
}
gate harness selfcheck

# One boot per kernel: the kernel selftests, then the library's
# integration tests and the CLI (which end with the module unloaded).
progs=$(sed "s|^|$BUILD/selftests/|" "$BUILD/selftests/ORDER")
for k in $kernels; do
	echo "check: selftests, library and CLI on $k ..."
	# shellcheck disable=SC2086
	sh "$here/vm.sh" -q -b "$BUILD" -k "$k" -x "$BUILD/userlib/sctpx-static" \
		$progs "$BUILD/userlib/sctpx_vmtest" "$top/userlib/tests/vm/cli-demo.sh" \
		2>&1 | sed 's/^/    /'
	if [ -f "$BUILD/vm/$k/counts" ]; then
		read -r p f s <"$BUILD/vm/$k/counts"
	else
		p=0 f=1 s=0
	fi
	# The failing cases and their assertion lines (the full log stays).
	if [ "$f" -gt 0 ]; then
		grep -E '^(not ok|# [a-z_]+\.c[p]*:[0-9]+:)' "$BUILD/vm/$k/serial.log" 2>/dev/null |
			head -60 | sed 's/^/    /'
	fi
	passed=$((passed + p)); failed=$((failed + f)); skipped=$((skipped + s))
done

# The module as built where sctp_do_peeloff() is not exported (>= 6.16):
# PEELOFF must be absent and reported so, and the library must serve
# peeloff through its fallback with the same results.
k=$(head -1 "$BUILD/kernels.list")
echo "check: module without PEELOFF, library fallback, on $k ..."
sh "$here/vm.sh" -q -b "$BUILD" -k "$k" -o "$BUILD/vm/$k-nopeeloff" \
	-m ko="$BUILD/obj/$k-nopeeloff/kmod/sctpx.ko" -a sctpx_variant=no-peeloff \
	-x "$BUILD/userlib/sctpx-static" "$BUILD/selftests/module" \
	"$BUILD/selftests/assoc_dump" "$BUILD/userlib/sctpx_vmtest" 2>&1 | sed 's/^/    /'
if [ -f "$BUILD/vm/$k-nopeeloff/counts" ]; then
	read -r p f s <"$BUILD/vm/$k-nopeeloff/counts"
else
	p=0 f=1 s=0
fi
if [ "$f" -gt 0 ]; then
	grep -E '^(not ok|# [a-z_]+\.c[p]*:[0-9]+:)' "$BUILD/vm/$k-nopeeloff/serial.log" 2>/dev/null |
		head -60 | sed 's/^/    /'
fi
passed=$((passed + p)); failed=$((failed + f)); skipped=$((skipped + s))
finish
