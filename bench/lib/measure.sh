# shellcheck shell=bash disable=SC2034
# The measurement loop shared by bench/run.sh (static zone) and
# bench/dynamic.sh (GSLB answers): dnsperf runs pinned to the client core with
# the server's CPU sampled around them, interference control, interleaved
# rounds, the report header, rendering runs.csv with report.awk, and
# installing the report as a section of RESULTS.md.
#
# Sourced after common.sh. The caller sets WORK, ACTIVE (servers, in report
# order), SERVER_PID (via start_server), the option globals below, and
# defines set_dnsperf_input KIND, which fills the array INPUT_ARGS with
# dnsperf's input arguments for that kind of run (e.g. `-d queries.txt -e`).

RATE_DURATION=${RATE_DURATION:-12}   # seconds per fixed-rate run
SAT_DURATION=${SAT_DURATION:-10}     # seconds per saturation run
WARMUP_DURATION=${WARMUP_DURATION:-3}
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

RUNS_CSV_HEADER="round,server,kind,offered_qps,duration_s,sent,completed,lost,qps,srv_cpu_ticks,srv_cpu_ns,cli_user_s,cli_sys_s,wall_s,core_cli_busy,core_cli_irq,core_cli_steal,core_srv_busy,core_srv_irq,core_srv_steal,p50_us,p99_us,p999_us,avg_resp_bytes,rcodes,attempts"

check_bench_tools() {
  local tool
  for tool in dnsperf dig taskset awk ps getconf; do
    command -v "$tool" >/dev/null || die "missing tool: $tool (apt-get install -y dnsperf bind9-dnsutils util-linux procps)"
  done
  (($(nproc) > SERVER_CPU && $(nproc) > CLIENT_CPU)) || die "need cores $CLIENT_CPU and $SERVER_CPU"
}

# kind_rate KIND: the offered rate of a kind of run: "rateN" and "rateN:LABEL"
# → N; "sat" → 0 (no limit); "warmup" → 20000.
kind_rate() {
  case $1 in
    sat) echo 0 ;;
    warmup) echo 20000 ;;
    rate*) local r=${1#rate}; echo "${r%%:*}" ;;
    *) die "unknown kind of run: $1" ;;
  esac
}

# dnsperf_once SERVER KIND RATE DURATION ROUND: one dnsperf run pinned to the
# client core, with CPU sampled around it. Prints the CSV line (without the
# attempts column). RATE 0 = saturation run.
dnsperf_once() {
  local s=$1 kind=$2 rate=$3 dur=$4 round=$5 port pid out lat tf cpu0 cpu1 core0 core1
  port=$(server_port "$s")
  pid=${SERVER_PID[$s]}
  out=$WORK/$s/dnsperf-${kind//:/-}-r$round.txt
  lat=$WORK/$s/perquery.tmp
  tf=$WORK/$s/time.tmp
  set_dnsperf_input "$kind"
  local -a args=(-s 127.0.0.1 -p "$port" "${INPUT_ARGS[@]}" -t "$DNSPERF_TIMEOUT" -l "$dur")
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
# MAX_OTHER of either benchmark core meanwhile. Appends to $WORK/runs.csv,
# prints a progress line.
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
  echo "$line,$attempt" >>"$WORK/runs.csv"
  awk -F, -v T="$CLK_TCK" '{
    printf "  %-6s %-14s %8.0f qps  cpu %6.2f us/q  client %3.0f%%  server %3.0f%%  p99 %s us  lost %s\n",
      $2, $3, $9, $10 / T * 1e6 / $7, ($12 + $13) / $14 * 100, $11 / 1e9 / $14 * 100, ($22 == "" ? "-" : $22), $8 }' <<<"$line" >&2
}

