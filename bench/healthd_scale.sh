#!/usr/bin/env bash
# bench/healthd_scale.sh — can one gslb-healthd keep 10 000 members at a 1 s
# interval? 100 pools × 100 members at distinct loopback addresses
# (127.0.P.M), one HTTP monitor, all served by one nginx bound to 0.0.0.0.
# After a warm-up, measures over a steady window: probes/s, start lateness,
# skipped slots, healthd's CPU and memory, rows written, nginx's CPU. See
# bench/README.md ("gslb-healthd at scale").
#
#   bench/healthd_scale.sh [--members N] [--pools N] [--warmup S] [--duration S]
#                          [--max-concurrent N] [--probe-threads N]
#                          [--nginx-workers N] [--pin]
#                          [--profile] [--notes FILE] [--quick] [--no-build]
#                          [--results FILE]
#
# --profile: after the window, 10 s of `perf record` on healthd (top symbols
# in the report). --notes: a Markdown file added to the report as "Notes".
# The report goes into the "healthd-scale" section of bench/RESULTS.md (not
# with --quick).
set -euo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=lib/common.sh
source "$BENCH_DIR/lib/common.sh"
# shellcheck source=lib/measure.sh
source "$BENCH_DIR/lib/measure.sh"
# shellcheck source=lib/healthd.sh
source "$BENCH_DIR/lib/healthd.sh"

# ----------------------------------------------------------------- options
MEMBERS=10000
POOLS=100
WARMUP=60     # s from healthd's start to the steady window ("after the first minute")
DURATION=60   # s of steady window
MAX_CONCURRENT=""   # empty: healthd's default
NGINX_WORKERS=1
PIN=0
PROBE_THREADS=""    # empty: healthd's default (the machine's cores)
PROFILE=0
NOTES=""
DO_BUILD=1
QUICK=0
RESULTS_FILE=""
INTERVAL_MS=${INTERVAL_MS:-1000}
TIMEOUT_MS=${TIMEOUT_MS:-800}
STATS_MS=${STATS_MS:-5000}
# Cores when pinned: healthd alone on SERVER_CPU (1), nginx on CLIENT_CPU (0).

usage() { sed -n '2,19p' "$0" | sed 's/^# \{0,1\}//'; exit "${1:-0}"; }
ORIG_CMD="bench/healthd_scale.sh${*:+ $*}"
while (($#)); do
  case $1 in
    --members) MEMBERS=$2; shift ;;
    --pools) POOLS=$2; shift ;;
    --warmup) WARMUP=$2; shift ;;
    --duration) DURATION=$2; shift ;;
    --max-concurrent) MAX_CONCURRENT=$2; shift ;;
    --nginx-workers) NGINX_WORKERS=$2; shift ;;
    --probe-threads) PROBE_THREADS=$2; shift ;;
    --pin) PIN=1 ;;
    --no-pin) PIN=0 ;;
    --profile) PROFILE=1 ;;
    --notes) NOTES=$2; shift ;;
    --quick) QUICK=1; WARMUP=15; DURATION=20 ;;
    --no-build) DO_BUILD=0 ;;
    --results) RESULTS_FILE=$2; shift ;;
    -h | --help) usage 0 ;;
    *) echo "unknown option: $1" >&2; usage 2 ;;
  esac
  shift
done
for v in MEMBERS POOLS WARMUP DURATION NGINX_WORKERS; do
  [[ ${!v} =~ ^[1-9][0-9]*$ ]] || die "--${v,,} wants a positive integer"
