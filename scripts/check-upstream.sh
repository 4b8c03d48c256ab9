#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# `make check-upstream`: the net/sctp patch in upstream/ on the newest
# kernel make check boots (see upstream/README.md).
#
#   scripts/check-upstream.sh [BUILD_DIR]
#
# Needs what make check set up in BUILD_DIR: the kernels (BUILD/k/REL,
# with the Debian version and the userland each was built in) and the
# suites' userlands (scripts/suite-chroot.sh), the selftests and the
# library's guest binaries. Builds, besides, a small kernel from the
# patched source (upstream/qemu-guest.config) in that kernel's userland and
# registers it as BUILD/k/<7.x>-sctpx-upstream (scripts/install-kernel.sh).
# Ends with "check-upstream: N passed, N failed" and exits non-zero on any
# failure.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$here")
BUILD=$(cd "${1:-$top/build}" && pwd)
up=$BUILD/upstream
mkdir -p "$up"
log() { printf 'check-upstream: %s\n' "$*" >&2; }
fail() { log "FAIL: $*"; exit 1; }

# The newest kernel make check boots, and where it came from.
rel=$(sort -V "$BUILD/kernels.list" | tail -1)
kdir=$BUILD/k/$rel
ver=$(cat "$kdir/version" 2>/dev/null) || fail "no $kdir/version (run make check's set-up)"
userland=$(cat "$kdir/userland" 2>/dev/null || echo host)
mm=$(echo "$rel" | sed -n 's/^\([0-9]*\.[0-9]*\).*/\1/p')
hdr=$kdir/root/usr/src/linux-headers-$rel
patch=$(ls "$top"/upstream/0001-*.patch)
log "kernel $rel (Debian $ver, $userland userland), source linux-source-$mm"

in_userland() { # CMD...: in the kernel's own userland
	if [ "$userland" = host ]; then
		"$@"
	else
		sh "$here/suite-chroot.sh" "$BUILD" "$userland" -- "$@"
	fi
}

# 1. The source of exactly that kernel, whole: net/sctp and checkpatch
# for the patch, all of it for the small kernel.
src=$up/linux-source-$mm
if [ "$(cat "$src/.sctpx-tree" 2>/dev/null)" != "$ver" ]; then
	log "fetching linux-source-$mm $ver"
	rm -rf "$src" "$up"/*.deb
	in_userland sh -c "cd '$up' && apt-get download -q 'linux-source-$mm=$ver'" >"$up/fetch.log" 2>&1 ||
		{ cat "$up/fetch.log" >&2; fail "cannot download linux-source-$mm=$ver"; }
	dpkg-deb --fsys-tarfile "$up"/linux-source-"$mm"_*.deb |
		tar -xO --wildcards "./usr/src/linux-source-$mm.tar.xz" | xz -dc | tar -x -C "$up"
	rm -f "$up"/*.deb
	echo "$ver" >"$src/.sctpx-tree"
fi

# 2. The patch applies as it is and is checkpatch --strict clean. The
# tree has no git history to look the Fixes: id up in (1da177e4c3f4,
# Linux's first git commit): that one check is left out.
passed=0 failed=0
check() { # NAME COMMAND...
	name=$1; shift
	if "$@" >"$up/$name.log" 2>&1; then
		log "$name: ok"; passed=$((passed + 1))
	else
		log "$name: FAIL"; tail -20 "$up/$name.log" >&2; failed=$((failed + 1))
	fi
}
for v in unpatched patched; do
	rm -rf "${up:?}/$v"
	mkdir -p "$up/$v/net"
	cp -R "$src/net/sctp" "$up/$v/net/"
done
check apply patch -d "$up/patched" -p1 --no-backup-if-mismatch -i "$patch"
check checkpatch perl "$src/scripts/checkpatch.pl" --strict \
	--no-tree --ignore UNKNOWN_COMMIT_ID "$patch"

# 3. sctp.ko from both, W=1, in the kernel's userland: the patch adds no
# diagnostic (compared without line numbers, which the patch moves).
t0=$(date +%s)
for v in unpatched patched; do
	in_userland make -s -C "$hdr" M="$up/$v/net/sctp" CONFIG_IP_SCTP=m W=1 \
		-j"$(nproc)" modules >"$up/$v/build.log" 2>&1 ||
		{ cat "$up/$v/build.log" >&2; fail "building $v sctp.ko"; }
	[ -f "$up/$v/net/sctp/sctp.ko" ] || fail "no $v sctp.ko"
	grep -E 'warning:|error:' "$up/$v/build.log" |
		sed 's|^.*/net/sctp/||; s/:[0-9]*:[0-9]*:/:/' | sort -u >"$up/$v/diag"
