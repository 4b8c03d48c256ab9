#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Build lksctp-tools' own functional tests that call sctp_connectx(),
# sctp_peeloff() or sctp_peeloff_flags(), unmodified and dynamically
# linked against the host's libsctp.so.1, for the drop-in guest test
# (userlib/tests/vm/dropin.sh).
#
#   scripts/lksctp-tests.sh [BUILD_DIR]
#   scripts/lksctp-tests.sh --vm-args [BUILD_DIR]
#
# With --vm-args it builds what is missing (messages on stderr) and prints
# the scripts/vm.sh options that put every file dropin.sh needs in the
# guest: -x for the interposer, the probe (preloaded and linked), the static CLI, Debian's
# sctp_test, the test list and each test.
#
# 1. Installs what it needs when missing: dpkg-dev (dpkg-source),
#    libsctp-dev and lksctp-tools (the library, its header and the
#    programs the guest runs).
# 2. Fetches Debian's lksctp-tools source package of exactly the
#    installed binary version with `apt-get source --download-only`,
#    through a private apt configuration under BUILD_DIR/lksctp/apt that
#    holds one deb-src line for the host's own suite and mirror; the
#    host's apt sources are left alone. Nothing of it enters the repo.
# 3. Unpacks it (dpkg-source -x, Debian's patches applied) and compiles
#    each test from src/func_tests with its testlib (sctputil.c), with the
#    flags of its Makefile.am (the _v6 variants with -DCONFIG_IPV6=1
#    -DTEST_V6=1), against the installed <netinet/sctp.h> and -lsctp.
#    The tests are those of Makefile.am's PASSING_KERN_TESTS and
#    PASSING_V6_KERN_TESTS whose source calls one of the three functions,
#    directly or through testlib's test_connectx()/test_sctp_peeloff().
#
# Output: BUILD_DIR/lksctp/bin/<test> and BUILD_DIR/lksctp/lksctp-tests.list (their
# names, one a line). Idempotent: an unpacked source of the same version
# is reused.
set -eu

vm_args=
if [ "${1:-}" = --vm-args ]; then vm_args=1; shift; fi
BUILD=${1:-$(pwd)/build}
mkdir -p "$BUILD"
BUILD=$(cd "$BUILD" && pwd)
out=$BUILD/lksctp
export DEBIAN_FRONTEND=noninteractive
log() { printf 'lksctp-tests: %s\n' "$*" >&2; }

SUDO=
[ "$(id -u)" -eq 0 ] || SUDO=sudo

missing=
for p in dpkg-dev libsctp-dev lksctp-tools gcc; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
		grep -q 'install ok installed' || missing="$missing $p"
done
if [ -n "$missing" ]; then
	log "installing:$missing"
	$SUDO apt-get update -qq >/dev/null 2>&1 || true
	# shellcheck disable=SC2086
	$SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi

ver=$(dpkg-query -W -f='${Version}' lksctp-tools)
src=$out/src-$ver
if [ -n "$vm_args" ] && [ -s "$out/lksctp-tests.list" ] &&
   [ -f "$out/built-$ver" ]; then
	: # built already
