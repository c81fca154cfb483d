// The wasm package and the native CLI run the same core: for many carts their results must be
// identical, number for number (the CLI prints shortest round-trip doubles).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import test from 'node:test';
import { gunzipSync } from 'node:zlib';
import {
  dataDir, GROCERIES, groceriesArgs, importPackage, mine, needData, RETAIL, retailArgs, rng,
  runCli, tempDir,
} from './helpers.mjs';

const CARTS = 300;

// Item ids by descending frequency in the raw data (so carts hit rules), plus every id the
// miner dropped (so carts hold unknown ids too). The CLI splits --cart on ',', so ids with a
// comma cannot be compared and are left out.
function groceriesItems() {
  return byFrequency(readFileSync(join(dataDir, GROCERIES), 'utf8').split('\n').flatMap((l) => l.split(',')));
}
function retailItems() {
  const lines = gunzipSync(readFileSync(join(dataDir, RETAIL))).toString('utf8').split('\n').slice(1);
  return byFrequency(lines.map((l) => l.split(',', 2)[1])); // InvoiceNo,StockCode,…: never quoted
}
function byFrequency(ids) {
  const counts = new Map();
  for (const id of ids) if (id && !id.includes(',')) counts.set(id, (counts.get(id) ?? 0) + 1);
  return [...counts.keys()].sort((a, b) => counts.get(b) - counts.get(a) || (a < b ? -1 : 1));
}

// 1-20 cart items skewed towards popular ones (one cart in ten: 50-100, past the 64 entries whose
// reasons cross the boundary as bits), sometimes duplicates and ids no bundle knows; sometimes a
// history and an exclude list; n from 1 to 40.
function randomRequests(items, seed) {
  const rand = rng(seed);
  const pick = () => items[Math.floor(items.length * rand() ** 3)];
  const list = (max) => Array.from({ length: Math.floor(rand() * (max + 1)) }, pick);
  const requests = [];
  for (let i = 0; i < CARTS; i++) {
    const size = rand() < 0.1 ? 50 + Math.floor(rand() * 51) : 1 + Math.floor(rand() * 20);
    const cart = Array.from({ length: size }, pick);
    if (rand() < 0.2) cart.push(`no-such-item-${i}`);
    if (rand() < 0.1) cart.push(cart[0]);
    requests.push({
      cart,
      history: rand() < 0.4 ? list(5) : [],
      exclude: rand() < 0.3 ? list(3) : [],
      n: 1 + Math.floor(rand() * 40),
    });
  }
  return requests;
}

async function cliRecommend(bundle, { cart, history, exclude, n }) {
  const args = ['recommend', bundle, '--cart', cart.join(','), '-n', String(n), '--json'];
  if (history.length) args.push('--history', history.join(','));
  if (exclude.length) args.push('--exclude', exclude.join(','));
  return JSON.parse(await runCli(args));
}

async function checkParity(t, name, input, args, items, seed) {
  const { loadRecommender } = await importPackage();
  const bundle = await mine(tempDir(t), name, join(dataDir, input), args);
  const rec = await loadRecommender(bundle);
  t.after(() => rec.dispose());
  const requests = randomRequests(items, seed);
  let crossSell = 0;
  let popular = 0;
  // Two CLI processes at a time: the machine may have only two cores.
  for (let i = 0; i < requests.length; i += 2) {
    const batch = requests.slice(i, i + 2);
    const expected = await Promise.all(batch.map((r) => cliRecommend(bundle, r)));
    batch.forEach(({ cart, ...options }, k) => {
      const got = rec.recommend(cart, options);
      assert.deepStrictEqual(got, expected[k], `cart ${i + k}: ${JSON.stringify(batch[k])}`);
      for (const r of got) r.kind === 'popular' ? popular++ : crossSell++;
    });
  }
  // The carts must exercise both kinds of result, or the comparison proves little.
  assert.ok(crossSell > CARTS && popular > 0, `cross-sell ${crossSell}, popular ${popular}`);
}

test('parity with the CLI on groceries', { skip: needData(GROCERIES) }, async (t) => {
  await checkParity(t, 'groceries', GROCERIES, groceriesArgs, groceriesItems(), 1);
});

test('parity with the CLI on Online Retail', { skip: needData(RETAIL) }, async (t) => {
  await checkParity(t, 'retail', RETAIL, retailArgs, retailItems(), 2);
});
