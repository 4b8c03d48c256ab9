#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Install everything sctpx's build and tests need on a Debian 12 host, and
# fetch the guest kernels. Idempotent: a second run does nothing but check.
#
#   scripts/deps.sh [BUILD_DIR]
#
# What it does:
#  1. host packages (compilers, QEMU, busybox, libnl, lksctp, sparse,
#     debootstrap, ...) through apt-get, only those still missing;
#  2. resolves the test kernels from Debian's archive at run time, one per
#     slot (see SLOTS below): bookworm's 6.1 and bookworm-backports' 6.12
#     through the host's apt (adding a bookworm-backports source on the
#     host's own mirror when there is none), bullseye's 5.10, trixie's
#     6.12 and trixie-backports' 7.x through the apt of a minimal chroot
#     of their suite (scripts/suite-chroot.sh, made once under
#     BUILD_DIR/chroot/, never touching the host's apt sources);
#  3. unpacks each kernel's image, modules, headers and kbuild tools
#     (apt-get download + dpkg -x, no postinst hooks) under
#     BUILD_DIR/k/<release>/, installs in its suite's chroot the compiler
#     its headers name, makes sure that userland has a sparse that parses
#     the headers, and writes BUILD_DIR/kernels.list (releases, bookworm's
#     first), BUILD_DIR/kernels.slots ("slot release userland version")
#     and BUILD_DIR/kernels.unavailable (optional slots the archive could
#     not serve today, with the reason; empty when all are there);
#  4. extracts checkpatch.pl, kernel-doc, kselftest_harness.h and ynl from
#     Debian's linux-source-6.12 into BUILD_DIR/linux-tools/.
#
# Why trixie-backports' 7.x and not sid's: it is the newest kernel a
# Debian stable user can install, it is built with trixie's gcc-14 (one
# more userland would be needed for sid's gcc-16), and a backports suite
# changes only when a new kernel is uploaded, where sid changes daily and
# is uninstallable by design on some days. Still, a backports kernel can
# be missing or uninstallable for a while (a new upload whose headers
# need packages not yet in backports, a removal). That slot is optional:
# the set-up does not fail; the reason goes to BUILD_DIR/kernels.unavailable
# and a kernel that slot got on an earlier day (still under BUILD_DIR/k)
# keeps being tested meanwhile ("stale"). scripts/check.sh prints every
# unavailable slot and stays green for the archive's sake; `make
# check-kernels-complete` fails while one is listed, so CI sees it. The
# four stable slots are required: if one cannot be had, the set-up fails.
set -eu

BUILD=${1:-$(pwd)/build}
mkdir -p "$BUILD"
BUILD=$(cd "$BUILD" && pwd)
export DEBIAN_FRONTEND=noninteractive

log() { printf 'deps: %s\n' "$*" >&2; }
here=$(cd "$(dirname "$0")" && pwd)

SUDO=
[ "$(id -u)" -eq 0 ] || SUDO=sudo

HOST_PKGS="build-essential gcc-12 make bc bison flex kmod cpio xz-utils
zstd busybox-static qemu-system-x86 sparse libelf-dev libssl-dev pahole
libnl-3-dev libnl-genl-3-dev libsctp-dev lksctp-tools pkg-config
python3 python3-yaml python3-jsonschema libgtest-dev nlohmann-json3-dev
cmake g++ clang-tidy groff-base iproute2 python3-matplotlib debootstrap curl
clang-14 abigail-tools dpkg-dev debhelper dh-dkms dkms lintian"

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

# --- the test kernels -------------------------------------------------------
# One slot per kernel Debian ships, newest first within its suite, resolved
# from the archive now (never a version written here). A slot is
#   NAME APT TARGET REQUIRED
# NAME: its key in BUILD/kernels.slots and BUILD/kernels.unavailable;
# APT: whose apt resolves and downloads it, and the userland its module is
# built in: "host" (this Debian 12 machine) or a Debian suite, whose chroot
# scripts/suite-chroot.sh makes under BUILD/chroot/;
# TARGET: the apt target release (-t), or "-" for the suite's own candidate
# (its -security and point releases included, backports not);
# REQUIRED: "yes" stops the set-up when the kernel cannot be had; "no" (a
# backports suite that follows unstable, so it can be uninstallable on a
# given day) records the reason in BUILD/kernels.unavailable and goes on;
# a kernel this slot got on an earlier day stays in use meanwhile.
# bullseye gets its own userland although bookworm's gcc-12 builds its
# module too: its headers name gcc-10 (CC in .kernelvariables), and
# building with the kernel's own compiler needs no CC override and keeps
# the checks kbuild makes against the compiler that built the kernel
# meaningful; the chroot costs about a minute once.
# The first slot is the default kernel of scripts/vm.sh and the one the
# PEELOFF-less variant is built for: keep bookworm's 6.1 first.
SLOTS="bookworm host - yes
bookworm-backports host bookworm-backports yes
bullseye bullseye - yes
trixie trixie - yes
trixie-backports trixie trixie-backports no"
# SCTPX_SLOTS="bookworm trixie" sets up only these (a developer's shortcut).
want_slots=${SCTPX_SLOTS:-$(echo "$SLOTS" | awk '{ print $1 }')}

