#!/usr/bin/env bash
# bench/dynamic.sh — gslbd's dynamic (GSLB) answers against gdnsd's geoip +
# weighted plugins and PowerDNS's LUA records, answering the same four names
# (proximity, latency, geo, weighted) for clients given by EDNS Client Subnet,
# with dnsperf over UDP on loopback. Same method as bench/run.sh; see
# bench/README.md ("Dynamic answers").
#
#   bench/dynamic.sh [--quick] [--rounds N] [--rates "10000 20000 50000"]
#                    [--per-name-rate QPS] [--duration S] [--sat-duration S]
#                    [--servers "gslbd gdnsd pdns"] [--no-build] [--results FILE]
#   bench/dynamic.sh --report-only DIR [--results FILE]
#
# Per server and round: server CPU time per answered query at each fixed rate
# of the query mix (with p50/p99 latency), saturation qps, and CPU per query
# at --per-name-rate (default 20000; 0 = skip) for each name alone. Runs are
# interleaved round-robin over the servers; the report quotes medians and
# goes into the "dynamic" section of bench/RESULTS.md.
set -euo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=lib/common.sh
source "$BENCH_DIR/lib/common.sh"
# shellcheck source=lib/measure.sh
source "$BENCH_DIR/lib/measure.sh"
# shellcheck source=lib/dynamic.sh
source "$BENCH_DIR/lib/dynamic.sh"

# ----------------------------------------------------------------- options
ROUNDS=5
RATES="10000 20000 50000"
PER_NAME_RATE=20000
SERVERS="${DYN_SERVERS[*]}"
DO_BUILD=1
QUICK=0
RESULTS_FILE=""
REPORT_ONLY=""
# Ratio targets (issue: at least as fast as gdnsd, well ahead of PowerDNS —
# read as at most half its CPU per query).
TARGETS=${DYN_TARGETS:-"gdnsd:1.00 pdns:0.50"}

usage() { sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//'; exit "${1:-0}"; }
ORIG_CMD="bench/dynamic.sh $*"
while (($#)); do
  case $1 in
    --quick) QUICK=1; ROUNDS=1; RATE_DURATION=5; SAT_DURATION=5; WARMUP_DURATION=1 ;;
    --rounds) ROUNDS=$2; shift ;;
    --rates) RATES=$2; shift ;;
    --per-name-rate) PER_NAME_RATE=$2; shift ;;
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
[[ $PER_NAME_RATE =~ ^[0-9]+$ ]] || die "--per-name-rate wants a rate in qps (0 = none)"

if [[ -n $REPORT_ONLY ]]; then
  [[ -s $REPORT_ONLY/runs.csv && -s $REPORT_ONLY/header.md ]] || die "$REPORT_ONLY: no runs.csv or header.md"
  render_report "$REPORT_ONLY"
  [[ -z $RESULTS_FILE ]] || install_section "$RESULTS_FILE" dynamic "$REPORT_ONLY/RESULTS.md"
  cat "$REPORT_ONLY/RESULTS.md"
  exit 0
fi
# A quick run is a smoke test: its figures go to the work dir only.
[[ -n $RESULTS_FILE ]] || { ((QUICK)) || RESULTS_FILE=$BENCH_DIR/RESULTS.md; }

check_bench_tools
for m in MaxMind::DB::Writer::Tree MaxMind::DB::Reader; do
  perl -M"$m" -e 1 2>/dev/null || die "missing perl module $m (apt-get install -y libmaxmind-db-writer-perl libmaxmind-db-reader-perl)"
done

# -------------------------------------------------------------- work dir
WORK=$BENCH_DIR/out/dynamic-$(date +%Y%m%d-%H%M%S)
DATA=$WORK/data
mkdir -p "$DATA"
ln -sfn "$(basename "$WORK")" "$BENCH_DIR/out/latest-dynamic"
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
  elif server_available gslbd; then
    lacking=$(gslbd_dynamic_support)
    if [[ -n $lacking ]]; then
      SKIP_REASON[gslbd]="this build lacks: $lacking"
      log "SKIP gslbd: ${SKIP_REASON[gslbd]}"
    fi
  fi
fi

# ------------------------------------------------------- data and queries
gen_dyn_data "$DATA"
log "$(tail -1 "$DATA/make_geo_mmdb.log" | sed 's/^make_geo_mmdb: //')"
log "$(head -1 "$DATA/gen_queries.log" | sed 's/^gen_queries: //')"

