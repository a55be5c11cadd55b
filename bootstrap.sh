#!/usr/bin/env bash
# One entry point on a fresh Debian 12 machine (as root): install what gslb needs, run the
# whole test suite twice (Release, then ASan+UBSan), or start a demo server on loopback.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
JOBS="${JOBS:-2}"
DEMO_PORT="${DEMO_PORT:-5353}"
DEMO_ADMIN_PORT="${DEMO_ADMIN_PORT:-8053}"

# Everything the build, the tests (reference servers, dig/kdig) and the benchmarks use.
PACKAGES=(
  build-essential cmake pkg-config ninja-build clang-format
  libldns-dev ldnsutils libuv1-dev libsqlite3-dev sqlite3
  libmaxminddb-dev libmaxmind-db-writer-perl
  libcli11-dev doctest-dev nlohmann-json3-dev libyaml-cpp-dev libcpp-httplib-dev
  libcurl4-openssl-dev libssl-dev openssl python3
  python3-prometheus-client                          # tests parse /metrics with it
  python3-yaml                                       # tests/style checks docs/monitoring
  chromium chromium-driver python3-selenium          # the status page's browser test
  dnsutils knot-dnsutils knot nsd gdnsd dnsperf
  pdns-server pdns-backend-bind pdns-backend-geoip   # bench/dynamic.sh's reference server
  nginx                                              # bench/healthd_scale.sh's HTTP backend
  clang-16 libclang-rt-16-dev                        # tests/fuzz: libFuzzer with ASan+UBSan
  etcd-server etcd-client                            # fleet mode's store (tests, bench/fleet.sh)
)                                                    # (clang 14 cannot build our C++23)

log() { printf '==> %s\n' "$*" >&2; }
die() { printf 'bootstrap: %s\n' "$*" >&2; exit 1; }

usage() {
  cat >&2 <<'EOF'
usage: ./bootstrap.sh deps|test|demo
  deps  install the Debian packages gslb needs (only those missing)
  test  deps, then a clean Release build + ctest, then a clean ASan/UBSan build + ctest,
        then the fuzz targets (clang, ASan+UBSan), FUZZ_SECONDS (default 45) each
  demo  deps, build, and run three regions, gslb-healthd and gslbd on loopback (Ctrl-C stops)
EOF
  exit 2
}

# ---------------------------------------------------------------- deps

missing_packages() {
  local p
  for p in "${PACKAGES[@]}"; do
    [[ "$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null)" == installed ]] || echo "$p"
  done
}

# knot, nsd, gdnsd and pdns-server ship services that would start on install and hold port 53
# (etcd-server one on 2379);
# invoke-rc.d honours policy-rc.d's "101: action forbidden".
install_without_starting_services() {
  local policy=/usr/sbin/policy-rc.d created=0 rc=0
  if [[ ! -e "$policy" ]]; then
    printf '#!/bin/sh\nexit 101\n' >"$policy"
    chmod 755 "$policy"
    created=1
  fi
  DEBIAN_FRONTEND=noninteractive apt-get update &&
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "$@" || rc=$?
  if ((created)); then rm -f "$policy"; fi
  return "$rc"
}

