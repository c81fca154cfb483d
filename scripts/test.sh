#!/usr/bin/env bash
# npm test: every test. Catch2 through ctest, then the Node test runner on the package and on
# the storefront in a real browser.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh

(cd build/native && ctest --output-on-failure)
node --test tests/node/ tests/e2e/
