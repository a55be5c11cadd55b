# shellcheck shell=bash disable=SC2034
# Shared helpers for bench/run.sh, bench/dynamic.sh and bench/profile.sh:
# logging, building gslbd, generating the static test zone and query file,
# starting/stopping the servers under test, and sampling CPU time from /proc.
# The dynamic benchmark's data and server configs are in lib/dynamic.sh
# (BENCH_KIND=dynamic makes prepare_server use them).
#
# Sourced, not executed (hence the SC2034 exemption: the globals are used by
# the scripts that source this file). Callers set `set -euo pipefail` and define WORK (the
# run's scratch directory) before calling anything that writes files.

BENCH_DIR=${BENCH_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
REPO_DIR=${REPO_DIR:-$(cd "$BENCH_DIR/.." && pwd)}

# Cores: the server under test runs alone on SERVER_CPU, dnsperf on CLIENT_CPU.
SERVER_CPU=${SERVER_CPU:-1}
CLIENT_CPU=${CLIENT_CPU:-0}
# Every server listens on 127.0.0.1, each on its own port from BASE_PORT up.
BASE_PORT=${BASE_PORT:-47530}
ZONE=bench.test
CLK_TCK=$(getconf CLK_TCK)

# Where gslbd is built (Release, no tests); override to test another build.
GSLB_BUILD_DIR=${GSLB_BUILD_DIR:-$REPO_DIR/build-bench}
GSLBD=${GSLBD:-$GSLB_BUILD_DIR/server/gslbd}
GSLBADM=${GSLBADM:-$GSLB_BUILD_DIR/admin/gslbadm}
# CMAKE_CXX_FLAGS for that build (default: none; Release is -O2, see the top
# CMakeLists.txt). GSLB_CMAKE_ARGS: more cmake -D words.
GSLB_CXXFLAGS=${GSLB_CXXFLAGS:-}
GSLB_CMAKE_ARGS=${GSLB_CMAKE_ARGS:-}
# Extra flags for gslbd (e.g. to move its admin API off a default port).
GSLBD_EXTRA_ARGS=${GSLBD_EXTRA_ARGS:-}
# Flags a benchmark adds to gslbd's command line (dynamic: --geoip FILE ...).
GSLBD_BENCH_ARGS=${GSLBD_BENCH_ARGS:-}
# static (run.sh: one static zone) or dynamic (dynamic.sh: GSLB services).
BENCH_KIND=${BENCH_KIND:-static}

log() { printf '[bench %(%H:%M:%S)T] %s\n' -1 "$*" >&2; }
die() { printf '[bench] FATAL: %s\n' "$*" >&2; exit 1; }

# ---------------------------------------------------------------- building

# build_gslb LOGFILE: configure and build gslbd + gslbadm (Release) into
# GSLB_BUILD_DIR. Returns non-zero (without exiting) if the build fails, so the
# caller can skip gslbd and still benchmark the reference servers.
build_gslb() {
  local logf=$1
  log "building gslbd + gslbadm (Release) in $GSLB_BUILD_DIR (log: $logf)"
  {
    # shellcheck disable=SC2086 # GSLB_CMAKE_ARGS is a word list on purpose
    cmake -S "$REPO_DIR" -B "$GSLB_BUILD_DIR" -DCMAKE_BUILD_TYPE=Release -DGSLB_TESTS=OFF \
      -DCMAKE_CXX_FLAGS="$GSLB_CXXFLAGS" $GSLB_CMAKE_ARGS &&
      cmake --build "$GSLB_BUILD_DIR" -j"$(nproc)" --target gslbd gslbadm &&
      # Again: recompiles whatever was edited during the first pass (a build
      # mixing two versions of a header gave wrong answers once).
      cmake --build "$GSLB_BUILD_DIR" -j"$(nproc)" --target gslbd gslbadm
  } >"$logf" 2>&1
}

# ------------------------------------------------------------ zone + queries

# gen_zone FILE: one static zone, every owner fully qualified and every record
# with an explicit TTL so that all four zone-file parsers read it identically.
#   - apex: SOA, 2 NS (+ in-zone glue), 2 MX (in-zone targets), TXT
#   - h0..h(N-1): one A each (every 5th has two), AAAA on even hosts
#   - t0..t49: TXT; alias0..alias39: CNAME to names *outside* the zone
#     (gdnsd does not chase CNAMEs inside the zone, Knot and NSD do, so an
#     out-of-zone target keeps the answers comparable)
#   - *.wild: wildcard A + AAAA
gen_zone() {
  local f=$1 nhosts=${NHOSTS:-400}
  awk -v Z="$ZONE" -v N="$nhosts" 'BEGIN {
    t = 300
    printf "$TTL %d\n", t
    printf "%s. %d IN SOA ns1.%s. hostmaster.%s. 2024010101 3600 900 604800 300\n", Z, t, Z, Z
    printf "%s. %d IN NS ns1.%s.\n%s. %d IN NS ns2.%s.\n", Z, t, Z, Z, t, Z
    printf "ns1.%s. %d IN A 192.0.2.1\nns2.%s. %d IN A 192.0.2.2\n", Z, t, Z, t
    printf "%s. %d IN MX 10 mail1.%s.\n%s. %d IN MX 20 mail2.%s.\n", Z, t, Z, Z, t, Z
    printf "mail1.%s. %d IN A 192.0.2.25\nmail2.%s. %d IN A 192.0.2.26\n", Z, t, Z, t
    printf "%s. %d IN TXT \"v=spf1 mx -all\"\n", Z, t
    for (i = 0; i < N; i++) {
      printf "h%d.%s. %d IN A 10.%d.%d.1\n", i, Z, t, int(i / 256), i % 256
      if (i % 5 == 0) printf "h%d.%s. %d IN A 10.%d.%d.2\n", i, Z, t, int(i / 256), i % 256
      if (i % 2 == 0) printf "h%d.%s. %d IN AAAA 2001:db8:%x::1\n", i, Z, t, i
    }
    for (i = 0; i < 50; i++) printf "t%d.%s. %d IN TXT \"service=%d;owner=team%d\"\n", i, Z, t, i, i % 7
    for (i = 0; i < 40; i++) printf "alias%d.%s. %d IN CNAME edge%d.cdn.example.net.\n", i, Z, t, i
    printf "*.wild.%s. %d IN A 192.0.2.100\n*.wild.%s. %d IN AAAA 2001:db8:ffff::100\n", Z, t, Z, t
  }' >"$f"
}

