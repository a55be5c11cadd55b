#!/usr/bin/env bash
# bench/run.sh — compare gslbd with Knot DNS, NSD and gdnsd serving one static
# zone, with dnsperf over UDP on loopback. See bench/README.md for the method.
#
#   bench/run.sh [--quick] [--rounds N] [--rates "20000 50000"] [--duration S]
#                [--sat-duration S] [--servers "gslbd knot nsd gdnsd"]
#                [--no-build] [--results FILE]
#   bench/run.sh --report-only DIR [--results FILE]
#                (re-render DIR/RESULTS.md from DIR/runs.csv, e.g. after
#                changing lib/report.awk)
#
# Per server and round it measures (a) server CPU time per answered query at
# each fixed offered rate (dnsperf -Q), with p50/p99 latency from dnsperf's
# per-query output, and (b) saturation qps (no rate limit). Runs are
# interleaved round-robin over the servers; the report quotes medians.
set -euo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=lib/common.sh
source "$BENCH_DIR/lib/common.sh"

# ----------------------------------------------------------------- options
ROUNDS=5
RATES="20000 50000"
RATE_DURATION=12     # seconds per fixed-rate run
SAT_DURATION=10      # seconds per saturation run
WARMUP_DURATION=3
SERVERS="${ALL_SERVERS[*]}"
DO_BUILD=1
QUICK=0
RESULTS_FILE=""
REPORT_ONLY=""
# dnsperf knobs. Fixed-rate runs: one socket is plenty. Saturation runs: a
# few sockets and enough outstanding queries to keep the server busy, but not
# so many that a slow server's socket buffer overflows (lost queries hold a
# slot until the timeout).
RATE_CLIENTS=${RATE_CLIENTS:-4}
RATE_OUTSTANDING=${RATE_OUTSTANDING:-500}
SAT_CLIENTS=${SAT_CLIENTS:-4}
SAT_OUTSTANDING=${SAT_OUTSTANDING:-200}
DNSPERF_TIMEOUT=${DNSPERF_TIMEOUT:-1}
# Interference control (see wait_quiet / dnsperf_run).
QUIET_WAIT=${QUIET_WAIT:-15}
MAX_OTHER=${MAX_OTHER:-0.10}
MAX_ATTEMPTS=${MAX_ATTEMPTS:-2}
QUERY_COUNT=${QUERY_COUNT:-50000}

usage() { sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//'; exit "${1:-0}"; }
ORIG_CMD="bench/run.sh $*"
while (($#)); do
  case $1 in
    --quick) QUICK=1; ROUNDS=1; RATE_DURATION=5; SAT_DURATION=5; WARMUP_DURATION=1 ;;
    --rounds) ROUNDS=$2; shift ;;
    --rates) RATES=$2; shift ;;
    --duration) RATE_DURATION=$2; shift ;;
    --sat-duration) SAT_DURATION=$2; shift ;;
    --servers) SERVERS=$2; shift ;;
    --no-build) DO_BUILD=0 ;;
    --results) RESULTS_FILE=$2; shift ;;
    --report-only) REPORT_ONLY=$2; shift ;;
    -h | --help) usage 0 ;;
    *) echo "unknown option: $1" >&2; usage 2 ;;
  esac
  shift
done
[[ $ROUNDS =~ ^[1-9][0-9]*$ ]] || die "--rounds wants a positive integer"

