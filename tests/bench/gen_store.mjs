// A synthetic store (issue 22, "Scale it on one machine"): N items with Zipf popularity, in
// categories with prices, and an order log whose baskets are drawn from planted co-purchase
// groups, so the right complements are known. Fixed seed; never committed: written under
// build/bench-cache/ and reused while the parameters stay the same.
//
// usage: node tests/bench/gen_store.mjs --items N --lines L [--seed S]
//   prints the paths of the order log and the catalog
//
// Items i0 … i{N-1}. Groups of three consecutive items (i3g, i3g+1, i3g+2) are bought together:
// a basket picks a group by Zipf rank (s = 1) and holds its first item with 2 or 3 of the group,
// plus 0-2 items drawn by Zipf over all items. Categories: 50 items each (a group never spans
// two). Prices: log-normal around 10. The log is CSV: order_id,item_id,quantity.
import { closeSync, existsSync, mkdirSync, openSync, renameSync, writeSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { rng } from '../rng.mjs';

const root = resolve(fileURLToPath(new URL('../..', import.meta.url)));
export const GROUP = 3;
const PER_CATEGORY = 51; // a multiple of GROUP

// Zipf(1) ranks in [0, n) by inversion of the continuous approximation: fast for any n.
function zipf(rand, n) {
  return Math.min(n - 1, Math.floor(Math.exp(rand() * Math.log(n + 1)) - 1));
}

export function storePaths({ items, lines, seed = 1 }) {
  const base = join(root, 'build', 'bench-cache', `store-${items}-${lines}-seed${seed}`);
  return { log: `${base}.csv`, catalog: `${base}-catalog.csv` };
}

// Writes the store's files unless they exist; returns their paths.
export function generateStore({ items, lines, seed = 1 }) {
  const paths = storePaths({ items, lines, seed });
  if (existsSync(paths.log) && existsSync(paths.catalog)) return paths;
  mkdirSync(join(root, 'build', 'bench-cache'), { recursive: true });
  const rand = rng(seed);
  const writeAll = (path, produce) => {
    const fd = openSync(`${path}.tmp`, 'w');
    let buffer = '';
    const put = (s) => {
      buffer += s;
      if (buffer.length > 1 << 20) {
        writeSync(fd, buffer);
        buffer = '';
      }
    };
    produce(put);
    writeSync(fd, buffer);
    closeSync(fd);
    renameSync(`${path}.tmp`, path);
  };
  writeAll(paths.catalog, (put) => {
    put('item_id,name,category,price\n');
    for (let i = 0; i < items; i++) {
      const price = Math.exp(Math.log(10) + 0.8 * (rand() + rand() + rand() - 1.5));
      put(`i${i},ITEM ${i} OF FAMILY ${Math.floor(i / GROUP)},c${Math.floor(i / PER_CATEGORY)},${price.toFixed(2)}\n`);
    }
  });
  const groups = Math.floor(items / GROUP);
  writeAll(paths.log, (put) => {
    put('order_id,item_id,quantity\n');
    let written = 0;
    for (let order = 0; written < lines; order++) {
      const g = zipf(rand, groups);
      const basket = new Set([g * GROUP]);
      for (let k = 1; k < GROUP; k++) if (rand() < 0.6) basket.add(g * GROUP + k);
      for (let extra = Math.floor(rand() * 3); extra > 0; extra--) basket.add(zipf(rand, items));
      for (const i of basket) {
        if (written++ >= lines) break;
        put(`o${order},i${i},1\n`);
      }
    }
  });
  return paths;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const arg = (name, fallback) => {
    const at = process.argv.indexOf(name);
    return at < 0 ? fallback : Number(process.argv[at + 1]);
  };
  const paths = generateStore({ items: arg('--items', 10_000), lines: arg('--lines', 1_000_000), seed: arg('--seed', 1) });
  console.log(`${paths.log}\n${paths.catalog}`);
}
