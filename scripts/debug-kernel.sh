#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Build a debug kernel for `make check-debug`: Debian's linux-source-6.1
# (the same version as the 6.1 test kernel) with x86_64_defconfig plus what
# the guest needs, and KASAN, lockdep (PROVE_LOCKING), DEBUG_ATOMIC_SLEEP,
# DEBUG_LIST and kmemleak. The result looks like an unpacked Debian kernel
# to scripts/vm.sh (scripts/install-kernel.sh), with the kernel tree
# itself as the module build directory.
#
#   scripts/debug-kernel.sh [BUILD_DIR]     prints the release on stdout
set -eu

here=$(cd "$(dirname "$0")" && pwd)
BUILD=${1:-$(pwd)/build}
BUILD=$(cd "$BUILD" && pwd)
dbg=$BUILD/debug
mkdir -p "$dbg"
log() { printf 'debug-kernel: %s\n' "$*" >&2; }

# The source version of Debian 12's current 6.1 kernel.
ver=$(apt-cache policy linux-image-amd64 | awk '/Candidate:/ { print $2 }')
src=$dbg/linux-source-6.1
if [ ! -f "$src/.sctpx-ver" ] || [ "$(cat "$src/.sctpx-ver")" != "$ver" ]; then
	log "unpacking linux-source-6.1 $ver"
	rm -rf "$src" "$dbg"/*.deb
	(cd "$dbg" && apt-get download -q "linux-source-6.1=$ver" >/dev/null)
	dpkg-deb --fsys-tarfile "$dbg"/linux-source-6.1_*.deb |
		tar -xO --wildcards './usr/src/linux-source-6.1.tar.xz' |
		xz -dc | tar -x -C "$dbg"
	rm -f "$dbg"/*.deb
	echo "$ver" >"$src/.sctpx-ver"
fi

cd "$src"
if [ ! -f .config ] || [ ! -f .sctpx-config-done ]; then
	log "configuring (x86_64_defconfig + guest needs + debug options)"
	make -s x86_64_defconfig
	# What the guest and the tests need.
	./scripts/config -e MODULES -e MODULE_UNLOAD -e BLK_DEV_INITRD \
		-e DEVTMPFS -e DEVPORT -e NET_NS -e USER_NS -e IPV6 \
		-e SERIAL_8250 -e SERIAL_8250_CONSOLE -m IP_SCTP -m VETH \
		-e SCTP_DEFAULT_COOKIE_HMAC_NONE \
		-e DEBUG_FS -e MAGIC_SYSRQ -e PROC_FS -e SYSFS
	# The checks.
	./scripts/config -e KASAN -e KASAN_GENERIC -e KASAN_INLINE \
		-e PROVE_LOCKING -e DEBUG_ATOMIC_SLEEP -e DEBUG_LIST \
		-e DEBUG_KMEMLEAK -d DEBUG_KMEMLEAK_DEFAULT_OFF \
		--set-val DEBUG_KMEMLEAK_MEM_POOL_SIZE 40000 \
		-e DEBUG_INFO_NONE -d DEBUG_INFO_DWARF_TOOLCHAIN_DEFAULT \
		-d DEBUG_INFO_BTF --set-str LOCALVERSION -sctpx-debug \
		-d LOCALVERSION_AUTO -d WERROR
	make -s olddefconfig
	for opt in KASAN PROVE_LOCKING DEBUG_ATOMIC_SLEEP DEBUG_KMEMLEAK; do
		grep -q "^CONFIG_$opt=y" .config ||
			{ log "CONFIG_$opt did not stick"; exit 1; }
	done
	touch .sctpx-config-done
fi

start=$(date +%s)
log "building with $(nproc) jobs"
make -s -j"$(nproc)" bzImage modules >"$dbg/build.log" 2>&1 ||
	{ tail -40 "$dbg/build.log" >&2; exit 1; }
log "built in $(($(date +%s) - start)) s"
# Only now is include/config/kernel.release final.
sh "$here/install-kernel.sh" "$BUILD" "$src"
