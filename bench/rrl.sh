#!/usr/bin/env bash
# Response rate limiting under a spoofed-source flood: dnsperf floods one name "from" a victim
# address (127.0.1.1: any 127.x.y.z is local, so one host plays every prefix) while three
# legitimate resolvers in other /24s (127.0.2.1, 127.0.3.1, 127.0.4.1) ask many names, the
# flooded one among them. Interleaved rounds with gslbd's rate limiting on (the defaults, with
# loopback no longer exempt) and off. Reports, per configuration, the fraction of legitimate
# queries answered, and what reached the victim: answers per second and bytes out per byte in.
#
#   bench/rrl.sh [--quick] [--rounds N] [--flood-rate QPS] [--legit-rate QPS] [--seconds S]
#                [--results FILE]
set -euo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=lib/common.sh
source "$BENCH_DIR/lib/common.sh"
# shellcheck source=lib/measure.sh
source "$BENCH_DIR/lib/measure.sh"

ROUNDS=3
FLOOD_RATE=20000
LEGIT_RATE=300
SECONDS_PER_RUN=10
RESULTS_FILE=$REPO_DIR/bench/RESULTS.md
VICTIM=127.0.1.1
LEGIT_SOURCES=(127.0.2.1 127.0.3.1 127.0.4.1)
FLOODED_NAME=h1.$ZONE
declare -A CONFIG_ARGS=(
  [rrl-off]="--rrl-rate 0"
  [rrl-default]="--rrl-exempt none"
)
CONFIGS=(rrl-default rrl-off)

while (($#)); do
  case $1 in
    --quick) ROUNDS=1 SECONDS_PER_RUN=4 RESULTS_FILE="" ;;
    --rounds) ROUNDS=$2; shift ;;
    --flood-rate) FLOOD_RATE=$2; shift ;;
    --legit-rate) LEGIT_RATE=$2; shift ;;
    --seconds) SECONDS_PER_RUN=$2; shift ;;
    --results) RESULTS_FILE=$2; shift ;;
    *) die "unknown argument: $1 (see the header of $0)" ;;
  esac
  shift
done

WORK=$BENCH_DIR/out/rrl-$(date +%Y%m%d-%H%M%S)
mkdir -p "$WORK"
ln -sfn "$WORK" "$BENCH_DIR/out/latest-rrl"
trap stop_all_servers EXIT

# The flood asks one name; each legitimate resolver asks 1000 wildcard names (each well
# under the per-name rate) and the flooded name once in 20 queries.
make_inputs() {
  echo "$FLOODED_NAME A" >"$WORK/flood.txt"
  awk -v Z="$ZONE" -v F="$FLOODED_NAME" 'BEGIN {
    for (i = 0; i < 1000; i++) { printf "r%d.wild.%s A\n", i, Z; if (i % 20 == 0) printf "%s A\n", F }
  }' >"$WORK/legit.txt"
}

# dnsperf_from SOURCE INPUT RATE OUT: dnsperf at SOURCE, on the client core. Unanswered
# queries stay outstanding for the 1 s timeout: room for a whole second of the flood keeps
# dnsperf sending at the offered rate, as a spoofing attacker (who never waits) does.
dnsperf_from() {
  local outstanding=$(($3 * 2 > 1000 ? $3 * 2 : 1000))
  taskset -c "$CLIENT_CPU" dnsperf -s 127.0.0.1 -p "$(server_port gslbd)" -a "$1" -d "$2" \
    -Q "$3" -l "$SECONDS_PER_RUN" -c 8 -q "$outstanding" -t 1 >"$4" 2>&1
}

# summary FILE: "sent completed request_bytes response_bytes" from dnsperf's report.
summary() {
  awk '/Queries sent:/ { s = $3 } /Queries completed:/ { c = $3 }
    /Average packet size:/ { gsub(/,/, ""); q = $5; r = $7 }
    END { printf "%d %d %s %s\n", s, c, q, r }' "$1"
}

