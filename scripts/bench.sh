#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The benchmark: boot each kernel in QEMU (scripts/vm.sh, with
# tsc=reliable for a fast guest clock) with sctpx_bench and then the
# library's micro-benchmark (userlib/bench/micro-guest.sh), show a
# progress line, collect the guest's CSV lines and write the report.
#
#   scripts/bench.sh [-b BUILD] [-o RESULTS] [-k RELEASE]... [-m KO_PATTERN]
#                    [-e "VAR=value ..."] [-t SECONDS]
#     -b BUILD     build directory (default: ./build); the benchmarks are
#                  BUILD/userlib/sctpx_bench and sctpx_micro_static
#                  (make -C userlib bench-bins)
#     -o RESULTS   results directory (default: BUILD/bench)
#     -k RELEASE   kernel to run (repeatable; default: BUILD/kernels.list)
#     -m PATTERN   sctpx.ko to use, %r standing for the release (default:
#                  BUILD/obj/%r/kmod/sctpx.ko)
#     -e ENV       environment of the benchmark in the guest: BENCH_ROUNDS,
#                  BENCH_ROUNDS_BIG, BENCH_ARMS, BENCH_QUICK, BENCH_CX_RCVBUF,
#                  BENCH_NOTRACE (see userlib/bench/bench.cpp); MICRO_SAMPLES
#                  (userlib/bench/micro.cpp; 11 in the guest)
#     -t SECONDS   time limit per kernel (default 1500)
#
# Writes RESULTS/raw.csv (every timed round), RESULTS/syscalls.csv,
# RESULTS/meta.csv, RESULTS/micro.csv and micro-own.csv (the guest's
# MICRO and MICRO-OWN lines), RESULTS/host.txt, RESULTS/<release>/ (guest
# logs) and,
# through scripts/bench-report.py, RESULTS/benchmarks.md and
# RESULTS/benchmarks.png.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
build=$(pwd)/build
out='' kernels='' kopat='' envs='' tmo=1500

while getopts b:o:k:m:e:t: opt; do
	case $opt in
	b) build=$(cd "$OPTARG" && pwd) ;;
	o) out=$OPTARG ;;
	k) kernels="$kernels $OPTARG" ;;
	m) kopat=$OPTARG ;;
	e) envs=$OPTARG ;;
	t) tmo=$OPTARG ;;
	*) sed -n '6,25p' "$0" >&2; exit 2 ;;
	esac
done
[ -n "$out" ] || out=$build/bench
[ -n "$kernels" ] || kernels=$(cat "$build/kernels.list")
[ -n "$kopat" ] || kopat=$build/obj/%r/kmod/sctpx.ko
bin=$build/userlib/sctpx_bench
micro=$build/userlib/sctpx_micro_static
micro_sh=$here/../userlib/bench/micro-guest.sh
for f in "$bin" "$micro"; do
	[ -x "$f" ] || { echo "bench: no $f (make -C userlib bench-bins)" >&2; exit 2; }
done
mkdir -p "$out"
out=$(cd "$out" && pwd)

# The machine, for the report.
{
	echo "date: $(date -u '+%Y-%m-%d %H:%M UTC')"
	echo "host: $(uname -srm)"
	echo "cpu: $(sed -n 's/^model name[^:]*: //p' /proc/cpuinfo | head -1) x $(nproc)"
	echo "qemu: $(qemu-system-x86_64 --version | head -1)"
	echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
	echo "busiest other processes before:"
	ps -eo pcpu,ni,comm --sort=-pcpu | sed -n '2,6p' | sed 's/^/  /'
} >"$out/host.txt"

echo "kernel,arm,variant,n,m,round,ns,floor_ns,floor_count,req_ns,parse_ns,lookup_ns,reserve_ns,reply_ns,peel_ns,send_ns,install_ns,nl_syscall_ns" >"$out/raw.csv"
echo "kernel,arm,variant,n,m,syscalls,ns" >"$out/syscalls.csv"
echo "kernel,key,value" >"$out/meta.csv"
echo "kernel,variant,n,ns_call,ns_assoc,q1_ns,q3_ns,allocs_call,syscalls_call" >"$out/micro.csv"
echo "kernel,variant,n,own_ns_call,transport_ns_call,own_allocs_call" >"$out/micro-own.csv"
status=0
for rel in $kernels; do
	ko=$(echo "$kopat" | sed "s|%r|$rel|g")
	log=$out/$rel
	mkdir -p "$log"
	: >"$log/serial.log"
	start=$(date +%s)
	# shellcheck disable=SC2086
	sh "$here/vm.sh" -q -b "$build" -k "$rel" -m "ko=$ko" -o "$log" -t "$tmo" -M 3G \
		-a "tsc=reliable $envs" -x "$micro" "$bin" "$micro_sh" >"$log/vm.out" 2>&1 &
	pid=$!
	while kill -0 "$pid" 2>/dev/null; do
		line=$(tr -d '\r' <"$log/serial.log" 2>/dev/null |
			sed -n 's/^SCTPX-BENCH-PROGRESS //p' | tail -1)
		printf '\rbench %s: %s (%ss)\033[K' "$rel" "${line:-booting}" \
			$(($(date +%s) - start))
		sleep 2
	done
	rc=0
	wait "$pid" || rc=$?
	verdict=FAILED
	[ "$rc" != 0 ] || verdict='done'
	printf '\rbench %s: %s (%ss)\033[K\n' "$rel" "$verdict" $(($(date +%s) - start))
	if [ "$rc" != 0 ]; then
		status=1
		cat "$log/vm.out" >&2
		tr -d '\r' <"$log/serial.log" | grep '^BENCH-FAIL' | head -20 >&2 || true
	fi
	tr -d '\r' <"$log/serial.log" | sed -n "s/^BENCH-CSV,/$rel,/p" >>"$out/raw.csv"
	tr -d '\r' <"$log/serial.log" | sed -n "s/^BENCH-SYS,/$rel,/p" >>"$out/syscalls.csv"
	tr -d '\r' <"$log/serial.log" | sed -n "s/^BENCH-META,/$rel,/p" >>"$out/meta.csv"
	tr -d '\r' <"$log/serial.log" | sed -n "s/^MICRO,/$rel,/p" >>"$out/micro.csv"
	tr -d '\r' <"$log/serial.log" | sed -n "s/^MICRO-OWN,/$rel,/p" >>"$out/micro-own.csv"
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)" >>"$out/host.txt"

# Debian's python3 (python3-matplotlib), not one earlier on PATH.
py=/usr/bin/python3
[ -x "$py" ] || py=python3
"$py" "$here/bench-report.py" "$out"
echo "bench: $out/benchmarks.md, $out/benchmarks.png"
exit $status