done
[[ -z $MAX_CONCURRENT || $MAX_CONCURRENT =~ ^[1-9][0-9]*$ ]] || die "--max-concurrent wants a positive integer"
[[ -z $PROBE_THREADS || $PROBE_THREADS =~ ^[1-9][0-9]*$ ]] || die "--probe-threads wants a positive integer"
((MEMBERS % POOLS == 0)) || die "--members must be a multiple of --pools"
PER_POOL=$((MEMBERS / POOLS))
((POOLS <= 250 && PER_POOL <= 250)) || die "at most 250 pools of 250 members (addresses 127.0.P.M)"
((WARMUP * 1000 >= 3 * STATS_MS)) || die "--warmup must cover a few stats intervals ($STATS_MS ms)"
[[ -n $RESULTS_FILE ]] || { ((QUICK)) || RESULTS_FILE=$BENCH_DIR/RESULTS.md; }
NGINX=${NGINX:-/usr/sbin/nginx}
[[ -x $NGINX ]] || die "missing $NGINX (apt-get install -y nginx; bootstrap.sh deps installs it)"
[[ -z $NOTES || -r $NOTES ]] || die "--notes $NOTES: cannot read it"
((PROFILE == 0)) || command -v perf >/dev/null || die "--profile needs perf (apt-get install -y linux-perf)"
for tool in python3 sqlite3 taskset ss; do command -v "$tool" >/dev/null || die "missing tool: $tool"; done
if ((PIN)); then
  (($(nproc) > SERVER_CPU && $(nproc) > CLIENT_CPU)) || die "--pin needs cores $CLIENT_CPU and $SERVER_CPU"
fi

# ------------------------------------------------------------ work dir
WORK=$BENCH_DIR/out/healthd-scale-$(date +%Y%m%d-%H%M%S)
mkdir -p "$WORK"
ln -sfn "$(basename "$WORK")" "$BENCH_DIR/out/latest-healthd-scale"
log "work dir: $WORK"
trap 'hb_cleanup' EXIT
trap 'exit 130' INT TERM

# 10 000 probes in flight would need 10 000 sockets: raise the descriptor
# limit as far as the hard limit allows (healthd inherits it).
NOFILE_BEFORE=$(ulimit -Sn)
ulimit -Sn "$(ulimit -Hn)" 2>/dev/null || true
ulimit -Sn 1048576 2>/dev/null || true
NOFILE=$(ulimit -Sn)
log "open files limit: $NOFILE (was $NOFILE_BEFORE)"

if ((DO_BUILD)); then
  hb_build "$WORK/build.log" || { tail -20 "$WORK/build.log" >&2; die "build failed (log: $WORK/build.log)"; }
fi
hb_check_binaries

# --------------------------------------------------------------- nginx
NGINX_PORT=$(hb_py freeport --bind 0.0.0.0)
# As many connections as healthd may have probes in flight (it inherits the
# raised descriptor limit); nginx warns in its error log when they run out.
NGINX_CONNS=$((NOFILE - 100 < 65535 ? NOFILE - 100 : 65535))
mkdir -p "$WORK/nginx/tmp"
cat >"$WORK/nginx/nginx.conf" <<EOF
# bench/healthd_scale.sh's backend: every 127.0.P.M:$NGINX_PORT answers
# /healthz with 200 and a load, no keep-alive (healthd opens a fresh
# connection per probe anyway), no logs.
daemon off;
worker_processes $NGINX_WORKERS;
pid $WORK/nginx/nginx.pid;
error_log $WORK/nginx/error.log warn;
events { worker_connections $NGINX_CONNS; multi_accept on; }
http {
  access_log off;
  client_body_temp_path $WORK/nginx/tmp/body;
  proxy_temp_path $WORK/nginx/tmp/proxy;
  fastcgi_temp_path $WORK/nginx/tmp/fastcgi;
  uwsgi_temp_path $WORK/nginx/tmp/uwsgi;
  scgi_temp_path $WORK/nginx/tmp/scgi;
  keepalive_timeout 0;
  server {
    listen 0.0.0.0:$NGINX_PORT backlog=4096;
    location /healthz { default_type application/json; return 200 '{"load":0.3}'; }
    location / { return 404; }
  }
}
EOF
NGINX_CMD=("$NGINX" -p "$WORK/nginx/" -c "$WORK/nginx/nginx.conf" -e "$WORK/nginx/error.log")
HEALTHD_CMD=("$HEALTHD" --db "$WORK/gslb.db" --vantage scale --stats-interval "$STATS_MS")
[[ -z $MAX_CONCURRENT ]] || HEALTHD_CMD+=(--max-concurrent "$MAX_CONCURRENT")
[[ -z $PROBE_THREADS ]] || HEALTHD_CMD+=(--probe-threads "$PROBE_THREADS")
if ((PIN)); then
  NGINX_CMD=(taskset -c "$CLIENT_CPU" "${NGINX_CMD[@]}")
  HEALTHD_CMD=(taskset -c "$SERVER_CPU" "${HEALTHD_CMD[@]}")
