#!/usr/bin/env bash
# Builds the libFuzzer targets with clang and runs each one on its seed
# corpus (fuzz/corpus/TARGET) for a while.
#
#   bash fuzz/run.sh [--build DIR] [--seconds N] [TARGET ...]
#
# Defaults: DIR build-fuzz, 10 s per target, every target. New inputs that
# libFuzzer finds go to DIR/corpus/TARGET (the seeds in the repo are not
# touched); a crash leaves DIR/crash-* and fails the run. Exits 77 (ctest's
# "skipped") when clang or libFuzzer is not installed.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
BUILD="$ROOT/build-fuzz"
SECONDS_EACH=10
TARGETS=()
while [ $# -gt 0 ]; do
  case "$1" in
    --build) BUILD="$2"; shift 2 ;;
    --seconds) SECONDS_EACH="$2"; shift 2 ;;
    -h|--help) sed -n '2,11p' "$0"; exit 0 ;;
    *) TARGETS+=("$1"); shift ;;
  esac
done
[ ${#TARGETS[@]} -gt 0 ] || TARGETS=(envelope peer record shorthand json cidr)

if ! command -v clang >/dev/null; then
  echo "SKIPPED: clang is not installed (bash scripts/install-deps.sh installs it)"
  exit 77
fi
if ! echo 'int LLVMFuzzerTestOneInput(const char *d, unsigned long n){return 0;}' |
     clang -x c -fsanitize=fuzzer -o /dev/null - 2>/dev/null; then
  echo "SKIPPED: clang cannot link libFuzzer (install libclang-rt-14-dev)"
  exit 77
fi

CC=clang cmake -S "$ROOT/fuzz" -B "$BUILD" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$BUILD" -j"${JOBS:-2}" >/dev/null

status=0
for t in "${TARGETS[@]}"; do
  mkdir -p "$BUILD/corpus/$t"
  log="$BUILD/fuzz_$t.log"
  # New inputs go to the build's corpus; the repo's seeds are read only.
  if (cd "$BUILD" && "./fuzz_$t" -max_total_time="$SECONDS_EACH" -timeout=10 -rss_limit_mb=2048 \
        -print_final_stats=1 "corpus/$t" "$ROOT/fuzz/corpus/$t") >"$log" 2>&1; then
    execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo "?")
    echo "fuzz_$t: ok, $execs executions in ${SECONDS_EACH}s"
  else
    echo "fuzz_$t: FAILED (see $log)"
    tail -30 "$log"
    status=1
  fi
done
exit $status
