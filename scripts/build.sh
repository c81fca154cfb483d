#!/usr/bin/env bash
# npm run build: the native CLI (build/native/basketlift) and the wasm package (dist/).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh

jobs=$(nproc)
cmake -S . -B build/native -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build/native -j"$jobs"

# The wasm module: the same core, compiled by Emscripten, plus wasm/bindings.cpp.
# emcmake echoes its "configure: …" command line on stderr; keep real errors visible.
emcmake cmake -S . -B build/wasm -DCMAKE_BUILD_TYPE=Release 2>&1 >/dev/null | { grep -v '^configure: ' || true; } >&2
cmake --build build/wasm -j"$jobs"

# The npm package: one ESM bundle for browsers (also the default), one for Node, the .wasm and
# the hand-written types. Private class fields need ES2022.
rm -rf dist
mkdir -p dist
esbuild=(node_modules/.bin/esbuild --bundle --format=esm --minify --target=es2022 --log-level=warning)
"${esbuild[@]}" web/browser.js --platform=browser --outfile=dist/basketlift.js
"${esbuild[@]}" web/node.js --platform=node --outfile=dist/node.js
cp build/wasm/basketlift.wasm web/index.d.ts dist/
