#!/usr/bin/env bash
# bench/fleet.sh — fleet mode (gslbd nodes kept in sync through etcd) measured on one
# host: a 3-member etcd cluster and gslbd nodes on loopback. See bench/README.md ("Fleet").
#
#   1. configuration propagation: N writes (record adds) through the nodes' admin APIs,
#      round-robin; per write the time from just before the POST until every node answers
#      the new record over DNS (polled every ~1 ms), and the API call's own duration;
#   2. health fan-in: M members × 3 simulated vantages published through etcd as
#      gslb-healthd's publisher does (a lease per vantage, txns of 100 puts): the initial
#      publish (keys/s, time until the nodes hold every row), then churn (a % of the
#      members flap per second per vantage): write rate, import lag, CPU of every etcd
#      member, gslbd node and the publisher.
#
#   bench/fleet.sh [--writes N] [--members N] [--pools N] [--fanin-nodes N]
#                  [--churn-pct P] [--churn-secs S] [--only propagation|fanin]
#                  [--profile] [--quick] [--no-build] [--results FILE]
#
# Defaults: 100 writes, 10000 members in 100 pools, 3 nodes, 1 % churn for 30 s. --quick:
# 20 writes, 2000 members in 20 pools, 10 s of churn, report only in the work dir.
# The report goes into the "fleet" section of bench/RESULTS.md (not with --quick).
# Environment: GSLB_BUILD_DIR (build-bench/) or GSLBD / GSLBADM with --no-build; ETCD,
# ETCD_HEARTBEAT_MS / ETCD_ELECTION_MS (etcd's defaults, 100 / 1000), POLL_MS (1),
# TICK_MS (100), LEASE_TTL (3), IDLE_S (5), QUIET_WAIT (15).
set -euo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=lib/common.sh
source "$BENCH_DIR/lib/common.sh"
# shellcheck source=lib/measure.sh
source "$BENCH_DIR/lib/measure.sh"
# shellcheck source=lib/healthd.sh
source "$BENCH_DIR/lib/healthd.sh"

# ----------------------------------------------------------------- options
WRITES=100
MEMBERS=10000
POOLS=100
FANIN_NODES=3
CHURN_PCT=1
CHURN_SECS=30
ONLY=""
PROFILE=0
DO_BUILD=1
QUICK=0
RESULTS_FILE=""
ETCD=${ETCD:-/usr/bin/etcd}
ETCD_HEARTBEAT_MS=${ETCD_HEARTBEAT_MS:-100}
ETCD_ELECTION_MS=${ETCD_ELECTION_MS:-1000}
POLL_MS=${POLL_MS:-1}
TICK_MS=${TICK_MS:-100}
LEASE_TTL=${LEASE_TTL:-3}
IDLE_S=${IDLE_S:-5}
PROP_NODES=3
ZONE=fleet.bench.test.
PROP_SEED_MS=–
FANIN_SEED_MS=–

usage() { sed -n '2,24p' "$0" | sed 's/^# \{0,1\}//'; exit "${1:-0}"; }
ORIG_CMD="bench/fleet.sh${*:+ $*}"
while (($#)); do
  case $1 in
    --writes) WRITES=$2; shift ;;
    --members) MEMBERS=$2; shift ;;
    --pools) POOLS=$2; shift ;;
    --fanin-nodes) FANIN_NODES=$2; shift ;;
    --churn-pct) CHURN_PCT=$2; shift ;;
    --churn-secs) CHURN_SECS=$2; shift ;;
    --only) ONLY=$2; shift ;;
    --profile) PROFILE=1 ;;
    --quick) QUICK=1; WRITES=20; MEMBERS=2000; POOLS=20; CHURN_SECS=10 ;;
    --no-build) DO_BUILD=0 ;;
    --results) RESULTS_FILE=$2; shift ;;
    -h | --help) usage 0 ;;
    *) echo "unknown option: $1" >&2; usage 2 ;;
  esac
  shift
