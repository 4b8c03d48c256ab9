#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# `make demo`: boot Debian 12's kernel in QEMU with sctpx.ko and run the
# CLI's status and demo (scripts/demo-guest.sh), streaming the console.
#
#   scripts/demo.sh [BUILD_DIR] [N]
set -eu
here=$(cd "$(dirname "$0")" && pwd)
BUILD=${1:-$(pwd)/build}
n=${2:-1000}
k=$(head -1 "$BUILD/kernels.list")
echo "demo: booting $k under QEMU (TCG; about 30 s for N=$n)"
exec sh "$here/vm.sh" -b "$BUILD" -k "$k" -o "$BUILD/vm-demo" -t 900 \
	-a "sctpx_demo_n=$n" -x "$BUILD/userlib/sctpx-static" "$here/demo-guest.sh"