cmd_deps() {
  local missing
  mapfile -t missing < <(missing_packages)
  if ((${#missing[@]} == 0)); then
    log "deps: all ${#PACKAGES[@]} packages present"
    return 0
  fi
  [[ $EUID -eq 0 ]] || die "installing ${missing[*]} needs root"
  log "deps: installing ${missing[*]}"
  install_without_starting_services "${missing[@]}"
}

# ---------------------------------------------------------------- build and test

# build DIR BUILD_TYPE [CMAKE_ARGS...]: configure (Ninja) and build, incrementally.
# Unity build (8 sources per compiler run): each json/CLI11/httplib instantiation is generated
# once per batch instead of once per file, which halves a clean build; the test command's three
# clean builds are most of its time. A file-local name defined twice in one batch fails it.
build() {
  local dir="$1" type="$2"
  shift 2
  cmake -S "$ROOT" -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE="$type" -DCMAKE_UNITY_BUILD=ON "$@" &&
    cmake --build "$dir" -j "$JOBS"
}

# suite NAME DIR BUILD_TYPE [CMAKE_ARGS...]: wipe DIR, build, run every test.
# (Called in an `||` list, where errexit is off: every step is chained explicitly.)
suite() {
  local name="$1" dir="$2"
  shift 2
  log "$name: fresh build in ${dir#"$ROOT"/}"
  rm -rf "$dir"
  build "$dir" "$@" || return 1
  log "$name: ctest"
  (cd "$dir" && ctest --output-on-failure -j "$JOBS")
}

cmd_test() {
  cmd_deps
  local start=$SECONDS release=FAIL asan=FAIL fuzz=FAIL
  # Release (-O2, no debug info: -g makes the build half again as long); the ASan build
  # keeps line tables (-g1) so its reports name file and line.
  suite release "$ROOT/build/ci-release" Release && release=PASS
  # Leaks are errors; one report stops the test (and so ctest shows it).
  ASAN_OPTIONS="${ASAN_OPTIONS:-abort_on_error=1:detect_leaks=1}" \
    UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}" \
    suite asan "$ROOT/build/ci-asan" Release -DGSLB_SANITIZE=ON && asan=PASS
  # A clean clang build of the libFuzzer targets, then each run for FUZZ_SECONDS (45 here),
  # two at a time (tests/fuzz/run.sh); a crash names the target and the input. On 2 cores the
  # build takes about 2 min and the runs 1.5: the whole test command must stay under 30 min.
  log "fuzz: fresh build in build/ci-fuzz"
  rm -rf "$ROOT/build/ci-fuzz"
  FUZZ_SECONDS="${FUZZ_SECONDS:-45}" "$ROOT/tests/fuzz/run.sh" "$ROOT/build/ci-fuzz" && fuzz=PASS
  echo "bootstrap test: release=$release asan=$asan fuzz=$fuzz ($((SECONDS - start))s)"
  [[ $release == PASS && $asan == PASS && $fuzz == PASS ]]
}

# ---------------------------------------------------------------- demo
# The demo is a list of steps sharing DEMO_* variables; each long-running program is
# started with demo_spawn so that Ctrl-C stops them all.
#
# GSLB_DEMO_PREBUILT=DIR uses the programs of an existing build directory and installs
# nothing (the demo's own test runs it so); DEMO_PORT, DEMO_ADMIN_PORT and DEMO_LB_PORT
# move it off the default ports.

DEMO_BUILD="${GSLB_DEMO_PREBUILT:-$ROOT/build/demo}"
DEMO_LB_PORT="${DEMO_LB_PORT:-18080}"
DEMO_DIR=""
DEMO_DB=""
DEMO_PIDS=()
DEMO_STEPS=(demo_build demo_store demo_tokens demo_regions demo_healthd demo_gslbd
  demo_wait_healthy demo_hints)
# The regional load balancers: pool, loopback address, reported load (docs/examples/demo.yaml).
DEMO_LBS=("us-east 127.0.0.11 0.30" "us-east 127.0.0.12 0.35" "eu-west 127.0.0.21 0.20"
  "ap-southeast 127.0.0.31 0.50")

demo_cleanup() {
  local pid
  trap '' INT TERM  # a second Ctrl-C must not cut the cleanup short
  for pid in "${DEMO_PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${DEMO_PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  [[ -n "$DEMO_DIR" ]] && rm -rf "$DEMO_DIR"
  DEMO_PIDS=()
}

# demo_spawn NAME CMD...: run CMD in the background, its output in $DEMO_DIR/NAME.log.
demo_spawn() {
  local name="$1"
  shift
  "$@" >"$DEMO_DIR/$name.log" 2>&1 &
  DEMO_PIDS+=("$!")
}

# demo_wait_log NAME PATTERN [COUNT]: until the log shows PATTERN on COUNT lines (default 1).
demo_wait_log() {
  local name="$1" pattern="$2" count="${3:-1}" i
  for ((i = 0; i < 150; i++)); do
    (($(grep -c -- "$pattern" "$DEMO_DIR/$name.log" 2>/dev/null) >= count)) && return 0
    sleep 0.1
  done
  cat "$DEMO_DIR/$name.log" >&2 || true
  die "$name did not log '$pattern' (its log is above)"
}

gslbadm() { "$DEMO_BUILD/admin/gslbadm" --db "$DEMO_DB" "$@"; }

demo_build() {
  [[ -n "${GSLB_DEMO_PREBUILT:-}" ]] && return 0
  build "$DEMO_BUILD" Release -DGSLB_TESTS=OFF
}

# docs/examples/demo.yaml (with the zone file it imports) on the health port asked for, and
# demo GeoIP data: the generator the tests use (a few documentation networks on several
# continents, GeoIP2 City schema), so no MaxMind download is needed.
demo_store() {
  cp "$ROOT/docs/examples/gslb.example.zone" "$DEMO_DIR/"
  sed "s/port: 18080/port: $DEMO_LB_PORT/" "$ROOT/docs/examples/demo.yaml" >"$DEMO_DIR/demo.yaml"
  gslbadm init >/dev/null
  gslbadm apply -f "$DEMO_DIR/demo.yaml" >"$DEMO_DIR/apply.log"
  perl "$ROOT/tests/data/make_test_mmdb.pl" "$DEMO_DIR/demo.mmdb"
}

# Admin API tokens (docs/api.md): a read-write one for the operator, a read-only one for
# dashboards; gslbadm --api reads the secret alone from a 0600 file.
demo_tokens() {
  local write read
  write="$(openssl rand -hex 16)"
  read="$(openssl rand -hex 16)"
  (
    umask 077
    printf 'demo-operator write %s\ndemo-viewer read %s\n' "$write" "$read" >"$DEMO_DIR/tokens"
    printf '%s\n' "$write" >"$DEMO_DIR/token"
  )
}

# One small HTTP server per regional load balancer, answering /healthz with its load.
demo_regions() {
  local lb pool address load
  for lb in "${DEMO_LBS[@]}"; do
    read -r pool address load <<<"$lb"
    demo_spawn "lb-$address" python3 "$ROOT/tests/support/backend.py" \
      --bind "$address" --port "$DEMO_LB_PORT" --load "$load"
  done
  for lb in "${DEMO_LBS[@]}"; do
    read -r pool address load <<<"$lb"
    demo_wait_log "lb-$address" "^ready "
  done
}

demo_healthd() {
  demo_spawn healthd "$DEMO_BUILD/healthd/gslb-healthd" --db "$DEMO_DB" --vantage demo
  demo_wait_log healthd "event=healthd_started"
}

# The status page's sample clients are the demo GeoIP data's three cities.
demo_gslbd() {
  demo_spawn gslbd "$DEMO_BUILD/server/gslbd" --db "$DEMO_DB" \
    --listen "127.0.0.1:$DEMO_PORT" --listen "[::1]:$DEMO_PORT" \
    --admin "127.0.0.1:$DEMO_ADMIN_PORT" --admin-tokens "$DEMO_DIR/tokens" \
    --chaos-id "gslb-demo" --chaos-version "gslb demo" --geoip "$DEMO_DIR/demo.mmdb" \
    --status-vantage new-york=198.51.100.10 --status-vantage frankfurt=203.0.113.10 \
    --status-vantage sydney=192.0.2.10
  demo_wait_log gslbd "event=ready"
}

# Every load balancer probed up (rise: 2 good probes, a second apart).
demo_wait_healthy() {
  demo_wait_log healthd "event=member_state_changed.* to=up" "${#DEMO_LBS[@]}"
}

demo_hints() {
  local dig="dig @127.0.0.1 -p $DEMO_PORT +norec" adm="$DEMO_BUILD/admin/gslbadm"
  cat <<EOF

gslb demo: gslbd serves gslb.example. on 127.0.0.1:$DEMO_PORT and [::1]:$DEMO_PORT, with
three regions whose load balancers are local HTTP servers, probed by gslb-healthd:
  us-east       127.0.0.11, 127.0.0.12   (load 0.30, 0.35)
  eu-west       127.0.0.21               (load 0.20)
  ap-southeast  127.0.0.31               (load 0.50)
Services (docs/examples/demo.yaml): app = proximity, fast = latency, login = failover.
The demo GeoIP data puts 198.51.100.0/24 in New York, 203.0.113.0/24 in Frankfurt and
192.0.2.0/24 in Sydney.

Answers from three continents:

  $dig app.gslb.example. A +subnet=198.51.100.0/24   # New York: us-east
  $dig app.gslb.example. A +subnet=203.0.113.0/24    # Frankfurt: eu-west
  $dig app.gslb.example. A +subnet=192.0.2.0/24      # Sydney: ap-southeast
  $dig fast.gslb.example. A +subnet=203.0.113.0/24   # latency: eu-west
  $dig login.gslb.example. A                         # failover: us-east
  $dig gslb.example. SOA

Why an answer is what it is:

  $adm --db $DEMO_DB explain app.gslb.example --client 192.0.2.1 --ecs 192.0.2.0/24 --geoip $DEMO_DIR/demo.mmdb

Health, and a region failing for real (its load balancer answers 503; back with 200):

  $adm --db $DEMO_DB health
  curl -s -X POST http://127.0.0.21:$DEMO_LB_PORT/control -d '{"status": 503}'
  $dig app.gslb.example. A +subnet=203.0.113.0/24    # two seconds later: us-east
  curl -s -X POST http://127.0.0.21:$DEMO_LB_PORT/control -d '{"status": 200}'

The admin API on http://127.0.0.1:$DEMO_ADMIN_PORT (token in $DEMO_DIR/token). A failover
drill (docs/drills.md): fail us-east for 2 minutes, see answers move, read the report:

  export GSLB_API=http://127.0.0.1:$DEMO_ADMIN_PORT GSLB_TOKEN_FILE=$DEMO_DIR/token
  $adm drill start --target pool/us-east --action fail --duration 2m --note "demo drill"
  $dig login.gslb.example. A                         # now eu-west
  $adm drill show 1
  $adm drill abort 1

The status page (map, answers, drills, audit): http://127.0.0.1:$DEMO_ADMIN_PORT/
(log in with the token: cat $DEMO_DIR/token)

Logs: $DEMO_DIR/*.log. Ctrl-C stops everything and removes $DEMO_DIR.
EOF
}

cmd_demo() {
  [[ -n "${GSLB_DEMO_PREBUILT:-}" ]] || cmd_deps
  DEMO_DIR="$(mktemp -d -t gslb-demo-XXXXXX)"
  DEMO_DB="$DEMO_DIR/gslb.db"
  trap demo_cleanup EXIT
  trap 'exit 130' INT TERM
  local step
  for step in "${DEMO_STEPS[@]}"; do
    log "demo: $step"
    "$step"
  done
  wait "${DEMO_PIDS[@]}"
}

# ---------------------------------------------------------------- main

cd "$ROOT"
case "${1:-}" in
  deps) cmd_deps ;;
  test) cmd_test ;;
  demo) cmd_demo ;;
  *) usage ;;
esac
