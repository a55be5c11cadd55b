#!/usr/bin/env bash
# bench/failover.sh — how long after a regional load balancer fails does
# gslbd answer with the next pool? gslbd + gslb-healthd + two test backends
# (tests/support/backend.py) on loopback, a failover service over two pools;
# per trial the primary's backend fails, and a DNS client asking every 10 ms
# times the switch to the secondary. See bench/README.md ("Failover time").
#
#   bench/failover.sh [--trials N] [--variants "kill hang"] [--quick]
#                     [--no-build] [--results FILE]
#
# Variants: kill (SIGKILL: connection refused), hang (the backend accepts
# and never answers: probes time out), http503 (answers 503). The report goes
# into the "failover" section of bench/RESULTS.md (not with --quick).
set -euo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=lib/common.sh
source "$BENCH_DIR/lib/common.sh"
# shellcheck source=lib/measure.sh
source "$BENCH_DIR/lib/measure.sh"
# shellcheck source=lib/healthd.sh
source "$BENCH_DIR/lib/healthd.sh"

# ----------------------------------------------------------------- options
TRIALS=20
VARIANTS="kill hang"
DO_BUILD=1
QUICK=0
RESULTS_FILE=""
# The monitor (the issue's example: interval 1 s, fall 2) and gslbd's store poll.
INTERVAL_MS=${INTERVAL_MS:-1000}
TIMEOUT_MS=${TIMEOUT_MS:-500}
FALL=${FALL:-2}
RISE=${RISE:-2}
GSLBD_POLL_MS=${GSLBD_POLL_MS:-50}
# The DNS client's cadence (ms between queries while waiting for the switch).
CLIENT_POLL_MS=${CLIENT_POLL_MS:-10}

usage() { sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'; exit "${1:-0}"; }
ORIG_CMD="bench/failover.sh${*:+ $*}"
while (($#)); do
  case $1 in
    --trials) TRIALS=$2; shift ;;
    --variants) VARIANTS=$2; shift ;;
    --quick) QUICK=1; TRIALS=3 ;;
    --no-build) DO_BUILD=0 ;;
    --results) RESULTS_FILE=$2; shift ;;
    -h | --help) usage 0 ;;
    *) echo "unknown option: $1" >&2; usage 2 ;;
  esac
  shift
done
[[ $TRIALS =~ ^[1-9][0-9]*$ ]] || die "--trials wants a positive integer"
for v in $VARIANTS; do
  [[ $v == kill || $v == hang || $v == http503 ]] || die "unknown variant $v (kill, hang, http503)"
done
# A quick run is a smoke test: its figures go to the work dir only.
[[ -n $RESULTS_FILE ]] || { ((QUICK)) || RESULTS_FILE=$BENCH_DIR/RESULTS.md; }
for tool in python3 sqlite3; do command -v "$tool" >/dev/null || die "missing tool: $tool"; done

# -------------------------------------------------------------- work dir
WORK=$BENCH_DIR/out/failover-$(date +%Y%m%d-%H%M%S)
mkdir -p "$WORK"
ln -sfn "$(basename "$WORK")" "$BENCH_DIR/out/latest-failover"
log "work dir: $WORK"
trap 'hb_cleanup' EXIT
trap 'exit 130' INT TERM

if ((DO_BUILD)); then
  hb_build "$WORK/build.log" || { tail -20 "$WORK/build.log" >&2; die "build failed (log: $WORK/build.log)"; }
fi
hb_check_binaries

# ------------------------------------------------------- store and config
ZONE_NAME=fo.bench.test
NAME=www.$ZONE_NAME
PRIMARY=127.0.0.2
SECONDARY=127.0.0.3
DNS_PORT=$(hb_py freeport --udp --bind 127.0.0.1)
PORT1=$(hb_py freeport --bind "$PRIMARY")
PORT2=$(hb_py freeport --bind "$SECONDARY")
DB=$WORK/gslb.db
cat >"$WORK/gslb.yaml" <<EOF
# bench/failover.sh: one failover service over two pools, one member each,
# each pool with its own monitor (its backend's port).
zones:
  - name: $ZONE_NAME.
    content: |
      \$ORIGIN $ZONE_NAME.
      @ 300 IN SOA ns1 hostmaster 1 3600 600 1209600 30
      @ 300 IN NS ns1
      ns1 300 IN A 192.0.2.53
monitors:
  - {name: primary-web, type: http, port: $PORT1, path: /healthz, interval: ${INTERVAL_MS}ms, timeout: ${TIMEOUT_MS}ms, rise: $RISE, fall: $FALL}
  - {name: secondary-web, type: http, port: $PORT2, path: /healthz, interval: ${INTERVAL_MS}ms, timeout: ${TIMEOUT_MS}ms, rise: $RISE, fall: $FALL}
