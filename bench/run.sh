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

# shellcheck source=lib/measure.sh
source "$BENCH_DIR/lib/measure.sh"

# ----------------------------------------------------------------- options
# (durations, dnsperf knobs and interference control: see lib/measure.sh)
ROUNDS=5
RATES="20000 50000"
SERVERS="${ALL_SERVERS[*]}"
DO_BUILD=1
QUICK=0
RESULTS_FILE=""
REPORT_ONLY=""
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

if [[ -n $REPORT_ONLY ]]; then
  [[ -s $REPORT_ONLY/runs.csv && -s $REPORT_ONLY/header.md ]] || die "$REPORT_ONLY: no runs.csv or header.md"
  render_report "$REPORT_ONLY"
  [[ -z $RESULTS_FILE ]] || install_section "$RESULTS_FILE" static "$REPORT_ONLY/RESULTS.md"
  cat "$REPORT_ONLY/RESULTS.md"
  exit 0
fi
# A quick run is a smoke test: its figures go to the work dir only.
[[ -n $RESULTS_FILE ]] || { ((QUICK)) || RESULTS_FILE=$BENCH_DIR/RESULTS.md; }

check_bench_tools

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
set_dnsperf_input() { INPUT_ARGS=(-d "$WORK/queries.txt" -e); }
KINDS=()
for r in $RATES; do KINDS+=("rate$r"); done
KINDS+=(sat)
run_rounds "$ROUNDS" "${KINDS[@]}"

stop_all_servers

# ---------------------------------------------------------------- report
: >"$WORK/skipped.md"
for s in "${!SKIP_REASON[@]}"; do echo "- $s: ${SKIP_REASON[$s]}" >>"$WORK/skipped.md"; done
echo "${ACTIVE[*]}" >"$WORK/servers.txt"
write_header "$WORK" "gslb benchmark results" "$ORIG_CMD" \
  "- offered rates: $RATES qps; queries with EDNS0 (\`dnsperf -e\`)" \
  "- zone: $ZONE, $(grep -vc '^\$' "$WORK/$ZONE.zone") records; query mix (${QUERY_COUNT} lines, looped): 80% positive (A/AAAA/wildcard/TXT), 10% NXDOMAIN, 5% NODATA, 5% CNAME (out-of-zone target)" \
  "- one UDP worker per server (gslbd \`--threads 1\`, knot \`udp-workers: 1\`, nsd \`server-count: 1\`, gdnsd \`udp_threads => 1\`)"
render_report "$WORK"
REPORT=$WORK/RESULTS.md

if [[ -n $RESULTS_FILE ]]; then
  # RESULTS.md may also hold the dynamic benchmark's section: keep it.
  install_section "$RESULTS_FILE" static "$REPORT"
  log "report: $RESULTS_FILE, section \"static\" (copy in $REPORT)"
else
  log "report (quick run, not copied to bench/RESULTS.md): $REPORT"
fi
cat "$REPORT"
