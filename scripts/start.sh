#!/usr/bin/env bash
# npm start: install what is missing, build the CLI and the package (not the test suite), mine
# Online Retail into a bundle (cached in build/demo-data/), bundle the storefront demo and serve
# it on http://127.0.0.1:8080 (PORT and HOST override). Ctrl-C stops the server. Each stage
# prints its elapsed time; a second start reuses every stage's output.
set -euo pipefail
cd "$(dirname "$0")/.."

start=$SECONDS
stage() { printf '\nstart: [%3ds] %s\n' "$((SECONDS - start))" "$*"; }

stage "1/4 system and npm packages (apt and npm ci, only what is missing)"
bash scripts/setup.sh
stage "2/4 build: the native CLI and the WebAssembly package (first run: about a minute on 2 cores)"
bash scripts/build.sh --demo 2>&1 | { grep -vE '^\[ *[0-9]+%\] (Building|Built target|Linking)' || true; }
stage "3/4 data: mine Online Retail and bundle the demo (first run: seconds)"
status=0
node demo/prepare.mjs || status=$?
if ((status == 3)); then
  echo "start: the demo needs the Online Retail data in ../shared/data (see README)" >&2
  exit 1
elif ((status)); then
  exit "$status"
fi
stage "4/4 serving the demo (Ctrl-C stops it)"
# exec: the server gets Ctrl-C itself and closes cleanly.
exec node demo/server.mjs build/demo-site
