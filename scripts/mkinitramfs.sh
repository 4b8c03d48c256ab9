#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Build the guest's initramfs for one kernel.
#
#   scripts/mkinitramfs.sh KERNEL_ROOT RELEASE SCTPX_KO OUT.cpio [PROGRAM...]
#
# KERNEL_ROOT is a kernel .deb unpacked by scripts/deps.sh. The image holds
# busybox-static, the SCTP module chain (and veth, for namespace tests)
# resolved from the kernel's own modules tree, sctpx.ko, a depmod'ed
# modules tree so the guest's (busybox) modprobe and the kernel's
# request_module() work, scripts/guest-init.sh as /init, and each PROGRAM
# (static binaries or scripts) under /tests; for dynamically linked ones
# (and shared objects), the loader and the libraries they need.
set -eu

[ $# -ge 4 ] || { echo "usage: $0 KERNEL_ROOT RELEASE SCTPX_KO OUT [PROGRAM...]" >&2; exit 2; }
kroot=$1 rel=$2 ko=$3 out=$4
shift 4
here=$(cd "$(dirname "$0")" && pwd)

stage=$(mktemp -d "${out}.stage.XXXXXX")
trap 'rm -rf "$stage"' EXIT
# The guest's / (mktemp made it 700): every user reaches /bin and /tests.
chmod 755 "$stage"

mkdir -p "$stage/bin" "$stage/sbin" "$stage/usr/bin" "$stage/usr/sbin" \
	"$stage/proc" "$stage/sys" "$stage/dev" "$stage/tmp" "$stage/run" \
	"$stage/etc" "$stage/tests" "$stage/lib/modules/$rel/extra"
cp /bin/busybox "$stage/bin/busybox"
# Applet links are made at boot (busybox --install); init and modprobe
# must exist before that.
ln -s busybox "$stage/bin/sh"
ln -s ../bin/busybox "$stage/sbin/modprobe"
cp "$here/guest-init.sh" "$stage/init"
chmod 755 "$stage/init"
mkdir -p "$stage/lib"
cp "$here/guest-tap.sh" "$stage/lib/sctpx-tap.sh"
: >"$stage/etc/passwd"
echo 'root:x:0:0:root:/root:/bin/sh' >"$stage/etc/passwd"
echo 'nobody:x:65534:65534:nobody:/nonexistent:/bin/sh' >>"$stage/etc/passwd"
printf 'root:x:0:\nnogroup:x:65534:\n' >"$stage/etc/group"

# Modules: every dependency of the ones we need (sctp_diag: what ss(8)
# lists SCTP sockets through), per the kernel's own modules.dep; compressed ones are unpacked (busybox modprobe and
# init_module want plain ELF).
mods=$(for m in sctp sctp_diag veth; do
	modprobe -d "$kroot" -S "$rel" --show-depends "$m"
done | awk '$1 == "insmod" { print $2 }' | sort -u)
for path in $mods; do
	relpath=${path#"$kroot"/}
	dest="$stage/$relpath"
	mkdir -p "$(dirname "$dest")"
	case "$path" in
	*.ko.xz) xz -dc "$path" >"${dest%.xz}" ;;
	*.ko.zst) zstd -qdc "$path" >"${dest%.zst}" ;;
	*.ko.gz) gzip -dc "$path" >"${dest%.gz}" ;;
	*) cp "$path" "$dest" ;;
	esac
done
cp "$ko" "$stage/lib/modules/$rel/extra/sctpx.ko"
cp "$kroot/lib/modules/$rel/modules.order" "$kroot/lib/modules/$rel/modules.builtin" \
	"$kroot/lib/modules/$rel/modules.builtin.modinfo" \
	"$stage/lib/modules/$rel/" 2>/dev/null || true
depmod -b "$stage" "$rel"

for prog in "$@"; do
	cp "$prog" "$stage/tests/"
done
# Dynamically linked programs and shared objects among them: the loader
# and the shared libraries they need (as ldd resolves them on this host),
# at their host paths; nothing for static binaries and scripts.
for prog in "$@"; do
	ldd "$prog" 2>/dev/null | awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }'
done | sort -u | while read -r lib; do
	mkdir -p "$stage$(dirname "$lib")"
	cp -L "$lib" "$stage$lib"
done

(cd "$stage" && find . -print | LC_ALL=C sort | cpio -o -H newc --quiet) >"$out.tmp"
mv "$out.tmp" "$out"