else
if [ ! -f "$src/src/func_tests/Makefile.am" ]; then
	# The host's suite and Debian mirror, as scripts/deps.sh finds them.
	suite=$(. /etc/os-release && echo "${VERSION_CODENAME:-bookworm}")
	mirror=$(grep -rhs '^URIs:.*debian$\|^deb .*debian ' \
		/etc/apt/sources.list /etc/apt/sources.list.d/ |
		grep -v security | head -1 |
		sed -e 's/^URIs: *//' -e 's/^deb \(\[[^]]*\] \)\{0,1\}//' -e 's/ .*//')
	[ -n "$mirror" ] || mirror=http://deb.debian.org/debian
	apt=$out/apt
	rm -rf "$apt"
	mkdir -p "$apt/lists/partial" "$apt/archives/partial" "$out/dl"
	echo "deb-src $mirror $suite main" >"$apt/sources.list"
	set -- -o Dir::Etc::SourceList="$apt/sources.list" -o Dir::Etc::SourceParts=/dev/null \
		-o Dir::State::Lists="$apt/lists" -o Dir::Cache::Archives="$apt/archives" \
		-o Dir::Cache::pkgcache= -o Dir::Cache::srcpkgcache= \
		-o APT::Sandbox::User=root
	log "fetching lksctp-tools $ver (source) from $mirror $suite"
	apt-get "$@" update -qq >"$out/apt-update.log" 2>&1 ||
		{ cat "$out/apt-update.log" >&2; exit 1; }
	(cd "$out/dl" && apt-get "$@" source --download-only "lksctp-tools=$ver") \
		>"$out/apt-source.log" 2>&1 || { cat "$out/apt-source.log" >&2; exit 1; }
	rm -rf "$src"
	dpkg-source -x "$out/dl"/lksctp-tools_*.dsc "$src" >"$out/dpkg-source.log" 2>&1 ||
		{ cat "$out/dpkg-source.log" >&2; exit 1; }
fi

ft=$src/src/func_tests
# PASSING_KERN_TESTS / PASSING_V6_KERN_TESTS of Makefile.am (the test
# names, without the conditional sendv ones).
listed() { # listed VAR
	awk -v var="$1" '
		$1 == var && $2 == "=" { on = 1; next }
		on { for (i = 1; i <= NF; i++) if ($i != "\\") print $i
		     if ($0 !~ /\\[ \t]*$/) on = 0 }' "$ft/Makefile.am" | tr -d '\\'
}
calls() { # calls SOURCE: the test calls one of the three functions
	grep -qE '(sctp_connectx|sctp_peeloff|test_connectx|test_sctp_peeloff)[[:space:]]*\(' "$1"
}

mkdir -p "$out/bin"
rm -f "$out/bin"/* "$out/lksctp-tests.list"
cflags="-g -O2 -fno-strict-aliasing -Wall -Wstrict-prototypes -Wimplicit-function-declaration"
build() { # build NAME SOURCE EXTRA_CFLAGS
	# shellcheck disable=SC2086
	gcc $cflags $3 -I"$src/src/testlib" -o "$out/bin/$1" "$2" \
		"$src/src/testlib/sctputil.c" -lsctp -lpthread 2>"$out/bin/$1.log" ||
		{ cat "$out/bin/$1.log" >&2; exit 1; }
	rm -f "$out/bin/$1.log"
	echo "$1" >>"$out/lksctp-tests.list"
}
for t in $(listed PASSING_KERN_TESTS); do
	calls "$ft/$t.c" || continue
	build "$t" "$ft/$t.c" ""
done
for t in $(listed PASSING_V6_KERN_TESTS); do
	base=${t%_v6}
	calls "$ft/$base.c" || continue
	build "$t" "$ft/$base.c" "-DCONFIG_IPV6=1 -DTEST_V6=1"
done
[ -s "$out/lksctp-tests.list" ] || { log "no test calls the three functions?"; exit 1; }
rm -f "$out"/built-*
: >"$out/built-$ver"
log "built: $(tr '\n' ' ' <"$out/lksctp-tests.list")"
fi

if [ -n "$vm_args" ]; then
	sctp_test=$(dpkg -L lksctp-tools | grep '/bin/sctp_test$' | head -1)
	for f in "$BUILD/userlib/libsctpx-preload.so" "$BUILD/userlib/sctpx_dropin_probe" \
		"$BUILD/userlib/sctpx_dropin_probe_linked" \
		"$BUILD/userlib/sctpx-static" "$sctp_test" "$out/lksctp-tests.list" \
		$(sed "s|^|$out/bin/|" "$out/lksctp-tests.list"); do
		[ -f "$f" ] || { log "missing $f (make userlib-vm?)"; exit 1; }
		printf ' -x %s' "$f"
	done
	echo
fi