fi
hb_spawn nginx "${NGINX_CMD[@]}"
for ((i = 0; ; i++)); do
  body=$(python3 -c "import urllib.request,sys; print(urllib.request.urlopen(sys.argv[1], timeout=1).read().decode())" \
    "http://127.0.$POOLS.$PER_POOL:$NGINX_PORT/healthz" 2>/dev/null) && break
  kill -0 "${HB_PID[nginx]}" 2>/dev/null || { cat "$WORK/nginx.log" "$WORK/nginx/error.log" >&2; die "nginx exited"; }
  ((i < 100)) || die "nginx does not answer on 127.0.$POOLS.$PER_POOL:$NGINX_PORT"
  sleep 0.1
done
log "nginx ($NGINX_WORKERS worker(s)) answers /healthz on *:$NGINX_PORT: $body"

# ------------------------------------------------------- store and config
# One region, one monitor, POOLS pools of PER_POOL members 127.0.P.M.
awk -v P="$POOLS" -v M="$PER_POOL" -v PORT="$NGINX_PORT" -v I="$INTERVAL_MS" -v T="$TIMEOUT_MS" 'BEGIN {
  print "# bench/healthd_scale.sh: " P " pools x " M " members, one HTTP monitor"
  print "monitors:"
  printf "  - {name: web, type: http, port: %d, path: /healthz, interval: %dms, timeout: %dms, rise: 2, fall: 2, load_field: load}\n", PORT, I, T
  print "regions:\n  - {name: local, lat: 50.1, lon: 8.7}"
  print "pools:"
  for (p = 1; p <= P; p++) {
    printf "  - name: p%d\n    region: local\n    monitor: web\n    members:\n", p
    for (m = 1; m <= M; m++) printf "      - {address: 127.0.%d.%d}\n", p, m
  }
}' >"$WORK/gslb.yaml"
t0=$(date +%s%N)
{ "$GSLBADM" --db "$WORK/gslb.db" init && "$GSLBADM" --db "$WORK/gslb.db" apply -f "$WORK/gslb.yaml" | tail -3; } >"$WORK/apply.log" 2>&1 ||
  { tail -20 "$WORK/apply.log" >&2; die "gslbadm apply failed (log: $WORK/apply.log)"; }
APPLY_MS=$((($(date +%s%N) - t0) / 1000000))
log "store: $MEMBERS members in $POOLS pools (gslbadm init + apply: ${APPLY_MS} ms)"

# ------------------------------------------------------------- measure
wait_quiet "${QUIET_WAIT:-15}" || true
now_ms() { echo $(($(date +%s%N) / 1000000)); }
# Machine-wide CPU per core: "cpuN user nice system idle iowait irq softirq steal".
all_cores() { grep -E '^cpu[0-9]+ ' /proc/stat; }
fd_count() { find "/proc/$1/fd" -mindepth 1 -maxdepth 1 2>/dev/null | wc -l; }

