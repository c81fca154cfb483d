#!/usr/bin/env bash
# npm start: build, then mine the groceries sample and print the top rules.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh
data=../shared/data/groceries/groceries.csv
if [[ ! -f $data ]]; then
  echo "start: $data not found (../shared/data must sit beside this checkout)" >&2
  exit 1
fi
build/native/basketlift mine "$data" --min-support 0.01 --min-confidence 0.2 --top 15