done
log "sctp.ko built twice in $(($(date +%s) - t0)) s"
check diagnostics sh -c \
	"comm -13 '$up/unpatched/diag' '$up/patched/diag' | grep . && exit 1 || exit 0"

# swap_sctp NAME REL SCTP_KO: a boot tree $up/NAME for scripts/vm.sh -b:
# kernel REL as installed (hard links), with SCTP_KO in place of its
# sctp.ko, and sctpx.ko as built for REL.
swap_sctp() {
	b=$up/$1
	rm -rf "$b"
	mkdir -p "$b/k/$2" "$b/obj"
	cp -al "$BUILD/k/$2/root" "$b/k/$2/root"
	touch "$b/k/$2/.done"
	ln -s "$BUILD/obj/$2" "$b/obj/$2"
	echo "$2" >"$b/kernels.list"
	stock=$(find "$b/k/$2/root" -path "*/modules/$2/kernel/net/sctp/sctp.ko*")
	[ -n "$stock" ] || fail "no sctp.ko in $2's modules"
	rm -f "$stock"
	strip --strip-debug -o "$b/sctp.ko" "$3"
	case "$stock" in
	*.xz) xz -c "$b/sctp.ko" >"$stock" ;;
	*.zst) zstd -q -c "$b/sctp.ko" >"$stock" ;;
	*.gz) gzip -c "$b/sctp.ko" >"$stock" ;;
	*) cp "$b/sctp.ko" "$stock" ;;
	esac
}
# Debian's kernel with the patched sctp.ko.
swap_sctp boot "$rel" "$up/patched/net/sctp/sctp.ko"

# 4. A small kernel from the patched source: tinyconfig and the fragment
# in upstream/, built in the same userland (and compiler) as Debian's, every
# option of the fragment checked after olddefconfig, then sctpx.ko built
# against it with the project's gates (scripts/build-module.sh).
in_userland sh -c 'command -v flex && command -v bison && command -v bc' >/dev/null 2>&1 ||
	in_userland sh -c 'DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends flex bison bc' \
		>"$up/kernel-deps.log" 2>&1 || { cat "$up/kernel-deps.log" >&2; fail "cannot install flex, bison, bc"; }
cc=$(cd "$kdir/root/usr/src/linux-headers-$rel" &&
	sed -n 's/^CONFIG_CC_VERSION_TEXT="\{0,1\}x86_64-linux-gnu-\(gcc-[0-9]*\) .*/\1/p' include/config/auto.conf)
[ -n "$cc" ] || fail "cannot tell which gcc built $rel"
kt=$up/kernel-src
ko=$up/kernel-build
rm -rf "$kt" "$ko"
cp -al "$src" "$kt"
patch -s -d "$kt" -p1 --no-backup-if-mismatch -i "$patch"
mkdir -p "$ko"
cp "$top/upstream/qemu-guest.config" "$ko/" # the userland sees BUILD only
kmake() { in_userland make -s -C "$kt" O="$ko" CC="$cc" HOSTCC="$cc" "$@"; }
stuck() { # every option of the fragment is in the final .config
	grep -E '^(CONFIG_|# CONFIG_.* is not set$)' "$top/upstream/qemu-guest.config" |
	while read -r opt; do
		grep -qx "$opt" "$ko/.config" || { echo "$opt did not stick"; exit 1; }
	done
}
{ kmake tinyconfig &&
  in_userland sh -c "cd '$kt' && ./scripts/kconfig/merge_config.sh -m -O '$ko' '$ko/.config' '$ko/qemu-guest.config'" &&
  kmake olddefconfig; } >"$ko/config.log" 2>&1 ||
	{ tail -20 "$ko/config.log" >&2; fail "configuring the patched kernel"; }