hb_spawn healthd "${HEALTHD_CMD[@]}"
START_MS=$(now_ms)
HPID=${HB_PID[healthd]}
hb_wait_log healthd 'event=healthd_started' 30
log "gslb-healthd started (pid $HPID); warm-up ${WARMUP}s, then a ${DURATION}s steady window"
# Descriptors: sample every second over the whole run.
max_fds=0
sample_fds() { local n; n=$(fd_count "$HPID"); ((n > max_fds)) && max_fds=$n; return 0; }
for ((s = 0; s < WARMUP; s++)); do sleep 1; sample_fds; done
kill -0 "$HPID" 2>/dev/null || die "gslb-healthd died during the warm-up (log: $WORK/healthd.log)"
STEADY0=$(now_ms)
H0=$(cpu_sample "$HPID")
N0=$(cpu_sample "${HB_PID[nginx]}")
C0=$(all_cores)
for ((s = 0; s < DURATION; s++)); do sleep 1; sample_fds; done
STEADY1=$(now_ms)
H1=$(cpu_sample "$HPID")
N1=$(cpu_sample "${HB_PID[nginx]}")
C1=$(all_cores)
kill -0 "$HPID" 2>/dev/null || die "gslb-healthd died during the run (log: $WORK/healthd.log)"
HWM_KB=$(awk '/^VmHWM:/ { print $2 }' "/proc/$HPID/status")
RSS_KB=$(awk '/^VmRSS:/ { print $2 }' "/proc/$HPID/status")
THREADS=$(awk '/^Threads:/ { print $2 }' "/proc/$HPID/status")
ss -s >"$WORK/ss-summary.txt" 2>&1 || true
TIME_WAIT=$(awk '/^TCP:/ { for (i = 1; i <= NF; i++) if ($i == "timewait") { v = $(i + 1); sub(/[,)]/, "", v); print v } }' "$WORK/ss-summary.txt")
# Let the last stats line of the window be logged (and profile meanwhile), then stop healthd.
if ((PROFILE)); then
  log "profiling gslb-healthd for 10 s (perf record -g)"
  perf record -F 999 -g -p "$HPID" -o "$WORK/perf.data" -- sleep 10 >"$WORK/perf-record.log" 2>&1 || log "perf record failed (see $WORK/perf-record.log)"
  kill -0 "$HPID" 2>/dev/null || die "gslb-healthd died while profiled (log: $WORK/healthd.log)"
else
  sleep $(((STATS_MS + 999) / 1000))
fi
hb_stop healthd
grep -q 'event=healthd_stopped' "$WORK/healthd.log" || log "WARNING: gslb-healthd did not log healthd_stopped"
hb_stop nginx

# -------------------------------------------------------------- figures
sqlite3 "$WORK/gslb.db" "SELECT state, count(*) FROM health WHERE vantage = 'scale' GROUP BY state ORDER BY state" >"$WORK/health-states.txt"
sqlite3 "$WORK/gslb.db" "SELECT reason, count(*) FROM health WHERE vantage = 'scale' AND state != 'up' GROUP BY reason ORDER BY 2 DESC LIMIT 5" >"$WORK/health-not-up.txt"
ROWS_TOTAL=$(sqlite3 "$WORK/gslb.db" "SELECT count(*) FROM health WHERE vantage = 'scale'")
ROWS_UP=$(sqlite3 "$WORK/gslb.db" "SELECT count(*) FROM health WHERE vantage = 'scale' AND state = 'up'")
RTT=$(sqlite3 "$WORK/gslb.db" "SELECT round(avg(rtt_ewma_us)), max(rtt_ewma_us) FROM health WHERE vantage = 'scale'")
LOADS=$(sqlite3 "$WORK/gslb.db" "SELECT group_concat(DISTINCT load) FROM health WHERE vantage = 'scale'")
STEADY=$(hb_py stats-window --stats-ms "$STATS_MS" "$WORK/healthd.log" "$STEADY0" "$((STEADY1 + STATS_MS))" "$STEADY1")
WARM=$(hb_py stats-window --stats-ms "$STATS_MS" --from-start "$WORK/healthd.log" "$START_MS" "$STEADY0")
echo "$STEADY" >"$WORK/steady.json"
echo "$WARM" >"$WORK/warmup.json"
# j JSON KEY: a figure of a summary ("–" when the window had no stats line).
j() { python3 -c "import json,sys; d = json.loads(sys.argv[1]); v = d.get(sys.argv[2], '–'); print(round(v, 1) if isinstance(v, float) else v)" "$1" "$2"; }
WINDOWS=$(j "$STEADY" windows)
WANT_WINDOWS=$((DURATION * 1000 / STATS_MS))

