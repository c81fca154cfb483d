// Shared by the Node tests. Builds nothing: `npm test` (scripts/test.sh) runs `npm run build`
// first, and a test that finds no build says so instead of building one.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

import { rng } from '../rng.mjs';

export { rng };

export const root = resolve(fileURLToPath(new URL('../..', import.meta.url)));
export const dataDir = resolve(root, '..', 'shared', 'data');
export const cli = join(root, 'build', 'native', 'basketlift');
export const dist = join(root, 'dist');

const run = promisify(execFile);

// Fails loudly rather than skipping: a missing build is a broken test run, not missing data.
export function requireBuild() {
  for (const f of [cli, join(dist, 'node.js'), join(dist, 'basketlift.js'), join(dist, 'basketlift.wasm')]) {
    if (!existsSync(f)) throw new Error(`${f} not found: run \`npm run build\` first`);
  }
}

export async function importPackage() {
  requireBuild();
  return import(join(dist, 'node.js'));
}

// The reason to skip a test that needs ../shared/data, or false when the data is there.
export function needData(...files) {
  const missing = files.map((f) => join(dataDir, f)).filter((f) => !existsSync(f));
  return missing.length ? `skipped: ${missing.join(', ')} not found (../shared/data absent)` : false;
}

export function tempDir(t, prefix = 'basketlift-test-') {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

export async function runCli(args, options = {}) {
  const { stdout } = await run(cli, args, { maxBuffer: 64 << 20, ...options });
  return stdout;
}

// Mines `input` into DIR/NAME.blb and returns its path.
export async function mine(dir, name, input, args) {
  const out = join(dir, `${name}.blb`);
  await runCli(['mine', input, ...args, '-o', out]);
  return out;
}

export const GROCERIES = 'groceries/groceries.csv';
export const RETAIL = 'online-retail/online_retail.csv.gz';
export const groceriesArgs = ['--min-support', '0.002', '--min-confidence', '0.05'];
export const retailArgs = [
  '--format', 'csv', '--order-col', 'InvoiceNo', '--item-col', 'StockCode',
  '--quantity-col', 'Quantity', '--min-support', '0.005', '--min-confidence', '0.05',
];

// A small bundle from made-up baskets, so tests that need any valid bundle run without
// ../shared/data. Items "a0".."a29"; every basket holds a few correlated ones.
export async function mineSynthetic(dir) {
  const rand = rng(7);
  const lines = [];
  for (let b = 0; b < 400; b++) {
    const basket = new Set();
    const base = Math.floor(rand() * 10) * 3;
    basket.add(`a${base}`);
    if (rand() < 0.7) basket.add(`a${base + 1}`);
    if (rand() < 0.5) basket.add(`a${base + 2}`);
    for (let k = Math.floor(rand() * 3); k > 0; k--) basket.add(`a${Math.floor(rand() * 30)}`);
    lines.push([...basket].join(','));
  }
  const input = join(dir, 'synthetic.csv');
  writeFileSync(input, lines.join('\n') + '\n');
  return mine(dir, 'synthetic', input, ['--format', 'basket', '--sep', ',', '--min-support', '0.01', '--min-confidence', '0.05']);
}

// The synthetic baskets with a catalog: items a0..a26 in categories c0..c8 (a3k, a3k+1, a3k+2
// in c<k>, priced k+1, k+1.5, k+2.5); a27 has a name only, a28 a price only, a29 is not in the
// catalog. Returns { bundle, catalog } paths in DIR.
export async function mineSyntheticWithCatalog(dir) {
  const rows = ['item_id,name,category,price'];
  for (let i = 0; i < 27; i++) {
    const k = Math.floor(i / 3);
    rows.push(`a${i},"Item ${i}, size ${'SML'[i % 3]}",c${k},${k + [1, 1.5, 2.5][i % 3]}`);
  }
  rows.push('a27,Only a name,,', 'a28,,,4.25');
  const catalog = join(dir, 'synthetic-catalog.csv');
  writeFileSync(catalog, rows.join('\n') + '\n');
  const plain = await mineSynthetic(dir);
  const bundle = join(dir, 'synthetic-catalog.blb');
  const input = join(dir, 'synthetic.csv');
  await runCli(['mine', input, '--format', 'basket', '--sep', ',', '--min-support', '0.01', '--min-confidence', '0.05', '--catalog', catalog, '-o', bundle]);
  return { bundle, catalog, plain };
}

export const readBytes = (path) => new Uint8Array(readFileSync(path));

// Online Retail with everything the later recommendation kinds need: a catalog derived by
// `basketlift catalog`, customer and date columns (repurchase statistics), category rules.
// Returns { bundle, catalog } paths in DIR.
export const retailKindsArgs = [
  '--format', 'csv', '--order-col', 'InvoiceNo', '--item-col', 'StockCode',
  '--quantity-col', 'Quantity', '--user-col', 'CustomerID', '--date-col', 'InvoiceDate',
  '--min-support', '0.003', '--min-confidence', '0.05',
];
export async function mineRetailWithCatalog(dir) {
  const catalog = join(dir, 'catalog.csv');
  const input = join(dataDir, RETAIL);
  await runCli(['catalog', input, '-o', catalog]);
  const bundle = await mine(dir, 'retail-catalog', input, [...retailKindsArgs, '--catalog', catalog]);
  return { bundle, catalog };
}

// RFC 4180: quoted fields may hold commas, doubled quotes and newlines. Returns rows of fields.
export function parseCsv(text) {
  const rows = [];
  let row = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c !== '"') field += c;
      else if (text[i + 1] === '"') field += text[i++];
      else quoted = false;
    } else if (c === '"') {
      quoted = true;
    } else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else {
      field += c;
    }
  }
  if (field !== '' || row.length) rows.push([...row, field]);
  return rows;
}
