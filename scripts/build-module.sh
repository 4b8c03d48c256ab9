#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Build sctpx.ko for one test kernel, in the userland its kernel was built
# in, with the project's gates: W=1, sparse (C=1) and -Werror.
#
#   scripts/build-module.sh [-o OUTDIR] BUILD_DIR RELEASE [MAKEVAR=VALUE...]
#
# RELEASE is one of BUILD_DIR/kernels.list (scripts/deps.sh unpacked it
# under BUILD_DIR/k/RELEASE and wrote there which userland builds it:
# "host", or a suite whose chroot is BUILD_DIR/chroot/SUITE). The sources
# (kmod/ and the UAPI header) are copied to OUTDIR (default
# BUILD_DIR/obj/RELEASE): kbuild writes objects beside them, and a chroot
# sees only BUILD_DIR. MAKEVARs go to kbuild (SCTPX_NO_PEELOFF=1).
#
# The build fails, besides on any compiler or sparse warning, when
#  - the headers have no Module.symvers (the export probes of kmod/Kbuild
#    could not decide; Kbuild refuses it as well);
#  - sparse did not check every source file: a kbuild that disables C=1
#    ("C=1 specified, but sparse is not available or not up to date") or a
#    sparse that stops on the headers is a failure, never a silent pass;
#  - kbuild's probe results are not what the headers hold (each symbol
#    probe is checked again against Module.symvers here);
#  - no sctpx.ko came out.
# The log is OUTDIR/build.log; OUTDIR/features lists what the probes found.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
out=
if [ "${1:-}" = -o ]; then out=$2; shift 2; fi
[ $# -ge 2 ] || { echo "usage: $0 [-o OUTDIR] BUILD_DIR RELEASE [MAKEVAR=VALUE...]" >&2; exit 2; }
BUILD=$(cd "$1" && pwd)
rel=$2
shift 2
[ -n "$out" ] || out=$BUILD/obj/$rel
mkdir -p "$out"
out=$(cd "$out" && pwd)
case "$out" in
"$BUILD"/*) ;;
*) echo "build-module: OUTDIR must be inside $BUILD (the chroot sees only that)" >&2; exit 2 ;;
esac

fail() { echo "build-module: $rel: FAIL: $*" >&2; exit 1; }

kdir=$BUILD/k/$rel
hdr=$kdir/root/usr/src/linux-headers-$rel
[ -f "$kdir/.done" ] && [ -f "$hdr/Makefile" ] ||
	fail "no kernel $rel in $BUILD/k (run scripts/deps.sh)"
userland=$(cat "$kdir/userland" 2>/dev/null || echo host)
[ -s "$hdr/Module.symvers" ] ||
	fail "$hdr/Module.symvers is missing or empty: the feature probes cannot decide"

sh "$here/kmod-sources.sh" "$out"

# sparse through a wrapper that records each file it was given, so the
# gate below can tell that it really ran on every one.
sparse_log=$out/sparse.files
: >"$sparse_log"
sparse=$(cat "$kdir/sparse" 2>/dev/null || echo sparse)
cat >"$out/sparse" <<EOF
#!/bin/sh
for f; do :; done
printf '%s\n' "\$f" >>'$sparse_log'
exec $sparse "\$@"
EOF
chmod +x "$out/sparse"

# Debian's linux-kbuild packages lack scripts/checker-valid.sh, which
# kbuild (7.x) runs to vet the checker: there C=1 turns itself off with a
# make-level message. KBUILD_CHECKSRC=1 on the command line keeps sparse
# on (a command-line variable beats the Makefile's reset); the sparse
# gate below still proves it ran.
checksrc=C=1
tolerate='^$'
if grep -qs 'checker-valid.sh' "$kdir"/root/usr/src/linux-headers-*-common/Makefile \
	"$hdr/Makefile" && [ ! -e "$hdr/scripts/checker-valid.sh" ]; then
	checksrc=KBUILD_CHECKSRC=1
	tolerate='Makefile:[0-9]*: C=1 specified, but .*sparse is not available or not up to date$'
fi

set -- -C "$hdr" M="$out/kmod" W=1 "$checksrc" CHECK="$out/sparse" \
	CF=-Wno-flexible-array-array KCFLAGS=-Werror "$@" modules

t0=$(date +%s)
rm -f "$out/kmod/sctpx.ko"
echo "build-module: $rel: building in the $userland userland" >&2
{
	echo "# $userland: make $*"
	[ "$checksrc" = C=1 ] ||
		echo "# kbuild lacks scripts/checker-valid.sh: KBUILD_CHECKSRC=1 instead of C=1"
} >"$out/build.log"
rc=0
if [ "$userland" = host ]; then
	make -s "$@" >>"$out/build.log" 2>&1 || rc=$?
else
	sh "$here/suite-chroot.sh" "$BUILD" "$userland" -- make -s "$@" \
		>>"$out/build.log" 2>&1 || rc=$?
fi
secs=$(($(date +%s) - t0))
if [ "$rc" -ne 0 ]; then
	cat "$out/build.log" >&2
	fail "make exited $rc"
fi

# Any diagnostic is an error; so is a kbuild that turned sparse off.
if grep -v '^#' "$out/build.log" | grep -v -- "$tolerate" |
	grep -E 'warning:|error:|specified, but|not available or not up to date'; then
	fail "diagnostics above (full log: $out/build.log)"
fi
[ -f "$out/kmod/sctpx.ko" ] || fail "no sctpx.ko"

# sparse ran on every source file of the module.
[ -f "$out/kmod/sctpx.mod" ] || fail "no sctpx.mod from kbuild"
for o in $(cat "$out/kmod/sctpx.mod"); do
	c=${o%.o}.c
	case "$c" in /*) ;; *) c=$out/kmod/${c##*/} ;; esac
	grep -qx "$c\|${c##*/}\|.*/${c##*/}" "$sparse_log" ||
		fail "sparse did not check ${c##*/} (C=1 did not run; see $out/build.log)"
done

# The export probes of kmod/Kbuild, checked against the headers: what the
# build chose must be what Module.symvers says.
: >"$out/features"
sed -n 's/^ccflags-$(call sctpx-exports,\([A-Za-z0-9_]*\)) += -D\([A-Z0-9_]*\).*/\1 \2/p' \
	"$out/kmod/Kbuild" >"$out/probes"
echo "sctp_do_peeloff -" >>"$out/probes"
[ "$(wc -l <"$out/probes")" -ge 3 ] || fail "cannot read the probes of kmod/Kbuild"
while read -r sym def; do
	if awk -v s="$sym" '$2 == s { f = 1 } END { exit !f }' "$hdr/Module.symvers"; then
		have=y
	else
		have=n
	fi
	echo "$sym=$have" >>"$out/features"
	if [ "$def" = - ]; then
		case " $* " in *" SCTPX_NO_PEELOFF=1 "*) have=n ;; esac
		if [ -f "$out/kmod/peeloff.o" ]; then got=y; else got=n; fi
	elif grep -q -- "-D$def\b" "$out/kmod/.main.o.cmd"; then
		got=y
	else
		got=n
	fi
	[ "$got" = "$have" ] ||
		fail "probe $sym: build chose $got, Module.symvers says $have"
done <"$out/probes"
echo "build-module: $rel: ok in ${secs}s ($(tr '\n' ' ' <"$out/features")sparse=$sparse)" >&2