# gen_queries FILE COUNT: dnsperf input, deterministic (fixed seed), mix:
#   80% positive: 50% A hN, 20% AAAA on even hN, 5% wildcard A, 5% TXT tN
#   10% NXDOMAIN (names that do not exist)
#    5% NODATA   (AAAA on odd hN, which only have A)
#    5% CNAME    (A on aliasN, answered with the CNAME only)
gen_queries() {
  local f=$1 count=${2:-20000} nhosts=${NHOSTS:-400}
  awk -v Z="$ZONE" -v N="$nhosts" -v C="$count" 'BEGIN {
    srand(20240101)
    for (k = 0; k < C; k++) {
      r = rand() * 100; h = int(rand() * N)
      if (r < 50)      printf "h%d.%s A\n", h, Z
      else if (r < 70) printf "h%d.%s AAAA\n", 2 * int(h / 2), Z
      else if (r < 75) printf "c%d.wild.%s A\n", int(rand() * 100000), Z
      else if (r < 80) printf "t%d.%s TXT\n", int(rand() * 50), Z
      else if (r < 90) printf "nx%d.%s A\n", int(rand() * 100000), Z
      else if (r < 95) printf "h%d.%s AAAA\n", 2 * int(h / 2) + 1, Z
      else             printf "alias%d.%s A\n", int(rand() * 40), Z
    }
  }' >"$f"
}

# Sample queries checked on every server before measuring: "name type rcode".
SAMPLE_QUERIES=(
  "h1.$ZONE A NOERROR"
  "h10.$ZONE A NOERROR"
  "h10.$ZONE AAAA NOERROR"
  "H7.Bench.Test A NOERROR"
  "x42.wild.$ZONE A NOERROR"
  "x42.wild.$ZONE AAAA NOERROR"
  "t3.$ZONE TXT NOERROR"
  "alias5.$ZONE A NOERROR"
  "nx123.$ZONE A NXDOMAIN"
  "h3.$ZONE AAAA NOERROR"
  "h3.$ZONE TXT NOERROR"
  "$ZONE SOA NOERROR"
  "$ZONE NS NOERROR"
  "$ZONE MX NOERROR"
)

