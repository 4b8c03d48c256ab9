#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The Debian packages of `make deb` (BUILD_DIR/deb), checked as a user gets
# them. Two steps, each one gate of scripts/check.sh:
#
#   scripts/check-packages.sh lintian BUILD_DIR
#     lintian on the .changes: no error and no warning (overrides, each
#     with its reason, live in debian/).
#
#   scripts/check-packages.sh install BUILD_DIR
#     1. a clean chroot of the host's suite: debootstrapped once by
#        scripts/suite-chroot.sh (its mirror and apt sources) under
#        BUILD_DIR/pkg-base/, copied afresh for every run to
#        BUILD_DIR/pkg-run/ so nothing of an earlier run stays;
#     2. apt installs the four packages there, their dependencies from the
#        archive, with the headers of the first test kernel (BUILD_DIR/
#        kernels.list, bookworm's 6.1) and a compiler, CMake and
#        pkg-config for the consumers; the sctpx-dkms install must have
#        DKMS build and install the module for that kernel;
#     3. `sctpx status` must say the module is not loaded (the chroot runs
#        on the host's kernel, which has no sctpx);
#     4. userlib/tests/package/consumer.c and consumer.cpp, built with
#        pkg-config and with CMake's find_package(sctpx), must run and pass;
#     5. one guest of that kernel (scripts/vm.sh) with the DKMS-built
#        sctpx.ko: the packaged CLI must see it loaded, and the four
#        consumers pass in "module" mode, an SCTP socket listed through
#        the module (userlib/tests/package/guest.sh): the chroot's kernel,
#        the host's, may have no SCTP at all;
#     6. the DKMS-built sctpx.ko is copied to BUILD_DIR/pkg/sctpx.ko (with
#        its sha256 beside it) for check.sh's guest of that kernel, which
#        loads it with scripts/vm.sh -m ko=... and runs the selftests.
set -eu