# run_rounds ROUNDS KIND...: a short warm-up per server, then ROUNDS rounds;
# each round runs every KIND against every active server in turn, starting
# with a different server each round. Fixed-rate kinds last RATE_DURATION,
# "sat" SAT_DURATION. Writes $WORK/runs.csv.
run_rounds() {
  local rounds=$1 round kind i n s
  shift
  echo "$RUNS_CSV_HEADER" >"$WORK/runs.csv"
  log "warming up each server for ${WARMUP_DURATION}s"
  for s in "${ACTIVE[@]}"; do MAX_ATTEMPTS=1 QUIET_WAIT=5 dnsperf_run "$s" warmup 20000 "$WARMUP_DURATION" 0; done
  n=${#ACTIVE[@]}
  for ((round = 1; round <= rounds; round++)); do
    log "round $round/$rounds"
    for kind in "$@"; do
      # Rotate the starting server each round so no one always goes first.
      for ((i = 0; i < n; i++)); do
        s=${ACTIVE[$(((i + round - 1) % n))]}
        if [[ $kind == sat ]]; then
          dnsperf_run "$s" "$kind" 0 "$SAT_DURATION" "$round"
        else
          dnsperf_run "$s" "$kind" "$(kind_rate "$kind")" "$RATE_DURATION" "$round"
        fi
        sleep 1
      done
    done
  done
}

# write_header DIR TITLE COMMAND SETTINGS...: DIR/header.md — title, machine,
# software versions of the active servers, and the settings common to both
# benchmarks followed by the SETTINGS lines (Markdown list items).
# shellcheck disable=SC2153 # ROUNDS and the other settings are the caller's globals
write_header() {
  local dir=$1 title=$2 cmd=$3 s versions=""
  shift 3
  for s in "${ACTIVE[@]}"; do versions+="- $(server_version "$s")"$'\n'; done
  versions+="- dnsperf $(dpkg-query -W -f='${Version}' dnsperf 2>/dev/null)"$'\n'
  {
    cat <<EOF
# $title

Generated by \`$cmd\` on $(date -u '+%Y-%m-%d %H:%M UTC'). Method and how to
read this: [README.md](README.md). Raw per-run data: \`${dir#"$REPO_DIR"/}/runs.csv\`
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
- fixed-rate runs: ${RATE_DURATION}s each (\`dnsperf -Q RATE -c $RATE_CLIENTS -q $RATE_OUTSTANDING -t $DNSPERF_TIMEOUT -v\`)
- saturation runs: ${SAT_DURATION}s (\`dnsperf -c $SAT_CLIENTS -q $SAT_OUTSTANDING -t $DNSPERF_TIMEOUT\`)
EOF
    printf '%s\n' "$@"
    printf -- '- server command lines: '
    for s in "${ACTIVE[@]}"; do printf '\x60%s\x60; ' "$(server_cmd "$s" | sed "s|$dir/||g")"; done
    echo
    echo "- environment: GSLB_CXXFLAGS='${GSLB_CXXFLAGS}' GSLB_CMAKE_ARGS='${GSLB_CMAKE_ARGS}' GSLBD_EXTRA_ARGS='${GSLBD_EXTRA_ARGS}' QUIET_WAIT=$QUIET_WAIT MAX_OTHER=$MAX_OTHER MAX_ATTEMPTS=$MAX_ATTEMPTS"
  } >"$dir/header.md"
}

# render_report DIR: DIR/header.md (machine, software, settings) + skipped
# servers + DIR/notes.md (if any) + the tables computed from DIR/runs.csv →
# DIR/RESULTS.md. DIR/targets.txt, when present, holds the ratio targets
# ("PEER:MAX ..."; default "gdnsd:0.80", the static benchmark's).
render_report() {
  local dir=$1 order targets="gdnsd:0.80"
  order=$(cat "$dir/servers.txt")
  [[ ! -s $dir/targets.txt ]] || targets=$(cat "$dir/targets.txt")
  {
    cat "$dir/header.md"
    if [[ -s $dir/skipped.md ]]; then printf '\n## Skipped servers\n\n'; cat "$dir/skipped.md"; fi
    if [[ -s $dir/notes.md ]]; then echo; cat "$dir/notes.md"; fi
    echo
    awk -F, -v T="$CLK_TCK" -v ORDER="$order" -v TARGETS="$targets" -f "$BENCH_DIR/lib/report.awk" "$dir/runs.csv"
  } >"$dir/RESULTS.md"
}

# install_section FILE NAME REPORT: RESULTS.md holds one section per
# benchmark, each between "<!-- bench:NAME:begin -->" and
# "<!-- bench:NAME:end -->" (NAME = static, dynamic). Replaces section NAME
# of FILE with the contents of REPORT, or adds it; the other sections are
# kept, in the order static, dynamic, then any others. A FILE without any
# marker is taken to be the static section (reports from before sections).
install_section() {
  local file=$1 name=$2 report=$3 tmp
  tmp=$(mktemp "$file.XXXXXX")
  awk -v NAME="$name" -v REPORT="$report" '
    function emit(n) {
      printf "<!-- bench:%s:begin -->\n", n
      if (n == NAME) { while ((getline l < REPORT) > 0) print l; close(REPORT) }
      else printf "%s", body[n]
      printf "<!-- bench:%s:end -->\n", n
    }
    { lines[++nl] = $0 }
    /^<!-- bench:[a-z0-9_-]+:begin -->$/ { marked = 1 }
    END {
      cur = ""
      for (i = 1; i <= nl; i++) {
        l = lines[i]
        if (match(l, /^<!-- bench:[a-z0-9_-]+:begin -->$/)) { cur = substr(l, 12); sub(/:begin -->$/, "", cur); if (!(cur in have)) { have[cur] = 1; order[++no] = cur }; continue }
        if (l ~ /^<!-- bench:[a-z0-9_-]+:end -->$/) { cur = ""; continue }
        if (!marked) { if (!("static" in have)) { have["static"] = 1; order[++no] = "static" }; body["static"] = body["static"] l "\n"; continue }
        if (cur != "") body[cur] = body[cur] l "\n"
      }
      if (!(NAME in have)) { have[NAME] = 1; order[++no] = NAME }
      first = 1
      if ("static" in have) { emit("static"); first = 0 }
      if ("dynamic" in have) { if (!first) print ""; emit("dynamic"); first = 0 }
      for (i = 1; i <= no; i++) if (order[i] != "static" && order[i] != "dynamic") { if (!first) print ""; emit(order[i]); first = 0 }
    }' <(cat "$file" 2>/dev/null || true) >"$tmp"
  cat "$tmp" >"$file"
  rm -f "$tmp"
}
