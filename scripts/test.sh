#!/usr/bin/env bash
# Installs what is needed, builds vpcsim and runs every test: the Check unit
# tests and the multi-process integration tests, once in a Release build and
# once under AddressSanitizer + UBSan.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
JOBS=${JOBS:-2}

echo "== Release build =="
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build -j"$JOBS"
ctest --test-dir build --output-on-failure

if [ "${VPCSIM_SKIP_ASAN:-0}" != "1" ]; then
  echo "== AddressSanitizer + UBSan build =="
  cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DVPCSIM_SANITIZE=ON >/dev/null
  cmake --build build-asan -j"$JOBS"
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
  CK_TIMEOUT_MULTIPLIER=4 ctest --test-dir build-asan --output-on-failure
fi