aptc() { # aptc APT CMD...: CMD with the host's apt or the suite chroot's
	a=$1; shift
	if [ "$a" = host ]; then
		"$@"
	else
		chroot "$BUILD/chroot/$a" "$@"
	fi
}

candidate() { # candidate APT PKG TARGET
	if [ "$3" != - ]; then
		aptc "$1" apt-cache policy -t "$3" "$2"
	else
		aptc "$1" apt-cache policy "$2"
	fi | awk '/Candidate:/ { print $2 }'
}

# depends APT PKG VER: one "name version" line per Depends entry (first
# alternative; version only for an exact "(= V)").
depends() {
	aptc "$1" apt-cache show "$2=$3" | sed -n 's/^Depends: //p' | head -1 |
		tr ',' '\n' | sed -e 's/|.*//' -e 's/^ *//' |
		sed -n 's/^\([^ (]*\)\( *(= *\([^)]*\))\)\{0,1\}.*/\1 \3/p'
}

# The metapackage's version names the suite's current kernel; its Depends
# name the kernel release (ABI), which moves with security updates. Sid's
# and trixie-backports' list linux-base-amd64 first and linux-image-REL
# later: take the linux-image- entry whose name starts with a digit.
resolve_kernel() { # resolve_kernel APT TARGET -> "release version"
	ver=$(candidate "$1" linux-image-amd64 "$2")
	if [ "$1" = host ] && { [ -z "$ver" ] || [ "$ver" = "(none)" ]; }; then
		apt_update
		ver=$(candidate "$1" linux-image-amd64 "$2")
	fi
	[ -n "$ver" ] && [ "$ver" != "(none)" ] || return 1
	# A target suite without a kernel of its own must not pass for one:
	# the candidate has to come from that suite.
	if [ "$2" != - ]; then
		aptc "$1" apt-cache madison linux-image-amd64 |
			awk -F' *[|] *' -v v="$ver" -v t="$2" \
				'$2 == v && $3 ~ (" " t "/") { f = 1 } END { exit !f }' ||
			return 1
	fi
	rel=$(depends "$1" linux-image-amd64 "$ver" |
		sed -n 's/^linux-image-\([0-9][^ ]*\) .*/\1/p' | head -1)
	[ -n "$rel" ] || return 1
	echo "$rel $ver"
}

# The packages that make up kernel REL (old layout: linux-image-REL with
# /boot and /lib/modules; new layout: an empty linux-image-REL depending on
# linux-binary-REL, linux-modules-REL and linux-base-REL under
# /usr/lib/modules) and the headers (linux-headers-REL, its -common and
# linux-kbuild). Writes "name version" to $1.pkgs and the build tools the
# headers depend on (the compiler: linux-compiler-gcc-N-x86, gcc-N,
# gcc-N-for-host) to $1.tools.
kernel_packages() { # kernel_packages OUT APT TARGET REL VER
	out=$1 a=$2 tgt=$3 r=$4 v=$5
	printf 'linux-image-%s %s\nlinux-headers-%s %s\n' "$r" "$v" "$r" "$v" >"$out.pkgs"
	: >"$out.tools"
	n=0
	while [ "$n" -lt "$(wc -l <"$out.pkgs")" ]; do
		n=$((n + 1))
		set -- $(sed -n "${n}p" "$out.pkgs")
		pkg=$1 pv=$2
		depends "$a" "$pkg" "$pv" >"$out.deps" || return 1
		while read -r dn dv; do
			case "$dn" in
			*"$r"*|linux-headers-*-common*|linux-kbuild-*)
				grep -q "^$dn " "$out.pkgs" && continue
				[ -n "$dv" ] || dv=$(candidate "$a" "$dn" "$tgt")
				[ -n "$dv" ] && [ "$dv" != "(none)" ] || return 1
				echo "$dn $dv" >>"$out.pkgs" ;;
			linux-base) ;;	# Debian's kernel hook scripts, not a tool
			*)
				case "$pkg" in
				linux-headers-*|linux-kbuild-*) echo "$dn" >>"$out.tools" ;;
				esac ;;
			esac
		done <"$out.deps"
	done
	rm -f "$out.deps"
}