# dig_norm PORT NAME TYPE: query once and print a normalised answer: the
# rcode, the AA flag, then the answer and authority sections (sorted, owner
# names lower-cased). The additional section is not compared: servers differ
# legitimately in which glue they add.
dig_norm() {
  local port=$1 name=$2 type=$3
  dig +norec +nocookie +tries=1 +time=2 +noall +comments +answer +authority \
    -p "$port" @127.0.0.1 "$name" "$type" 2>&1 |
    awk '
      /->>HEADER<<-/ { for (i = 1; i <= NF; i++) if ($i == "status:") { s = $(i + 1); sub(/,$/, "", s); print "rcode " s } }
      /^;; flags:/ { aa = ($0 ~ / aa[ ;]/) ? "aa" : "no-aa"; print "flags " aa }
      /^;; .*SECTION:/ { sec = $2; next }
      /^;/ || /^$/ { next }
      { $1 = tolower($1); $1 = $1; print sec " " $0 }
      /connection timed out|communications error|no servers could be reached/ { print "ERROR " $0 }
    ' | sort
}

# ------------------------------------------------------------------ servers

# Known servers of the static benchmark, in report order. gslbd first: the
# others are its peers. (The dynamic one: gslbd gdnsd pdns.)
ALL_SERVERS=(gslbd knot nsd gdnsd)

server_port() {
  case $1 in gslbd) echo $((BASE_PORT)) ;; knot) echo $((BASE_PORT + 1)) ;;
    nsd) echo $((BASE_PORT + 2)) ;; gdnsd) echo $((BASE_PORT + 3)) ;;
    pdns) echo $((BASE_PORT + 4)) ;; *) die "unknown server $1" ;; esac
}

server_binary() {
  case $1 in gslbd) echo "$GSLBD" ;; knot) echo /usr/sbin/knotd ;;
    nsd) echo /usr/sbin/nsd ;; gdnsd) echo /usr/sbin/gdnsd ;; pdns) echo /usr/sbin/pdns_server ;; esac
}

server_version() {
  case $1 in
    gslbd) echo "gslbd $(git -C "$REPO_DIR" describe --always --dirty 2>/dev/null || echo 'no commits yet') (Release build)" ;;
    knot) echo "knot $(dpkg-query -W -f='${Version}' knot 2>/dev/null)" ;;
    nsd) echo "nsd $(dpkg-query -W -f='${Version}' nsd 2>/dev/null)" ;;
    gdnsd) echo "gdnsd $(dpkg-query -W -f='${Version}' gdnsd 2>/dev/null)" ;;
    pdns) echo "pdns $(dpkg-query -W -f='${Version}' pdns-server 2>/dev/null) (+ pdns-backend-bind, pdns-backend-geoip)" ;;
  esac
}

# server_available NAME: binary present (and, for gslbd, gslbadm too).
server_available() {
  local b
  b=$(server_binary "$1")
  [[ -x $b ]] || return 1
  [[ $1 != gslbd || -x $GSLBADM ]]
}

# prepare_server NAME ZONEFILE: write the server's config + data under
# $WORK/NAME. Settings common to all: one UDP worker (and one TCP worker
# where configurable), minimal responses, logging to stderr, no privilege drop
# (we run as root in the foreground), no zone-file write-back or journals.
prepare_server() {
  local s=$1 zf=$2 d=$WORK/$1 port
  if [[ $BENCH_KIND == dynamic ]]; then
    prepare_dynamic_server "$@"
    return
  fi
  port=$(server_port "$s")
  rm -rf "$d" && mkdir -p "$d"
  case $s in
    gslbd)
      if ! { "$GSLBADM" --db "$d/gslb.db" init && "$GSLBADM" --db "$d/gslb.db" zone import "$zf"; } >"$d/prepare.log" 2>&1; then
        cat "$d/prepare.log" >&2
        return 1
      fi
      ;;
    knot)
      cp "$zf" "$d/$ZONE.zone"
      cat >"$d/knot.conf" <<EOF
server:
    rundir: "$d"
    listen: 127.0.0.1@$port
    udp-workers: 1
    tcp-workers: 1
    background-workers: 1
database:
    storage: "$d/db"
log:
  - target: stderr
    any: info
template:
  - id: default
    storage: "$d"
    semantic-checks: off
    zonefile-sync: -1
    zonefile-load: whole
    journal-content: none
zone:
  - domain: $ZONE
    file: "$d/$ZONE.zone"
EOF
      /usr/sbin/knotc -c "$d/knot.conf" conf-check >"$d/prepare.log" 2>&1 || { cat "$d/prepare.log" >&2; return 1; }
      ;;
    nsd)
      cp "$zf" "$d/$ZONE.zone"
      # minimal-responses: yes, otherwise NSD adds the apex NS RRset to the
      # authority section of positive answers, which the others don't.
      cat >"$d/nsd.conf" <<EOF
