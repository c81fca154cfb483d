#!/usr/bin/env bash
# npm start: install what is missing and build (scripts/build.sh), mine Online Retail into a bundle
# (cached in build/demo-data/), bundle the storefront demo and serve it on http://127.0.0.1:8080
# (PORT and HOST override; the default address is reachable from this machine only). Ctrl-C stops
# the server.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh
status=0
node demo/prepare.mjs || status=$?
if ((status == 3)); then
  echo "start: the demo needs the Online Retail data in ../shared/data (see README)" >&2
  exit 1
elif ((status)); then
  exit "$status"
fi
# exec: the server gets Ctrl-C itself and closes cleanly.
exec node demo/server.mjs build/demo-site