download() { # download APT DIR NAME=VER...: .debs into DIR
	a=$1 dir=$2; shift 2
	mkdir -p "$dir"
	if [ "$a" = host ]; then
		(cd "$dir" && apt-get download -q "$@") >"$dir.log" 2>&1 ||
			{ apt_update; (cd "$dir" && apt-get download -q "$@") >"$dir.log" 2>&1; }
	else
		croot=$BUILD/chroot/$a
		rm -rf "$croot/var/cache/sctpx-debs"
		mkdir -p "$croot/var/cache/sctpx-debs"
		chroot "$croot" sh -c 'cd /var/cache/sctpx-debs && apt-get download -q "$@"' \
			sh "$@" >"$dir.log" 2>&1 &&
			mv "$croot"/var/cache/sctpx-debs/*.deb "$dir/"
	fi
}

# Build tools the headers name, installed in the suite's chroot. On the
# host the compiler comes with HOST_PKGS (gcc-12), as it always has.
install_tools() { # install_tools APT TOOLSFILE
	[ "$1" = host ] && return 0
	tools=$(sort -u "$2" | tr '\n' ' ')
	[ -n "$tools" ] || return 0
	# shellcheck disable=SC2086
	chroot "$BUILD/chroot/$1" sh -c 'missing=
		for p; do
			dpkg-query -W -f="\${Status}" "$p" 2>/dev/null |
				grep -q "install ok installed" || missing="$missing $p"
		done
		[ -z "$missing" ] && exit 0
		echo "installing:$missing"
		DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
			--no-install-recommends $missing && apt-get clean' sh $tools
}

unpack_kernel() { # unpack_kernel SLOT APT TARGET RELEASE VERSION
	slot=$1 a=$2 tgt=$3 rel=$4 ver=$5
	kdir=$BUILD/k/$rel
	if [ -f "$kdir/.done" ]; then
		install_tools "$a" "$kdir/tools" >>"$kdir/tools.log" 2>&1 ||
			{ why="cannot install the compiler its headers name in the $a chroot (see $kdir/tools.log)"; return 1; }
		return 0
	fi
	log "fetching kernel $rel ($ver, $slot)"
	rm -rf "$kdir"
	mkdir -p "$kdir"
	kernel_packages "$kdir/pkgs" "$a" "$tgt" "$rel" "$ver" ||
		{ why="cannot resolve the packages of $rel"; return 1; }
	download "$a" "$kdir/debs" $(awk '{ print $1 "=" $2 }' "$kdir/pkgs.pkgs") ||
		{ why="cannot download the packages of $rel ($(tail -1 "$kdir/debs.log"))"; return 1; }
	mv "$kdir/pkgs.tools" "$kdir/tools"
	install_tools "$a" "$kdir/tools" >"$kdir/tools.log" 2>&1 ||
		{ why="cannot install the compiler its headers name in the $a chroot (see $kdir/tools.log)"; return 1; }
	root=$kdir/root
	mkdir -p "$root"
	for deb in "$kdir"/debs/*.deb; do
		dpkg-deb -x "$deb" "$root"
	done
	# Newer layouts keep modules (and the image) in /usr/lib/modules only;
	# depmod -b, modprobe -d and scripts/mkinitramfs.sh read ROOT/lib/modules,
	# so give the tree the merged-/usr link every such system has.
	if [ ! -d "$root/lib/modules/$rel" ] && [ -d "$root/usr/lib/modules/$rel" ]; then
		[ ! -e "$root/lib" ] || { log "$rel: both /lib and /usr/lib/modules"; exit 1; }
		ln -s usr/lib "$root/lib"
	fi
	# No /boot: the image is /usr/lib/modules/REL/vmlinuz. scripts/vm.sh
	# boots ROOT/boot/vmlinuz-REL; link it there.
	if [ ! -f "$root/boot/vmlinuz-$rel" ] && [ -f "$root/usr/lib/modules/$rel/vmlinuz" ]; then
		mkdir -p "$root/boot"
		ln -s "../usr/lib/modules/$rel/vmlinuz" "$root/boot/vmlinuz-$rel"
	fi
	hdr=$root/usr/src/linux-headers-$rel
	# The headers' Makefile names the common tree (include line) and, in
	# newer packages, the build tree (KBUILD_OUTPUT) by absolute path.
	sed -i -e "s|^include /usr/src/|include $root/usr/src/|" \
		-e "s|^\(.*KBUILD_OUTPUT[^/]*\)/usr/src/|\1$root/usr/src/|" \
		"$hdr/Makefile"
	if grep -n '/usr/src/' "$hdr/Makefile" | grep -v "$root/usr/src/"; then
		log "$rel: headers Makefile still names /usr/src (above)"; exit 1
	fi
	# Absolute symlinks in the headers point into the unpacked tree.
	find "$root/usr/src" -type l -lname '/*' | while read -r l; do
		ln -sfn "$root$(readlink "$l")" "$l"
	done
	for f in "$root/boot/vmlinuz-$rel" "$hdr/Makefile" "$hdr/Module.symvers"; do
		[ -s "$f" ] || { log "$rel: no $f in its packages"; exit 1; }
	done
	# The .debs ship no modules.dep.
	depmod -b "$root" "$rel"
	modprobe -d "$root" -S "$rel" --show-depends sctp >/dev/null ||
		{ log "$rel: no sctp module chain"; exit 1; }
	rm -rf "$kdir/debs" "$kdir/debs.log" "$kdir/pkgs.pkgs"
	echo "$a" >"$kdir/userland"
	echo "$slot" >"$kdir/slot"
	echo "$ver" >"$kdir/version"
	touch "$kdir/.done"
}

# A sparse that parses the kernel's headers, written to k/REL/sparse (the
# path inside the kernel's userland). From 6.15 or so, compiler_types.h
# uses __typeof_unqual__ whenever __CHECKER__ is defined, which the
# sparse 0.6.4 of bookworm and trixie cannot parse (every file then fails
# with "got __typeof_unqual__"). Decided by trying, never by version: when
# the headers use it and the userland's sparse fails on it, Debian's
# newest sparse source (sid's, a source package: no sid binary is
# installed) is built in that userland under /opt/sparse-VERSION.
ensure_sparse() { # ensure_sparse APT REL
	a=$1 r=$2
	probe='static int f(const int *p) { __typeof_unqual__(*p) v = *p; return v; }
int g(void);
int g(void) { int x = 1; return f(&x); }'
	sp=/usr/bin/sparse
	common=$(ls -d "$BUILD/k/$r/root/usr/src/"linux-headers-*-common 2>/dev/null | head -1)
	if grep -qs '__typeof_unqual__' "$common/include/linux/compiler_types.h" &&
	   ! printf '%s\n' "$probe" | aptc "$a" sh -c \
		'cat >/tmp/sctpx-sparse-probe.c; out=$("$1" /tmp/sctpx-sparse-probe.c 2>&1); rm -f /tmp/sctpx-sparse-probe.c; [ -z "$out" ]' sh "$sp"; then
		[ "$a" != host ] || { why="the host's sparse cannot parse $r's headers"; return 1; }
		croot=$BUILD/chroot/$a
		built=$(ls -d "$croot"/opt/sparse-*/bin/sparse 2>/dev/null | sort -V | tail -1)
		if [ -z "$built" ]; then
			log "$r: the $a userland's sparse cannot parse __typeof_unqual__; building Debian's newest sparse source there"
			printf 'Types: deb-src\nURIs: %s\nSuites: sid\nComponents: main\nCheck-Valid-Until: no\n' \
				"$(sed -n 's/^URIs: *//p' "$croot/etc/apt/sources.list.d/debian.sources" | head -1)" \
				>"$croot/etc/apt/sources.list.d/sctpx-sparse-src.sources"
			chroot "$croot" sh -c 'set -e
				apt-get update -qq
				rm -rf /usr/src/sparse; mkdir -p /usr/src/sparse/src; cd /usr/src/sparse
				apt-get source --download-only -q sparse
				tar -xzf sparse_*.orig.tar.* -C src --strip-components=1 2>/dev/null ||
					tar -xJf sparse_*.orig.tar.* -C src --strip-components=1
				v=$(ls sparse_*.dsc | sed "s/^sparse_\(.*\)\.dsc$/\1/; s/~/-/g")
				cc=$(ls /usr/bin/gcc-[0-9]* | grep -E "/gcc-[0-9]+$" | sort -V | tail -1)
				make -C src -j2 CC="$cc" HAVE_LIBXML=no HAVE_SQLITE=no HAVE_GTK=no \
					HAVE_LLVM=no PREFIX="/opt/sparse-$v" install' \
				>"$BUILD/k/$r/sparse-build.log" 2>&1 ||
				{ why="cannot build a sparse that parses its headers (see $BUILD/k/$r/sparse-build.log)"; return 1; }
			built=$(ls -d "$croot"/opt/sparse-*/bin/sparse | sort -V | tail -1)
		fi
		sp=${built#"$croot"}
		printf '%s\n' "$probe" | aptc "$a" sh -c \
			'cat >/tmp/sctpx-sparse-probe.c; out=$("$1" /tmp/sctpx-sparse-probe.c 2>&1); rm -f /tmp/sctpx-sparse-probe.c; [ -z "$out" ]' sh "$sp" ||
			{ why="$sp cannot parse __typeof_unqual__ either"; return 1; }
	fi
	echo "$sp" >"$BUILD/k/$r/sparse"
}

