#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# `sctpx assocs` and `sctpx top` in the guest, as TAP: the associations of
# another process (sctpx-clitest hold: a one-to-many server with three
# one-to-one clients, one of them sending, and a one-to-one sender stalled
# on a sink that never reads) read from outside, and compared with what
# the holder itself listed (ids and states also checked against
# SCTP_STATUS there); as root, as a user without ptrace access, and as the
# holder's own user; with the module and with it unloaded (the fallback
# listing). A process with no SCTP socket, a bad pid and a non-SCTP fd.
. /lib/sctpx-tap.sh
# The static CLI and the helper travel with the tests (scripts/vm.sh -x).
cli=/tests/sctpx-static
ct=/tests/sctpx-clitest
echo "TAP version 13"

# wait_file FILE: up to 60 s (TCG is slow); the holder's error otherwise.
wait_file() {
	i=0
	while [ ! -f "$1" ] && [ $i -lt 600 ]; do
		[ -f "$(dirname "$1")/error" ] && break
		sleep 0.1; i=$((i + 1))
	done
	cat "$(dirname "$1")/error" 2>/dev/null
	[ -f "$1" ]
}
# fd_of DIR ROLE: the holder's descriptor of that role
fd_of() { awk -v r="$2" '$8 == r { print $1; exit }' "$1/view"; }

# wait_grep PATTERN FILE: up to 60 s until FILE has a line matching it.
wait_grep() {
	i=0
	while ! grep -q "$1" "$2" 2>/dev/null && [ $i -lt 600 ]; do
		sleep 0.1; i=$((i + 1))
	done
	grep -q "$1" "$2"
}

# top_sees_exit PID: top runs on PID, which is killed: top must end by
# itself (not after its 40 refreshes) with "no process PID (it exited)"
# and status 1, the screen it showed intact before.
top_sees_exit() {
	$cli top --pid "$1" --interval 0.5 --count 40 >/tmp/tx 2>&1 &
	tp=$!
	wait_grep "^sctpx top: pid $1," /tmp/tx || { kill "$tp"; return 1; }
	kill "$1"
	wait "$tp"
	rc=$?
	cat /tmp/tx
	blocks=$(grep -c '^sctpx top: ' /tmp/tx)
	echo "status $rc after $blocks refreshes"
	[ "$rc" -eq 1 ] && [ "$blocks" -lt 40 ] &&
		[ "$(tail -n 1 /tmp/tx)" = "sctpx: no process $1 (it exited)" ]
}

modprobe sctpx
d=/tmp/holder
mkdir -p $d
$ct hold $d &
t holder_ready wait_file $d/ready
hp=$(cat $d/pid 2>/dev/null)
hp=${hp:-0}
sed 's/^/# holder: /' $d/view

# suite PATH: the CLI against the holder, listed by PATH
suite() {
	t "assocs_json_$1" sh -c "$cli assocs --pid $hp --json >/tmp/a.json &&
		$ct check-assocs $d /tmp/a.json $1"
	t "assocs_text_$1" sh -c "$cli assocs --pid $hp >/tmp/a.txt && cat /tmp/a.txt &&
		$ct check-text $d /tmp/a.txt $1"
	sfd=$(fd_of $d stalled)
	t "assocs_one_fd_$1" sh -c "$cli assocs --pid $hp --fd $sfd >/tmp/f.txt && cat /tmp/f.txt &&
		grep -q '^pid $hp: 1 SCTP sockets, 1 associations' /tmp/f.txt &&
		[ \$(grep -c '^$sfd ' /tmp/f.txt) -eq 1 ]"
	t "top_stalled_$1" sh -c "$cli top --pid $hp --interval 1 --stall 2 --count 4 >/tmp/top.txt &&
		cat /tmp/top.txt && $ct check-top $d /tmp/top.txt 4 $1"
}
suite module

# TAG and PTAG join with ss(8): each association the CLI lists is one ss
# shows with "tag:TAG ... ptag:PTAG" on its line (ss and sctp_diag travel
# with the tests).
ss_join() {
	modprobe sctp_diag && /tests/ss -i -n -a --sctp >/tmp/ss &&
		$cli assocs --pid "$hp" >/tmp/a.txt || return 1
	awk '$1 == "FD" { t = 1; next } t && NF >= 13 { print $12, $13 }' /tmp/a.txt >/tmp/tags
	rows=0 joined=0
	while read -r tag ptag; do
		rows=$((rows + 1))
		if grep -Eq " tag:$tag .* ptag:$ptag( |$)" /tmp/ss; then
			joined=$((joined + 1))
		else
			echo "tag $tag ptag $ptag: not in ss"
		fi
	done </tmp/tags
	echo "$joined of $rows associations joined with ss"
	[ "$joined" -eq "$rows" ] || sed 's/^/ss: /' /tmp/ss
	[ "$rows" -gt 0 ] && [ "$joined" -eq "$rows" ]
}
t ss_join ss_join