# render_report DIR: DIR/header.md (machine, software, settings) + skipped
# servers + the tables computed from DIR/runs.csv → DIR/RESULTS.md.
render_report() {
  local dir=$1 order
  order=$(cat "$dir/servers.txt")
  {
    cat "$dir/header.md"
    if [[ -s $dir/skipped.md ]]; then printf '\n## Skipped servers\n\n'; cat "$dir/skipped.md"; fi
    echo
    awk -F, -v T="$CLK_TCK" -v ORDER="$order" -f "$BENCH_DIR/lib/report.awk" "$dir/runs.csv"
  } >"$dir/RESULTS.md"
}
if [[ -n $REPORT_ONLY ]]; then
  [[ -s $REPORT_ONLY/runs.csv && -s $REPORT_ONLY/header.md ]] || die "$REPORT_ONLY: no runs.csv or header.md"
  render_report "$REPORT_ONLY"
  [[ -z $RESULTS_FILE ]] || cp "$REPORT_ONLY/RESULTS.md" "$RESULTS_FILE"
  cat "$REPORT_ONLY/RESULTS.md"
  exit 0
fi
# A quick run is a smoke test: its figures go to the work dir only.
[[ -n $RESULTS_FILE ]] || { ((QUICK)) || RESULTS_FILE=$BENCH_DIR/RESULTS.md; }

for tool in dnsperf dig taskset awk ps getconf; do
  command -v "$tool" >/dev/null || die "missing tool: $tool (apt-get install -y dnsperf bind9-dnsutils util-linux procps)"
done
(($(nproc) > SERVER_CPU && $(nproc) > CLIENT_CPU)) || die "need cores $CLIENT_CPU and $SERVER_CPU"

# -------------------------------------------------------------- work dir
WORK=$BENCH_DIR/out/run-$(date +%Y%m%d-%H%M%S)
mkdir -p "$WORK"
ln -sfn "$(basename "$WORK")" "$BENCH_DIR/out/latest"
log "work dir: $WORK"
trap 'stop_all_servers' EXIT
trap 'exit 130' INT TERM

# ------------------------------------------------------------------ build
declare -A SKIP_REASON=()
if [[ " $SERVERS " == *" gslbd "* ]]; then
  if ((DO_BUILD)) && ! build_gslb "$WORK/build.log"; then
    SKIP_REASON[gslbd]="build failed (see $WORK/build.log)"
    log "gslbd does not build: skipping it"
    tail -5 "$WORK/build.log" >&2 || true
  fi
fi

# ------------------------------------------------------ zone and queries
gen_zone "$WORK/$ZONE.zone"
gen_queries "$WORK/queries.txt" "$QUERY_COUNT"
log "zone: $(grep -vc '^\$' "$WORK/$ZONE.zone") records; queries: $QUERY_COUNT lines"

# ---------------------------------------------------------------- servers
ACTIVE=()
for s in $SERVERS; do
  [[ -z ${SKIP_REASON[$s]:-} ]] || continue
  if ! server_available "$s"; then
    SKIP_REASON[$s]="binary not found: $(server_binary "$s")"
    log "SKIP $s: ${SKIP_REASON[$s]}"
    continue
  fi
  prepare_server "$s" "$WORK/$ZONE.zone" || die "could not prepare $s (see $WORK/$s/)"
  start_server "$s"
  ACTIVE+=("$s")
