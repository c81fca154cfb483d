#!/usr/bin/env bash
# npm test: every test. Catch2 through ctest, then the Node test runner on the package, on the
# storefront in a real browser, and on the example apps (examples/).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh

# Formatting (clang-format) and ESLint first: cheap, and a finding fails the run.
bash scripts/lint.sh

(cd build/native && ctest --output-on-failure)

# The same Catch2 suite (and the CLI it drives) under ASan + UBSan: clang++, build/asan.
cmake --preset asan >/dev/null
cmake --build --preset asan -j"$(nproc)"
(cd build/asan && UBSAN_OPTIONS=print_stacktrace=1 ctest --output-on-failure)
# Every libFuzzer target for 12 s (under a minute in all); any finding fails the run.
bash scripts/fuzz.sh --quick
node --test tests/node/ tests/e2e/
# The apps in examples/ (bundlers, Next.js, a module worker, the classic script, workerd, Bun),
# each installed from `npm pack` and checked in Chromium or its runtime.
node --test tests/examples/
