#!/usr/bin/env bash
# Builds the libFuzzer targets with clang 16 (ASan+UBSan, -O1) and runs each for a bounded
# time, two at a time, from a copy of its seed corpus (the repository is never written).
#   tests/fuzz/run.sh [BUILD_DIR] [TARGET...]     default: build/fuzz, every target
#   FUZZ_SECONDS=60  how long each target runs    FUZZ_JOBS=2  targets run at once
# A crash, leak, timeout or broken promise fails the run, naming the target and the input.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
BUILD="${1:-$ROOT/build/fuzz}"
shift || true
TARGETS=("$@")
((${#TARGETS[@]})) || TARGETS=(wire zonefile api_json apply)
SECONDS_EACH="${FUZZ_SECONDS:-60}"
JOBS="${FUZZ_JOBS:-2}"
CLANG_VERSION="${CLANG_VERSION:-16}"

log() { printf '==> fuzz: %s\n' "$*" >&2; }

build() {
  log "building ${TARGETS[*]} in ${BUILD#"$ROOT"/}"
  mkdir -p "$BUILD"
  # A unity build, as ./bootstrap.sh builds (it halves the build).
  cmake -S "$ROOT" -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Release -DGSLB_FUZZ=ON -DCMAKE_UNITY_BUILD=ON \
    -DCMAKE_C_COMPILER="clang-$CLANG_VERSION" -DCMAKE_CXX_COMPILER="clang++-$CLANG_VERSION" \
    >"$BUILD/configure.log" 2>&1 || { cat "$BUILD/configure.log" >&2; return 1; }
  local start=$SECONDS
  cmake --build "$BUILD" -j "$JOBS" --target "${TARGETS[@]/#/fuzz_}"
  log "built in $((SECONDS - start))s"
}

# fuzz_one NAME WORK: runs one target in WORK (its corpus copy, artifacts and log there).
fuzz_one() {
  local name="$1" work="$2" dict=()
  mkdir -p "$work/corpus" "$work/artifacts"
  cp -r "$ROOT/tests/fuzz/corpus/$name/." "$work/corpus/"
  [[ -f "$ROOT/tests/fuzz/$name.dict" ]] && dict=("-dict=$ROOT/tests/fuzz/$name.dict")
  # -timeout: one input taking 10 s is a hang (a compression loop, say); rss in MB.
  "$BUILD/tests/fuzz/fuzz_$name" "$work/corpus" "${dict[@]}" \
    -max_total_time="$SECONDS_EACH" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
    -artifact_prefix="$work/artifacts/" >"$work/log" 2>&1
}

report() {
  local name="$1" work="$2" rc="$3" input
  if ((rc == 0)); then
    log "$name: ok ($(grep -o 'stat::number_of_executed_units: *[0-9]*' "$work/log" |
      grep -o '[0-9]*$') runs, $(grep -o 'exec/s: [0-9]*' "$work/log" | tail -1))"
    return 0
  fi
  tail -n 60 "$work/log" >&2
  for input in "$work"/artifacts/*; do
    [[ -e $input ]] || continue
    log "$name: FAILED on $input (kept; add it as tests/fuzz/corpus/$name/<what-it-is>)"
  done
  log "$name: FAILED (exit $rc), full log: $work/log"
  return 1
}

# collect PID NAME: waits for a target's run and reports it.
collect() {
  local rc=0
  wait "$1" || rc=$?
  report "$2" "$OUT/$2" "$rc"
}

main() {
  build
  local name i status=0 pids=() names=()
  OUT="$(mktemp -d -t gslb-fuzz-run-XXXXXX)"
  export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1}"
  export LSAN_OPTIONS="suppressions=$ROOT/tests/fuzz/lsan.supp${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
  export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
  log "${#TARGETS[@]} targets, ${SECONDS_EACH}s each, $JOBS at a time, in $OUT"
  for name in "${TARGETS[@]}"; do
    fuzz_one "$name" "$OUT/$name" &
    pids+=("$!")
    names+=("$name")
    ((${#pids[@]} < JOBS)) && continue
    for i in "${!pids[@]}"; do collect "${pids[$i]}" "${names[$i]}" || status=1; done
    pids=()
    names=()
  done
  for i in "${!pids[@]}"; do collect "${pids[$i]}" "${names[$i]}" || status=1; done
  ((status == 0)) && rm -rf "$OUT"
  return "$status"
}

main
