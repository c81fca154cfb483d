// Corrupt and hostile bundles: each load throws a BundleError with the core's message, and the
// wasm instance they share with good bundles keeps working, with nothing leaked.
import assert from 'node:assert/strict';
import test from 'node:test';
import { importPackage, mineSynthetic, readBytes, rng, tempDir } from './helpers.mjs';
import { reseal } from './xxh64.mjs';

const { loadRecommender, BundleError, BundleChecksumError } = await importPackage();

const CARTS = [['a0'], ['a0', 'a1'], ['a3', 'a4', 'a5', 'a9'], ['a27', 'zzz'], []];

function isBundleError(pattern, checksum = false) {
  return (e) => {
    assert.ok(e instanceof BundleError, `not a BundleError: ${e?.stack ?? e}`);
    assert.ok(e instanceof Error);
    // A checksum failure has its own type and code (storefronts fall back on it); nothing else.
    assert.equal(e instanceof BundleChecksumError, checksum);
    assert.equal(e.code, checksum ? 'BASKETLIFT_CHECKSUM_MISMATCH' : 'BASKETLIFT_INVALID_BUNDLE');
    assert.equal(e.name, checksum ? 'BundleChecksumError' : 'BundleError');
    assert.match(e.message, /^basketlift: invalid bundle: \S/);
    if (pattern) assert.match(e.message, pattern);
    return true;
  };
}

test('corrupt bundles throw and the module keeps serving', async (t) => {
  const good = readBytes(await mineSynthetic(tempDir(t)));
  const copy = () => good.slice();
  const u32 = (bytes, at, v) => new DataView(bytes.buffer).setUint32(at, v, true);

  // A recommender loaded before and used after all the failures, plus what it answers.
  const witness = await loadRecommender(good);
  const expected = CARTS.map((c) => witness.recommend(c));
  // One failed load first: emmalloc may split a free region the first time (a one-off of a
  // header's size in allocatedBytes), after which every further failure must cost nothing.
  await assert.rejects(loadRecommender(new Uint8Array(0)), BundleError);
  const before = witness.memoryUsage().allocatedBytes;

  await t.test('empty input', () => assert.rejects(loadRecommender(new Uint8Array(0)), isBundleError(/too short/)));

  await t.test('truncated at every offset', async () => {
    for (let k = 0; k < good.length; k++) {
      await assert.rejects(loadRecommender(good.subarray(0, k)), isBundleError(k < 32 ? /too short/ : /truncated/));
    }
  });

  await t.test('trailing bytes', () =>
    assert.rejects(loadRecommender(new Uint8Array([...good, 0, 0, 0, 0, 0, 0, 0, 0])), isBundleError(/size mismatch/)));

  await t.test('wrong magic', async () => {
    for (const at of [0, 3, 7]) {
      const b = copy();
      b[at] ^= 0x20;
      await assert.rejects(loadRecommender(b), isBundleError(/bad magic/));
    }
  });

  await t.test('wrong version', async () => {
    for (const version of [0, 2, 0xffffffff]) {
      const b = copy();
      u32(b, 8, version);
      await assert.rejects(loadRecommender(b), isBundleError(new RegExp(`unsupported format version ${version}\\b`)));
    }
  });

  await t.test('random byte flips in the payload fail the checksum', async () => {
    const rand = rng(11);
    for (let i = 0; i < 500; i++) {
      const b = copy();
      b[32 + Math.floor(rand() * (b.length - 32))] ^= 1 + Math.floor(rand() * 255);
      await assert.rejects(loadRecommender(b), isBundleError(/checksum mismatch/, true));
    }
  });

  // Re-sealed with a valid checksum, a flipped bundle reaches the structural checks. It must then
  // either be rejected or be sound enough to score any cart.
  await t.test('hostile bundles with a valid checksum', async (t) => {
    const rand = rng(12);
    let rejected = 0;
    for (let i = 0; i < 2000; i++) {
      const b = copy();
      for (let f = 1 + Math.floor(rand() * 3); f > 0; f--) {
        b[32 + Math.floor(rand() * (b.length - 32))] ^= 1 + Math.floor(rand() * 255);
      }
      let rec;
      try {
        rec = await loadRecommender(reseal(b));
      } catch (e) {
        isBundleError()(e);
        rejected++;
        continue;
      }
      for (const cart of CARTS) {
        for (const r of rec.recommend(cart, { n: 50 })) assert.equal(typeof r.item, 'string');
      }
      rec.dispose();
    }
    t.diagnostic(`${rejected} of 2000 rejected, the rest loaded and scored`);
    assert.ok(rejected > 1000, `only ${rejected} of 2000 hostile bundles rejected`);
  });

  await t.test('the same module still serves', async () => {
    assert.deepEqual(CARTS.map((c) => witness.recommend(c)), expected);
    const fresh = await loadRecommender(good);
    assert.deepEqual(CARTS.map((c) => fresh.recommend(c)), expected);
    fresh.dispose();
    // Failed loads free what they allocated.
    assert.equal(witness.memoryUsage().allocatedBytes, before);
  });

  witness.dispose();
});
