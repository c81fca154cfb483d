// Memory: scoring allocates nothing once warm, and dispose() gives a bundle's memory back.
import assert from 'node:assert/strict';
import test from 'node:test';
import {
  dataDir, GROCERIES, groceriesArgs, importPackage, mine, mineSynthetic, needData, readBytes, rng,
  tempDir,
} from './helpers.mjs';
import { join } from 'node:path';

const { loadRecommender } = await importPackage();

async function bundlePath(t) {
  const dir = tempDir(t);
  return needData(GROCERIES) ? mineSynthetic(dir) : mine(dir, 'groceries', join(dataDir, GROCERIES), groceriesArgs);
}

// Carts drawn from the items the bundle recommends, so rules fire and results vary.
async function requestPool(rec, count) {
  const items = [...new Set(
    [[], ...rec.recommend([], { n: 200 }).map((r) => [r.item])].flatMap((c) => rec.recommend(c, { n: 30 }).map((r) => r.item)),
  )];
  const rand = rng(3);
  const pick = () => items[Math.floor(rand() * items.length)];
  return Array.from({ length: count }, () => ({
    cart: Array.from({ length: 1 + Math.floor(rand() * 20) }, pick),
    options: { history: [pick()], exclude: [pick(), 'unknown'], n: 1 + Math.floor(rand() * 20) },
  }));
}

test('a million recommend calls leave wasm memory flat', async (t) => {
  const rec = await loadRecommender(await bundlePath(t));
  t.after(() => rec.dispose());
  const pool = await requestPool(rec, 1000);
  // Warm up: the scorer's scratch space grows to the largest request it has seen, then stays.
  for (const { cart, options } of pool) rec.recommend(cart, options);
  const before = rec.memoryUsage();
  let results = 0;
  for (let i = 0; i < 1_000_000; i++) {
    const { cart, options } = pool[i % pool.length];
    results += rec.recommend(cart, options).length;
  }
  assert.ok(results > 1_000_000);
  assert.deepEqual(rec.memoryUsage(), before);
});

test('dispose() frees the bundle; load/dispose cycles do not grow memory', async (t) => {
  const bytes = readBytes(await bundlePath(t));
  const witness = await loadRecommender(bytes); // keeps the shared instance observable
  t.after(() => witness.dispose());
  const base = witness.memoryUsage();

  const rec = await loadRecommender(bytes);
  rec.recommend(['a0', 'whole milk']);
  const loaded = witness.memoryUsage().allocatedBytes - base.allocatedBytes;
  assert.ok(loaded >= bytes.length, `a loaded bundle holds ${loaded} bytes, less than its ${bytes.length}`);
  rec.dispose();
  assert.equal(witness.memoryUsage().allocatedBytes, base.allocatedBytes);

  for (let i = 0; i < 200; i++) {
    const r = await loadRecommender(bytes);
    r.recommend(['a1', 'a2', 'other vegetables'], { n: 5 });
    r.dispose();
  }
  assert.deepEqual(witness.memoryUsage(), base);
});

test('calls after dispose() throw; dispose() twice is harmless', async (t) => {
  const rec = await loadRecommender(await bundlePath(t));
  rec.dispose();
  rec.dispose();
  assert.throws(() => rec.recommend(['a0']), /basketlift: recommend\(\) called after dispose\(\)/);
  assert.throws(() => rec.memoryUsage(), /after dispose/);
  assert.equal(typeof rec.info.items, 'number', 'info stays readable');
});