done
for v in WRITES MEMBERS POOLS FANIN_NODES CHURN_SECS; do
  [[ ${!v} =~ ^[1-9][0-9]*$ ]] || die "--${v,,} wants a positive integer"
done
[[ $CHURN_PCT =~ ^[0-9]+(\.[0-9]+)?$ ]] || die "--churn-pct wants a number"
[[ -z $ONLY || $ONLY == propagation || $ONLY == fanin ]] || die "--only propagation or --only fanin"
((MEMBERS % POOLS == 0)) || die "--members must be a multiple of --pools"
PER_POOL=$((MEMBERS / POOLS))
((POOLS <= 250 && PER_POOL <= 250)) || die "at most 250 pools of 250 members (addresses 10.P.M.1)"
[[ -n $RESULTS_FILE ]] || { ((QUICK)) || RESULTS_FILE=$BENCH_DIR/RESULTS.md; }
[[ -x $ETCD ]] || die "missing $ETCD (apt-get install -y etcd-server etcd-client)"
((PROFILE == 0)) || command -v perf >/dev/null || die "--profile needs perf (apt-get install -y linux-perf)"
for tool in python3 sqlite3; do command -v "$tool" >/dev/null || die "missing tool: $tool"; done
FLEET_PY=$BENCH_DIR/lib/fleet.py
fpy() { python3 "$FLEET_PY" "$@"; }

