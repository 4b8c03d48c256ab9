#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# The drop-in (sctpx-preload(7)) in the guest, as TAP: unmodified
# programs linked against libsctp.so.1, with libsctpx-preload.so preloaded, once with the
# sctpx module loaded and once with it unloaded (libsctpx's fallback):
#  - lksctp-tools' own functional tests that call sctp_connectx() or
#    sctp_peeloff() (scripts/lksctp-tests.sh), each passing, each call
#    traced (SCTPX_PRELOAD_LOG) as served by libsctpx and never nested;
#    with the module, its peeled counter grows by the peeloffs it served;
#  - sctpx_dropin_probe: every situation gives what lksctp-tools gives
#    (the same program without the interposer), but for the deliberate
#    differences of sctpx-preload(7), which are checked as such;
#  - EMFILE: the same program loses the association without the
#    interposer and keeps it with it;
#  - sctp_test from Debian's lksctp-tools package (it calls
#    sctp_connectx@VERS_3), a real exchange over loopback.
# Files (scripts/vm.sh -x): libsctpx-preload.so, sctpx_dropin_probe(_linked),
# sctpx-static, sctp_test, lksctp-tests.list and the tests it names.
T=/tests
pre=$T/libsctpx-preload.so
n=0 fail=0
ok() { # ok COND_STATUS NAME
	n=$((n + 1))
	if [ "$1" -eq 0 ]; then echo "ok $n $2"; else echo "not ok $n $2"; fail=1; fi
}
counter() { # counter NAME: the module's counter, from the CLI's JSON
	$T/sctpx-static status --json 2>/dev/null | tr ',{}' '\n\n\n' |
		sed -n "s/^ *\"$1\": *\([0-9]*\).*/\1/p" | head -1
}
# A trace is good when it has lines, none nested (depth=1 everywhere:
# libsctpx never came back into the interposer), each served as expected.
trace_ok() { # trace_ok FILE PEELOFF_PATH
	[ -s "$1" ] || { echo "# no call traced"; return 1; }
	if grep -v ' depth=1$' "$1" | grep -q .; then
		echo "# nested or malformed:"; grep -v ' depth=1$' "$1" | sed 's/^/# /'; return 1
	fi
	# peeloffs on the expected path (the kernel way only for refusals)
	if grep '^sctp_peeloff' "$1" | grep -v "path=$2" | grep -v 'ret=-1 .*path=kernel' | grep -q .; then
		echo "# peeloff not served by the $2:"; grep '^sctp_peeloff' "$1" | grep -v "path=$2" | sed 's/^/# /'; return 1
	fi
	# connectx: libsctpx's socket-option path (the kernel way only for refusals)
	if grep '^sctp_connectx' "$1" | grep -v 'path=fallback' | grep -v 'ret=-1 .*path=kernel' | grep -q .; then
		echo "# connectx not served by libsctpx:"; grep '^sctp_connectx' "$1" | grep -v 'path=fallback' | sed 's/^/# /'; return 1
	fi
	return 0
}

# An unreachable peer for the probe: 10.99.1.0/24 routed into lo but not
# owned, from a source address of ours. INITs there go unanswered.
ip addr add 10.99.0.1/32 dev lo
ip route add 10.99.1.0/24 dev lo src 10.99.0.1

echo "TAP version 13"
echo "# lksctp-tools tests: $(tr '\n' ' ' <$T/lksctp-tests.list)"