# The release a slot got on an earlier day, if it is still unpacked.
cached_kernel() { # cached_kernel SLOT
	for f in "$BUILD"/k/*/slot; do
		[ -f "$f" ] && [ "$(cat "$f")" = "$1" ] && [ -f "${f%/slot}/.done" ] &&
			basename "$(dirname "$f")"
	done | sort -V | tail -1
}

: >"$BUILD/kernels.list.tmp"
: >"$BUILD/kernels.slots.tmp"
: >"$BUILD/kernels.unavailable.tmp"
echo "$SLOTS" | while read -r slot a tgt required; do
	echo " $want_slots " | tr '\n' ' ' | grep -q " $slot " || continue
	why=
	if [ "$a" != host ]; then
		sh "$here/suite-chroot.sh" "$BUILD" "$a" ||
			{ log "$slot: cannot make the $a chroot"; exit 1; }
	fi
	if r=$(resolve_kernel "$a" "$tgt"); then
		set -- $r
		{ unpack_kernel "$slot" "$a" "$tgt" "$1" "$2" &&
			ensure_sparse "$a" "$1"; } || {
			[ "$required" = yes ] && { log "$slot: $why"; exit 1; }
			rm -rf "$BUILD/k/$1"
		}
	else
		why="no installable linux-image-amd64 in $slot today"
		[ "$required" = yes ] && { log "$slot: $why"; exit 1; }
	fi
	if [ -n "$why" ]; then
		old=$(cached_kernel "$slot")
		if [ -n "$old" ]; then
			log "$slot: NOT AVAILABLE TODAY ($why); testing $old, fetched $(date -u -r "$BUILD/k/$old/.done" +%F)"
			echo "$slot stale $why; testing $old" >>"$BUILD/kernels.unavailable.tmp"
			set -- "$old"
		else
			log "$slot: NOT AVAILABLE TODAY: $why"
			echo "$slot missing $why" >>"$BUILD/kernels.unavailable.tmp"
			continue
		fi
	fi
	echo "$1" >>"$BUILD/kernels.list.tmp"
	echo "$slot $1 $a $(cat "$BUILD/k/$1/version")" >>"$BUILD/kernels.slots.tmp"
done
for f in kernels.list kernels.slots kernels.unavailable; do
	mv "$BUILD/$f.tmp" "$BUILD/$f"
done

# Third-party kernel tools, from the 6.12 source package (never vendored).
tools=$BUILD/linux-tools
src_ver=$(candidate host linux-source-6.12 bookworm-backports)
# Bump when the member list below changes.
tools_stamp="$src_ver tools-v2"
if [ ! -f "$tools/.done" ] || [ "$(cat "$tools/.done")" != "$tools_stamp" ]; then
	log "extracting checkpatch, kselftest harness and ynl from linux-source-6.12 $src_ver"
	rm -rf "$tools" "$BUILD/src-deb"
	download host "$BUILD/src-deb" "linux-source-6.12=$src_ver"
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
	rm -rf "$BUILD/src-deb" "$BUILD/src-deb.log"
	echo "$tools_stamp" >"$tools/.done"
fi
log "kernels: $(tr '\n' ' ' <"$BUILD/kernels.list")"
if [ -s "$BUILD/kernels.unavailable" ]; then
	sed 's/^/deps: unavailable: /' "$BUILD/kernels.unavailable" >&2
fi
