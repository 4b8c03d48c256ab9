#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Lay out a kernel built from source the way scripts/deps.sh lays out an
# unpacked Debian kernel, so that scripts/vm.sh boots it and the module
# builds against it: BUILD/k/<release>/root/{boot/vmlinuz-REL,lib/modules/REL,
# usr/src/linux-headers-REL -> the kernel's build directory}.
#
#   scripts/install-kernel.sh BUILD_DIR KBUILD_DIR [USERLAND]
#
# KBUILD_DIR is where the kernel was built (the source tree, or its O=
# directory). USERLAND (default: host) is the suite whose chroot built it
# (scripts/suite-chroot.sh); modules_install runs there, and the module is
# then built there too (scripts/build-module.sh reads it). Prints the
# release on stdout.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
BUILD=$(cd "$1" && pwd)
kb=$(cd "$2" && pwd)
userland=${3:-host}

in_userland() { # CMD...
	if [ "$userland" = host ]; then
		"$@"
	else
		sh "$here/suite-chroot.sh" "$BUILD" "$userland" -- "$@"
	fi
}

rel=$(in_userland make -s -C "$kb" kernelrelease)
root=$BUILD/k/$rel/root
rm -rf "$BUILD/k/$rel"
mkdir -p "$root/boot" "$root/usr/src"
cp "$kb/arch/x86/boot/bzImage" "$root/boot/vmlinuz-$rel"
# modules.dep, which the guest's modprobe and scripts/mkinitramfs.sh need,
# comes from the host's depmod: a suite's minimal userland has none.
in_userland make -s -C "$kb" modules_install INSTALL_MOD_PATH="$root" \
	INSTALL_MOD_STRIP=1 DEPMOD=true >/dev/null
depmod -b "$root" "$rel"
ln -sfn "$kb" "$root/usr/src/linux-headers-$rel"
[ "$userland" = host ] || echo "$userland" >"$BUILD/k/$rel/userland"
touch "$BUILD/k/$rel/.done"
echo "$rel"
