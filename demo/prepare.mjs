// Prepares the demo site for `npm start` and the e2e tests, after `npm run build`:
//   build/demo-data/  catalog.csv, rules.blb, customers.json, stamp.json — the slow part, redone
//                     only when the order log, the CLI binary, the parameters or this code change
//   build/demo-site/  what the server serves: index.html, styles.css, app.js (demo/ bundled by
//                     esbuild, importing 'basketlift' as a customer would), basketlift.wasm, data
// Exit code 3 (and a message) when ../shared/data is absent, so callers can skip.
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import {
  cpSync, copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync,
} from 'node:fs';
import { brotliCompressSync, constants as zlib, gzipSync } from 'node:zlib';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as esbuild from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const at = (...p) => join(root, ...p);
const cli = at('build/native/basketlift');
const orders = at('../shared/data/online-retail/online_retail.csv.gz');
const dataDir = at('build/demo-data');
const siteDir = at('build/demo-site');

// Online Retail's columns, read the same way for mining and for the demo customers.
const COLUMNS = ['--format', 'csv', '--order-col', 'InvoiceNo', '--item-col', 'StockCode', '--quantity-col', 'Quantity',
  '--user-col', 'CustomerID', '--date-col', 'InvoiceDate'];
// Support 0.003 gives ~200k rules in a ~2 MB bundle, mined in ~1 s.
// Settings on the quality-for-bytes frontier with learned weights (scripts/bundle-frontier.mjs,
// docs/EVALUATION.md, "Bytes against quality"): the smallest at min-support <= 1 % as good as the
// demo's before on the validation split (HR@10 0.1815 against 0.1791), each item's 5 learned
// weights in place of neighbours, 1,177 rules left to explain suggestions.
const MINE = [...COLUMNS, '--min-support', '0.01', '--min-confidence', '0.3', '--max-rules-per-antecedent', '5',
  '--neighbours', '0', '--learned', '5'];
// "Time to restock" shows a few customers who bought many items again and again; accounts with
// more than 1500 purchases (wholesalers) are left out so the JSON the page loads stays small.
const CUSTOMERS = [...COLUMNS, '--country-col', 'Country', '--top', '6', '--max-purchases', '1500'];

const log = (msg) => console.log(`prepare: ${msg}`);

// FILE.br and FILE.gz beside FILE: demo/server.mjs sends them with Content-Encoding, as a CDN
// serving precompressed assets does.
function compress(dir, file) {
  const bytes = readFileSync(join(dir, file));
  writeFileSync(join(dir, `${file}.gz`), gzipSync(bytes, { level: 9 }));
  writeFileSync(join(dir, `${file}.br`), brotliCompressSync(bytes, {
    params: { [zlib.BROTLI_PARAM_QUALITY]: 11, [zlib.BROTLI_PARAM_SIZE_HINT]: bytes.length },
  }));
}
const sha256 = (bytes) => createHash('sha256').update(bytes).digest('hex');

if (!existsSync(orders)) {
  console.error(`prepare: ${relative(process.cwd(), orders)} not found: ../shared/data must sit beside this checkout`);
  process.exit(3);
}
for (const f of [cli, at('dist/sharded.js'), at('dist/basketlift-sharded.wasm')]) {
  if (!existsSync(f)) {
    console.error(`prepare: ${relative(root, f)} is missing: run npm run build first`);
    process.exit(1);
  }
}

