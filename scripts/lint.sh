#!/usr/bin/env bash
# npm run lint (and the first stage of npm test): the C++ must be exactly as clang-format
# (.clang-format) writes it, and the JavaScript must pass ESLint (eslint.config.js). Either
# finding fails the run.
set -euo pipefail
cd "$(dirname "$0")/.."

mapfile -t cpp < <(git ls-files -co --exclude-standard -- '*.cpp' '*.hpp')
clang-format --dry-run -Werror "${cpp[@]}"
node_modules/.bin/eslint --max-warnings=0 .
echo "lint: ${#cpp[@]} C++ files clang-format clean; ESLint clean"
