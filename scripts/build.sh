#!/usr/bin/env bash
# npm run build: the native CLI (build/native/basketlift), the test suite and the npm package
# (dist/). The builds are the presets of CMakePresets.json.
#   --demo  only what `npm start` needs: the CLI and the package, not the test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh

jobs=$(nproc)
targets=()
if [[ ${1:-} == --demo ]]; then targets=(--target basketlift layout_js); fi
cmake --preset native >/dev/null
cmake --build --preset native -j"$jobs" "${targets[@]}"

# The boundary contract for web/recommender.js, from wasm/layout.hpp (written whole, then renamed).
mkdir -p build/wasm
build/native/layout_js >build/wasm/layout.js.tmp
mv build/wasm/layout.js.tmp build/wasm/layout.js

# The wasm module: the scoring half of the core plus wasm/session.cpp, compiled by Emscripten.
cmake --preset wasm >/dev/null
cmake --build --preset wasm -j"$jobs"
# The same bytes as base64 in an ES module: inside the Node entries, and the browser entry's
# fallback chunk when basketlift.wasm cannot be fetched.
# The same for basketlift-sharded.wasm (the `basketlift/sharded` entries).
for pair in basketlift:wasm-inline basketlift-sharded:wasm-sharded-inline; do
  node -e 'const fs = require("fs"); const [, wasm, js] = process.argv;
    fs.writeFileSync(`build/wasm/${js}.js.tmp`, "export default \"" +
      fs.readFileSync(`build/wasm/${wasm}.wasm`).toString("base64") + "\";\n");' "${pair%%:*}" "${pair##*:}"
  mv "build/wasm/${pair##*:}.js.tmp" "build/wasm/${pair##*:}.js"
done

# The npm package (private class fields need ES2022):
# - basketlift.js: ESM for browsers, workers and bundlers (also the default); the wasm beside it,
#   wasm-inline.js a chunk it loads only when basketlift.wasm cannot be fetched;
# - basketlift.global.js: the same as a classic script defining window.basketlift;
# - node.js / node.cjs: ESM and CommonJS for Node, the wasm inside;
# - sharded.js, sharded-node.js / .cjs: the `basketlift/sharded` entries, the same with sharded
#   bundles, on basketlift-sharded.wasm (beside it / inside);
# - element.js (<basketlift-recommendations>), adapters.js (Shopify / WooCommerce carts), react.js;
# - index.d.ts / index.d.cts and one .d.ts per optional entry: the hand-written types.
rm -rf dist
mkdir -p dist
esbuild=(node_modules/.bin/esbuild --bundle --minify --target=es2022 --log-level=error
         --alias:basketlift-wasm-glue=./build/wasm/basketlift.mjs)
sharded=("${esbuild[@]:0:5}" --alias:basketlift-wasm-glue=./build/wasm/basketlift-sharded.mjs)
"${esbuild[@]}" web/browser.js --format=esm --platform=browser --external:./wasm-inline.js \
  --outfile=dist/basketlift.js
"${esbuild[@]}" web/global.js --format=iife --global-name=basketlift --platform=browser \
  --alias:basketlift=./web/browser.js --external:./wasm-inline.js --outfile=dist/basketlift.global.js
# The optional entries import the package by name, so a page has one copy of it (and one wasm
# instance); React is the page's own (a peer dependency).
for entry in element adapters react; do
  for format in esm cjs; do
    out=dist/$entry.js
    [[ $format == cjs ]] && out=dist/$entry.cjs
    "${esbuild[@]}" web/$entry.js --format=$format --platform=browser --external:basketlift \
      --external:react --outfile=$out
  done
  cp web/$entry.d.ts dist/$entry.d.cts
done
# sharded-element.js: the same element on `basketlift/sharded`, so its `bundle` may also be a
# sharded bundle's manifest.json.
for format in esm cjs; do
  out=dist/sharded-element.js
  [[ $format == cjs ]] && out=dist/sharded-element.cjs
  "${esbuild[@]}" web/element.js --format=$format --platform=browser \
    --alias:basketlift=basketlift/sharded --external:basketlift/sharded --outfile=$out
done
cp web/sharded-element.d.ts dist/
cp web/sharded-element.d.ts dist/sharded-element.d.cts
# - workerd.js: Cloudflare Workers (the `workerd` condition), the wasm imported as a module.
"${esbuild[@]}" web/workerd.js --format=esm --platform=neutral --external:./basketlift.wasm \
  --outfile=dist/workerd.js
"${esbuild[@]}" web/node.js --format=esm --platform=node --outfile=dist/node.js
"${esbuild[@]}" web/node.js --format=cjs --platform=node --outfile=dist/node.cjs
"${sharded[@]}" web/sharded-browser.js --format=esm --platform=browser \
  --external:./wasm-sharded-inline.js --outfile=dist/sharded.js
"${sharded[@]}" web/sharded-node.js --format=esm --platform=node --outfile=dist/sharded-node.js
"${sharded[@]}" web/sharded-node.js --format=cjs --platform=node --outfile=dist/sharded-node.cjs
cp build/wasm/basketlift-sharded.wasm build/wasm/wasm-sharded-inline.js web/sharded.d.ts dist/
cp web/sharded.d.ts dist/sharded.d.cts
cp build/wasm/basketlift.wasm build/wasm/wasm-inline.js dist/
cp web/index.d.ts web/element.d.ts web/adapters.d.ts web/react.d.ts dist/
cp web/index.d.ts dist/index.d.cts
