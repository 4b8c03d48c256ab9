#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The test kernels a run is about, as releases, one a line.
#
#   scripts/kernels.sh BUILD_DIR [NAME...]
#
# No NAME: every kernel of BUILD_DIR/kernels.list (scripts/deps.sh), in
# its order. A NAME is a slot (bookworm, bookworm-backports, bullseye,
# trixie, trixie-backports: BUILD_DIR/kernels.slots) or a release; the
# Makefile's KERNELS= passes them here. An unknown name, or a slot that is
# unavailable today, is an error: asking for a kernel and not getting it
# never passes.
set -eu

[ $# -ge 1 ] || { echo "usage: $0 BUILD_DIR [NAME...]" >&2; exit 2; }
BUILD=$1
shift
[ -f "$BUILD/kernels.list" ] || { echo "kernels: no $BUILD/kernels.list (run scripts/deps.sh)" >&2; exit 2; }
if [ $# -eq 0 ]; then
	cat "$BUILD/kernels.list"
	exit 0
fi
for name; do
	if grep -qxF -- "$name" "$BUILD/kernels.list"; then
		echo "$name"
		continue
	fi
	rel=$(awk -v n="$name" '$1 == n { print $2 }' "$BUILD/kernels.slots" 2>/dev/null)
	if [ -n "$rel" ]; then
		echo "$rel"
		continue
	fi
	why=$(awk -v n="$name" '$1 == n { $1 = ""; $2 = ""; sub(/^ +/, ""); print }' \
		"$BUILD/kernels.unavailable" 2>/dev/null)
	if [ -n "$why" ]; then
		echo "kernels: $name is not available today: $why" >&2
	else
		echo "kernels: unknown kernel $name (slots: $(awk '{ printf "%s ", $1 }' "$BUILD/kernels.slots"))" >&2
	fi
	exit 1
done
