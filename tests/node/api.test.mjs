// The JS API: every accepted form of bundle and wasm, info, and clear errors for bad arguments.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join, relative } from 'node:path';
import test from 'node:test';
import { pathToFileURL } from 'node:url';
import { dist, importPackage, mineSynthetic, readBytes, runCli, tempDir } from './helpers.mjs';

const { loadRecommender, BundleError } = await importPackage();
const wasmBytes = readBytes(join(dist, 'basketlift.wasm'));

const path = await mineSynthetic(tempDir({ after: test.after }));
const bytes = readBytes(path);

// What every loaded recommender must answer for this cart.
const CART = ['a0', 'a3'];
const answer = async (bundle, options) => {
  const rec = await loadRecommender(bundle, options);
  try {
    return rec.recommend(CART, { n: 5 });
  } finally {
    rec.dispose();
  }
};

test('bundle sources: Uint8Array, ArrayBuffer, Buffer, path, file URL, http URL', async () => {
  const expected = await answer(bytes);
  assert.equal(expected.length, 5);
  assert.deepEqual(await answer(bytes.slice().buffer), expected);
  assert.deepEqual(await answer(readFileSync(path)), expected);
  assert.deepEqual(await answer(path), expected);
  assert.deepEqual(await answer(relative(process.cwd(), path)), expected);
  assert.deepEqual(await answer(pathToFileURL(path)), expected);
  assert.deepEqual(await answer(pathToFileURL(path).href), expected);
  // A view into a larger buffer reads only its own bytes.
  const padded = new Uint8Array(bytes.length + 16);
  padded.set(bytes, 8);
  assert.deepEqual(await answer(padded.subarray(8, 8 + bytes.length)), expected);

  const server = createServer((req, res) => {
    if (req.url === '/rules.blb') res.end(bytes);
    else if (req.url === '/basketlift.wasm') res.writeHead(200, { 'content-type': 'application/wasm' }).end(wasmBytes);
    else res.writeHead(404).end();
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const base = `http://127.0.0.1:${server.address().port}`;
    assert.deepEqual(await answer(`${base}/rules.blb`), expected);
    assert.deepEqual(await answer(new URL('/rules.blb', base), { wasm: `${base}/basketlift.wasm` }), expected);
    await assert.rejects(loadRecommender(`${base}/missing.blb`), /basketlift: could not load the bundle from .*missing\.blb: HTTP 404/);
  } finally {
    server.close();
  }
});

test('wasm sources: bytes, ArrayBuffer, WebAssembly.Module, URL', async () => {
  const expected = await answer(bytes);
  assert.deepEqual(await answer(bytes, { wasm: wasmBytes }), expected);
  assert.deepEqual(await answer(bytes, { wasm: wasmBytes.slice().buffer }), expected);
  assert.deepEqual(await answer(bytes, { wasm: await WebAssembly.compile(wasmBytes) }), expected);
  assert.deepEqual(await answer(bytes, { wasm: pathToFileURL(join(dist, 'basketlift.wasm')) }), expected);
  await assert.rejects(loadRecommender(bytes, { wasm: new Uint8Array([0, 97, 115, 109]) }), WebAssembly.CompileError);
  await assert.rejects(loadRecommender(bytes, { wasm: join(dist, 'nope.wasm') }), /could not read the wasm .*nope\.wasm: ENOENT/);
});

test('options.fetch is used for URLs', async () => {
  const seen = [];
  const fetch = async (url) => {
    assert.equal(typeof url, 'string');
    seen.push(url);
    return new Response(url.endsWith('.wasm') ? wasmBytes : bytes);
  };
  const expected = await answer(bytes);
  assert.deepEqual(await answer('https://shop.example/rules.blb', { fetch, wasm: 'https://cdn.example/b.wasm' }), expected);
  assert.deepEqual(seen.sort(), ['https://cdn.example/b.wasm', 'https://shop.example/rules.blb']);
});

test('info: counts, mining parameters, created-at, size, checksum', async () => {
  const rec = await loadRecommender(bytes);
  const inspect = JSON.parse(await runCli(['inspect', path, '--json']));
  const { info } = rec;
  assert.equal(info.version, inspect.version);
  assert.equal(info.items, inspect.items);
  assert.equal(info.transactions, inspect.transactions);
  assert.deepEqual(info.rules, {
    single: inspect.single_rules,
    pair: inspect.pair_rules,
    total: inspect.single_rules + inspect.pair_rules,
    antecedentPairs: inspect.pairs,
  });
  assert.equal(info.bytes, bytes.length);
  assert.equal(info.checksum, inspect.checksum);
  assert.deepEqual({ ...info.meta }, inspect.meta);
  assert.match(info.createdAt, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  assert.deepEqual(info.parameters, {
    minSupport: Number(inspect.meta.min_support),
    minCount: Number(inspect.meta.min_count),
    minConfidence: 0.05,
    minLift: 0,
    maxLen: 3,
    algorithm: 'fpgrowth',
  });
  assert.ok(Object.isFrozen(info) && Object.isFrozen(info.meta) && Object.isFrozen(info.parameters));
  rec.dispose();
});

test('results: shape, n, unknown ids, history and exclude', async () => {
  const rec = await loadRecommender(bytes);
  const all = rec.recommend(['a0']);
  assert.equal(all.length, 10, 'n defaults to 10');
  for (const r of all) {
    assert.deepEqual(Object.keys(r), ['item', 'score', 'confidence', 'lift', 'because', 'kind']);
    assert.ok(r.kind === 'cross-sell' || r.kind === 'popular');
    assert.deepEqual(r.because, r.kind === 'cross-sell' ? ['a0'] : []);
    assert.notEqual(r.item, 'a0');
  }
  assert.deepEqual(rec.recommend(['a0', 'not-in-the-bundle', '']), all, 'unknown ids are ignored');
  assert.deepEqual(rec.recommend(['a0'], { n: 3 }), all.slice(0, 3));
  const [first, second] = all;
  assert.ok(!rec.recommend(['a0'], { history: [first.item] }).some((r) => r.item === first.item));
  assert.ok(!rec.recommend(['a0'], { exclude: [second.item, 'x'] }).some((r) => r.item === second.item));
  assert.equal(rec.recommend(['a0'], { n: 1000 }).length, rec.info.items - 1, 'every other item, no more');
  assert.equal(rec.recommend([]).length, 10, 'an empty cart gets popular items');
  assert.ok(rec.recommend([]).every((r) => r.kind === 'popular'));
  rec.dispose();
});

test('argument errors are clear', async () => {
  await assert.rejects(loadRecommender(bytes, { wasmBinary: wasmBytes }), {
    name: 'TypeError',
    message: "basketlift: unknown loadRecommender option 'wasmBinary' (allowed: wasm, fetch)",
  });
  await assert.rejects(loadRecommender(bytes, null), /options must be an object/);
  await assert.rejects(loadRecommender(bytes, { fetch: 'no' }), /options\.fetch must be a function/);
  await assert.rejects(loadRecommender(bytes, { wasm: 42 }), /options\.wasm must be a WebAssembly\.Module/);
  for (const bad of [undefined, null, 42, {}, [1, 2]]) {
    await assert.rejects(loadRecommender(bad), {
      name: 'TypeError',
      message: 'basketlift: the bundle must be a URL, a URL string, an ArrayBuffer or a Uint8Array',
    });
  }

  const rec = await loadRecommender(bytes);
  const bad = (args, error) => assert.throws(() => rec.recommend(...args), error);
  bad([], { name: 'TypeError', message: 'basketlift: cart must be an array of item id strings, got undefined' });
  bad(['a0'], { name: 'TypeError', message: 'basketlift: cart must be an array of item id strings, got "a0"' });
  bad([['a0', 1]], { name: 'TypeError', message: 'basketlift: cart[1] must be a string item id, got 1' });
  bad([['a0'], { history: 'a1' }], /history must be an array of item id strings, got "a1"/);
  bad([['a0'], { exclude: [null] }], /exclude\[0\] must be a string item id, got null/);
  bad([['a0'], { count: 3 }], { name: 'TypeError', message: "basketlift: unknown recommend option 'count' (allowed: history, n, exclude)" });
  bad([['a0'], 5], /recommend options must be an object/);
  for (const n of [0, -1, 1.5, NaN, Infinity, '3', 2 ** 32]) {
    bad([['a0'], { n }], { name: 'RangeError', message: `basketlift: n must be a positive integer, got ${typeof n === 'string' ? '"3"' : n}` });
  }
  // A throw mid-argument leaves the recommender as it was.
  assert.deepEqual(rec.recommend(['a0']), rec.recommend(['a0'], { n: 10, history: [], exclude: [] }));
  rec.dispose();
});

test('BundleError is exported, distinguishable and carries the core message', async () => {
  const e = await loadRecommender(bytes.subarray(0, 100)).catch((x) => x);
  assert.ok(e instanceof BundleError && e instanceof Error);
  assert.equal(e.name, 'BundleError');
  assert.equal(e.code, 'BASKETLIFT_INVALID_BUNDLE');
  assert.equal(e.message, `basketlift: ${e.detail}`);
  assert.match(e.detail, /^invalid bundle: truncated: header says \d+ bytes, got 100$/);
});
