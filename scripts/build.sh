#!/usr/bin/env bash
# npm run build: the native CLI (build/native/basketlift) and the npm package (dist/). The builds
# are the presets of CMakePresets.json.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh

jobs=$(nproc)
cmake --preset native >/dev/null
cmake --build --preset native -j"$jobs"

# The boundary contract for web/recommender.js, from wasm/layout.hpp (written whole, then renamed).
mkdir -p build/wasm
build/native/layout_js >build/wasm/layout.js.tmp
mv build/wasm/layout.js.tmp build/wasm/layout.js

# The wasm module: the scoring half of the core plus wasm/session.cpp, compiled by Emscripten.
cmake --preset wasm >/dev/null
cmake --build --preset wasm -j"$jobs"

# The npm package: one ESM bundle for browsers (also the default), one for Node, the .wasm and
# the hand-written types. Private class fields need ES2022.
rm -rf dist
mkdir -p dist
esbuild=(node_modules/.bin/esbuild --bundle --format=esm --minify --target=es2022 --log-level=warning)
"${esbuild[@]}" web/browser.js --platform=browser --outfile=dist/basketlift.js
"${esbuild[@]}" web/node.js --platform=node --outfile=dist/node.js
cp build/wasm/basketlift.wasm web/index.d.ts dist/
