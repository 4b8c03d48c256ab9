#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# `make demo`: boot Debian 12's kernel in QEMU with sctpx.ko and run the
# CLI's status and demo (scripts/demo-guest.sh), streaming the console.
# On a terminal the demo's progress updates in place; otherwise (a log)
# it comes as plain lines, without the console's carriage returns.
#
#   scripts/demo.sh [BUILD_DIR] [N]
set -eu
here=$(cd "$(dirname "$0")" && pwd)
BUILD=${1:-$(pwd)/build}
n=${2:-1000}
k=$(head -1 "$BUILD/kernels.list")
echo "demo: booting $k under QEMU (TCG; about 30 s for N=$n)"
# The guest's console is always a terminal to it: tell it what ours is.
tty=0
[ -t 1 ] && tty=1
set -- -b "$BUILD" -k "$k" -o "$BUILD/vm-demo" -t 900 \
	-a "sctpx_demo_n=$n sctpx_demo_tty=$tty" -x "$BUILD/userlib/sctpx-static" \
	"$here/demo-guest.sh"
[ $tty = 1 ] && exec sh "$here/vm.sh" "$@"
st=$(mktemp)
trap 'rm -f "$st"' EXIT
{ sh "$here/vm.sh" "$@" 2>&1; echo $? >"$st"; } | tr -d '\r'
rc=$(cat "$st")
exit "${rc:-1}"