# Without ptrace access: refused, one line naming what is missing, exit 1.
refused() { # refused COMMAND: as nobody
	su nobody -c "$*" >/tmp/r 2>&1
	rc=$?
	cat /tmp/r
	[ $rc -eq 1 ] && [ "$(wc -l </tmp/r)" -eq 1 ] && grep -q 'needs ptrace access' /tmp/r
}
t unprivileged_assocs_refused refused "$cli assocs --pid $hp"
t unprivileged_top_refused refused "$cli top --pid $hp --count 1"

# The holder's own user: allowed where Yama permits it (ptrace_scope 0),
# refused where it does not (1: only descendants).
yama=/proc/sys/kernel/yama/ptrace_scope
dn=/tmp/holder-nobody
mkdir -p $dn && chmod 777 $dn
su nobody -c "$ct hold $dn" &
t nobody_holder_ready wait_file $dn/ready
np=$(cat $dn/pid 2>/dev/null)
np=${np:-0}
if [ -f $yama ]; then
	old=$(cat $yama)
	echo 0 >$yama
	t same_user_scope0 sh -c "su nobody -c '$cli assocs --pid $np --json' >/tmp/n.json &&
		$ct check-assocs $dn /tmp/n.json module"
	echo 1 >$yama
	t same_user_scope1_refused refused "$cli assocs --pid $np"
	echo "$old" >$yama
else
	t same_user sh -c "su nobody -c '$cli assocs --pid $np --json' >/tmp/n.json &&
		$ct check-assocs $dn /tmp/n.json module"
fi
# The holder exits while top watches it.
t top_holder_exits top_sees_exit "$np"

# No SCTP socket (UDP, TCP and unix ones): nothing, exit 0. Only once
# it says its sockets exist: before, an empty listing proves nothing.
$ct nosctp >/tmp/ns &
zp=$!
t nosctp_ready wait_grep '^ready udp' /tmp/ns
udp=$(awk '{ print $3 }' /tmp/ns)
t nosctp_json sh -c "$cli assocs --pid $zp --json >/tmp/e.json && cat /tmp/e.json &&
	$ct check-empty /tmp/e.json $zp"
t nosctp_text sh -c "$cli assocs --pid $zp >/tmp/e.txt && cat /tmp/e.txt &&
	grep -q '^pid $zp: 0 SCTP sockets, 0 associations' /tmp/e.txt"
# refused_as MESSAGE COMMAND: status 1 and exactly that one line
refused_as() {
	want=$1; shift
	"$@" >/tmp/r 2>&1
	rc=$?
	cat /tmp/r
	[ $rc -eq 1 ] && [ "$(cat /tmp/r)" = "$want" ]
}
t non_socket_fd refused_as "sctpx: pid $zp fd 0 is not an SCTP socket" $cli assocs --pid $zp --fd 0
t udp_socket_fd refused_as "sctpx: pid $zp fd $udp is not an SCTP socket" \
	$cli assocs --pid $zp --fd "$udp"
t missing_fd refused_as "sctpx: pid $zp has no fd 999" $cli assocs --pid $zp --fd 999

# SIGTERM ends top at once (not after its 30 s interval), status 0.
top_sigterm() {
	$cli top --pid "$zp" --interval 30 >/tmp/tt 2>&1 &
	tp=$!
	wait_grep "^sctpx top: pid $zp, .* 0 associations" /tmp/tt || { kill "$tp"; return 1; }
	s0=$(date +%s)
	kill -TERM "$tp"
	wait "$tp"
	rc=$?
	took=$(($(date +%s) - s0))
	cat /tmp/tt
	echo "status $rc, ${took} s after SIGTERM"
	[ "$rc" -eq 0 ] && [ "$took" -lt 10 ]
}
t top_sigterm top_sigterm
kill "$zp"
# A target that exits and stays unreaped (its parent, sleep, never
# waits): its /proc/PID/fd lists nothing, which is not "no sockets".
sh -c "$ct nosctp >/tmp/nz & exec sleep 600" &
sp=$!
t zombie_ready wait_grep '^ready udp' /tmp/nz
t top_target_zombie top_sees_exit "$(awk '{ print $9 }' /tmp/nz)"
kill "$sp"

# A pid that is gone, and bad command lines.
sh -c 'exit 0' &
gone=$!
wait $gone
t gone_pid sh -c "$cli assocs --pid $gone 2>/tmp/g; rc=\$?; cat /tmp/g;
	[ \$rc -eq 1 ] && grep -q 'no process $gone' /tmp/g"
t no_pid_usage sh -c "$cli assocs; [ \$? -eq 2 ]"
t bad_interval_usage sh -c "$cli top --pid 1 --interval 0; [ \$? -eq 2 ]"

# The module unloaded: the library's socket-option listing.
rmmod sctpx
suite fallback
[ "$hp" -gt 0 ] && kill "$hp"
echo "1..$n"
exit $fail