# ---------------------------------------------------------------- servers
ACTIVE=()
for s in $SERVERS; do
  [[ " ${DYN_SERVERS[*]} " == *" $s "* ]] || die "unknown server $s (dynamic benchmark: ${DYN_SERVERS[*]})"
  [[ -z ${SKIP_REASON[$s]:-} ]] || continue
  if ! server_available "$s"; then
    SKIP_REASON[$s]="binary not found: $(server_binary "$s")"
    [[ $s != pdns ]] || SKIP_REASON[$s]+=" (apt-get install -y pdns-server pdns-backend-bind pdns-backend-geoip)"
    log "SKIP $s: ${SKIP_REASON[$s]}"
    continue
  fi
  prepare_server "$s" "$DATA/$ZONE.zone" || die "could not prepare $s (see $WORK/$s/)"
  start_server "$s"
  ACTIVE+=("$s")
done
((${#ACTIVE[@]})) || die "no server to benchmark"

# ------------------------------------------ plausible answers everywhere
if verify_dynamic "$DATA" "${ACTIVE[@]}"; then
  log "sample answers checked across: ${ACTIVE[*]} (summary: $WORK/verify.md)"
else
  cat "$WORK/verify.md" >&2
  die "answers are not as expected (above; VERIFY_STRICT=0 to measure anyway); not measuring"
fi
sed -n '/^| server/,/^$/p' "$WORK/verify.md" >&2

# ------------------------------------------------------------ measurement
# The mix for fixed-rate and saturation runs; one name alone for "rateN:NAME".
set_dnsperf_input() {
  case $1 in
    *:*) INPUT_ARGS=(-B -d "$DATA/queries-${1#*:}.bin") ;;
    *) INPUT_ARGS=(-B -d "$DATA/queries.bin") ;;
  esac
}
KINDS=()
for r in $RATES; do KINDS+=("rate$r"); done
KINDS+=(sat)
if ((PER_NAME_RATE > 0)); then
  for n in "${DYN_NAMES[@]}"; do KINDS+=("rate$PER_NAME_RATE:$n"); done
fi
run_rounds "$ROUNDS" "${KINDS[@]}"

# Anything the servers logged about failing queries goes into the report.
for s in "${ACTIVE[@]}"; do
  n=$(grep -ciE 'error|exception|fail' "$WORK/$s/server.log" || true)
  ((n == 0)) || log "note: $s logged $n error/exception/failure lines (see $WORK/$s/server.log)"
done
stop_all_servers

# ---------------------------------------------------------------- report
: >"$WORK/skipped.md"
for s in "${!SKIP_REASON[@]}"; do echo "- $s: ${SKIP_REASON[$s]}" >>"$WORK/skipped.md"; done
echo "${ACTIVE[*]}" >"$WORK/servers.txt"
echo "$TARGETS" >"$WORK/targets.txt"
cp "$WORK/verify.md" "$WORK/notes.md"
cat >>"$WORK/notes.md" <<'EOF'

The three configurations are equivalent but not identical: README.md ("Dynamic answers", known non-equivalences) lists where they differ (gdnsd and PowerDNS have no latency policy; PowerDNS ranks by flat-map distance; ECS scopes differ).
EOF
per_name=""
((PER_NAME_RATE == 0)) || per_name="; each name alone at $PER_NAME_RATE qps (same clients)"
write_header "$WORK" "Dynamic answers: gslbd, gdnsd (geoip + weighted), PowerDNS (LUA records)" "$ORIG_CMD" \
  "- offered rates: $RATES qps of the mix$per_name" \
  "- zone: $ZONE, 4 GSLB names (prox: proximity, lat: latency, geo: continent map, wrr: weighted) over 5 regions of 2 IPv4 members each, one answer per query, TTL 30 ([dynamic/gslb.yaml](dynamic/gslb.yaml), [dynamic/gdnsd.config](dynamic/gdnsd.config), [dynamic/pdns.records](dynamic/pdns.records))" \
  "- queries ($QUERY_COUNT, looped; wire format with per-query ECS, \`dnsperf -B\`): 30% prox, 25% lat, 30% geo, 15% wrr; clients: 80% ECS IPv4 /24 and 10% ECS IPv6 /56 inside the database, 5% ECS outside it, 5% no ECS" \
  "- MaxMind DB: generated GeoIP2-City schema, $(tail -1 "$DATA/make_geo_mmdb.log" | sed -e 's/^make_geo_mmdb: //' -e 's/ ->.*//'), $(stat -c %s "$DATA/geo.mmdb") bytes" \
  "- one UDP worker per server (gslbd \`--threads 1\`, gdnsd \`udp_threads => 1\`, PowerDNS \`receiver-threads=1 distributor-threads=1\`); PowerDNS \`enable-lua-records=$PDNS_LUA_RECORDS\`"
render_report "$WORK"
REPORT=$WORK/RESULTS.md

if [[ -n $RESULTS_FILE ]]; then
  # RESULTS.md also holds the static benchmark's section: keep it.
  install_section "$RESULTS_FILE" dynamic "$REPORT"
  log "report: $RESULTS_FILE, section \"dynamic\" (copy in $REPORT)"
else
  log "report (quick run, not copied to bench/RESULTS.md): $REPORT"
fi
cat "$REPORT"