regions:
  - {name: east, lat: 40.7, lon: -74.0}
  - {name: west, lat: 37.8, lon: -122.4}
pools:
  - {name: primary, region: east, monitor: primary-web, members: [{address: $PRIMARY}]}
  - {name: secondary, region: west, monitor: secondary-web, members: [{address: $SECONDARY}]}
services:
  - name: $NAME
    policy: failover
    ttl: 5
    degraded_ttl: 5
    pools:
      - {pool: primary, priority: 1}
      - {pool: secondary, priority: 2}
EOF
{ "$GSLBADM" --db "$DB" init && "$GSLBADM" --db "$DB" apply -f "$WORK/gslb.yaml"; } >"$WORK/apply.log" 2>&1 ||
  { cat "$WORK/apply.log" >&2; die "gslbadm apply failed (log: $WORK/apply.log)"; }

# ---------------------------------------------------------------- programs
BACKEND=$REPO_DIR/tests/support/backend.py
start_backend() { # NAME ADDRESS PORT
  hb_spawn "$1" python3 "$BACKEND" --bind "$2" --port "$3"
  hb_wait_log "$1" '^ready '
}
start_backend primary "$PRIMARY" "$PORT1"
start_backend secondary "$SECONDARY" "$PORT2"
GSLBD_CMD=("$GSLBD" --db "$DB" --listen "127.0.0.1:$DNS_PORT" --threads 1 --poll-interval "$GSLBD_POLL_MS")
HEALTHD_CMD=("$HEALTHD" --db "$DB" --vantage bench --stats-interval 10000)
hb_spawn gslbd "${GSLBD_CMD[@]}"
hb_wait_log gslbd 'event=ready'
hb_spawn healthd "${HEALTHD_CMD[@]}"
hb_wait_log healthd 'event=healthd_started'
log "gslbd on 127.0.0.1:$DNS_PORT, backends $PRIMARY:$PORT1 and $SECONDARY:$PORT2"
ms=$(hb_py wait-answer "$DNS_PORT" "$NAME" "$PRIMARY" 15) ||
  die "gslbd never answered $NAME with $PRIMARY (answer: $(hb_py query "$DNS_PORT" "$NAME")); logs in $WORK"
log "answer is the primary after ${ms} ms; $TRIALS trials per variant: $VARIANTS"

# ------------------------------------------------------------------ trials
CONTROL=http://$PRIMARY:$PORT1/control
# Machine load over the trials (is anything else competing for the CPU?).
machine_ticks() { awk '/^cpu / { print $2 + $3 + $4 + $7 + $8, $2 + $3 + $4 + $5 + $6 + $7 + $8 + $9 }' /proc/stat; }
M0=$(machine_ticks)
OURS0=$(($(cpu_sample "${HB_PID[healthd]}" | cut -d' ' -f1) + $(cpu_sample "${HB_PID[gslbd]}" | cut -d' ' -f1)))
echo "variant,trial,t0_unix_ms,failover_ms,last_from_ms,queries,detect_ms,reason,recovery_ms" >"$WORK/trials.csv"
for variant in $VARIANTS; do
  for ((trial = 1; trial <= TRIALS; trial++)); do
    # The primary must be answered (and up for healthd) before it fails.
    hb_py wait-answer "$DNS_PORT" "$NAME" "$PRIMARY" 15 >/dev/null ||
      die "trial $variant/$trial: the answer is not $PRIMARY (it is $(hb_py query "$DNS_PORT" "$NAME"))"
    case $variant in
      kill) action="kill:${HB_PID[primary]}" ;;
      hang) action="post:$CONTROL {\"hang\": true}" ;;
      http503) action="post:$CONTROL {\"status\": 503}" ;;
    esac
    # The failure lands at a random point of the probe cadence.
    line=$(hb_py trial --port "$DNS_PORT" --name "$NAME" --from "$PRIMARY" --to "$SECONDARY" \
      --action "$action" --delay-max-ms "$INTERVAL_MS" --poll-ms "$CLIENT_POLL_MS" --timeout 15 \
      --log "$WORK/healthd.log" --address "$PRIMARY") || true
    [[ $line != error,* ]] || die "trial $variant/$trial: ${line#error,}"
    # Bring the primary back (at a random point of the cadence too: right
    # after the switch it would always come back at the same phase) and time
    # until it is answered again (rise).
    sleep "$(awk -v seed="$RANDOM" -v i="$INTERVAL_MS" 'BEGIN { srand(seed); printf "%.3f", rand() * i / 1000 }')"
    case $variant in
      kill)
        wait "${HB_PID[primary]}" 2>/dev/null || true
        unset "HB_PID[primary]"
        start_backend primary "$PRIMARY" "$PORT1"
        ;;
      hang) hb_py post "$CONTROL" '{"hang": false}' ;;
      http503) hb_py post "$CONTROL" '{"status": 200}' ;;
    esac
    rec=$(hb_py wait-answer "$DNS_PORT" "$NAME" "$PRIMARY" 15) || rec=timeout
    echo "$variant,$trial,$line,$rec" >>"$WORK/trials.csv"
    IFS=, read -r _ fo _ _ det reason <<<"$line"
    log "  $variant $trial/$TRIALS: failover ${fo} ms (healthd saw it down after ${det:-?} ms: ${reason:-?}); primary back after ${rec} ms"
  done
