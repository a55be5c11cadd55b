#!/usr/bin/env bash
# bench/profile.sh — where does a server's CPU time go at a fixed query rate?
#
#   bench/profile.sh [--server gslbd|knot|nsd|gdnsd|pdns] [--rate QPS] [--duration S]
#                    [--tool perf|callgrind] [--top N] [--no-build] [--dynamic]
#
# Serves bench/run.sh's zone (--dynamic: bench/dynamic.sh's GSLB names and
# query mix with ECS; servers gslbd|gdnsd|pdns) with one server pinned to
# core 1, drives it with dnsperf (core 0) at a modest fixed rate, and prints:
#   1. CPU µs per query (as in run.sh) without any profiler attached;
#   2. syscalls per query (perf trace -s), the figure that dominates at
#      moderate rates (each wake-up costs a recv + a send at least);
#   3. the split of samples between kernel, the server and its libraries;
#   4. the top functions by self time (perf record -e cpu-clock -g).
# With --tool callgrind (or when perf does not work) the server runs under
# valgrind's callgrind instead, at a lower rate, and the top functions by
# instructions are printed. gslbd is built with -g -fno-omit-frame-pointer in
# build-profile/ (Release optimisation otherwise) so call graphs resolve.
# Profiling a peer (--server gdnsd) shows what a lean server looks like.
# (Pipelines into `head` end with `|| true`: under pipefail, the SIGPIPE that
# head gives perf would otherwise stop the script.)
set -euo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
GSLB_BUILD_DIR=${GSLB_BUILD_DIR:-$(cd "$BENCH_DIR/.." && pwd)/build-profile}
# shellcheck source=lib/common.sh
source "$BENCH_DIR/lib/common.sh"

SERVER=gslbd
RATE=20000
DURATION=15
TOOL=""
TOP=40
DO_BUILD=1
DYNAMIC=0
usage() { sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//'; exit "${1:-0}"; }
while (($#)); do
  case $1 in
    --server) SERVER=$2; shift ;;
    --rate) RATE=$2; shift ;;
    --duration) DURATION=$2; shift ;;
    --tool) TOOL=$2; shift ;;
    --top) TOP=$2; shift ;;
    --no-build) DO_BUILD=0 ;;
    --dynamic) DYNAMIC=1 ;;
    -h | --help) usage 0 ;;
    *) echo "unknown option: $1" >&2; usage 2 ;;
  esac
  shift
done

if [[ -z $TOOL ]]; then
  # perf needs a working cpu-clock event (hardware counters are often absent
  # in VMs; the software clock is enough for sampling).
  if perf record -q -e cpu-clock -o /dev/null -- true >/dev/null 2>&1; then TOOL=perf; else TOOL=callgrind; fi
fi
case $TOOL in
  perf) command -v perf >/dev/null || die "perf missing: apt-get install -y linux-perf" ;;
  callgrind) command -v valgrind >/dev/null || die "valgrind missing: apt-get install -y valgrind"
    [[ $RATE -le 5000 ]] || { log "callgrind is ~50x slower: lowering the rate to 2000 qps"; RATE=2000; } ;;
  *) die "--tool perf|callgrind" ;;
esac

WORK=$BENCH_DIR/out/profile-$SERVER-$(date +%Y%m%d-%H%M%S)
mkdir -p "$WORK"
trap 'stop_all_servers' EXIT
trap 'exit 130' INT TERM
log "work dir: $WORK"

if [[ $SERVER == gslbd ]] && ((DO_BUILD)); then
  log "building gslbd with -g -fno-omit-frame-pointer in $GSLB_BUILD_DIR"
  GSLB_CXXFLAGS="$GSLB_CXXFLAGS -g -fno-omit-frame-pointer" build_gslb "$WORK/build.log" ||
    { tail -20 "$WORK/build.log" >&2; die "gslbd does not build (log: $WORK/build.log)"; }
fi
server_available "$SERVER" || die "$SERVER: binary not found ($(server_binary "$SERVER"))"

if ((DYNAMIC)); then
  # shellcheck source=lib/dynamic.sh
  source "$BENCH_DIR/lib/dynamic.sh"
  mkdir -p "$WORK/data"
  gen_dyn_data "$WORK/data"
  [[ $SERVER != gslbd || -z $(gslbd_dynamic_support) ]] || die "this gslbd lacks: $(gslbd_dynamic_support)"
  prepare_server "$SERVER" "$WORK/data/$ZONE.zone" || die "could not prepare $SERVER"
  DNSPERF_INPUT=(-B -d "$WORK/data/queries.bin")