// What the cached data depends on. The order log is large, so its size and mtime stand in for it.
const input = statSync(orders);
const stamp = JSON.stringify({
  orders: { path: orders, size: input.size, mtime: input.mtimeMs },
  cli: sha256(readFileSync(cli)),
  mine: MINE,
  customers: CUSTOMERS,
  code: sha256(readFileSync(fileURLToPath(import.meta.url))),
});
const stampFile = join(dataDir, 'stamp.json');
if (existsSync(stampFile) && readFileSync(stampFile, 'utf8') === stamp) {
  log(`data is up to date in ${relative(root, dataDir)}/ (delete stamp.json to redo)`);
} else {
  mkdirSync(dataDir, { recursive: true });
  let t = Date.now();
  const run = (args) => execFileSync(cli, args, { stdio: ['ignore', 'pipe', 'inherit'] }).toString();
  run(['catalog', orders, '-o', join(dataDir, 'catalog.csv')]);
  const summary = JSON.parse(run(['mine', orders, ...MINE, '--catalog', join(dataDir, 'catalog.csv'),
    '-o', join(dataDir, 'rules.blb'), '--summary', 'json']));
  log(`mined ${summary.rules} rules over ${summary.items} items in ${Date.now() - t} ms`);
  t = Date.now();
  run(['customers', orders, ...CUSTOMERS, '-o', join(dataDir, 'customers.json')]);
  log(`exported the demo customers in ${Date.now() - t} ms`);
  // The bundle's precompressed copies take seconds at brotli's best level: made once, here.
  compress(dataDir, 'rules.blb');
  // The same bundle sharded, as the shop loads it: each part fetched when a cart needs it.
  // Gzip only: brotli's best level on a thousand small files would take a minute.
  t = Date.now();
  const shards = join(dataDir, 'shards');
  rmSync(shards, { recursive: true, force: true });
  run(['shard', join(dataDir, 'rules.blb'), '--out', shards]);
  let parts = 0;
  for (const entry of readdirSync(shards, { recursive: true })) {
    if (!String(entry).endsWith('.blb')) continue;
    const path = join(shards, String(entry));
    writeFileSync(`${path}.gz`, gzipSync(readFileSync(path), { level: 9 }));
    parts++;
  }
  log(`sharded the bundle into ${parts} parts in ${Date.now() - t} ms`);
  writeFileSync(stampFile + '.tmp', stamp);
  renameSync(stampFile + '.tmp', stampFile); // last: an interrupted run is redone next time
}

// The site: cheap, so always rebuilt from nothing (demo/ edits show up on the next start, and no
// file of an earlier layout stays behind).
rmSync(siteDir, { recursive: true, force: true });
mkdirSync(siteDir, { recursive: true });
await esbuild.build({
  entryPoints: [at('demo/app.js')],
  outfile: join(siteDir, 'app.js'),
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: 'es2022',
  sourcemap: true,
  logLevel: 'warning',
});
for (const f of ['index.html', 'styles.css', 'favicon.svg']) copyFileSync(at('demo', f), join(siteDir, f));
// The package's default wasm location is beside the bundled JS (new URL('./basketlift-sharded.wasm',
// import.meta.url) for the sharded entry the shop imports).
copyFileSync(at('dist/basketlift-sharded.wasm'), join(siteDir, 'basketlift-sharded.wasm'));
cpSync(join(dataDir, 'shards'), join(siteDir, 'shards'), { recursive: true });
for (const f of ['rules.blb', 'rules.blb.br', 'rules.blb.gz', 'customers.json']) copyFileSync(join(dataDir, f), join(siteDir, f));

// The product list the grid shows before the bundle arrives, read from the bundle by the package
// itself (in Node), so names, prices and popularity are the bundle's own.
const { loadRecommender } = await import(pathToFileURL(at('dist/node.js')).href);
const rec = await loadRecommender(join(siteDir, 'rules.blb'));
writeFileSync(join(siteDir, 'products.json'), JSON.stringify({ products: rec.products(), categories: rec.categories() }));
rec.dispose();

for (const f of ['products.json', 'customers.json', 'app.js', 'basketlift-sharded.wasm']) compress(siteDir, f);
const size = (f) => statSync(join(siteDir, f)).size;
log(`site ready in ${relative(root, siteDir)}/ (rules.blb ${(size('rules.blb') / 1e6).toFixed(2)} MB, ` +
  `${(size('rules.blb.br') / 1e3).toFixed(0)} KB brotli, ${(size('rules.blb.gz') / 1e3).toFixed(0)} KB gzip)`);