round() { # round module|fallback
	mode=$1
	peelpath=$mode
	# A module without PEELOFF (its build's probe): libsctpx peels through
	# its fallback even with the module loaded.
	[ "${sctpx_variant:-}" = no-peeloff ] && peelpath=fallback

	# lksctp-tools' functional tests, unmodified, under the interposer
	for t in $(cat $T/lksctp-tests.list); do
		tr=/tmp/trace.$mode.$t
		rm -f "$tr"
		p0=$(counter peeled)
		(cd /tmp && SCTPX_PRELOAD_LOG=$tr LD_PRELOAD=$pre "$T/$t") >/tmp/out 2>&1
		rc=$?
		p1=$(counter peeled)
		sed 's/^/# /' /tmp/out
		ok $rc "$mode: lksctp-tools $t passes with the interposer"
		echo "# calls: $(cut -d' ' -f1 "$tr" 2>/dev/null | sort | uniq -c | tr '\n' ' ')"
		trace_ok "$tr" "$peelpath"
		ok $? "$mode: $t: every call served by libsctpx, none nested"
		if [ "$mode" = module ]; then
			served=$(grep '^sctp_peeloff' "$tr" | grep -c 'path=module')
			echo "# module counter peeled: $p0 -> $p1; peeloffs served by the module: $served"
			[ -n "$p0" ] && [ -n "$p1" ] && [ $((p1 - p0)) -eq "$served" ]
			ok $? "$mode: $t: the module's peeled counter grew by the $served peeloffs it served"
		fi
	done

	# The probe: the same program with and without the interposer.
	(cd /tmp && $T/sctpx_dropin_probe parity) >/tmp/plain 2>&1
	rc1=$?
	(cd /tmp && SCTPX_PRELOAD_LOG=/tmp/trace.probe.$mode LD_PRELOAD=$pre \
		$T/sctpx_dropin_probe parity) >/tmp/pre 2>&1
	rc2=$?
	[ $rc1 -eq 0 ] && [ $rc2 -eq 0 ] && [ -s /tmp/plain ]
	ok $? "$mode: probe ran both ways (exit $rc1, $rc2)"
	grep '^#' /tmp/plain /tmp/pre
	while read -r name rest; do
		case $name in '#'*) continue ;; esac
		got=$(sed -n "s/^$name //p" /tmp/pre)
		want=$rest
		# The deliberate differences (sctpx-preload(7)): the id, also
		# where lksctp-tools cannot give it.
		case $name in
		cx3_eintr)
			[ "$rest" = "ret=-1 errno=EINTR id=untouched" ] && want="ret=-1 errno=EINTR id=set" ;;
		cx2_nonblock)
			[ "$rest" = "ret=-1 errno=EINPROGRESS id=zero" ] && want="ret=-1 errno=EINPROGRESS id=set" ;;
		cx3_stale_enoprotoopt)
			[ "$rest" = "ret=-1 errno=EISCONN id=zero" ] && want="ret=0 errno=0 id=set" ;;
		esac
		echo "# lksctp: $name $rest"
		[ "$got" = "$want" ]
		ok $? "$mode: $name: $want"
	done </tmp/plain
	# What the situations are meant to show, as lksctp-tools (the kernel) does.
	for want in "cx3_nonblock_refused ret=-1 errno=EINPROGRESS id=set" \
		"cx3_port0_nonblock ret=-1 errno=EINPROGRESS id=set" \
		"cx3_sndtimeo ret=-1 errno=EINPROGRESS id=set" \
		"cx3_eintr ret=-1 errno=EINTR id=untouched" \
		"cx2_nonblock ret=-1 errno=EINPROGRESS id=zero" \
		"cx3_stale_enoprotoopt ret=-1 errno=EISCONN id=zero" \
		"pl_flags_nonblock_unknown ret=fd nonblock=1 cloexec=0 seqpacket=1" \
		"pl_flags_unknown_only ret=fd nonblock=0 cloexec=0 seqpacket=1" \
		"pl_flags_cloexec ret=fd nonblock=0 cloexec=1 seqpacket=1"; do
		grep -qx "$want" /tmp/plain
		ok $? "$mode: lksctp-tools gives $want"
	done
	trace_ok /tmp/trace.probe.$mode "$peelpath"
	ok $? "$mode: probe: every call served by libsctpx, none nested"
	# The same program linked with -lsctpx-preload before -lsctp (the
	# library found as an installed one would be): the same lines.
	(cd /tmp && SCTPX_PRELOAD_LOG=/tmp/trace.linked.$mode LD_LIBRARY_PATH=$T \
		$T/sctpx_dropin_probe_linked parity) >/tmp/linked 2>&1
	rc=$?
	[ $rc -eq 0 ] && cmp -s /tmp/pre /tmp/linked && trace_ok /tmp/trace.linked.$mode "$peelpath"
	ok $? "$mode: probe linked before -lsctp: the lines of the preloaded run, served by libsctpx"

	# EMFILE: lost without the interposer, kept with it.
	(cd /tmp && $T/sctpx_dropin_probe emfile) >/tmp/plain 2>&1
	(cd /tmp && LD_PRELOAD=$pre $T/sctpx_dropin_probe emfile) >/tmp/pre 2>&1
	sed 's/^/# lksctp: /' /tmp/plain
	sed 's/^/# interposer: /' /tmp/pre
	grep -q '^emfile ret=-1 errno=EMFILE server_assocs_before=1 server_assocs_after=0 client_alive=0$' /tmp/plain &&
		grep -q '^emfile_after peel=EINVAL exchange=-1$' /tmp/plain
	ok $? "$mode: EMFILE without the interposer: the kernel destroys the association"
	for w in "" _warm; do
		grep -q "^emfile$w ret=-1 errno=EMFILE server_assocs_before=\([12]\) server_assocs_after=\1 client_alive=1$" /tmp/pre &&
			grep -q "^emfile${w}_after peel=fd exchange=2$" /tmp/pre
		ok $? "$mode: EMFILE with the interposer${w:+ (libsctpx already in use)}: EMFILE, the association lives and is peeled later"
	done

	# sctp_test (Debian's lksctp-tools package) under the interposer: its
	# blocking sctp_connectx@VERS_3, then data over loopback.
	$T/sctp_test -H 127.0.0.1 -P 25000 -l -d 2 >/tmp/srv 2>&1 &
	srv=$!
	sleep 1
	c0=$(counter connectx_requests)
	(cd /tmp && SCTPX_PRELOAD_LOG=/tmp/trace.st.$mode LD_PRELOAD=$pre \
		$T/sctp_test -H 127.0.0.1 -P 25001 -C 127.0.0.1 -p 25000 -s -c 0 -x 4 -d 2) >/tmp/cli 2>&1
	rc=$?
	c1=$(counter connectx_requests)
	sleep 1
	kill $srv 2>/dev/null
	wait $srv 2>/dev/null
	tail -5 /tmp/cli | sed 's/^/# client: /'
	{ tail -5 /tmp/srv; echo; } | sed 's/^/# server: /'
	sed 's/^/# trace: /' /tmp/trace.st.$mode
	[ $rc -eq 0 ] && grep -q 'Data [0-9]* bytes' /tmp/srv
	ok $? "$mode: sctp_test exchanged data with the interposer"
	grep -q '^sctp_connectx@@VERS_3 pid=[0-9]* sock=[0-9]* ret=0 errno=0 path=fallback depth=1$' /tmp/trace.st.$mode
	ok $? "$mode: sctp_test's sctp_connectx served by libsctpx (SCTP_SOCKOPT_CONNECTX3, blocking socket)"
	if [ "$mode" = module ]; then
		# The module never waits: a blocking socket's connect is
		# libsctpx's own system call, not a module request.
		echo "# module counter connectx_requests: $c0 -> $c1"
		[ -n "$c0" ] && [ "$c0" = "$c1" ]
		ok $? "$mode: sctp_test's blocking connect made no module request"
	fi
}

modprobe sctpx
round module
rmmod sctpx
round fallback
echo "1..$n"
exit $fail
