#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Install everything sctpx's build and tests need on a Debian 12 host, and
# fetch the guest kernels. Idempotent: a second run does nothing but check.
#
#   scripts/deps.sh [BUILD_DIR]
#
# What it does:
#  1. host packages (compilers, QEMU, busybox, libnl, lksctp, sparse, ...)
#     through apt-get, only those still missing;
#  2. resolves the two test kernels from Debian's archive at run time:
#     Debian 12's linux-image-amd64 (6.1.x) and bookworm-backports' (6.12.x),
#     adding a bookworm-backports apt source on the host's own mirror when
#     there is none;
#  3. unpacks each kernel's image, headers and kbuild tools (apt-get
#     download + dpkg -x, no postinst hooks) under BUILD_DIR/k/<release>/,
#     and writes their releases to BUILD_DIR/kernels.list;
#  4. extracts checkpatch.pl, kernel-doc, kselftest_harness.h and ynl from
#     Debian's linux-source-6.12 into BUILD_DIR/linux-tools/.
set -eu

BUILD=${1:-$(pwd)/build}
mkdir -p "$BUILD"
BUILD=$(cd "$BUILD" && pwd)
export DEBIAN_FRONTEND=noninteractive

log() { printf 'deps: %s\n' "$*" >&2; }

SUDO=
[ "$(id -u)" -eq 0 ] || SUDO=sudo

HOST_PKGS="build-essential gcc-12 make bc bison flex kmod cpio xz-utils
zstd busybox-static qemu-system-x86 sparse libelf-dev libssl-dev pahole
libnl-3-dev libnl-genl-3-dev libsctp-dev lksctp-tools pkg-config
python3 python3-yaml python3-jsonschema libgtest-dev cmake g++ clang-tidy
groff-base iproute2 python3-matplotlib"

apt_updated=
apt_update() {
	[ -n "$apt_updated" ] && return 0
	log "apt-get update"
	$SUDO apt-get update -qq >"$BUILD/apt-update.log" 2>&1 ||
		{ cat "$BUILD/apt-update.log" >&2; exit 1; }
	apt_updated=1
}

missing=
for p in $HOST_PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
		grep -q 'install ok installed' || missing="$missing $p"
done
if [ -n "$missing" ]; then
	apt_update
	log "installing:$missing"
	# shellcheck disable=SC2086
	$SUDO apt-get install -y -qq --no-install-recommends $missing \
		>"$BUILD/apt-install.log" 2>&1 ||
		{ tail -40 "$BUILD/apt-install.log" >&2; exit 1; }
fi

# bookworm-backports on the host's own Debian mirror.
if ! grep -rqs 'bookworm-backports' /etc/apt/sources.list /etc/apt/sources.list.d/; then
	mirror=$(grep -rhs '^URIs:.*debian$\|^deb .*debian ' \
		/etc/apt/sources.list /etc/apt/sources.list.d/ |
		grep -v security | head -1 |
		sed -e 's/^URIs: *//' -e 's/^deb \(\[[^]]*\] \)\{0,1\}//' -e 's/ .*//')
	[ -n "$mirror" ] || mirror=http://deb.debian.org/debian
	log "adding bookworm-backports from $mirror"
	printf 'Types: deb\nURIs: %s\nSuites: bookworm-backports\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' \
		"$mirror" | $SUDO tee /etc/apt/sources.list.d/sctpx-backports.sources >/dev/null
	apt_updated=
	apt_update
fi