run_config() {
  local config=$1 round=$2 d=$WORK/gslbd
  GSLBD_BENCH_ARGS=${CONFIG_ARGS[$config]}
  start_server gslbd
  local out=$WORK/$config-r$round pids=() i cpu0 cpu1 t0 t1
  mkdir -p "$out"
  wait_quiet "$QUIET_WAIT" || log "cores $CLIENT_CPU/$SERVER_CPU not quiet; measuring anyway"
  cpu0=$(cpu_sample "${SERVER_PID[gslbd]}")
  dnsperf_from "$VICTIM" "$WORK/flood.txt" "$FLOOD_RATE" "$out/flood.txt" &
  pids+=($!)
  for i in "${!LEGIT_SOURCES[@]}"; do
    dnsperf_from "${LEGIT_SOURCES[$i]}" "$WORK/legit.txt" "$LEGIT_RATE" "$out/legit$i.txt" &
    pids+=($!)
  done
  wait "${pids[@]}"
  cpu1=$(cpu_sample "${SERVER_PID[gslbd]}")
  stop_server gslbd
  cp "$d/server.log" "$out/server.log"
  local fs fc fq fr ls=0 lc=0 s c q r
  read -r fs fc fq fr <<<"$(summary "$out/flood.txt")"
  for i in "${!LEGIT_SOURCES[@]}"; do
    read -r s c q r <<<"$(summary "$out/legit$i.txt")"
    ls=$((ls + s)) lc=$((lc + c))
  done
  read -r t0 _ <<<"$cpu0"
  read -r t1 _ <<<"$cpu1"
  # gslbd's share of its core over the run: 1.0 would mean it, not the offered rate, limited.
  local busy
  busy=$(awk -v t="$((t1 - t0))" -v h="$CLK_TCK" -v s="$SECONDS_PER_RUN" 'BEGIN { printf "%.3f", t / h / s }')
  echo "$round,$config,$fs,$fc,$fq,$fr,$ls,$lc,$busy" >>"$WORK/runs.csv"
  log "$config round $round: flood $fc/$fs answered, legitimate $lc/$ls answered"
}

# median of the values on stdin
median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

report() {
  local config
  {
    echo "# Response rate limiting under a spoofed-source flood (bench/rrl.sh)"
    echo
    echo "Run $(date -u +%Y-%m-%dT%H:%MZ) on $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'))."
    echo "gslbd --threads 1 pinned to core $SERVER_CPU; every dnsperf on core $CLIENT_CPU."
    echo "Flood: $FLOOD_RATE qps offered for one name ($FLOODED_NAME A) from $VICTIM (the spoofed"
    echo "victim). Legitimate: ${#LEGIT_SOURCES[@]} resolvers in other /24s, $LEGIT_RATE qps each over 1000"
    echo "wildcard names plus the flooded name. $ROUNDS interleaved rounds of ${SECONDS_PER_RUN} s; medians."
    echo "\`rrl-default\`: gslbd's defaults (--rrl-rate 100, --rrl-slip 2, /24) with --rrl-exempt none"
    echo "(by default loopback is exempt); \`rrl-off\`: --rrl-rate 0."
    echo
    echo "| configuration | legitimate answered | flood answered (to the victim) | answers/s to the victim | victim bytes out / bytes in | gslbd core busy |"
    echo "|---|---|---|---|---|---|"
    for config in "${CONFIGS[@]}"; do
      local legit flood rate amp busy
      busy=$(awk -F, -v C="$config" '$2 == C { print $9 }' "$WORK/runs.csv" | median)
      legit=$(awk -F, -v C="$config" '$2 == C { printf "%.4f\n", $8 / $7 }' "$WORK/runs.csv" | median)
      flood=$(awk -F, -v C="$config" '$2 == C { printf "%.4f\n", $4 / $3 }' "$WORK/runs.csv" | median)
      rate=$(awk -F, -v C="$config" -v S="$SECONDS_PER_RUN" '$2 == C { printf "%.0f\n", $4 / S }' "$WORK/runs.csv" | median)
      amp=$(awk -F, -v C="$config" '$2 == C { printf "%.3f\n", ($4 * $6) / ($3 * $5) }' "$WORK/runs.csv" | median)
      printf '| %s | %.2f%% | %.2f%% | %s | %s | %.0f%% |\n' "$config" \
        "$(awk -v v="$legit" 'BEGIN { print v * 100 }')" "$(awk -v v="$flood" 'BEGIN { print v * 100 }')" \
        "$rate" "$amp" "$(awk -v v="$busy" 'BEGIN { print v * 100 }')"
    done
    echo
    echo "What limited the run: the offered rates, as long as gslbd's core is well under 100% busy"
    echo "(last column). A truncated (slip) answer counts as answered: it is what a real resolver at"
    echo "the victim's address needs to retry over TCP. Raw runs: runs.csv (round, config, flood"
    echo "sent, flood answered, request bytes, response bytes, legitimate sent, legitimate"
    echo "answered, gslbd core busy)."
  } >"$WORK/RESULTS.md"
}

check_bench_tools
[[ -x $GSLBD ]] || build_gslb "$WORK/build.log" || die "gslbd did not build; see $WORK/build.log"
gen_zone "$WORK/zone.txt"
prepare_server gslbd "$WORK/zone.txt" || die "cannot prepare gslbd's store"
make_inputs
for ((round = 1; round <= ROUNDS; round++)); do
  for config in "${CONFIGS[@]}"; do run_config "$config" "$round"; done
done
report
cat "$WORK/RESULTS.md"
[[ -z $RESULTS_FILE ]] || install_section "$RESULTS_FILE" rrl "$WORK/RESULTS.md"