[ $# -eq 2 ] || { echo "usage: $0 lintian|install BUILD_DIR" >&2; exit 2; }
step=$1
BUILD=$(cd "$2" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$here")
debs=
for d in "$BUILD"/deb/*.deb; do
	case $d in *-dbgsym_*|*'*'*) ;; *) debs="$debs $d" ;; esac
done
for p in sctpx-dkms libsctpx1 libsctpx-dev sctpx; do
	echo "$debs" | grep -q "/${p}_[^/]*[.]deb" ||
		{ echo "no $p package in $BUILD/deb (make deb)" >&2; exit 1; }
done
t0=$(date +%s)
log() { printf 'packages: %s (%ss)\n' "$*" "$(($(date +%s) - t0))"; }

if [ "$step" = lintian ]; then
	# --fail-on: lintian's own exit status decides; info tags are shown.
	lintian --info --fail-on error,warning "$BUILD"/deb/*.changes
	log "lintian: no error, no warning"
	exit 0
fi
[ "$step" = install ] || { echo "usage: $0 lintian|install BUILD_DIR" >&2; exit 2; }

rel=$(head -1 "$BUILD/kernels.list")
# shellcheck disable=SC1091
suite=$(. /etc/os-release && echo "$VERSION_CODENAME")
out=$BUILD/pkg
rm -rf "$out"
mkdir -p "$out"

# 1. The pristine chroot (made once), copied for this run.
mkdir -p "$BUILD/pkg-base"
sh "$here/suite-chroot.sh" "$BUILD/pkg-base" "$suite"
run=$BUILD/pkg-run
rm -rf "$run/chroot" "$run/debs" "$run/src"
mkdir -p "$run/chroot" "$run/debs" "$run/cache/partial"
cp -a "$BUILD/pkg-base/chroot/$suite" "$run/chroot/$suite"
# shellcheck disable=SC2086
cp $debs "$run/debs/"
cp -r "$top/userlib/tests/package" "$run/src"
log "chroot of $suite copied"
inside() { sh "$here/suite-chroot.sh" "$run" "$suite" -- "$@"; }

# 2. The packages from their files, everything else from the archive
# (downloads kept in BUILD_DIR/pkg-run/cache for the next run).
# shellcheck disable=SC2016
inside sh -c 'apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
	apt-get install -y -q --no-install-recommends \
	-o Dir::Cache::Archives="$1/cache" \
	"$1"/debs/*.deb linux-headers-"$2" gcc g++ cmake pkg-config' \
	sh "$run" "$rel"
log "installed: $(cd "$run/debs" && echo *.deb)"

# The install built the module: DKMS says so, and the .ko is there.
status=$(inside dkms status sctpx)
echo "dkms status: $status"
echo "$status" | grep -q "^sctpx/[^,]*, $rel, x86_64: installed" ||
	{ echo "DKMS did not build and install sctpx for $rel"; exit 1; }
ko=$(find "$run/chroot/$suite/lib/modules/$rel/updates" -name 'sctpx.ko' | head -1)
[ -n "$ko" ] || { echo "no sctpx.ko under /lib/modules/$rel/updates"; exit 1; }
[ "$(modinfo -F vermagic "$ko" | cut -d' ' -f1)" = "$rel" ] ||
	{ echo "$ko is not built for $rel"; exit 1; }
log "DKMS built ${ko#"$run/chroot/$suite"}"

# 3. The CLI.
st=$(inside sctpx status)
echo "$st"
echo "$st" | grep -q '^module: *not loaded' ||
	{ echo "sctpx status does not say the module is not loaded"; exit 1; }

# 4. The consumers, both ways, each run.
# shellcheck disable=SC2016
inside sh -ec 'cd "$1/src"
	cc -Wall -Wextra -Werror -o consumer-c-pc consumer.c $(pkg-config --cflags --libs sctpx)
	c++ -std=c++20 -Wall -Wextra -Werror -o consumer-cpp-pc consumer.cpp \
		$(pkg-config --cflags --libs sctpx)
	cmake -S . -B cmake-build >/dev/null
	cmake --build cmake-build >/dev/null
	cp cmake-build/consumer-c consumer-c-cmake
	cp cmake-build/consumer-cpp consumer-cpp-cmake
	for p in ./consumer-c-pc ./consumer-cpp-pc ./consumer-c-cmake ./consumer-cpp-cmake; do
		lib=$(ldd "$p" | sed -n "s/^[[:space:]]*libsctpx[.]so[.]1 => \(\/[^ ]*\) .*/\1/p")
		dpkg -S "$(realpath "$lib")" | grep -q "^libsctpx1:" ||
			{ echo "$p: not linked to libsctpx1 libsctpx.so.1 ($lib)"; exit 1; }
		echo "== $p"; "$p"
	done' sh "$run"
log "consumers built with pkg-config and CMake, all four passed"

# 5. The same, in a guest with the module (whose SCTP is there).
g=$out/guest
mkdir -p "$g"
croot=$run/chroot/$suite
cp "$run/src/consumer-c-pc" "$run/src/consumer-cpp-pc" "$run/src/consumer-c-cmake" \
	"$run/src/consumer-cpp-cmake" "$g/"
cp "$croot/usr/bin/sctpx" "$g/sctpx-pkg"
# shellcheck disable=SC2016
cp "$croot$(inside sh -c 'realpath "$(dpkg -L libsctpx1 | grep "/libsctpx[.]so[.]1$")"')" \
	"$g/libsctpx.so.1"
cp "$ko" "$out/sctpx.ko"
sh "$here/vm.sh" -q -b "$BUILD" -k "$rel" -m ko="$out/sctpx.ko" -o "$out/vm" -t 600 \
	-x "$g/libsctpx.so.1" -x "$g/sctpx-pkg" -x "$g/consumer-c-pc" \
	-x "$g/consumer-cpp-pc" -x "$g/consumer-c-cmake" -x "$g/consumer-cpp-cmake" \
	"$top/userlib/tests/package/guest.sh"
log "guest of $rel with the DKMS module: $(cat "$out/vm/counts") (passed failed skipped xfail)"

# 6. The module for check.sh's guest.
sha256sum "$out/sctpx.ko" | cut -d' ' -f1 >"$out/sctpx.ko.sha256"
log "DKMS module for $rel: $out/sctpx.ko ($(cat "$out/sctpx.ko.sha256"))"
