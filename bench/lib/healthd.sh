# shellcheck shell=bash disable=SC2034
# Shared by bench/failover.sh and bench/healthd_scale.sh (gslb-healthd's
# benchmarks): building gslbd + gslbadm + gslb-healthd, free ports, starting
# and stopping the programs under test (every one is stopped on exit), the
# machine description of the reports, and hb_py: the Python (stdlib) helper
# that sends DNS queries at a fixed cadence, times failovers and summarises.
#
# Sourced after common.sh and measure.sh (log, die, cpu_sample, proc_tree,
# install_section). Callers set WORK before starting anything.

HEALTHD=${HEALTHD:-$GSLB_BUILD_DIR/healthd/gslb-healthd}

# hb_build LOGFILE: configure and build gslbd, gslbadm and gslb-healthd
# (Release, no tests) into GSLB_BUILD_DIR, twice like build_gslb (the second
# pass recompiles whatever others edited during the first). Returns non-zero
# when the build fails.
hb_build() {
  local logf=$1
  log "building gslbd + gslbadm + gslb-healthd (Release) in $GSLB_BUILD_DIR (log: $logf)"
  {
    # shellcheck disable=SC2086 # GSLB_CMAKE_ARGS is a word list on purpose
    cmake -S "$REPO_DIR" -B "$GSLB_BUILD_DIR" -DCMAKE_BUILD_TYPE=Release -DGSLB_TESTS=OFF \
      -DCMAKE_CXX_FLAGS="$GSLB_CXXFLAGS" $GSLB_CMAKE_ARGS &&
      cmake --build "$GSLB_BUILD_DIR" -j"$(nproc)" --target gslbd gslbadm gslb-healthd &&
      cmake --build "$GSLB_BUILD_DIR" -j"$(nproc)" --target gslbd gslbadm gslb-healthd
  } >"$logf" 2>&1
}

hb_check_binaries() {
  local b
  for b in "$GSLBD" "$GSLBADM" "$HEALTHD"; do
    [[ -x $b ]] || die "missing $b (build it, or set GSLB_BUILD_DIR / GSLBD / GSLBADM / HEALTHD)"
  done
}

# ------------------------------------------------------------ processes

declare -A HB_PID=()
HB_ORDER=()

# hb_spawn NAME CMD...: run CMD in the background, stdout and stderr in
# $WORK/NAME.log; HB_PID[NAME] is its pid (CMD is exec'd, so the program's own).
hb_spawn() {
  local name=$1
  shift
  "$@" >"$WORK/$name.log" 2>&1 </dev/null &
  HB_PID[$name]=$!
  HB_ORDER+=("$name")
}

# hb_wait_log NAME PATTERN [SECONDS]: until NAME's log matches PATTERN (its
# ready line); dies when the program exits first or after SECONDS (10).
hb_wait_log() {
  local name=$1 pattern=$2 secs=${3:-10} i
  for ((i = 0; i < secs * 20; i++)); do
    grep -q -- "$pattern" "$WORK/$name.log" 2>/dev/null && return 0
    kill -0 "${HB_PID[$name]}" 2>/dev/null || { tail -20 "$WORK/$name.log" >&2; die "$name exited during startup (log: $WORK/$name.log)"; }
    sleep 0.05
  done
  tail -20 "$WORK/$name.log" >&2
  die "$name did not log '$pattern' within ${secs}s (log: $WORK/$name.log)"
}

# hb_stop NAME [SIGNAL]: SIGNAL (TERM) to NAME and its descendants, KILL
# after 5 s, reaped.
hb_stop() {
  local name=$1 sig=${2:-TERM} pid=${HB_PID[$1]:-} pids i
  [[ -n $pid ]] || return 0
  pids=$(proc_tree "$pid" | tr '\n' ' ')
  # shellcheck disable=SC2086
  kill -"$sig" $pids 2>/dev/null || true
  for ((i = 0; i < 50; i++)); do
    # shellcheck disable=SC2086
    kill -0 $pids 2>/dev/null || break
    # A child that already exited is a zombie until waited for.
    [[ $(awk '{ print $3 }' "/proc/$pid/stat" 2>/dev/null) == Z ]] && break
    sleep 0.1
  done
  # shellcheck disable=SC2086
  kill -KILL $pids 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  unset "HB_PID[$name]"
}