else
  gen_zone "$WORK/$ZONE.zone"
  gen_queries "$WORK/queries.txt" 50000
  prepare_server "$SERVER" "$WORK/$ZONE.zone" || die "could not prepare $SERVER"
  DNSPERF_INPUT=(-d "$WORK/queries.txt" -e)
fi

# drive SECONDS: dnsperf at RATE on the client core; prints "completed".
drive() {
  taskset -c "$CLIENT_CPU" dnsperf -s 127.0.0.1 -p "$(server_port "$SERVER")" "${DNSPERF_INPUT[@]}" \
    -t 1 -c 4 -q 500 -Q "$RATE" -l "$1" >"$WORK/dnsperf-$2.txt" 2>&1
  awk '/Queries completed:/ { print $3 }' "$WORK/dnsperf-$2.txt"
}

if [[ $TOOL == callgrind ]]; then
  # Run the server itself under callgrind (instrumentation only starts with
  # the process, so it cannot attach to a running one).
  orig_cmd=$(server_cmd "$SERVER")
  # shellcheck disable=SC2317 # called by start_server
  server_cmd() { echo "valgrind --tool=callgrind --callgrind-out-file=$WORK/callgrind.out --dump-instr=no $orig_cmd"; }
  start_server "$SERVER"
  drive 2 warmup >/dev/null
  n=$(drive "$DURATION" profile)
  stop_server "$SERVER"
  log "$n queries answered under callgrind"
  echo "== top functions by instructions (inclusive of nothing: self cost) =="
  callgrind_annotate --threshold=99 "$WORK/callgrind.out" 2>/dev/null | sed -n '1,/^$/d;p' | head -n "$TOP" || true
  exit 0
fi

start_server "$SERVER"
pid=${SERVER_PID[$SERVER]}
drive 3 warmup >/dev/null

# 1. Baseline: CPU per query with nothing attached.
c0=$(cpu_sample "$pid")
n=$(drive "$DURATION" baseline)
c1=$(cpu_sample "$pid")
read -r t0 _ <<<"$c0"; read -r t1 _ <<<"$c1"
echo "== $SERVER at $RATE qps: $n queries, CPU $(awk -v d=$((t1 - t0)) -v T="$CLK_TCK" -v n="$n" 'BEGIN { printf "%.2f", d / T * 1e6 / n }') µs/query (no profiler attached)"

# 2. Syscalls per query.
perf trace -s -p "$(proc_tree "$pid" | paste -sd,)" -o "$WORK/trace.txt" &
tpid=$!
sleep 0.5
n=$(drive 5 trace)
kill -INT "$tpid" 2>/dev/null || true
wait "$tpid" 2>/dev/null || true
echo
echo "== syscalls per answered query ($n queries in the traced window; perf trace -s) =="
awk -v n="$n" '$1 ~ /^[a-z_0-9]+$/ && $2 ~ /^[0-9]+$/ { c[$1] += $2; tot += $2 }
  END { for (s in c) printf "  %-18s %8.3f\n", s, c[s] / n | "sort -k2 -rn"; close("sort -k2 -rn"); printf "  %-18s %8.3f\n", "TOTAL", tot / n }' "$WORK/trace.txt"

# 3 + 4. Sampling profile with call graphs.
perf record -q -e cpu-clock -F 4999 -g -p "$(proc_tree "$pid" | paste -sd,)" -o "$WORK/perf.data" &
rpid=$!
sleep 0.5
n=$(drive "$DURATION" perf)
kill -INT "$rpid" 2>/dev/null || true
wait "$rpid" 2>/dev/null || true
echo
echo "== where the samples fall (by DSO; [kernel.kallsyms] = syscalls, networking, scheduling) =="
perf report -i "$WORK/perf.data" --stdio --no-children --sort dso -g none 2>/dev/null |
  grep -E '^ +[0-9.]+%' | head -15 || true
echo
echo "== top $TOP functions by self time =="
perf report -i "$WORK/perf.data" --stdio --no-children --sort dso,symbol -g none --percent-limit 0.3 2>/dev/null |
  grep -E '^ +[0-9.]+%' | sed -E 's/ +- +- *$//' | head -n "$TOP" || true
echo
echo "== inclusive time of $SERVER's own functions (children included; needs frame pointers) =="
perf report -i "$WORK/perf.data" --stdio --children --sort symbol --dsos "$(basename "$(server_binary "$SERVER")")" \
  -g none --percent-limit 1 2>/dev/null | grep -E '^ +[0-9.]+%' | sed -E 's/ +- +- *$//' | head -n "$TOP" || true
echo
echo "Full data: perf report -i $WORK/perf.data   (samples: cpu-clock @ 4999 Hz, $n queries)"