done
{ kill -0 "${HB_PID[healthd]}" && kill -0 "${HB_PID[gslbd]}"; } || die "gslbd or gslb-healthd died during the run; logs in $WORK"
M1=$(machine_ticks)
OURS1=$(($(cpu_sample "${HB_PID[healthd]}" | cut -d' ' -f1) + $(cpu_sample "${HB_PID[gslbd]}" | cut -d' ' -f1)))
# busy% of all cores, and gslbd + healthd's share, as % of one core.
LOAD=$(awk -v a="$M0" -v b="$M1" -v o="$((OURS1 - OURS0))" -v n="$(nproc)" 'BEGIN {
  split(a, x, " "); split(b, y, " "); busy = y[1] - x[1]; tot = y[2] - x[2]
  printf "%.0f%% of %d cores busy (gslbd + gslb-healthd: %.1f%% of one core)", busy / tot * 100, n, o / tot * n * 100 }')
sqlite3 "$DB" 'SELECT vantage, member_id, state, reason FROM health' >"$WORK/health-rows.txt" || true
hb_cleanup

# ------------------------------------------------------------------ report
SETTINGS=$(printf '{"interval_ms": %d, "timeout_ms": %d, "fall": %d, "rise": %d, "poll_interval_ms": %d, "client_poll_ms": %d}' \
  "$INTERVAL_MS" "$TIMEOUT_MS" "$FALL" "$RISE" "$GSLBD_POLL_MS" "$CLIENT_POLL_MS")
REPORT=$WORK/RESULTS.md
{
  cat <<EOF
# Failover time: gslb-healthd + gslbd

Generated by \`$ORIG_CMD\` on $(date -u '+%Y-%m-%d %H:%M UTC'). Method and how to
read this: [README.md](README.md#failover-time-failoversh). Raw per-trial data:
\`${WORK#"$REPO_DIR"/}/trials.csv\`, logs beside it (not in git).

## Machine

$(hb_machine)

## Settings

- service \`$NAME\`, \`policy: failover\`: pool \`primary\` (member $PRIMARY, priority 1), pool \`secondary\` ($SECONDARY, priority 2); each pool its own HTTP monitor on its own backend (\`tests/support/backend.py\`, one per address)
- monitors: interval ${INTERVAL_MS} ms (jitter ± $((INTERVAL_MS / 10)) ms, the default interval/10), timeout ${TIMEOUT_MS} ms, fall $FALL, rise $RISE
- gslbd: \`$(echo "${GSLBD_CMD[*]}" | sed "s|$WORK/||g; s|$REPO_DIR/||g")\`
- gslb-healthd: \`$(echo "${HEALTHD_CMD[*]}" | sed "s|$WORK/||g; s|$REPO_DIR/||g")\`
- DNS client: a Python stdlib UDP loop (\`hb_py trial\`, bench/lib/healthd.sh) asking \`$NAME A\` every ${CLIENT_POLL_MS} ms (≈ 0.2 ms per query on loopback); \`dig\` costs ≈ 40 ms per process start and would blur the figures
- machine during the trials: $LOAD; everything else is other programs (the machine is shared) and the test backends
- per trial: wait until the answer is the primary, wait U(0, ${INTERVAL_MS}) ms, fail the primary's backend, time the first answer naming the secondary; then wait U(0, ${INTERVAL_MS}) ms, restore the backend and time until the primary is answered again; $TRIALS trials per failure kind

## Results

EOF
  hb_py failover-report "$WORK/trials.csv" "$SETTINGS"
} >"$REPORT"
# The summary table on the terminal.
sed -n '/^## Results/,/^### Where/p' "$REPORT" | sed '$d'
if [[ -n $RESULTS_FILE ]]; then
  install_section "$RESULTS_FILE" failover "$REPORT"
  log "report: $RESULTS_FILE, section \"failover\" (copy in $REPORT)"
else
  log "report: $REPORT"
fi
