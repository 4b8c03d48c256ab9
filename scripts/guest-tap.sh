# SPDX-License-Identifier: GPL-2.0
# Sourced by the guest's shell tests (/lib/sctpx-tap.sh in every initramfs,
# scripts/mkinitramfs.sh): one TAP case per command. The caller prints
# "1..$n" at the end and exits with $fail.
n=0 fail=0
t() { # t NAME COMMAND...: "ok N NAME" if COMMAND succeeds, its output as comments
	name=$1; shift
	n=$((n + 1))
	if "$@" >/tmp/out 2>&1; then echo "ok $n $name"; else echo "not ok $n $name"; fail=1; fi
	sed 's/^/# /' /tmp/out
}