server:
    ip-address: 127.0.0.1@$port
    port: $port
    do-ip6: no
    server-count: 1
    tcp-count: 100
    username: ""
    chroot: ""
    zonesdir: "$d"
    database: ""
    zonelistfile: "$d/zone.list"
    xfrdfile: "$d/xfrd.state"
    xfrdir: "$d"
    pidfile: "$d/nsd.pid"
    verbosity: 1
    minimal-responses: yes
    refuse-any: yes
    hide-version: yes
    # NSD's response rate limiting (on by default: 200 qps per /24) would
    # drop most of a benchmark from 127.0.0.1.
    rrl-ratelimit: 0
    rrl-whitelist-ratelimit: 0
remote-control:
    control-enable: no
zone:
    name: $ZONE
    zonefile: "$d/$ZONE.zone"
EOF
      /usr/sbin/nsd-checkconf "$d/nsd.conf" >"$d/prepare.log" 2>&1 || { cat "$d/prepare.log" >&2; return 1; }
      ;;
    gdnsd)
      mkdir -p "$d/etc/zones" "$d/run" "$d/state"
      cp "$zf" "$d/etc/zones/$ZONE"
      cat >"$d/etc/config" <<EOF
options => {
  listen => [ 127.0.0.1:$port ]
  udp_threads => 1
  tcp_threads => 1
  run_dir => "$d/run"
  state_dir => "$d/state"
}
EOF
      /usr/sbin/gdnsd -c "$d/etc" checkconf >"$d/prepare.log" 2>&1 || { cat "$d/prepare.log" >&2; return 1; }
      ;;
  esac
}

# server_cmd NAME: the foreground command line that serves the prepared data.
server_cmd() {
  local s=$1 d=$WORK/$1 port
  port=$(server_port "$s")
  case $s in
    gslbd) echo "$GSLBD --db $d/gslb.db --listen 127.0.0.1:$port --threads 1${GSLBD_BENCH_ARGS:+ $GSLBD_BENCH_ARGS} $GSLBD_EXTRA_ARGS" ;;
    knot) echo "/usr/sbin/knotd -c $d/knot.conf -s $d/knot.sock" ;;
    nsd) echo "/usr/sbin/nsd -d -c $d/nsd.conf" ;;
    gdnsd) echo "/usr/sbin/gdnsd -c $d/etc start" ;;
    pdns) echo "/usr/sbin/pdns_server --config-dir=$d" ;;
  esac
}

declare -A SERVER_PID=()

# start_server NAME: start it pinned to SERVER_CPU, wait until it answers
# the SOA query (30 s at most). Sets SERVER_PID[NAME].
start_server() {
  local s=$1 d=$WORK/$1 port pid cmd i
  port=$(server_port "$s")
  cmd=$(server_cmd "$s")
  # Refuse to measure a stranger: the port must be free.
  if dig +norec +tries=1 +time=1 -p "$port" @127.0.0.1 "$ZONE" SOA >/dev/null 2>&1; then
    die "something already answers on 127.0.0.1:$port; set BASE_PORT to move"
  fi
  # taskset execs the server, so $! is the server's own pid.
  # shellcheck disable=SC2086
  taskset -c "$SERVER_CPU" $cmd >"$d/server.log" 2>&1 </dev/null &
  pid=$!
  SERVER_PID[$s]=$pid
  for ((i = 0; i < 300; i++)); do
    kill -0 "$pid" 2>/dev/null || { tail -20 "$d/server.log" >&2; die "$s exited during startup (log: $d/server.log)"; }
    if dig +norec +tries=1 +time=1 -p "$port" @127.0.0.1 "$ZONE" SOA 2>/dev/null | grep -q 'status: NOERROR'; then
      # Some servers set their own thread affinity, overriding taskset (Knot
      # pins UDP worker i to CPU i mod ncpu, i.e. its only worker to core 0,
      # the client's core). Pin every thread again now that all exist.
      local p
      for p in $(proc_tree "$pid"); do taskset -a -p -c "$SERVER_CPU" "$p" >/dev/null 2>&1 || true; done
      check_pinning "$s"
      log "$s ready on 127.0.0.1:$port (pid $pid)"
      return 0
    fi
    sleep 0.1
  done
  tail -20 "$d/server.log" >&2
  die "$s did not answer within 30 s (log: $d/server.log)"
}