WALL=$(awk -v a="$STEADY0" -v b="$STEADY1" 'BEGIN { printf "%.3f", (b - a) / 1000 }')
read -r ht0 hn0 <<<"$H0"; read -r ht1 hn1 <<<"$H1"
read -r _ nn0 <<<"$N0"; read -r _ nn1 <<<"$N1"
HCPU=$(awk -v n="$((hn1 - hn0))" -v w="$WALL" 'BEGIN { printf "%.1f", n / 1e9 / w * 100 }')
NCPU=$(awk -v n="$((nn1 - nn0))" -v w="$WALL" 'BEGIN { printf "%.1f", n / 1e9 / w * 100 }')
HCPU_TICKS=$(awk -v t="$((ht1 - ht0))" -v T="$CLK_TCK" -v w="$WALL" 'BEGIN { printf "%.1f", t / T / w * 100 }')
PPS=$(j "$STEADY" probes_per_s_mean)
[[ $PPS != – ]] || PPS=0
US_PER_PROBE=$(awk -v n="$((hn1 - hn0))" -v w="$WALL" -v p="$PPS" 'BEGIN { v = p > 0 ? n / 1e3 / (w * p) : 0; printf "%.1f", v }')
NGX_US_PER_REQ=$(awk -v n="$((nn1 - nn0))" -v w="$WALL" -v p="$PPS" 'BEGIN { v = p > 0 ? n / 1e3 / (w * p) : 0; printf "%.1f", v }')
# Per core over the window, as % of wall: busy (user+nice+system of every
# process), irq+softirq, steal, idle — "cpuN B I S D" — and the table rows.
CORE_PCT=$(paste <(echo "$C0") <(echo "$C1") | awk -v T="$CLK_TCK" -v w="$WALL" '{
  n = NF / 2; for (i = 2; i <= n; i++) v[i] = ($(i + n) - $i) / T / w * 100
  printf "%s %.0f %.0f %.0f %.0f\n", $1, v[2] + v[3] + v[4], v[7] + v[8], v[9], v[5] + v[6] }')
CORES=$(awk '{ printf "| %s | %s%% | %s%% | %s%% | %s%% |\n", $1, $2, $3, $4, $5 }' <<<"$CORE_PCT")
core_pct() { awk -v c="cpu$1" -v f="$2" '$1 == c { print $f }' <<<"$CORE_PCT"; }  # CPU FIELD(2 busy, 3 irq)
# Other programs: busy time on the cores not spent by healthd or nginx.
OTHER=$(awk -v h="$HCPU" -v g="$NCPU" '{ b += $2 } END { v = b - h - g; printf "%.0f", v < 0 ? 0 : v }' <<<"$CORE_PCT")
CAPACITY=$(awk -v u="$US_PER_PROBE" 'BEGIN { v = u > 0 ? int(1e6 / u / 100 + 0.5) * 100 : 0; print v }')
if [[ $PPS == 0 ]]; then US_PER_PROBE=–; NGX_US_PER_REQ=–; CAPACITY=–; fi
EXPECTED=$(awk -v m="$MEMBERS" -v i="$INTERVAL_MS" 'BEGIN { printf "%.0f", m * 1000 / i }')

# Verdict: probes/s within 3 % of members/interval, no skipped slot, p99 lateness < 100 ms.
SKIPPED=$(j "$STEADY" skipped)
P99MAX=$(j "$STEADY" late_p99_max)
QUEUED=$(j "$STEADY" queued_max)
GAP=$(j "$STEADY" longest_gap_ms)
KEEPS_UP=no
if ((WINDOWS > 0)) && awk -v p="$PPS" -v e="$EXPECTED" 'BEGIN { exit !(p >= 0.97 * e) }' && ((SKIPPED == 0 && P99MAX < 100)); then KEEPS_UP=yes; fi
# What limited it (or would first): healthd's CPU (its probe threads), the
# machine's cores, healthd's core shared with others (pinned), the backend's
# core, the concurrency cap, descriptors.
pct_ge() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a >= b) }'; }
LIMITS=()
if ((WINDOWS * 10 < WANT_WINDOWS * 8)); then
  gap_note=""
  [[ $GAP == – ]] || gap_note=", up to $GAP ms apart"
  LIMITS+=("healthd's loop was blocked: $WINDOWS complete healthd_stats windows in the window instead of $WANT_WINDOWS$gap_note, so its own figures cover only part of it")