check config stuck
t0=$(date +%s)
kmake -j"$(nproc)" bzImage modules >"$ko/build.log" 2>&1 ||
	{ tail -40 "$ko/build.log" >&2; fail "building the patched kernel"; }
kbuild_s=$(($(date +%s) - t0))
krel=$(sh "$here/install-kernel.sh" "$BUILD" "$ko" "$userland")
cp "$kdir/sparse" "$BUILD/k/$krel/" 2>/dev/null || true
log "kernel $krel ($(grep -c '=[ym]$' "$ko/.config") options) built in $kbuild_s s with $(nproc) jobs"
check module sh "$here/build-module.sh" "$BUILD" "$krel" CC="$cc"
# The same small kernel with the unpatched sctp.ko: its fault injection
# must show the loss too.
rm -rf "$up/unpatched-small"
mkdir -p "$up/unpatched-small/net"
cp -R "$src/net/sctp" "$up/unpatched-small/net/"
in_userland make -s -C "$ko" M="$up/unpatched-small/net/sctp" CC="$cc" \
	CONFIG_IP_SCTP=m -j"$(nproc)" modules >"$up/unpatched-small/build.log" 2>&1 ||
	{ cat "$up/unpatched-small/build.log" >&2; fail "building the unpatched sctp.ko for $krel"; }
swap_sctp boot-small-unpatched "$krel" "$up/unpatched-small/net/sctp/sctp.ko"

# 5. Debian's kernel as shipped, and the small kernel with the unpatched
# sctp.ko, must lose the association (the test proves it sees the bug);
# Debian's kernel with the patched sctp.ko must keep it, and the small
# patched kernel keep it, through every allocation failure too, and pass
# the sctpx selftests and the library's tests (the module has no PEELOFF
# on 7.x: the library serves peeloff through the kernel's socket option,
# the patched one).
vm() { # NAME VM.SH-ARGS...
	name=$1; shift
	if sh "$here/vm.sh" -q "$@"; then
		log "$name: ok"
	else
		log "$name: FAIL"
	fi
	# shellcheck disable=SC2046
	set -- $(cat "$up/vm-$name/counts" 2>/dev/null || echo "0 1 0 0")
	passed=$((passed + $1)); failed=$((failed + $2 + $3 + ${4:-0}))
}
vm shipped -b "$BUILD" -k "$rel" -o "$up/vm-shipped" -t 600 \
	-a sctpx_kernel_peeloff=loses "$BUILD/selftests/kernel_peeloff"
vm patched-module -b "$up/boot" -k "$rel" -o "$up/vm-patched-module" -t 600 \
	-a sctpx_kernel_peeloff=keeps "$BUILD/selftests/kernel_peeloff"
vm small-unpatched -b "$up/boot-small-unpatched" -k "$krel" -o "$up/vm-small-unpatched" \
	-t 600 -a "sctpx_kernel_peeloff=loses sctpx_kernel_faults=slab" \
	"$BUILD/selftests/kernel_peeloff"
variant=
if grep -qx 'sctp_do_peeloff=n' "$BUILD/obj/$krel/features" 2>/dev/null; then
	variant=sctpx_variant=no-peeloff
fi
# shellcheck disable=SC2046 # one word per program
vm patched-kernel -b "$BUILD" -k "$krel" -o "$up/vm-patched-kernel" -t 1800 \
	-a "sctpx_kernel_peeloff=keeps sctpx_kernel_faults=slab $variant" \
	-x "$BUILD/userlib/sctpx-static" "$BUILD/selftests/kernel_peeloff" \
	$(sed "s|^|$BUILD/selftests/|" "$BUILD/selftests/ORDER") \
	"$BUILD/userlib/sctpx_vmtest"

echo "check-upstream: $passed passed, $failed failed (patched kernel built in $kbuild_s s)"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
