#!/usr/bin/env bash
# npm run build: the native CLI (build/native/basketlift) and the wasm package (dist/).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh

jobs=$(nproc)
cmake -S . -B build/native -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build/native -j"$jobs"