done
((${#ACTIVE[@]})) || die "no server to benchmark"

# ----------------------------------------------- same answers everywhere
# Every sample query must get the expected rcode and the same normalised
# answer from every server; a benchmark of servers that disagree is void.
verify_answers() {
  local ref=${ACTIVE[0]} q name type rcode s bad=0 refout out
  for q in "${SAMPLE_QUERIES[@]}"; do
    read -r name type rcode <<<"$q"
    refout=$(dig_norm "$(server_port "$ref")" "$name" "$type")
    for s in "${ACTIVE[@]}"; do
      out=$(dig_norm "$(server_port "$s")" "$name" "$type")
      if ! grep -qx "rcode $rcode" <<<"$out" || ! grep -qx "flags aa" <<<"$out"; then
        echo "MISMATCH: $s: $name $type: want $rcode with AA, got:" >&2
        echo "${out//$'\n'/$'\n'    }" | sed '1s/^/    /' >&2
        bad=1
      elif [[ $out != "$refout" ]]; then
        echo "MISMATCH: $name $type: $ref vs $s:" >&2
        diff <(echo "$refout") <(echo "$out") | sed 's/^/    /' >&2 || true
        bad=1
      fi
    done
    echo "== $name $type" >>"$WORK/verify.txt"
    echo "$refout" >>"$WORK/verify.txt"
  done
  ((bad == 0)) || die "servers disagree on sample answers (above); not measuring"
  log "sample answers agree on ${#SAMPLE_QUERIES[@]} queries across: ${ACTIVE[*]}"
}
verify_answers

# ------------------------------------------------------------ measurement
CSV=$WORK/runs.csv
echo "round,server,kind,offered_qps,duration_s,sent,completed,lost,qps,srv_cpu_ticks,srv_cpu_ns,cli_user_s,cli_sys_s,wall_s,core_cli_busy,core_cli_irq,core_cli_steal,core_srv_busy,core_srv_irq,core_srv_steal,p50_us,p99_us,p999_us,avg_resp_bytes,rcodes,attempts" >"$CSV"

# dnsperf_once SERVER KIND RATE DURATION ROUND: one dnsperf run pinned to the
# client core, with CPU sampled around it. Prints the CSV line (without the
# attempts column). RATE 0 = saturation run.
dnsperf_once() {
  local s=$1 kind=$2 rate=$3 dur=$4 round=$5 port pid out lat tf cpu0 cpu1 core0 core1
  port=$(server_port "$s")
  pid=${SERVER_PID[$s]}
  out=$WORK/$s/dnsperf-$kind-r$round.txt
  lat=$WORK/$s/perquery.tmp
  tf=$WORK/$s/time.tmp
  local -a args=(-s 127.0.0.1 -p "$port" -d "$WORK/queries.txt" -e -t "$DNSPERF_TIMEOUT" -l "$dur")
  if [[ $rate == 0 ]]; then
    args+=(-c "$SAT_CLIENTS" -q "$SAT_OUTSTANDING")
  else
    # -v prints one line per query with its latency: the percentiles come
    # from there (dnsperf 2.10 itself only reports mean and stddev).
    args+=(-c "$RATE_CLIENTS" -q "$RATE_OUTSTANDING" -Q "$rate" -v)
  fi
  kill -0 "$pid" 2>/dev/null || die "$s (pid $pid) died; see $WORK/$s/server.log"
  check_pinning "$s"
  cpu0=$(cpu_sample "$pid")
  core0=$(core_sample)
  # bash's `time` gives dnsperf's own user/sys/real: is the client saturated?
  local TIMEFORMAT='%U %S %R'
  { time taskset -c "$CLIENT_CPU" dnsperf "${args[@]}" >"$lat" 2>"$out.err"; } 2>"$tf" ||
    { cat "$out.err" >&2; die "dnsperf failed against $s"; }
  cpu1=$(cpu_sample "$pid")
  core1=$(core_sample)
  kill -0 "$pid" 2>/dev/null || die "$s (pid $pid) died during the run; see $WORK/$s/server.log"
  # Keep dnsperf's summary (everything but the per-query lines).
  grep -v '^> ' "$lat" >"$out" || true
  local pct=",,"
  if [[ $rate != 0 ]]; then
    # Latency histogram with 1 µs buckets → p50 / p99 / p99.9 in µs.
    pct=$(awk '/^> / { v = int($NF * 1e6 + 0.5); h[v]++; n++; if (v > mx) mx = v }
      END {
        if (!n) { print ",,"; exit }
        split("0.5 0.99 0.999", P, " ")
        for (k = 1; k <= 3; k++) {
          want = P[k] * n; c = 0
          for (v = 0; v <= mx; v++) { c += h[v]; if (c >= want) break }
          o = o (k > 1 ? "," : "") v
        }
        print o
      }' "$lat")
  fi
  rm -f "$lat"
  # dnsperf's summary → sent, completed, lost, qps, response size, rcodes.
  local summary sent comp lost qps rs rc cu cs wall
  summary=$(awk '
    /Queries sent:/ { sent = $3 }
    /Queries completed:/ { comp = $3 }
    /Queries lost:/ { lost = $3 }
    /Queries per second:/ { qps = $4 }
    /Average packet size:/ { rs = $NF }
    /Response codes:/ { sub(/.*Response codes: */, ""); gsub(/ \([0-9.]+%\)/, ""); gsub(/, /, " "); rc = $0 }
    END { printf "%s,%s,%s,%s,%s,%s", sent, comp, lost, qps, rs, rc }' "$out")
  IFS=, read -r sent comp lost qps rs rc <<<"$summary"
  [[ -n $comp && $comp -gt 0 ]] || die "dnsperf completed no queries against $s; see $out and $out.err"
  read -r cu cs wall <"$tf"
  rm -f "$tf"
  local t0 n0 t1 n1
  read -r t0 n0 <<<"$cpu0"; read -r t1 n1 <<<"$cpu1"
  local -a c0 c1
  read -ra c0 <<<"$core0"; read -ra c1 <<<"$core1"
  echo "$round,$s,$kind,$rate,$dur,$sent,$comp,$lost,$qps,$((t1 - t0)),$((n1 - n0)),$cu,$cs,$wall,$((c1[0] - c0[0])),$((c1[1] - c0[1])),$((c1[2] - c0[2])),$((c1[3] - c0[3])),$((c1[4] - c0[4])),$((c1[5] - c0[5])),$pct,$rs,$rc"
}

# dnsperf_run SERVER KIND RATE DURATION ROUND: wait for quiet cores, run,
# and redo the run (up to MAX_ATTEMPTS) when other programs took more than
# MAX_OTHER of either benchmark core meanwhile. Appends to $CSV, prints a
# progress line.
dnsperf_run() {
  local s=$1 kind=$2 attempt line other
  for ((attempt = 1; ; attempt++)); do
    wait_quiet "$QUIET_WAIT" || true
    line=$(dnsperf_once "$@")
    # Share of either core used by anything but the server / dnsperf.
    other=$(awk -F, -v T="$CLK_TCK" '{ s = $18 / T / $14 - $11 / 1e9 / $14; c = $15 / T / $14 - ($12 + $13) / $14
      printf "%.2f", (s > c ? s : c) }' <<<"$line")
    if awk -v o="$other" -v m="$MAX_OTHER" 'BEGIN { exit !(o > m) }' && ((attempt < MAX_ATTEMPTS)); then
      log "  $s $kind: other programs took ${other} of a core; redoing the run"
      continue
    fi
    break
  done
  [[ $kind == warmup ]] && return 0
  echo "$line,$attempt" >>"$CSV"
  awk -F, -v T="$CLK_TCK" '{
    printf "  %-6s %-9s %8.0f qps  cpu %6.2f us/q  client %3.0f%%  server %3.0f%%  p99 %s us  lost %s\n",
      $2, $3, $9, $10 / T * 1e6 / $7, ($12 + $13) / $14 * 100, $11 / 1e9 / $14 * 100, ($22 == "" ? "-" : $22), $8 }' <<<"$line" >&2
}

log "warming up each server for ${WARMUP_DURATION}s"
for s in "${ACTIVE[@]}"; do MAX_ATTEMPTS=1 QUIET_WAIT=5 dnsperf_run "$s" warmup 20000 "$WARMUP_DURATION" 0; done

KINDS=()
for r in $RATES; do KINDS+=("rate$r"); done
KINDS+=(sat)
n=${#ACTIVE[@]}
for ((round = 1; round <= ROUNDS; round++)); do
  log "round $round/$ROUNDS"
  for kind in "${KINDS[@]}"; do
    # Rotate the starting server each round so no one always goes first.
    for ((i = 0; i < n; i++)); do
      s=${ACTIVE[$(((i + round - 1) % n))]}
      if [[ $kind == sat ]]; then
        dnsperf_run "$s" "$kind" 0 "$SAT_DURATION" "$round"
      else
        dnsperf_run "$s" "$kind" "${kind#rate}" "$RATE_DURATION" "$round"
      fi
      sleep 1
    done
  done
done

stop_all_servers

# ---------------------------------------------------------------- report
: >"$WORK/skipped.md"
for s in "${!SKIP_REASON[@]}"; do echo "- $s: ${SKIP_REASON[$s]}" >>"$WORK/skipped.md"; done
echo "${ACTIVE[*]}" >"$WORK/servers.txt"
versions=""
for s in "${ACTIVE[@]}"; do versions+="- $(server_version "$s")"$'\n'; done
versions+="- dnsperf $(dpkg-query -W -f='${Version}' dnsperf 2>/dev/null)"$'\n'
cat >"$WORK/header.md" <<EOF
# gslb benchmark results

Generated by \`$ORIG_CMD\` on $(date -u '+%Y-%m-%d %H:%M UTC'). Method and how to
read this: [README.md](README.md). Raw per-run data: \`${WORK#"$REPO_DIR"/}/runs.csv\`
(not in git).

## Machine

- CPU: $(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo), $(nproc) cores online
  ($(awk -F': ' '/^cpu MHz/ { printf "%.0f MHz", $2; exit }' /proc/cpuinfo)); $(grep -qw hypervisor /proc/cpuinfo && echo "virtual machine (hypervisor flag)" || echo "bare metal")
- kernel: $(uname -srm)
- OS: $(. /etc/os-release && echo "$PRETTY_NAME")
- server pinned to core $SERVER_CPU, dnsperf to core $CLIENT_CPU; loopback UDP (IPv4)
- load average when the run ended: $(cut -d' ' -f1-3 /proc/loadavg)

## Software

$versions
## Settings

- rounds: $ROUNDS (interleaved round-robin over servers, start rotated per round); figures are medians over rounds
- fixed-rate runs: $RATES qps offered for ${RATE_DURATION}s each (\`dnsperf -Q RATE -c $RATE_CLIENTS -q $RATE_OUTSTANDING -e -t $DNSPERF_TIMEOUT -v\`)
- saturation runs: ${SAT_DURATION}s (\`dnsperf -c $SAT_CLIENTS -q $SAT_OUTSTANDING -e -t $DNSPERF_TIMEOUT\`)
- zone: $ZONE, $(grep -vc '^\$' "$WORK/$ZONE.zone") records; query mix (${QUERY_COUNT} lines, looped): 80% positive (A/AAAA/wildcard/TXT), 10% NXDOMAIN, 5% NODATA, 5% CNAME (out-of-zone target)
- server command lines: $(for s in "${ACTIVE[@]}"; do printf '\x60%s\x60; ' "$(server_cmd "$s" | sed "s|$WORK/||g")"; done)
- environment: GSLB_CXXFLAGS='${GSLB_CXXFLAGS}' GSLB_CMAKE_ARGS='${GSLB_CMAKE_ARGS}' GSLBD_EXTRA_ARGS='${GSLBD_EXTRA_ARGS}' QUIET_WAIT=$QUIET_WAIT MAX_OTHER=$MAX_OTHER MAX_ATTEMPTS=$MAX_ATTEMPTS
- one UDP worker per server (gslbd \`--threads 1\`, knot \`udp-workers: 1\`, nsd \`server-count: 1\`, gdnsd \`udp_threads => 1\`)
EOF
render_report "$WORK"
REPORT=$WORK/RESULTS.md

if [[ -n $RESULTS_FILE ]]; then
  cp "$REPORT" "$RESULTS_FILE"
  log "report: $RESULTS_FILE (copy in $REPORT)"
else
  log "report (quick run, not copied to bench/RESULTS.md): $REPORT"
fi
cat "$REPORT"
