#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# A minimal Debian userland of one suite, for building the module against
# that suite's kernel with the compiler and tools the kernel was built
# with. Made once, reused; the host's own apt sources are never touched.
#
#   scripts/suite-chroot.sh BUILD_DIR SUITE        make it (idempotent)
#   scripts/suite-chroot.sh BUILD_DIR SUITE -- CMD run CMD inside it
#
# SUITE is a Debian codename (bullseye, trixie, sid). The chroot is
# BUILD_DIR/chroot/SUITE: a debootstrap minbase from the host's own Debian
# mirror plus make, libc6-dev, libelf-dev, sparse and pahole (dwarves). Its
# apt sources are SUITE, SUITE-updates, SUITE-security and, where the
# archive has it, SUITE-backports, so scripts/deps.sh resolves and
# downloads that suite's kernels through the chroot's apt.
#
# CMD runs in a private mount namespace (unshare -m) with BUILD_DIR bound
# at the same path inside, so no mount outlives the command. Needs root.
set -eu

[ $# -ge 2 ] || { echo "usage: $0 BUILD_DIR SUITE [-- CMD...]" >&2; exit 2; }
BUILD=$(cd "$1" && pwd)
suite=$2
shift 2
root=$BUILD/chroot/$suite

log() { printf 'suite-chroot: %s: %s\n' "$suite" "$*" >&2; }

if [ $# -gt 0 ]; then
	[ "$1" = -- ] || { echo "usage: $0 BUILD_DIR SUITE [-- CMD...]" >&2; exit 2; }
	shift
	[ -f "$root/.sctpx-done" ] || { log "no chroot (run scripts/deps.sh)"; exit 2; }
	# shellcheck disable=SC2016
	exec unshare -m sh -c '
		root=$1 build=$2; shift 2
		mount --make-rprivate / 2>/dev/null || true
		mkdir -p "$root$build"
		mount --bind "$build" "$root$build"
		mount -t proc proc "$root/proc"
		exec chroot "$root" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin \
			HOME=/root LC_ALL=C.UTF-8 "$@"' sh "$root" "$BUILD" "$@"
fi

[ -f "$root/.sctpx-done" ] && exit 0

# The host's Debian mirror (as scripts/deps.sh finds it) and its security
# archive beside it.
mirror=$(grep -rhs '^URIs:.*debian/*$\|^deb .*debian/* ' \
	/etc/apt/sources.list /etc/apt/sources.list.d/ |
	grep -v security | head -1 |
	sed -e 's/^URIs: *//' -e 's/^deb \(\[[^]]*\] \)\{0,1\}//' -e 's/ .*//')
[ -n "$mirror" ] || mirror=http://deb.debian.org/debian
mirror=${mirror%/}
security=${mirror%/debian}/debian-security

has_suite() { # has_suite URL SUITE: the archive carries it
	curl -fsI "$1/dists/$2/InRelease" >/dev/null 2>&1
}

t0=$(date +%s)
log "debootstrap from $mirror"
rm -rf "$root"
mkdir -p "$root"
debootstrap --variant=minbase \
	--include=make,libc6-dev,libelf-dev,sparse,dwarves,xz-utils,zstd \
	"$suite" "$root" "$mirror" >"$root.debootstrap.log" 2>&1 ||
	{ tail -30 "$root.debootstrap.log" >&2; exit 1; }

suites=$suite
for s in "$suite-updates" "$suite-backports"; do
	has_suite "$mirror" "$s" && suites="$suites $s"
done
{
	printf 'Types: deb\nURIs: %s\nSuites: %s\nComponents: main\n' "$mirror" "$suites"
	if has_suite "$security" "$suite-security"; then
		printf '\nTypes: deb\nURIs: %s\nSuites: %s-security\nComponents: main\n' \
			"$security" "$suite"
	fi
} >"$root/etc/apt/sources.list.d/debian.sources"
rm -f "$root/etc/apt/sources.list"
# Upgrade to the suite's security and point releases: the kernel headers
# of -security may need a newer libc or compiler than the release had.
chroot "$root" sh -c 'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get -y -qq dist-upgrade' \
	>"$root.apt.log" 2>&1 || { tail -30 "$root.apt.log" >&2; exit 1; }
chroot "$root" apt-get clean
date -u +%FT%TZ >"$root/.sctpx-done"
log "made in $(($(date +%s) - t0))s ($(du -sm "$root" | cut -f1) MB): $suites"