# check_pinning NAME: every thread of the server may run on SERVER_CPU only;
# dies otherwise (a server that re-pins itself would share dnsperf's core).
check_pinning() {
  local p t allowed
  for p in $(proc_tree "${SERVER_PID[$1]}"); do
    for t in /proc/"$p"/task/*; do
      allowed=$(awk '/^Cpus_allowed_list:/ { print $2 }' "$t/status" 2>/dev/null) || continue
      [[ -z $allowed || $allowed == "$SERVER_CPU" ]] ||
        die "$1: thread $(basename "$t") ($(cat "$t/comm" 2>/dev/null)) may run on CPUs $allowed, not only $SERVER_CPU"
    done
  done
}

# proc_tree PID: PID and all its descendants (NSD forks its workers).
proc_tree() {
  local root=$1
  ps -e -o pid=,ppid= | awk -v r="$root" '
    { kids[$2] = kids[$2] " " $1 }
    END { q[1] = r; n = 1; for (i = 1; i <= n; i++) { print q[i]; m = split(kids[q[i]], k, " "); for (j = 1; j <= m; j++) q[++n] = k[j] } }'
}

# stop_server NAME: SIGTERM the server and its children, SIGKILL after 5 s.
stop_server() {
  local s=$1 pid=${SERVER_PID[$1]:-} pids i
  [[ -n $pid ]] || return 0
  pids=$(proc_tree "$pid" | tr '\n' ' ')
  # shellcheck disable=SC2086
  kill -TERM $pids 2>/dev/null || true
  for ((i = 0; i < 50; i++)); do
    # shellcheck disable=SC2086
    kill -0 $pids 2>/dev/null || break
    sleep 0.1
  done
  # shellcheck disable=SC2086
  kill -KILL $pids 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  unset "SERVER_PID[$s]"
}

stop_all_servers() {
  local s
  for s in "${!SERVER_PID[@]}"; do stop_server "$s"; done
}

# cpu_sample PID: "TICKS NS" — utime+stime in clock ticks summed over every
# thread (/proc/P/task/*/stat fields 14+15) of PID and its descendants, and
# the same from /proc/P/task/*/schedstat (ns run time; a precise cross-check).
cpu_sample() {
  local p ticks=0 ns=0 t a b
  local -a f
  for p in $(proc_tree "$1"); do
    for t in /proc/"$p"/task/*; do
      # The comm field may contain spaces: cut everything up to the last
      # ') '; field 3 (state) is then f[0], so utime (14) is f[11], stime f[12].
      if read -r a <"$t/stat" 2>/dev/null; then
        read -ra f <<<"${a##*) }"
        ticks=$((ticks + f[11] + f[12]))
      fi
      if read -r b _ <"$t/schedstat" 2>/dev/null; then ns=$((ns + b)); fi
    done
  done
  echo "$ticks $ns"
}

# core_sample: "CB CI CS SB SI SS" in ticks from /proc/stat for the client
# core (C) and the server core (S): B = user+nice+system (time charged to
# tasks), I = irq+softirq (with IRQ time accounting, packet delivery on
# loopback is counted here, not in any task), S = steal.
core_sample() {
  awk -v c="cpu$CLIENT_CPU" -v s="cpu$SERVER_CPU" '
    $1 == c { cb = $2 + $3 + $4; ci = $7 + $8; cs = $9 }
    $1 == s { sb = $2 + $3 + $4; si = $7 + $8; ss = $9 }
    END { print cb, ci, cs, sb, si, ss }' /proc/stat
}

# wait_quiet MAXWAIT: wait (up to MAXWAIT seconds) until both benchmark cores
# have been under QUIET_BUSY (default 10%) busy for one second, so a run does
# not start in the middle of someone else's compile. Returns 1 on timeout.
wait_quiet() {
  local maxwait=$1 waited=0 a b busy
  while :; do
    a=$(grep -E "^cpu($CLIENT_CPU|$SERVER_CPU) " /proc/stat)
    sleep 1
    b=$(grep -E "^cpu($CLIENT_CPU|$SERVER_CPU) " /proc/stat)
    busy=$(paste <(echo "$a") <(echo "$b") | awk -v lim="${QUIET_BUSY:-0.10}" '
      { n = NF / 2; tot = 0; idle = 0
        for (i = 2; i <= n; i++) { d = $(i + n) - $i; tot += d; if (i == 5 || i == 6) idle += d }
        f = tot ? 1 - idle / tot : 0; if (f > m) m = f }
      END { printf "%.2f %d\n", m, m <= lim }')
    [[ ${busy#* } == 1 ]] && return 0
    ((waited >= maxwait)) && { log "cores still busy (${busy% *}) after ${maxwait}s; measuring anyway"; return 1; }
    ((waited == 0)) && log "waiting for quiet cores (busiest ${busy% *})"
    sleep 2
    waited=$((waited + 3))
  done
}