# hb_cleanup: stops everything hb_spawn started, newest first (the trap).
hb_cleanup() {
  local i name
  for ((i = ${#HB_ORDER[@]} - 1; i >= 0; i--)); do
    name=${HB_ORDER[$i]}
    [[ -n ${HB_PID[$name]:-} ]] && hb_stop "$name"
  done
  return 0
}

# ------------------------------------------------------------- reports

# hb_machine: the "## Machine" list of the reports (as write_header's).
hb_machine() {
  cat <<EOF
- CPU: $(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo), $(nproc) cores online
  ($(awk -F': ' '/^cpu MHz/ { printf "%.0f MHz", $2; exit }' /proc/cpuinfo)); $(grep -qw hypervisor /proc/cpuinfo && echo "virtual machine (hypervisor flag)" || echo "bare metal")
- memory: $(awk '/^MemTotal:/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)
- kernel: $(uname -srm)
- OS: $(. /etc/os-release && echo "$PRETTY_NAME")
- load average when the run ended: $(cut -d' ' -f1-3 /proc/loadavg)
- gslb: $(git -C "$REPO_DIR" describe --always --dirty 2>/dev/null || echo 'no commits yet') (Release build, \`${GSLB_BUILD_DIR#"$REPO_DIR"/}\`)
EOF
}

# ------------------------------------------------------------- hb_py

# hb_py SUBCOMMAND ARGS...: the Python helper below.
# (Its DNS client is lib/udp_dns.py, shared with lib/fleet.py.)
HB_LIB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
hb_py() { PYTHONPATH="$HB_LIB_DIR${PYTHONPATH:+:$PYTHONPATH}" python3 -c "$HB_PY" "$@"; }

HB_PY=$(
  cat <<'PYEOF'
"""bench/lib/healthd.sh's helper (stdlib only).

freeport [--udp] [--bind ADDR]   a port free for TCP (and UDP) on ADDR
query PORT NAME                  the A records of NAME, space separated
post URL JSON                    POST JSON to URL (the test backend's /control)
wait-answer PORT NAME WANT SECS  polls every 10 ms until the answer is
                                 exactly WANT; prints the ms it took
trial ...                        one failover trial (see trial())
failover-report CSV SETTINGS     trials.csv -> the failover report (Markdown)
stats-window LOG FROM_MS TO_MS [EVENTS_TO_MS]
                                 healthd_stats lines (and member state
                                 changes, up to EVENTS_TO_MS) in a window
                                 -> JSON summary
"""
import argparse
import datetime
import json
import os
import random
import signal
import socket
import sys
import time
import urllib.request

from udp_dns import UdpDns


def freeport(args):
    for _ in range(200):
        port = random.randint(20000, 60000)
        socks = []
        try:
            t = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            socks.append(t)
            t.bind((args.bind, port))
            if args.udp:
                u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
                socks.append(u)
                u.bind((args.bind, port))
            print(port)
            return 0
        except OSError:
            continue
        finally:
            for s in socks:
                s.close()
    sys.exit("no free port found")


class Dns:
    """Asks one server for NAME/A, one query at a time."""

    def __init__(self, port, name, server="127.0.0.1"):
        self.client = UdpDns(port, server)
        self.name = name

    def ask(self, timeout=0.2):
        """Sorted tuple of A addresses, or None (timeout, error rcode)."""
        got = self.client.ask(self.name, 1, timeout)
        if got is None or got[0] != 0:
            return None
        return tuple(sorted(got[1]))


def query(args):
    a = Dns(args.port, args.name).ask(1.0)
    print(" ".join(a) if a is not None else "NONE")


def wait_answer(args):
    dns = Dns(args.port, args.name)
    want = tuple(sorted(args.want.split(",")))
    start = time.monotonic()
    while time.monotonic() - start < args.secs:
        if dns.ask() == want:
            print(round((time.monotonic() - start) * 1000))
            return 0
        time.sleep(0.01)
    print("timeout")
    return 1


def post(args):
    req = urllib.request.Request(args.url, data=args.json.encode(), method="POST",
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=5) as r:
        r.read()


def log_time_ms(line):
    """The ts= of a log line (UTC, ms) as Unix ms."""
    ts = line.split(" ", 1)[0][3:]
    d = datetime.datetime.strptime(ts, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=datetime.timezone.utc)
    return round(d.timestamp() * 1000)


def log_field(line, key):
    for part in line.split(" "):
        if part.startswith(key + "="):
            return part[len(key) + 1:]
    return ""


def trial(args):
    """One failover trial: check the answer is --from, wait a random part of
    the interval (so the failure lands at a random point of the probe
    cadence), do --action, then ask every --poll-ms until the answer is --to.
    Prints one CSV line:
      t0_unix_ms,failover_ms,last_from_ms,queries,detect_ms,reason
    failover_ms: action -> first answer that is --to (as received);
    last_from_ms: action -> last answer that was still --from;
    detect_ms: action -> healthd's member_state_changed ... to=down (its log)."""
    dns = Dns(args.port, args.name)
    want_from = tuple(sorted(args.frm.split(",")))
    want_to = tuple(sorted(args.to.split(",")))
    got = dns.ask(1.0)
    if got != want_from:
        print(f"error,answer before the action is {got}, not {want_from}")
        return 1
    time.sleep(random.uniform(0, args.delay_max_ms / 1000.0))
    kind, _, what = args.action.partition(":")
    if kind == "kill":
        t0 = time.monotonic()
        t0_wall = time.time()
        os.kill(int(what), signal.SIGKILL)
    elif kind == "post":
        url, _, body = what.partition(" ")
        req = urllib.request.Request(url, data=body.encode(), method="POST",
                                     headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=2) as r:
            r.read()
        # From here on the backend hangs (or fails) every health request.
        t0 = time.monotonic()
        t0_wall = time.time()
    else:
        sys.exit(f"unknown action {args.action}")
    queries = 0
    last_from = 0.0
    flip = None
    while time.monotonic() - t0 < args.timeout:
        a = dns.ask()
        now = time.monotonic()
        queries += 1
        if a == want_to:
            flip = now - t0
            break
        if a == want_from:
            last_from = now - t0
        nxt = t0 + queries * args.poll_ms / 1000.0
        if nxt > time.monotonic():
            time.sleep(nxt - time.monotonic())
    detect = ""
    reason = ""
    if args.log:
        # The writer may log a moment after the answer flipped: read after it.
        time.sleep(0.05)
        with open(args.log, errors="replace") as f:
            for line in f:
                if ("event=member_state_changed" in line and f"address={args.address} " in line
                        and "to=down" in line):
                    t = log_time_ms(line)
                    if t >= t0_wall * 1000 - 2:
                        detect = str(t - round(t0_wall * 1000))
                        reason = line.split('reason="', 1)[1].rstrip().rstrip('"') if 'reason="' in line else ""
                        break
    t0_ms = round(t0_wall * 1000)
    if flip is None:
        print(f"{t0_ms},timeout,{round(last_from * 1000)},{queries},{detect},{reason}")
        return 1
    print(f"{t0_ms},{round(flip * 1000)},{round(last_from * 1000)},{queries},{detect},{reason}")
    return 0


def pct(sorted_vals, p):
    """Nearest-rank percentile."""
    if not sorted_vals:
        return float("nan")
    k = max(1, int(-(-p * len(sorted_vals) // 100)))
    return sorted_vals[min(k, len(sorted_vals)) - 1]


def failover_report(args):
    import csv
    rows = list(csv.DictReader(open(args.csv)))
    s = json.loads(args.settings)
    interval, fall, rise, timeout = s["interval_ms"], s["fall"], s["rise"], s["timeout_ms"]
    jitter = interval // 10
    bound = interval * fall + timeout
    goal = bound + 250
    literal = interval * fall
    out = []
    variants = []
    for r in rows:
        if r["variant"] not in variants:
            variants.append(r["variant"])
    desc = {
        "kill": "backend SIGKILLed (connection refused)",
        "hang": "backend hangs (`{\"hang\": true}`: probes time out)",
        "http503": "backend answers 503 (`{\"status\": 503}`)",
    }
    out.append("| failure | trials | min | p50 | p90 | max | mean | > %.2f s (interval × fall) | > %.2f s (bound) | > %.2f s (goal) |" % (literal / 1000, bound / 1000, goal / 1000))
    out.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    detail = []
    for v in variants:
        vr = [r for r in rows if r["variant"] == v]
        ok = sorted(int(r["failover_ms"]) for r in vr if r["failover_ms"].isdigit())
        lost = len(vr) - len(ok)
        mean = sum(ok) / len(ok) if ok else float("nan")
        def over(lim):
            return sum(1 for x in ok if x > lim) + lost
        out.append("| %s | %d%s | %d | %d | %d | %d | %d | %d | %d | **%d** |" % (
            desc.get(v, v), len(vr), f" ({lost} timed out)" if lost else "", ok[0], pct(ok, 50), pct(ok, 90), ok[-1], mean,
            over(literal), over(bound), over(goal)))
        det = sorted(int(r["detect_ms"]) for r in vr if r["detect_ms"].lstrip("-").isdigit())
        prop = sorted(int(r["failover_ms"]) - int(r["detect_ms"]) for r in vr
                      if r["failover_ms"].isdigit() and r["detect_ms"].lstrip("-").isdigit())
        rec = sorted(int(r["recovery_ms"]) for r in vr if r["recovery_ms"].isdigit())
        reasons = sorted(set(r["reason"] for r in vr if r["reason"]))
        detail.append((v, det, prop, rec, reasons))
    out.append("")
    out.append("All times in ms from the failure (SIGKILL sent / `/control` answered) to the first DNS answer naming the secondary. "
               "Bound = interval × fall + timeout = %d ms; goal = bound + 250 ms = %d ms; interval × fall = %d ms (the issue's \"under 2.5 s\" read literally). "
               "Column \"> goal\" counts the trials that missed the goal (timed-out trials count as misses everywhere)." % (bound, goal, literal))
    out.append("")
    out.append("### Where the time goes")
    out.append("")
    out.append("| failure | detection: failure → healthd's `member_state_changed to=down` (min / p50 / p90 / max) | propagation: state change → answer flipped (min / p50 / max) | recovery: backend back → primary answered again (min / p50 / max) | probe failure reason |")
    out.append("|---|---|---|---|---|")
    for v, det, prop, rec, reasons in detail:
        f = lambda L, ps: " / ".join(str(pct(L, p)) if L else "–" for p in ps)
        out.append("| %s | %s | %s | %s | %s |" % (v, f(det, (0, 50, 90, 100)), f(prop, (0, 50, 100)), f(rec, (0, 50, 100)), "; ".join(reasons) or "–"))
    out.append("")
    out.append("Detection is read from gslb-healthd's log (ms timestamps, same clock); propagation = the writer's transaction + "
               "gslbd's store poll (`--poll-interval`, %d ms) + this client's poll (%d ms). Expected detection with a failure at a random point "
               "of the cadence: the next probe comes after U(0, interval) ± jitter, the fall-th failure (fall − 1) intervals later, each ± %d ms jitter, "
               "plus the probe's own time (≈ 0 when refused, the timeout when hanging): %d – %d ms for a dead backend, %d – %d ms for a hanging one." % (
                   s["poll_interval_ms"], s["client_poll_ms"], jitter,
                   (fall - 1) * (interval - jitter), fall * (interval + jitter),
                   (fall - 1) * (interval - jitter) + timeout, fall * (interval + jitter) + timeout))
    out.append("")
    out.append("### Every trial")
    out.append("")
    out.append("| failure | trial | failover ms | last primary answer ms | DNS queries | detection ms | recovery ms |")
    out.append("|---|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        out.append("| %s | %s | %s | %s | %s | %s | %s |" % (r["variant"], r["trial"], r["failover_ms"], r["last_from_ms"], r["queries"], r["detect_ms"] or "–", r["recovery_ms"] or "–"))
    print("\n".join(out))


def stats_window(args):
    """healthd_stats lines logged in [FROM_MS, TO_MS] (Unix ms) and the
    up<->down changes in [FROM_MS, EVENTS_TO_MS or TO_MS] -> JSON summary.
    The first stats line in the window only anchors the cumulative counters
    (it closes a stats window that began before FROM_MS)."""
    lines = []
    downs = ups = 0
    reasons = {}
    for line in open(args.log, errors="replace"):
        if "event=member_state_changed" in line:
            t = log_time_ms(line)
            if args.from_ms <= t <= (args.events_to or args.to_ms) and "from=unknown" not in line:
                if "to=down" in line:
                    downs += 1
                    r = line.split('reason="', 1)[1].rstrip().rstrip('"') if 'reason="' in line else "?"
                    reasons[r] = reasons.get(r, 0) + 1
                elif "to=up" in line:
                    ups += 1
            continue
        if "event=healthd_stats" not in line:
            continue
        t = log_time_ms(line)
        if args.from_ms <= t <= args.to_ms:
            lines.append({k: int(log_field(line, k)) for k in (
                "targets", "probes_per_s", "late_p50_ms", "late_p99_ms", "late_max_ms", "skipped",
                "in_flight", "queued", "rows_written", "write_failures", "rows_pending")} | {"t": t})
    events = {"went_down": downs, "went_up": ups,
              "down_reasons": "; ".join(f"{r} ({n})" for r, n in sorted(reasons.items(), key=lambda x: -x[1])[:3])}
    if len(lines) < (1 if args.from_start else 2):
        # No complete stats window: the loop did not get to log one.
        print(json.dumps({"windows": 0} | events))
        return 0
    if args.from_start:
        # From the daemon's start: every line counts, counters start at 0.
        lines.insert(0, {k: 0 for k in lines[0]} | {"t": args.from_ms})
    # The first line in the window closes a stats window that began before it.
    w = lines[1:]
    span_s = (lines[-1]["t"] - lines[0]["t"]) / 1000.0
    p50s = sorted(x["late_p50_ms"] for x in w)
    summary = {
        "windows": len(w),
        "span_s": span_s,
        "targets": w[-1]["targets"],
        # healthd divides each window's probes by --stats-interval, not by the
        # time that really passed (longer when its loop was blocked): count
        # the probes back and divide by the span the lines cover.
        "probes_per_s_mean": sum(x["probes_per_s"] for x in w) * args.stats_ms / 1000.0 / span_s,
        "probes_per_s_min": min(x["probes_per_s"] for x in w),
        "probes_per_s_max": max(x["probes_per_s"] for x in w),
        "late_p50_median": p50s[len(p50s) // 2],
        "late_p99_max": max(x["late_p99_ms"] for x in w),
        "late_p99_median": sorted(x["late_p99_ms"] for x in w)[len(w) // 2],
        "late_max": max(x["late_max_ms"] for x in w),
        "skipped": sum(x["skipped"] for x in w),
        "in_flight_max": max(x["in_flight"] for x in w),
        "queued_max": max(x["queued"] for x in w),
        "rows_written": lines[-1]["rows_written"] - lines[0]["rows_written"],
        "rows_per_s": (lines[-1]["rows_written"] - lines[0]["rows_written"]) / span_s if span_s else 0,
        "write_failures": lines[-1]["write_failures"] - lines[0]["write_failures"],
        "rows_pending_max": max(x["rows_pending"] for x in w),
        "rows_written_total": lines[-1]["rows_written"],
        # Stats lines come every --stats-interval from a loop timer: a
        # longest gap well above it means the loop was blocked that long.
        "longest_gap_ms": max(b["t"] - a["t"] for a, b in zip(lines, lines[1:])),
    } | events
    print(json.dumps(summary))
    return 0


def main():
    p = argparse.ArgumentParser()
    sub = p.add_subparsers(dest="cmd", required=True)
    a = sub.add_parser("freeport")
    a.add_argument("--udp", action="store_true")
    a.add_argument("--bind", default="127.0.0.1")
    a = sub.add_parser("query")
    a.add_argument("port", type=int)
    a.add_argument("name")
    a = sub.add_parser("post")
    a.add_argument("url")
    a.add_argument("json")
    a = sub.add_parser("wait-answer")
    a.add_argument("port", type=int)
    a.add_argument("name")
    a.add_argument("want")
    a.add_argument("secs", type=float)
    a = sub.add_parser("trial")
    a.add_argument("--port", type=int, required=True)
    a.add_argument("--name", required=True)
    a.add_argument("--from", dest="frm", required=True)
    a.add_argument("--to", required=True)
    a.add_argument("--action", required=True)
    a.add_argument("--delay-max-ms", type=int, default=0)
    a.add_argument("--poll-ms", type=float, default=10)
    a.add_argument("--timeout", type=float, default=15)
    a.add_argument("--log")
    a.add_argument("--address")
    a = sub.add_parser("failover-report")
    a.add_argument("csv")
    a.add_argument("settings")
    a = sub.add_parser("stats-window")
    a.add_argument("log")
    a.add_argument("from_ms", type=int)
    a.add_argument("to_ms", type=int)
    a.add_argument("events_to", type=int, nargs="?", default=0)
    a.add_argument("--from-start", action="store_true")
    a.add_argument("--stats-ms", type=int, default=5000)
    args = p.parse_args()
    fn = {"freeport": freeport, "query": query, "post": post, "wait-answer": wait_answer, "trial": trial,
          "failover-report": failover_report, "stats-window": stats_window}[args.cmd]
    sys.exit(fn(args) or 0)


main()
PYEOF
)
