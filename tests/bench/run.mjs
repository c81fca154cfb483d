// npm run bench: runs each benchmark section and prints its table.
// usage: node tests/bench/run.mjs [--quick] [--json FILE] [SECTION...]
//   --quick      fewer / cheaper cases, for a fast look
//   --json FILE  also write every section's results to FILE
//   SECTION      run only these sections (default: all)
import { existsSync, writeFileSync } from 'node:fs';
import { arch, cpus, loadavg, totalmem } from 'node:os';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { mining } from './mining.mjs';
import { dense } from './dense.mjs';
import { large } from './large.mjs';
import { scoring } from './scoring.mjs';
import { sharded } from './sharded.mjs';

// A new section is an async ({root, dataDir, quick}) => results function added here.
const SECTIONS = { mining, dense, scoring, large, sharded };

const root = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const dataDir = resolve(root, '..', 'shared', 'data');

const args = process.argv.slice(2);
let quick = false;
let jsonOut = null;
const only = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--quick') quick = true;
  else if (args[i] === '--json') jsonOut = args[++i];
  else if (args[i] in SECTIONS) only.push(args[i]);
  else {
    console.error(`unknown argument ${args[i]}; sections: ${Object.keys(SECTIONS).join(', ')}`);
    process.exit(2);
  }
}
if (jsonOut === undefined) {
  console.error('--json needs a file name');
  process.exit(2);
}

// The data sets live outside the repository; a checkout without them is not a failure.
if (!existsSync(dataDir)) {
  console.log('skipped: ../shared/data not found');
  process.exit(0);
}

// Timings are only meaningful on an otherwise idle machine; say so rather than print noise silently.
const load = loadavg()[0];
if (load > 0.5) console.log(`warning: load average ${load.toFixed(2)} before the run: other work may inflate the times`);

const results = {
  date: new Date().toISOString(),
  machine: { cpu: cpus()[0]?.model, cores: cpus().length, arch: arch(), memGiB: +(totalmem() / 2 ** 30).toFixed(1), loadAvg1m: load },
  node: process.version,
  quick,
  sections: {},
};
for (const name of only.length ? only : Object.keys(SECTIONS)) {
  results.sections[name] = await SECTIONS[name]({ root, dataDir, quick });
}

if (jsonOut) {
  writeFileSync(jsonOut, JSON.stringify(results, null, 2) + '\n');
  console.log(`\nresults written to ${jsonOut}`);
}
