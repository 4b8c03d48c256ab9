#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Copy the module's sources into DEST as kbuild builds them out of tree
# and as DKMS ships them: DEST/kmod/ (the C files, headers, Kbuild and
# Makefile) and DEST/include/uapi/ (the ABI header kmod/ includes as
# through -I$(src)/../include/uapi). The one list of what the module is built
# from, for scripts/build-module.sh and `make dkms-install`.
#
#   scripts/kmod-sources.sh DEST
set -eu

[ $# -eq 1 ] || { echo "usage: $0 DEST" >&2; exit 2; }
top=$(cd "$(dirname "$0")/.." && pwd)
dest=$1

rm -rf "$dest/kmod" "$dest/include"
mkdir -p "$dest/kmod" "$dest/include"
cp "$top"/kmod/*.c "$top"/kmod/*.h "$top"/kmod/Kbuild "$top"/kmod/Makefile "$dest/kmod/"
cp -R "$top/include/uapi" "$dest/include/"