elif [[ $GAP != – ]] && ((GAP > 2 * STATS_MS)); then
  LIMITS+=("healthd's loop was blocked: stats lines up to $GAP ms apart instead of $STATS_MS")
fi
# The cores healthd's probe threads can use: its threads, at most its cores.
THREADS_USED=$(sed -n 's/.*healthd_started.*probe_threads=\([0-9]*\).*/\1/p' "$WORK/healthd.log" | head -1)
HCORES=$( ((PIN)) && echo 1 || echo "$(nproc)")
((${THREADS_USED:-1} < HCORES)) && HCORES=${THREADS_USED:-1}
pct_ge "$HCPU" $((90 * HCORES)) && LIMITS+=("gslb-healthd's CPU: ${HCPU}% of a core, on $HCORES core(s) its ${THREADS_USED:-?} probe thread(s) can use")
MACHINE=$(awk '{ b += $2 + $3 } END { printf "%.0f", b }' <<<"$CORE_PCT")
((PIN)) || ! pct_ge "$MACHINE" $((90 * $(nproc))) ||
  LIMITS+=("the machine's cores: ${MACHINE}% busy of $(($(nproc) * 100))% (healthd ${HCPU}%, nginx ${NCPU}%, irq+softirq and other programs the rest)")
if ((PIN)); then
  HCORE_OTHER=$(awk -v b="$(core_pct "$SERVER_CPU" 2)" -v h="$HCPU" 'BEGIN { v = b - h; printf "%.0f", v < 0 ? 0 : v }')
  NCORE_OTHER=$(awk -v b="$(core_pct "$CLIENT_CPU" 2)" -v h="$NCPU" 'BEGIN { v = b - h; printf "%.0f", v < 0 ? 0 : v }')
  HCORE=$(awk -v b="$(core_pct "$SERVER_CPU" 2)" -v i="$(core_pct "$SERVER_CPU" 3)" 'BEGIN { print b + i }')
  NCORE=$(awk -v b="$(core_pct "$CLIENT_CPU" 2)" -v i="$(core_pct "$CLIENT_CPU" 3)" 'BEGIN { print b + i }')
  pct_ge "$HCORE" 90 && ! pct_ge "$HCPU" 90 &&
    LIMITS+=("healthd's core $SERVER_CPU full (${HCORE}%: healthd ${HCPU}%, irq+softirq $(core_pct "$SERVER_CPU" 3)%, other programs ${HCORE_OTHER}%)")
  pct_ge "$NCORE" 90 &&
    LIMITS+=("nginx's core $CLIENT_CPU full (${NCORE}%: nginx ${NCPU}%, irq+softirq $(core_pct "$CLIENT_CPU" 3)%, other programs ${NCORE_OTHER}%)")