candidate() { # candidate() PKG [TARGET_RELEASE]
	if [ $# -gt 1 ]; then
		apt-cache policy -t "$2" "$1"
	else
		apt-cache policy "$1"
	fi | awk '/Candidate:/ { print $2 }'
}

# The metapackage's version names the current kernel of its suite; its
# Depends names the kernel release (ABI), which moves with security updates.
resolve_kernel() { # resolve_kernel [TARGET_RELEASE] -> "release version"
	ver=$(candidate linux-image-amd64 "$@")
	if [ -z "$ver" ] || [ "$ver" = "(none)" ]; then
		apt_update
		ver=$(candidate linux-image-amd64 "$@")
	fi
	rel=$(apt-cache show "linux-image-amd64=$ver" |
		sed -n 's/^Depends: linux-image-\([^ ,]*\).*/\1/p' | head -1)
	[ -n "$rel" ] || { log "cannot resolve linux-image-amd64 $*"; exit 1; }
	echo "$rel $ver"
}

fetch() { # fetch DIR PKG=VER... : download .debs into DIR (cached)
	dir=$1; shift
	mkdir -p "$dir"
	for spec in "$@"; do
		name=${spec%%=*}
		ls "$dir/${name}_"*.deb >/dev/null 2>&1 && continue
		(cd "$dir" && apt-get download -q "$spec" >/dev/null 2>&1) ||
			{ apt_update; (cd "$dir" && apt-get download -q "$spec"); }
	done
}

unpack_kernel() { # unpack_kernel RELEASE VERSION
	rel=$1 ver=$2
	kdir=$BUILD/k/$rel
	[ -f "$kdir/.done" ] && return 0
	log "fetching kernel $rel ($ver)"
	rm -rf "$kdir"
	hdr_deps=$(apt-cache show "linux-headers-$rel=$ver" | sed -n 's/^Depends: //p' | head -1)
	common=$(echo "$hdr_deps" | tr ',' '\n' | sed -n 's/^ *\(linux-headers-[^ ]*-common\).*/\1/p' | head -1)
	kbuild=$(echo "$hdr_deps" | tr ',' '\n' | sed -n 's/^ *\(linux-kbuild-[^ ]*\).*/\1/p' | head -1)
	[ -n "$common" ] && [ -n "$kbuild" ] ||
		{ log "cannot resolve the headers of $rel"; exit 1; }
	fetch "$kdir/debs" "linux-image-$rel=$ver" "linux-headers-$rel=$ver" \
		"$common=$ver" "$kbuild=$ver"
	mkdir -p "$kdir/root"
	for deb in "$kdir"/debs/*.deb; do
		dpkg-deb -x "$deb" "$kdir/root"
	done
	# The headers' Makefile includes the common tree by absolute path.
	sed -i "s|^include /usr/src/|include $kdir/root/usr/src/|" \
		"$kdir/root/usr/src/linux-headers-$rel/Makefile"
	# The .deb ships no modules.dep.
	depmod -b "$kdir/root" "$rel"
	rm -rf "$kdir/debs"
	touch "$kdir/.done"
}

set -- $(resolve_kernel)
k1_rel=$1 k1_ver=$2
set -- $(resolve_kernel bookworm-backports)
k2_rel=$1 k2_ver=$2
unpack_kernel "$k1_rel" "$k1_ver"
unpack_kernel "$k2_rel" "$k2_ver"
printf '%s\n%s\n' "$k1_rel" "$k2_rel" >"$BUILD/kernels.list.tmp"
mv "$BUILD/kernels.list.tmp" "$BUILD/kernels.list"

# Third-party kernel tools, from the 6.12 source package (never vendored).
tools=$BUILD/linux-tools
src_ver=$(candidate linux-source-6.12 bookworm-backports)
# Bump when the member list below changes.
tools_stamp="$src_ver tools-v2"
if [ ! -f "$tools/.done" ] || [ "$(cat "$tools/.done")" != "$tools_stamp" ]; then
	log "extracting checkpatch, kselftest harness and ynl from linux-source-6.12 $src_ver"
	rm -rf "$tools" "$BUILD/src-deb"
	fetch "$BUILD/src-deb" "linux-source-6.12=$src_ver"
	mkdir -p "$tools"
	dpkg-deb --fsys-tarfile "$BUILD"/src-deb/linux-source-6.12_*.deb |
		tar -xO --wildcards './usr/src/linux-source-6.12.tar.xz' |
		xz -dc | tar -x -C "$tools" --strip-components=1 --wildcards \
			'linux-source-6.12/scripts/checkpatch.pl' \
			'linux-source-6.12/scripts/kernel-doc' \
			'linux-source-6.12/scripts/spelling.txt' \
			'linux-source-6.12/scripts/const_structs.checkpatch' \
			'linux-source-6.12/tools/testing/selftests/kselftest_harness.h' \
			'linux-source-6.12/tools/testing/selftests/kselftest.h' \
			'linux-source-6.12/tools/net/ynl/*' \
			'linux-source-6.12/Documentation/netlink/genetlink*.yaml'
	rm -rf "$BUILD/src-deb"
	echo "$tools_stamp" >"$tools/.done"
fi
log "kernels: $k1_rel $k2_rel"