# ------------------------------------------------------------ work dir
WORK=$BENCH_DIR/out/fleet-$(date +%Y%m%d-%H%M%S)
mkdir -p "$WORK"
ln -sfn "$(basename "$WORK")" "$BENCH_DIR/out/latest-fleet"
# etcd's data and the stores (large, not worth keeping) live in a temp dir.
TMP=$(mktemp -d /tmp/gslb-bench-fleet.XXXXXX)
log "work dir: $WORK (etcd data and stores in $TMP)"
cleanup() {
  hb_cleanup
  rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

if ((DO_BUILD)); then
  build_gslb "$WORK/build.log" || { tail -20 "$WORK/build.log" >&2; die "build failed (log: $WORK/build.log)"; }
fi
for b in "$GSLBD" "$GSLBADM"; do
  [[ -x $b ]] || die "missing $b (build it, or set GSLB_BUILD_DIR / GSLBD / GSLBADM)"
done

SECRET=bench-fleet-$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')
TOKENS=$TMP/tokens
(umask 077 && echo "ops write $SECRET" >"$TOKENS")
chmod 600 "$TOKENS"

# ---------------------------------------------------------------- etcd
ETCD_URLS=()
# start_etcd LABEL: a fresh 3-member cluster (data in $TMP/LABEL), as
# tests/support/etcd_cluster.cpp starts one; ETCD_URLS / ETCD_CSV are its client URLs.
start_etcd() {
  local label=$1 i cluster="" token
  local -a cport=() pport=()
  ETCD_URLS=()
  for i in 0 1 2; do
    cport[i]=$(hb_py freeport)
    pport[i]=$(hb_py freeport)
    cluster+="${cluster:+,}m$i=http://127.0.0.1:${pport[i]}"
  done
  token=gslb-bench-$label-$$
  for i in 0 1 2; do
    mkdir -p "$TMP/$label"
    hb_spawn "etcd$i-$label" "$ETCD" --name "m$i" --data-dir "$TMP/$label/m$i" \
      --listen-client-urls "http://127.0.0.1:${cport[i]}" --advertise-client-urls "http://127.0.0.1:${cport[i]}" \
      --listen-peer-urls "http://127.0.0.1:${pport[i]}" --initial-advertise-peer-urls "http://127.0.0.1:${pport[i]}" \
      --initial-cluster "$cluster" --initial-cluster-state new --initial-cluster-token "$token" \
      --heartbeat-interval "$ETCD_HEARTBEAT_MS" --election-timeout "$ETCD_ELECTION_MS" \
      --max-txn-ops 10000 --logger zap --log-level error
    ETCD_URLS+=("http://127.0.0.1:${cport[i]}")
  done
  ETCD_CSV=$(IFS=,; echo "${ETCD_URLS[*]}")
  fpy wait-etcd "${ETCD_URLS[@]}" --timeout 30 || die "etcd did not become healthy (logs: $WORK/etcd*-$label.log)"
  log "etcd ($label): 3 members at $ETCD_CSV"
}

stop_etcd() {
  local i
  for i in 0 1 2; do hb_stop "etcd$i-$1"; done
}

# ---------------------------------------------------------------- nodes
declare -A NODE_API=() NODE_DNS=()
# seed LABEL YAML: a store with the configuration, put into etcd with `fleet seed`.
seed() {
  local label=$1 yaml=$2 t0
  t0=$(date +%s%N)
  {
    "$GSLBADM" --db "$TMP/$label/seed.db" init &&
      "$GSLBADM" --db "$TMP/$label/seed.db" apply -f "$yaml" | tail -3 &&
      "$GSLBADM" --db "$TMP/$label/seed.db" fleet seed --etcd "$ETCD_CSV"
  } >"$WORK/seed-$label.log" 2>&1 || { tail -20 "$WORK/seed-$label.log" >&2; die "seeding failed (log: $WORK/seed-$label.log)"; }
  SEED_MS=$((($(date +%s%N) - t0) / 1000000))
}

# start_node LABEL N: gslbd with its own fresh store, in fleet mode. Waits until it has
# applied etcd's configuration and answers the zone's SOA; NODE_READY_MS = how long.
start_node() {
  local label=$1 n=$2 db dport aport name=node$2-$1
  db=$TMP/$label/node$n.db
  "$GSLBADM" --db "$db" init >"$WORK/$name-init.log" 2>&1 || { cat "$WORK/$name-init.log" >&2; die "gslbadm init failed"; }
  dport=$(hb_py freeport --udp)
  aport=$(hb_py freeport)
  # shellcheck disable=SC2086 # GSLBD_EXTRA_ARGS is a word list on purpose
  hb_spawn "$name" "$GSLBD" --db "$db" --listen "127.0.0.1:$dport" --threads 1 --rrl-rate 0 \
    --etcd "$ETCD_CSV" --admin "127.0.0.1:$aport" --admin-tokens "$TOKENS" $GSLBD_EXTRA_ARGS
  NODE_API[$name]=http://127.0.0.1:$aport
  NODE_DNS[$name]=$dport
  fpy wait-node --api "${NODE_API[$name]}" --token "$SECRET" --dns "$dport" --zone "$ZONE" --timeout 120 >/dev/null ||
    { tail -20 "$WORK/$name.log" >&2; die "$name did not sync (log: $WORK/$name.log)"; }
  # From gslbd's "ready" line to its first snapshot with etcd's configuration (its log).
  NODE_READY_MS=$(fpy log-sync-ms "$WORK/$name.log")
  log "$name: DNS 127.0.0.1:$dport, API ${NODE_API[$name]}, configuration loaded ${NODE_READY_MS} ms after ready (pid ${HB_PID[$name]})"
}

# node_metrics LABEL COUNT FILE: every node's gslb_fleet_* samples, one JSON line each.
node_metrics() {
  local label=$1 count=$2 file=$3 n
  : >"$file"
  for ((n = 0; n < count; n++)); do
    fpy node-metrics --api "${NODE_API[node$n-$label]}" --token "$SECRET" >>"$file" 2>/dev/null || echo '{}' >>"$file"
  done
}

cat >"$WORK/$ZONE.zone" <<EOF
\$ORIGIN $ZONE
\$TTL 300
@ IN SOA ns1 hostmaster 1 3600 600 604800 60
@ IN NS ns1
ns1 IN A 192.0.2.53
EOF

wait_quiet "${QUIET_WAIT:-15}" || true

# ---------------------------------------------------- 1. propagation
PROP_JSON=$WORK/propagation.json
if [[ -z $ONLY || $ONLY == propagation ]]; then
  log "== configuration propagation: $WRITES writes, $PROP_NODES nodes"
  start_etcd prop
  fpy gen-config --zone "$ZONE" --zonefile "$WORK/$ZONE.zone" >"$WORK/gslb-prop.yaml"
  seed prop "$WORK/gslb-prop.yaml"
  PROP_SEED_MS=$SEED_MS
  apis=() dnss=() dbs=()
  for ((n = 0; n < PROP_NODES; n++)); do
    start_node prop "$n"
    apis+=("${NODE_API[node$n-prop]}")
    dnss+=("${NODE_DNS[node$n-prop]}")
    dbs+=("$TMP/prop/node$n.db")
  done
  cpus=()
  for i in 0 1 2; do cpus+=("etcd$i=${HB_PID[etcd$i-prop]}"); done
  for ((n = 0; n < PROP_NODES; n++)); do cpus+=("node$n=${HB_PID[node$n-prop]}"); done
  fpy propagate --api "$(IFS=,; echo "${apis[*]}")" --dns "$(IFS=,; echo "${dnss[*]}")" --db "$(IFS=,; echo "${dbs[*]}")" \
    --cpu "$(IFS=,; echo "${cpus[*]}")" --token "$SECRET" \
    --zone "$ZONE" --writes "$WRITES" --poll-ms "$POLL_MS" --csv "$WORK/propagation.csv" >"$PROP_JSON" 2>"$WORK/propagation.err" ||
    { cat "$WORK/propagation.err" >&2; die "the propagation run failed"; }
  node_metrics prop "$PROP_NODES" "$WORK/metrics-prop.jsonl"
  python3 -c 'import json,sys; p=json.load(open(sys.argv[1])); print("propagation ms: p50 %.1f p99 %.1f max %.1f; API p50 %.1f p99 %.1f; failed %d" % (p["prop"]["p50"], p["prop"]["p99"], p["prop"]["max"], p["api"]["p50"], p["api"]["p99"], p["failed_writes"]))' "$PROP_JSON" >&2 || true
  for ((n = 0; n < PROP_NODES; n++)); do hb_stop "node$n-prop"; done
  stop_etcd prop
fi

# ------------------------------------------------------- 2. fan-in
FANIN_JSON=$WORK/fanin.json
if [[ -z $ONLY || $ONLY == fanin ]]; then
  log "== health fan-in: $MEMBERS members ($POOLS × $PER_POOL) × 3 simulated vantages, $FANIN_NODES node(s)"
  start_etcd fanin
  fpy gen-config --zone "$ZONE" --zonefile "$WORK/$ZONE.zone" --pools "$POOLS" --per-pool "$PER_POOL" >"$WORK/gslb-fanin.yaml"
  seed fanin "$WORK/gslb-fanin.yaml"
  FANIN_SEED_MS=$SEED_MS
  ETCD_KEYS_SEEDED=$(ETCDCTL_API=3 etcdctl --endpoints "${ETCD_URLS[0]}" get /gslb/ --prefix --keys-only 2>/dev/null | grep -c . || true)
  log "seeded $MEMBERS members in ${FANIN_SEED_MS} ms (gslbadm init + apply + fleet seed); $ETCD_KEYS_SEEDED keys under /gslb/"
  dbs=() cpus=() FANIN_READY=()
  for i in 0 1 2; do cpus+=("etcd$i=${HB_PID[etcd$i-fanin]}"); done
  for ((n = 0; n < FANIN_NODES; n++)); do
    start_node fanin "$n"
    FANIN_READY+=("$NODE_READY_MS")
    dbs+=("$TMP/fanin/node$n.db")
    cpus+=("node$n=${HB_PID[node$n-fanin]}")
  done
  FANIN_ARGS=(--etcd "$ETCD_CSV" --db "$(IFS=,; echo "${dbs[*]}")" --cpu "$(IFS=,; echo "${cpus[*]}")"
    --pools "$POOLS" --per-pool "$PER_POOL" --ttl "$LEASE_TTL" --churn-pct "$CHURN_PCT" --churn-s "$CHURN_SECS"
    --tick-ms "$TICK_MS" --idle-s "$IDLE_S" --log "$WORK/fanin.log" --publisher-log "$WORK/publisher.log")
  # In the background (and in HB_PID) so that the trap stops it and its publisher.
  python3 "$FLEET_PY" fanin "${FANIN_ARGS[@]}" >"$FANIN_JSON" 2>"$WORK/fanin.err" </dev/null &
  HB_PID[fanin]=$!
  HB_ORDER+=(fanin)
  if ((PROFILE)); then
    # 10 s of node 0 during the churn: once fanin.log says the initial phase ended, 2 s in.
    # shellcheck disable=SC2016 # expanded by the inner bash
    hb_spawn profile bash -c 'for ((i = 0; i < 1200; i++)); do grep -q "initial:" "$1" 2>/dev/null && break; sleep 0.5; done
      sleep 2; exec perf record -F 499 -g -p "$2" -o "$3" -- sleep 10' _ "$WORK/fanin.log" "${HB_PID[node0-fanin]}" "$WORK/perf-node0.data"
  fi
  if ! wait "${HB_PID[fanin]}"; then
    unset "HB_PID[fanin]"
    cat "$WORK/fanin.err" "$WORK/fanin.log" >&2
    die "the fan-in run failed"
  fi
  unset "HB_PID[fanin]"
  cat "$WORK/fanin.log" >&2
  if ((PROFILE)); then
    wait "${HB_PID[profile]}" 2>/dev/null || log "perf record failed (see $WORK/profile.log)"
    unset "HB_PID[profile]"
  fi
  node_metrics fanin "$FANIN_NODES" "$WORK/metrics-fanin.jsonl"
  for ((n = 0; n < FANIN_NODES; n++)); do
    sqlite3 "$TMP/fanin/node$n.db" "SELECT vantage, state, count(*) FROM health GROUP BY 1, 2" >"$WORK/node$n-fanin-health.txt" 2>&1 || true
  done
  for ((n = 0; n < FANIN_NODES; n++)); do hb_stop "node$n-fanin"; done
  stop_etcd fanin
fi

# -------------------------------------------------------------- report
# Resyncs and failures of every node's syncer (a resync = a full read of etcd).
syncer_line() {
  [[ -s $1 ]] || return 0
  python3 -c '
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
print(", ".join("node%d %d resync(s), %d failure(s)" % (i, r.get("gslb_fleet_resyncs_total", -1), r.get("gslb_fleet_sync_failures_total", -1)) for i, r in enumerate(rows)))' "$1"
}
cat >"$WORK/settings.json" <<EOF
{"zone": "$ZONE", "prop_nodes": $PROP_NODES, "prop_timeout": 10}
EOF
PROP_SETTINGS="" FANIN_SETTINGS="" PROP_SYNC="" FANIN_SYNC=""
[[ ! -s $PROP_JSON ]] || PROP_SYNC="propagation: $(syncer_line "$WORK/metrics-prop.jsonl")"
[[ ! -s $PROP_JSON ]] || PROP_SETTINGS="- propagation: zone \`$ZONE\` + a small GSLB set-up (2 regions, 2 pools, a failover service), seeded with \`gslbadm fleet seed\` ($PROP_SEED_MS ms with init + apply); $PROP_NODES nodes"$'\n'
[[ ! -s $FANIN_JSON ]] || {
  FANIN_SETTINGS="- fan-in: $MEMBERS members ($POOLS pools × $PER_POOL, addresses 10.P.M.1, one HTTP monitor that nothing probes: no gslb-healthd runs), seeded in ${FANIN_SEED_MS:-–} ms (init + apply + seed; ${ETCD_KEYS_SEEDED:-?} keys); $FANIN_NODES node(s), each loaded the configuration ${FANIN_READY[*]:-–} ms after its ready line (the syncer's full read of etcd, materialized into the store, then gslbd's snapshot); idle window ${IDLE_S} s, churn ${CHURN_PCT} % for ${CHURN_SECS} s published every ${TICK_MS} ms, lease TTL ${LEASE_TTL} s"$'\n'
  FANIN_SYNC="fan-in: $(syncer_line "$WORK/metrics-fanin.jsonl")"
  if [[ -s $PROP_JSON ]]; then FANIN_SYNC="; $FANIN_SYNC"; fi
}
ETCD_VERSION=$("$ETCD" --version 2>/dev/null | awk '/etcd Version/ { print $3 }')
REPORT=$WORK/RESULTS.md
{
  cat <<EOF
# Fleet mode: configuration propagation and health fan-in through etcd

Generated by \`$ORIG_CMD\` on $(date -u '+%Y-%m-%d %H:%M UTC'). Method and how to
read this: [README.md](README.md#fleet-fleetsh). Raw data: \`${WORK#"$REPO_DIR"/}/\`
(propagation.csv, fanin.json, every program's log; not in git).

## Machine

$(hb_machine)
- etcd $ETCD_VERSION (Debian), 3 members on loopback, \`--heartbeat-interval $ETCD_HEARTBEAT_MS --election-timeout $ETCD_ELECTION_MS --max-txn-ops 10000\`, data dirs in /tmp ($(df -PT /tmp | awk 'NR == 2 { print $2 }'))

## Settings

- nothing pinned: the 3 etcd members, the gslbd nodes (\`--threads 1 --rrl-rate 0 --etcd ... --admin ...\`, a fresh store each), the publisher and the bench's DNS client / store follower all share the machine's $(nproc) cores, so every figure includes waiting for a core
$PROP_SETTINGS$FANIN_SETTINGS- syncers at the end (resyncs = full reads of etcd; 1 = the start only): ${PROP_SYNC}${FANIN_SYNC}

EOF
  fpy report --prop "$PROP_JSON" --fanin "$FANIN_JSON" --settings "$WORK/settings.json"
  if ((PROFILE)) && [[ -s $WORK/perf-node0.data ]]; then
    echo "## Where node 0's CPU goes during the churn"
    echo
    echo "\`perf record -F 499 -g\` on node 0 for 10 s, 2 s into the churn (\`${WORK#"$REPO_DIR"/}/perf-node0.data\`; a Release build without frame pointers, so attribute by symbol, not by call chain). Self time by symbol:"
    echo
    echo "| share | symbol |"
    echo "|---:|---|"
    perf report -i "$WORK/perf-node0.data" --no-children --sort sym --stdio -g none 2>/dev/null |
      awk '/%/ && $1 !~ /^#/ { p = $1; $1 = $2 = ""; sub(/^ +/, ""); s = $0
        gsub(/std::__cxx11::basic_string<char, std::char_traits<char>, std::allocator<char> >/, "std::string", s)
        if (length(s) > 110) s = substr(s, 1, 107) "..."; gsub(/\|/, "\\|", s); printf "| %s | `%s` |\n", p, s }' | head -15 || true
    echo
  fi
  cat <<EOF
## What limited the run

- One 2-core VM runs everything: 3 etcd members (each fsyncs its WAL on every commit),
  the gslbd nodes, the publisher and the measuring client. The per-core busy figures
  above show how close to full the machine was; when both cores are near 100 %, write
  rate and lag are the machine's limit, not etcd's or gslbd's.
- The vantages are simulated (one Python process, a thread per vantage, through etcd's
  JSON gateway): no probing happens, so the publisher's CPU is not gslb-healthd's.
- etcd on one host: its members' Raft round trips are loopback, so the figures are lower
  bounds for a fleet across regions (add the inter-member RTT to every write).
EOF
} >"$REPORT"
sed -n '/^## Configuration propagation/,$p' "$REPORT"
if [[ -n $RESULTS_FILE ]]; then
  install_section "$RESULTS_FILE" fleet "$REPORT"
  log "report: $RESULTS_FILE, section \"fleet\" (copy in $REPORT)"
else
  log "report: $REPORT"
fi
