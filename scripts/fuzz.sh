#!/usr/bin/env bash
# npm run fuzz [-- SECONDS [TARGET...]]: builds the libFuzzer targets of tests/fuzz (clang++,
# ASan + UBSan, in build/fuzz) and runs each for SECONDS (default 300), one after the other on one
# core, starting from the seed corpus in tests/fuzz/corpus/<target> plus what earlier runs found
# (build/fuzz/corpus/<target>). Reports executions per target; any crash, sanitizer report,
# broken invariant, leak, timeout or out-of-memory fails the run, and the input is saved under
# build/fuzz/artifacts/<target>/.
#
# --quick: what npm test runs: 12 s per target (4 targets, under a minute), from the seeds
# alone (a scratch corpus), so every test run fuzzes a little and stays bounded.
set -euo pipefail
cd "$(dirname "$0")/.."

quick=0
if [[ ${1:-} == --quick ]]; then
  quick=1
  shift
fi
seconds=${1:-$((quick ? 12 : 300))}
shift || true
targets=("$@")
((${#targets[@]})) || targets=(bundle csv basket catalog)
if ! [[ $seconds =~ ^[0-9]+$ ]] || ((seconds < 1)); then
  echo "usage: scripts/fuzz.sh [--quick] [SECONDS] [bundle|csv|basket|catalog ...]" >&2
  exit 2
fi

build=build/fuzz
cmake --preset fuzz >/dev/null
cmake --build --preset fuzz -j"$(nproc)" --target "${targets[@]/#/fuzz_}" | { grep -E 'error|warning' || true; }

# Inputs larger than the biggest seed bundle (15 KB) or text seed would mostly be slower, not
# more interesting.
declare -A max_len=([bundle]=16384 [csv]=8192 [basket]=8192 [catalog]=8192)
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

passed=0
failed=0
for t in "${targets[@]}"; do
  bin=$build/fuzz_$t
  seeds=tests/fuzz/corpus/$t
  if [[ ! -x $bin || ! -d $seeds ]]; then
    echo "fuzz_$t: no such target" >&2
    failed=$((failed + 1))
    continue
  fi
  if ((quick)); then
    work=$(mktemp -d)
    log=$build/logs/quick/$t.log
  else
    work=$build/corpus/$t
    log=$build/logs/$t.log
  fi
  artifacts=$build/artifacts/$t
  mkdir -p "$work" "$artifacts" "$(dirname "$log")"
  # The first directory receives new inputs; the committed seeds are only read.
  status=0
  "$bin" "$work" "$seeds" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
    -malloc_limit_mb=1024 -max_len="${max_len[$t]}" -print_final_stats=1 \
    -artifact_prefix="$artifacts/" >"$log" 2>&1 || status=$?
  if ((quick)); then rm -rf "$work"; fi
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
  corpus=$(grep -oE 'corp: [0-9]+/[0-9]+[a-zA-Z]*' "$log" | tail -1 | cut -d' ' -f2)
  if ((status == 0)); then
    passed=$((passed + 1))
    echo "fuzz_$t: ${execs:-?} executions in ${seconds} s (${rate:-?}/s), corpus ${corpus:-?}, no findings"
  else
    failed=$((failed + 1))
    echo "fuzz_$t: FAILED after ${execs:-?} executions (exit $status); log $log" >&2
    grep -E 'ERROR:|SUMMARY:|runtime error|invariant failed|Test unit written|==[0-9]+==' "$log" |
      head -20 >&2 || true
  fi
done
echo "fuzz: $passed passed, $failed failed"
((failed == 0))
