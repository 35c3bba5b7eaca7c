#!/usr/bin/env bash
# Sets up a fresh Debian 12 machine and runs every Tern test:
#   1. Release build (gcc): all test suites through ctest, a short micro-benchmark run, and the
#      integration tests (pytest: ternd driven by coturn's turnutils_uclient, python3-aioice, the
#      tern CLI and tern-bench), once per I/O backend (io_uring, epoll) and shard count (1, 2);
#   2. ASan + UBSan build (gcc, abort on first finding): the same unit suites, and the integration
#      tests against the sanitized ternd (--io uring --threads 2; a sanitizer report fails the test);
#   3. libFuzzer build (clang, ASan + UBSan): the protocol fuzz target for TERN_FUZZ_SECONDS (default 60).
# Ends with one summary line "tests: N passed, M failed". Exit status is non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")/.."

jobs=${TERN_JOBS:-$(nproc)}
fuzz_seconds=${TERN_FUZZ_SECONDS:-60}

bash scripts/install-deps.sh

# Prefer the team's shared vector files when they sit beside the checkout; tests/vectors otherwise.
if [ -z "${TERN_VECTORS_DIR:-}" ] && [ -d ../shared/vectors ]; then
  TERN_VECTORS_DIR=$(cd ../shared/vectors && pwd)
  export TERN_VECTORS_DIR
fi

passed=0
failed=0

run_ctest() {  # build-dir label
  local dir=$1 label=$2 log
  log=$(mktemp)
  echo "== ctest ($label)"
  if ctest --test-dir "$dir" --output-on-failure -j "$jobs" 2>&1 | tee "$log"; then :; fi
  local total bad
  total=$(sed -n 's/.*tests passed, \([0-9]*\) tests failed out of \([0-9]*\).*/\2/p' "$log" | tail -1)
  bad=$(sed -n 's/.*tests passed, \([0-9]*\) tests failed out of \([0-9]*\).*/\1/p' "$log" | tail -1)
  rm -f "$log"
  if [ -z "$total" ]; then
    echo "ctest ($label) printed no summary"
    failed=$((failed + 1))
    return
  fi
  passed=$((passed + total - bad))
  failed=$((failed + bad))
}

echo "== build (release)"
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build -j "$jobs"
run_ctest build release
echo "== micro-benchmark smoke run"
./build/bin/tern-microbench --benchmark_min_time=0.05

run_pytest() {  # binary-dir label [extra ternd arguments] [extra pytest arguments]
  local bin=$1 label=$2 extra=${3:-} pytest_extra=${4:-} log
  log=$(mktemp)
  echo "== integration tests ($label)"
  # Debian's interpreter: python3-aioice and python3-pytest are installed for it, whatever python3
  # comes first on PATH.
  # shellcheck disable=SC2086  # pytest_extra is a list of arguments
  TERN_BIN_DIR="$bin" TERN_EXTRA_ARGS="$extra" /usr/bin/python3 -m pytest tests/integration -q -p no:cacheprovider \
    $pytest_extra 2>&1 | tee "$log" || true
  local ok bad
  ok=$(grep -Eo '[0-9]+ passed' "$log" | tail -1 | grep -Eo '[0-9]+' || true)
  bad=$( (grep -Eo '[0-9]+ (failed|errors?)' "$log" || true) | awk '{n += $1} END {if (NR) print n}')
  rm -f "$log"
  if [ -z "$ok" ] && [ -z "$bad" ]; then
    echo "pytest ($label) printed no summary"
    failed=$((failed + 1))
    return
  fi
  passed=$((passed + ${ok:-0}))
  failed=$((failed + ${bad:-0}))
}
# Every I/O backend and both shard counts run the same suite.
for io in uring epoll; do
  for threads in 1 2; do
    run_pytest "$PWD/build/bin" "release, --io $io --threads $threads" "--io $io --threads $threads"
  done
done

echo "== build (ASan + UBSan)"
cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=Debug -DTERN_SANITIZE=ON -DTERN_BUILD_BENCH=OFF >/dev/null
cmake --build build-asan -j "$jobs"
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
run_ctest build-asan sanitizers
# The daemon under the sanitizers, on the backend with the most pointer juggling (provided buffers,
# GSO runs) and two shards. Left out: the tests that need tern-bench, which this build leaves out (the
# bench smoke run, and the allocation count, whose LD_PRELOAD counter cannot sit in front of ASan).
run_pytest "$PWD/build-asan/bin" "ASan + UBSan, --io uring --threads 2" "--io uring --threads 2" \
  "--ignore=tests/integration/test_bench_smoke.py --ignore=tests/integration/test_no_allocation.py"
unset ASAN_OPTIONS UBSAN_OPTIONS

echo "== build (libFuzzer, clang)"
CXX=clang++ cmake -S . -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DTERN_FUZZ=ON \
  -DTERN_BUILD_TESTS=OFF -DTERN_BUILD_BENCH=OFF >/dev/null
cmake --build build-fuzz -j "$jobs"
corpus=$(mktemp -d)
./build-fuzz/bin/tern_fuzz_seeds "$corpus"
echo "== fuzz protocol for ${fuzz_seconds}s"
fuzz_log=$(mktemp)
if ./build-fuzz/bin/tern_fuzz_protocol -max_total_time="$fuzz_seconds" -print_final_stats=1 \
     -artifact_prefix=build-fuzz/ "$corpus" >"$fuzz_log" 2>&1; then
  grep -E '^(Done|stat::number_of_executed_units|stat::new_units_added)' "$fuzz_log" || true
  passed=$((passed + 1))
else
  tail -60 "$fuzz_log"
  echo "fuzzer found a crash; the input is in build-fuzz/"
  failed=$((failed + 1))
fi
rm -rf "$corpus" "$fuzz_log"

echo "tests: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