fi
[[ $QUEUED != – ]] && ((QUEUED > 0)) && LIMITS+=("up to $QUEUED probes waited for the --max-concurrent cap")
grep -q 'worker_connections are not enough' "$WORK/nginx/error.log" 2>/dev/null && LIMITS+=("nginx ran out of worker_connections ($NGINX_CONNS)")
((max_fds + 64 >= NOFILE)) && LIMITS+=("descriptors: up to $max_fds open of $NOFILE allowed")
grep -qi 'too many open files' "$WORK/healthd.log" "$WORK/health-not-up.txt" 2>/dev/null && LIMITS+=("\"too many open files\" in healthd's log or health reasons")
DOWNS=$(j "$STEADY" went_down)
((DOWNS > 0)) && LIMITS+=("$DOWNS members of a healthy backend marked down in the window ($(j "$STEADY" down_reasons))")
((${#LIMITS[@]})) || LIMITS+=("nothing: healthd kept up with CPU to spare")
pct_ge "$OTHER" 10 && LIMITS+=("(shared machine: other programs used ${OTHER}% of a core during the window)")

REPORT=$WORK/RESULTS.md
{
  cat <<EOF
# gslb-healthd at scale: $MEMBERS members, ${INTERVAL_MS} ms interval

Generated by \`$ORIG_CMD\` on $(date -u '+%Y-%m-%d %H:%M UTC'). Method and how to
read this: [README.md](README.md#gslb-healthd-at-scale-healthd_scalesh). Raw data:
\`${WORK#"$REPO_DIR"/}/\` (healthd.log with every healthd_stats line, steady.json; not in git).

## Machine

$(hb_machine)
- nginx $(dpkg-query -W -f='${Version}' nginx 2>/dev/null || "$NGINX" -v 2>&1)
- open files limit (soft) for healthd: $NOFILE; TIME_WAIT sockets at the end of the window: ${TIME_WAIT:-?} (net.ipv4.tcp_max_tw_buckets $(cat /proc/sys/net/ipv4/tcp_max_tw_buckets))

## Settings

- $POOLS pools × $PER_POOL members = $MEMBERS distinct addresses 127.0.P.M (P = 1..$POOLS, M = 1..$PER_POOL), one region, no services
- one monitor: \`type: http, path: /healthz, interval: ${INTERVAL_MS}ms, timeout: ${TIMEOUT_MS}ms, rise: 2, fall: 2, load_field: load\` (jitter ± $((INTERVAL_MS / 10)) ms); every probe a fresh TCP connection (healthd sets CURLOPT_FRESH_CONNECT)
- backend: nginx, $NGINX_WORKERS worker(s), \`worker_connections $NGINX_CONNS\`, \`listen 0.0.0.0:PORT backlog=4096\`, \`keepalive_timeout 0\`, \`location /healthz { return 200 '{"load":0.3}'; }\`, no access log
- gslb-healthd: \`$(echo "${HEALTHD_CMD[*]}" | sed "s|$WORK/||g; s|$REPO_DIR/||g")\`
- pinning: $( ((PIN)) && echo "gslb-healthd (all threads) on core $SERVER_CPU, nginx on core $CLIENT_CPU" || echo "none (gslb-healthd's threads and nginx share the machine's $(nproc) cores)")
- gslb-healthd probe threads: ${THREADS_USED:-?} ($( [[ -n $PROBE_THREADS ]] && echo "--probe-threads $PROBE_THREADS" || echo "its default: the machine's cores, at most 8"))
- timeline: healthd starts (first probes spread over one interval), ${WARMUP} s warm-up, then the steady window of ${DURATION} s (${WALL} s measured) over which every figure below is taken; healthd_stats every ${STATS_MS} ms ($WINDOWS complete stats windows in the window, $WANT_WINDOWS expected; longest gap between lines $GAP ms)
- store: \`gslbadm init\` + \`apply\` of the $MEMBERS-member file took ${APPLY_MS} ms

## Result

**Keeps up: $KEEPS_UP** — $(j "$STEADY" probes_per_s_mean) probes/s for $MEMBERS members at ${INTERVAL_MS} ms (expected $EXPECTED), $(j "$STEADY" skipped) slots skipped, start lateness p99 ≤ $(j "$STEADY" late_p99_max) ms. Limited by: $(IFS=';'; echo "${LIMITS[*]}" | sed 's/;/; /g').

| figure | steady window | warm-up (start → window) |
|---|---:|---:|
| probes/s: probes started ÷ time covered (min – max of the stats lines) | **$(j "$STEADY" probes_per_s_mean)** ($(j "$STEADY" probes_per_s_min) – $(j "$STEADY" probes_per_s_max)) | $(j "$WARM" probes_per_s_mean) ($(j "$WARM" probes_per_s_min) – $(j "$WARM" probes_per_s_max)) |
| start lateness p50 (median of the lines), ms | **$(j "$STEADY" late_p50_median)** | $(j "$WARM" late_p50_median) |
| start lateness p99 (median / worst line), ms | **$(j "$STEADY" late_p99_median) / $(j "$STEADY" late_p99_max)** | $(j "$WARM" late_p99_median) / $(j "$WARM" late_p99_max) |
| start lateness max, ms | **$(j "$STEADY" late_max)** | $(j "$WARM" late_max) |
| skipped slots (previous probe still running or queued) | **$(j "$STEADY" skipped)** | $(j "$WARM" skipped) |
| probes in flight / queued for the cap, at most (at a stats line) | $(j "$STEADY" in_flight_max) / $(j "$STEADY" queued_max) | $(j "$WARM" in_flight_max) / $(j "$WARM" queued_max) |
| members marked down / up again (all backends were healthy throughout) | **$(j "$STEADY" went_down) / $(j "$STEADY" went_up)** | $(j "$WARM" went_down) / $(j "$WARM" went_up) |
| health rows written (per s) | **$(j "$STEADY" rows_written) ($(j "$STEADY" rows_per_s)/s)** | $(j "$WARM" rows_written) ($(j "$WARM" rows_per_s)/s) |
| write failures / most rows pending | $(j "$STEADY" write_failures) / $(j "$STEADY" rows_pending_max) | $(j "$WARM" write_failures) / $(j "$WARM" rows_pending_max) |

| resource (steady window) | value |
|---|---:|
| gslb-healthd CPU (utime+stime, all threads; schedstat) | **${HCPU}% of one core** (ticks: ${HCPU_TICKS}%) |
| gslb-healthd CPU per probe | **${US_PER_PROBE} µs** (at that cost one core does ≈ ${CAPACITY} probes/s) |
| gslb-healthd max RSS (VmHWM) / RSS at the end | **$((HWM_KB / 1024)) MiB** / $((RSS_KB / 1024)) MiB |
| gslb-healthd threads / most open descriptors (sampled every second) | $THREADS / $max_fds |
| nginx CPU (master + workers) | ${NCPU}% of one core (${NGX_US_PER_REQ} µs per request) |
| other programs (all cores' busy time − healthd − nginx) | ${OTHER}% of one core |

Per core over the window (busy = user+nice+system of every process, irq = irq+softirq, which on loopback carries most of the TCP work and is charged to no process):

| core | busy | irq+softirq | steal | idle |
|---|---:|---:|---:|---:|
$CORES

Health rows of vantage \`scale\` at the end: $ROWS_TOTAL for $MEMBERS members, $ROWS_UP up$( [[ -s $WORK/health-not-up.txt ]] && echo " (not up, by reason: $(awk -F'|' '{ printf "%s%s: %s", (NR > 1 ? ", " : ""), $1, $2 }' "$WORK/health-not-up.txt"))"); RTT EWMA mean / max: $(echo "$RTT" | awk -F'|' '{ printf "%s / %s µs", $1, $2 }'); loads read: $LOADS.
EOF
  if ((PROFILE)) && [[ -s $WORK/perf.data ]]; then
    perf report -i "$WORK/perf.data" --no-children --sort dso --stdio -g none 2>/dev/null |
      awk '/%/ && NF >= 2 { printf "%s %s\n", $1, $2 }' | head -8 >"$WORK/perf-dso.txt" || true
    perf report -i "$WORK/perf.data" --no-children --sort dso,sym --stdio -g none 2>/dev/null |
      awk '/%/ && NF >= 4 { p = $1; d = $2; $1 = $2 = $3 = ""; sub(/^ +/, ""); s = $0
        if (length(s) > 90) s = substr(s, 1, 87) "..."; gsub(/\|/, "\\|", s); printf "| %s | %s | `%s` |\n", p, d, s }' | head -15 >"$WORK/perf-sym.txt" || true
    echo
    echo "## Where gslb-healthd's CPU goes"
    echo
    echo "\`perf record -F 999 -g\` on gslb-healthd for 10 s right after the window (\`${WORK#"$REPO_DIR"/}/perf.data\`). By library: $(awk '{ printf "%s%s %s", (NR > 1 ? ", " : ""), $2, $1 }' "$WORK/perf-dso.txt")."
    echo
    echo "| share | library | symbol |"
    echo "|---:|---|---|"
    cat "$WORK/perf-sym.txt"
  fi
  if [[ -n $NOTES ]]; then
    echo
    echo "## Notes"
    echo
    cat "$NOTES"
  fi
} >"$REPORT"
sed -n '/^## Result/,$p' "$REPORT"
if [[ -n $RESULTS_FILE ]]; then
  install_section "$RESULTS_FILE" healthd-scale "$REPORT"
  log "report: $RESULTS_FILE, section \"healthd-scale\" (copy in $REPORT)"
else
  log "report: $REPORT"
fi
