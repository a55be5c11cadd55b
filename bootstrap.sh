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
)

log() { printf '==> %s\n' "$*" >&2; }
die() { printf 'bootstrap: %s\n' "$*" >&2; exit 1; }

usage() {
  cat >&2 <<'EOF'
usage: ./bootstrap.sh deps|test|demo
  deps  install the Debian packages gslb needs (only those missing)
  test  deps, then a clean Release build + ctest, then a clean ASan/UBSan build + ctest
  demo  deps, build, and serve docs/examples/gslb.example.zone on 127.0.0.1 and ::1
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

# knot, nsd, gdnsd and pdns-server ship services that would start on install and hold port 53;
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
build() {
  local dir="$1" type="$2"
  shift 2
  cmake -S "$ROOT" -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE="$type" "$@" &&
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
  local start=$SECONDS release=FAIL asan=FAIL
  # Release (-O2, no debug info: -g makes the build half again as long); the ASan build
  # keeps line tables (-g1) so its reports name file and line.
  suite release "$ROOT/build/ci-release" Release && release=PASS
  # Leaks are errors; one report stops the test (and so ctest shows it).
  ASAN_OPTIONS="${ASAN_OPTIONS:-abort_on_error=1:detect_leaks=1}" \
    UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}" \
    suite asan "$ROOT/build/ci-asan" Release -DGSLB_SANITIZE=ON && asan=PASS
  echo "bootstrap test: release=$release asan=$asan ($((SECONDS - start))s)"
  [[ $release == PASS && $asan == PASS ]]
}

# ---------------------------------------------------------------- demo
# The demo is a list of steps sharing DEMO_* variables; each long-running program is
# started with demo_spawn so that Ctrl-C stops them all. Later steps (healthd, regions,
# services) are one function and one entry in DEMO_STEPS each.

DEMO_BUILD="$ROOT/build/demo"
DEMO_DIR=""
DEMO_DB=""
DEMO_PIDS=()
DEMO_STEPS=(demo_build demo_store demo_tokens demo_gslbd demo_hints)

demo_cleanup() {
  local pid
  for pid in "${DEMO_PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${DEMO_PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  [[ -n "$DEMO_DIR" ]] && rm -rf "$DEMO_DIR"
  DEMO_PIDS=()
}

# demo_spawn NAME CMD...: run CMD in the background, its stderr in $DEMO_DIR/NAME.log.
demo_spawn() {
  local name="$1"
  shift
  "$@" 2>"$DEMO_DIR/$name.log" &
  DEMO_PIDS+=("$!")
}

# demo_wait_log NAME PATTERN: until the log shows PATTERN (the program's ready line).
demo_wait_log() {
  local name="$1" pattern="$2" i
  for ((i = 0; i < 100; i++)); do
    grep -q -- "$pattern" "$DEMO_DIR/$name.log" 2>/dev/null && return 0
    sleep 0.1
  done
  cat "$DEMO_DIR/$name.log" >&2 || true
  die "$name did not log '$pattern'"
}

gslbadm() { "$DEMO_BUILD/admin/gslbadm" --db "$DEMO_DB" "$@"; }

demo_build() { build "$DEMO_BUILD" Release -DGSLB_TESTS=OFF; }

# The example zone and its GSLB configuration (docs/examples/gslb.yaml imports the zone
# file too), and demo GeoIP data: the generator the tests use (a few documentation networks
# on several continents, GeoIP2 City schema), so no MaxMind download is needed.
demo_store() {
  gslbadm init
  gslbadm apply -f "$ROOT/docs/examples/gslb.yaml"
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

demo_gslbd() {
  demo_spawn gslbd "$DEMO_BUILD/server/gslbd" --db "$DEMO_DB" \
    --listen "127.0.0.1:$DEMO_PORT" --listen "[::1]:$DEMO_PORT" \
    --admin "127.0.0.1:$DEMO_ADMIN_PORT" --admin-tokens "$DEMO_DIR/tokens" \
    --chaos-id "gslb-demo" --chaos-version "gslb demo" --geoip "$DEMO_DIR/demo.mmdb"
  demo_wait_log gslbd "event=ready"
}

demo_hints() {
  cat <<EOF

gslbd is serving gslb.example. on 127.0.0.1:$DEMO_PORT and [::1]:$DEMO_PORT. Try:

  dig @127.0.0.1 -p $DEMO_PORT gslb.example. SOA +norec
  dig @127.0.0.1 -p $DEMO_PORT www.gslb.example. A +norec
  dig @::1       -p $DEMO_PORT api.gslb.example. AAAA +norec
  dig @127.0.0.1 -p $DEMO_PORT nothere.gslb.example. A +norec      # NXDOMAIN
  dig @127.0.0.1 -p $DEMO_PORT www.example.com. A +norec           # REFUSED: not our zone
  dig @127.0.0.1 -p $DEMO_PORT version.bind. TXT CH +norec

GSLB services (docs/walkthrough.md), from three continents (the demo GeoIP data puts
198.51.100.0/24 in New York, 203.0.113.0/24 in Frankfurt, 192.0.2.0/24 in Sydney):

  dig @127.0.0.1 -p $DEMO_PORT app.gslb.example. A +norec +subnet=198.51.100.0/24   # us-east
  dig @127.0.0.1 -p $DEMO_PORT app.gslb.example. A +norec +subnet=203.0.113.0/24    # eu-central
  dig @127.0.0.1 -p $DEMO_PORT app.gslb.example. A +norec +subnet=192.0.2.0/24      # ap-northeast
  dig @127.0.0.1 -p $DEMO_PORT shop.gslb.example. AAAA +norec +subnet=2001:db8:1::/48
  $DEMO_BUILD/admin/gslbadm --db $DEMO_DB explain app.gslb.example --client 192.0.2.1 \\
      --ecs 192.0.2.0/24 --geoip $DEMO_DIR/demo.mmdb
  $DEMO_BUILD/admin/gslbadm --db $DEMO_DB pool disable ap-northeast   # then dig again

The admin API (docs/api.md) on 127.0.0.1:$DEMO_ADMIN_PORT, token in $DEMO_DIR/token.
A failover drill (docs/drills.md): preview it, run it for 2 minutes, watch answers move,
read its report:

  export TOKEN=\$(cat $DEMO_DIR/token) API=http://127.0.0.1:$DEMO_ADMIN_PORT
  curl -s -H "Authorization: Bearer \$TOKEN" \$API/v1/status
  curl -s -H "Authorization: Bearer \$TOKEN" -X POST \$API/v1/drills \\
      -d '{"target": "pool/us-east", "action": "fail", "duration": "2m", "dry_run": true}'
  $DEMO_BUILD/admin/gslbadm --api \$API --token-file $DEMO_DIR/token \\
      drill start --target pool/us-east --action fail --duration 2m --note "demo drill"
  dig @127.0.0.1 -p $DEMO_PORT app.gslb.example. A +norec +subnet=198.51.100.0/24   # now eu-central
  $DEMO_BUILD/admin/gslbadm --api \$API --token-file $DEMO_DIR/token drill show 1
  $DEMO_BUILD/admin/gslbadm --api \$API --token-file $DEMO_DIR/token drill abort 1

  $DEMO_BUILD/admin/gslbadm --db $DEMO_DB --help
  logs: $DEMO_DIR/gslbd.log

Ctrl-C stops everything and removes $DEMO_DIR.
EOF
}

cmd_demo() {
  cmd_deps
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
