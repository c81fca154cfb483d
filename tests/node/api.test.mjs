// The JS API: every accepted form of bundle and wasm, info, and clear errors for bad arguments.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join, relative } from 'node:path';
import test from 'node:test';
import { pathToFileURL } from 'node:url';
import { dist, importPackage, mineSynthetic, mineSyntheticWithCatalog, readBytes, runCli, tempDir } from './helpers.mjs';

const { loadRecommender, BundleError } = await importPackage();
const wasmBytes = readBytes(join(dist, 'basketlift.wasm'));

const work = tempDir({ after: test.after });
const path = await mineSynthetic(work);
const bytes = readBytes(path);
// Before any test() is declared: a test that starts early must not see a half-made folder.
const synthetic = await mineSyntheticWithCatalog(work);

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
    assert.deepEqual(Object.keys(r), ['item', 'score', 'confidence', 'lift', 'because', 'reason', 'kind']);
    assert.equal(r.reason, r.kind === 'cross-sell' ? 'a0' : null);
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
    message: "basketlift: unknown loadRecommender option 'wasmBinary' (allowed: wasm, fetch, maxBundleBytes)",
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
  bad([['a0'], { count: 3 }], {
    name: 'TypeError',
    message: "basketlift: unknown recommend option 'count' (allowed: history, n, exclude, categories, priceRange, maxPerFamily)",
  });
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

// The later kinds below use the synthetic bundle with a catalog (mined at the top): they run
// without ../shared/data. Parity with the CLI on real data is in kinds.test.mjs.

test('info, products(), product() and categories() of a bundle with a catalog', async () => {
  const rec = await loadRecommender(synthetic.bundle);
  const plain = await loadRecommender(synthetic.plain);
  try {
    assert.equal(rec.info.catalog, true);
    assert.equal(rec.info.categories, 9);
    assert.equal(rec.info.categoryRules, true);
    assert.equal(rec.info.repurchase, false, 'baskets without customers or dates');
    assert.deepEqual(
      { catalog: plain.info.catalog, categories: plain.info.categories, categoryRules: plain.info.categoryRules, repurchase: plain.info.repurchase },
      { catalog: false, categories: 0, categoryRules: false, repurchase: false },
    );
    assert.deepStrictEqual(rec.categories(), ['c0', 'c1', 'c2', 'c3', 'c4', 'c5', 'c6', 'c7', 'c8']);
    assert.deepStrictEqual(plain.categories(), []);

    const r = { recommendable: true };
    assert.deepStrictEqual(rec.product('a4'), { item: 'a4', name: 'Item 4, size M', category: 'c1', price: 2.5, ...r });
    assert.deepStrictEqual(rec.product('a27'), { item: 'a27', name: 'Only a name', category: null, price: null, ...r });
    assert.deepStrictEqual(rec.product('a28'), { item: 'a28', name: null, category: null, price: 4.25, ...r });
    assert.deepStrictEqual(rec.product('a29'), { item: 'a29', name: null, category: null, price: null, ...r });
    assert.deepStrictEqual(plain.product('a4'), { item: 'a4', name: null, category: null, price: null, ...r });
    assert.equal(rec.product('not-in-the-bundle'), null);
    assert.throws(() => rec.product(4), { name: 'TypeError', message: 'basketlift: product item must be a string item id, got 4' });

    const products = rec.products();
    assert.equal(products.length, rec.info.items);
    assert.deepEqual(products.map((p) => p.item).sort(), Array.from({ length: 30 }, (_, i) => `a${i}`).sort());
    for (const p of products) {
      assert.deepEqual(Object.keys(p), ['item', 'name', 'category', 'price', 'recommendable', 'popularity']);
      const { popularity, ...entry } = p;
      assert.deepStrictEqual(entry, rec.product(p.item));
      assert.ok(Number.isInteger(popularity) && popularity > 0);
    }
    // The 'popular' fallback's confidence is the item's support: popularity / transactions.
    const popularity = new Map(products.map((p) => [p.item, p.popularity]));
    for (const r of rec.recommend([], { n: 30 })) assert.equal(r.confidence, popularity.get(r.item) / rec.info.transactions);
    assert.deepStrictEqual(plain.products().map(({ item, popularity: k }) => ({ item, k })), products.map(({ item, popularity: k }) => ({ item, k })));
  } finally {
    rec.dispose();
    plain.dispose();
  }
});

test('upsell, complementaryCategories, nextPurchases, topRules: results and filters', async () => {
  const rec = await loadRecommender(synthetic.bundle);
  try {
    // Same category, pricier, at most maxPriceRatio (default 2) times the price; n defaults to 5.
    assert.deepStrictEqual(rec.upsell('a3').map((u) => [u.item, u.priceRatio]), [['a4', 1.25], ['a5', 1.75]]);
    assert.deepStrictEqual(rec.upsell('a0').map((u) => u.item), ['a1'], 'a2 costs 2.5 times as much');
    assert.deepStrictEqual(rec.upsell('a0', { maxPriceRatio: 3 }).map((u) => u.item).sort(), ['a1', 'a2']);
    assert.deepStrictEqual(rec.upsell('a0', { maxPriceRatio: 1 }), []);
    assert.deepStrictEqual(rec.upsell('a3', { n: 1 }), rec.upsell('a3').slice(0, 1));
    assert.deepStrictEqual(rec.upsell('a3', { exclude: ['a4', 'unknown'] }).map((u) => u.item), ['a5']);
    assert.deepStrictEqual(rec.upsell('a3', { priceRange: [3, Infinity] }).map((u) => u.item), ['a5']);
    assert.deepStrictEqual(rec.upsell('a3', { categories: ['c0'] }), []);
    assert.deepStrictEqual(rec.upsell('a3', { categories: ['c1', 'c0'] }), rec.upsell('a3'));
    for (const u of rec.upsell('a3')) {
      assert.deepEqual(Object.keys(u), ['item', 'score', 'substitution', 'priceRatio']);
      assert.ok(u.substitution >= 0 && u.substitution <= 1 && u.score > 0);
    }
    for (const item of ['a26', 'a27', 'a28', 'a29', 'unknown']) assert.deepStrictEqual(rec.upsell(item), [], item);

    const all = rec.complementaryCategories('c0', { n: 100 });
    for (const c of all) {
      assert.deepEqual(Object.keys(c), ['category', 'confidence', 'lift', 'support']);
      assert.ok(c.category !== 'c0' && c.lift > 1);
    }
    assert.deepStrictEqual(rec.complementaryCategories('c0'), all.slice(0, 10));
    const some = rec.categories().filter((c) => all.some((x) => x.category === c) || c === 'c8');
    for (const category of rec.categories()) {
      const full = rec.complementaryCategories(category, { n: 100 });
      const exclude = full.slice(0, 1).map((c) => c.category);
      assert.deepStrictEqual(rec.complementaryCategories(category, { n: 100, exclude }), full.slice(1));
      assert.deepStrictEqual(rec.complementaryCategories(category, { n: 100, categories: some }), full.filter((c) => some.includes(c.category)));
    }

    // No repurchase section: a shopper's own intervals (two or more) predict.
    const history = [
      { item: 'a0', date: '2011-01-01' }, { item: 'a0', date: '2011-01-08' }, { item: 'a0', date: '2011-01-15 10:30:00' },
      { item: 'a1', date: '2011-01-01' }, { item: 'a1', date: '2011-01-11' }, { item: 'a1', date: '2011-01-21T08:00' },
      { item: 'a1', date: '2011-01-29' }, // after asOf: ignored
      { item: 'a2', date: '2011-01-05' }, // once: no interval, no prediction
      { item: 'a3', date: '2011-01-01' }, { item: 'a3', date: '2011-02-01' }, { item: 'a3', date: '2011-03-01' }, // after asOf
      { item: 'unknown', date: '2011-01-01' }, { item: 'unknown', date: '2011-01-02' }, { item: 'unknown', date: '2011-01-03' },
    ];
    const next = rec.nextPurchases(history, { asOf: '2011-01-22' });
    assert.deepStrictEqual(next.map((r) => r.item).sort(), ['a0', 'a1']);
    for (const r of next) {
      assert.deepEqual(Object.keys(r), ['item', 'probability', 'dueInDays']);
      assert.ok(r.probability > 0 && r.probability <= 1);
    }
    assert.equal(next.find((r) => r.item === 'a0').dueInDays, 0, 'every 7 days, last on the 15th');
    assert.equal(next.find((r) => r.item === 'a1').dueInDays, 9, 'every 10 days, last on the 21st (the 29th is after asOf)');
    assert.deepStrictEqual(rec.nextPurchases([...history].reverse(), { asOf: '2011-01-22' }), next, 'any order');
    const plainDates = history.map((e) => ({ ...e, date: e.date.slice(0, 10), note: 'ignored' }));
    assert.deepStrictEqual(rec.nextPurchases(plainDates, { asOf: '2011-01-22T23:59' }), next, 'times of day are ignored');
    // Only the documented date forms (docs/input-formats.md): a non-ASCII suffix takes the UTF-8
    // path and is refused with the field and the value, as the CLI refuses it in an order log.
    assert.throws(() => rec.nextPurchases(history.map((e) => ({ ...e, date: `${e.date.slice(0, 10)} à midi` })), { asOf: '2011-01-22' }),
      { name: 'RangeError', message: /history\[0\]\.date is not a valid date: "2011-01-\d\d à midi"/ });
    assert.deepStrictEqual(rec.nextPurchases(history, { asOf: '2011-01-22', n: 1 }), next.slice(0, 1));
    assert.deepStrictEqual(rec.nextPurchases(history, { asOf: '2011-01-22', exclude: ['a0'] }), next.filter((r) => r.item !== 'a0'));
    assert.deepStrictEqual(rec.nextPurchases(history, { asOf: '2011-01-22', categories: ['c1'] }), []);
    assert.deepStrictEqual(rec.nextPurchases(history, { asOf: '2011-01-22', priceRange: [1.5, 2] }), next.filter((r) => r.item === 'a1'));
    const wide = rec.nextPurchases(history, { asOf: '2011-01-22', window: 30 });
    assert.ok(wide.every((r) => r.probability >= next.find((x) => x.item === r.item).probability));
    assert.ok(rec.nextPurchases(history, { asOf: '2011-01-22', window: 0 }).every((r) => r.probability === 0));
    assert.deepStrictEqual(rec.nextPurchases([], { asOf: '2012-02-29' }), [], 'a leap day');

    const rules = rec.topRules({ limit: 10_000 });
    assert.equal(rules.length, rec.info.rules.total);
    assert.deepStrictEqual(rec.topRules(), rules.slice(0, 500));
    assert.deepStrictEqual(rec.topRules({ limit: 3 }), rules.slice(0, 3));
    for (const r of rules) {
      assert.deepEqual(Object.keys(r), ['antecedent', 'consequent', 'support', 'confidence', 'lift']);
      assert.ok(r.antecedent.length === 1 || r.antecedent.length === 2);
      assert.ok(!r.antecedent.includes(r.consequent));
    }
  } finally {
    rec.dispose();
  }
});

test('recommend: categories and priceRange filters', async () => {
  const rec = await loadRecommender(synthetic.bundle);
  try {
    const all = rec.recommend(['a0', 'a3'], { n: 30 });
    const inCategories = rec.recommend(['a0', 'a3'], { n: 30, categories: ['c0', 'c2'] });
    assert.ok(inCategories.length > 0);
    assert.ok(inCategories.every((r) => ['c0', 'c2'].includes(rec.product(r.item).category)));
    const priced = rec.recommend(['a0', 'a3'], { n: 30, priceRange: [2, 3.5] });
    assert.ok(priced.length > 0);
    assert.ok(priced.every((r) => rec.product(r.item).price >= 2 && rec.product(r.item).price <= 3.5));
    // The filters only remove: the cross-sell results that pass keep their order and numbers.
    const pass = (r) => rec.product(r.item).price >= 2 && rec.product(r.item).price <= 3.5;
    assert.deepStrictEqual(priced.filter((r) => r.kind === 'cross-sell'), all.filter((r) => r.kind === 'cross-sell' && pass(r)));
    assert.deepStrictEqual(rec.recommend(['a0'], { priceRange: [-Infinity, Infinity] }), rec.recommend(['a0']), 'an open range is no filter');
    assert.deepStrictEqual(rec.recommend(['a0'], { categories: [] }), rec.recommend(['a0']), 'an empty list is no filter');
    assert.deepStrictEqual(rec.recommend(['a0'], { priceRange: [100, 200] }), []);
  } finally {
    rec.dispose();
  }
});

test('argument errors of the new methods are clear', async () => {
  const rec = await loadRecommender(synthetic.bundle);
  const plain = await loadRecommender(synthetic.plain);
  const bad = (call, error) => assert.throws(call, error);
  try {
    // recommend's filters
    bad(() => rec.recommend(['a0'], { categories: 'c0' }), { name: 'TypeError', message: 'basketlift: categories must be an array of category name strings, got "c0"' });
    bad(() => rec.recommend(['a0'], { categories: ['c0', 3] }), { name: 'TypeError', message: 'basketlift: categories[1] must be a string category name, got 3' });
    bad(() => rec.recommend(['a0'], { categories: ['c0', 'C1'] }), {
      name: 'RangeError', message: 'basketlift: unknown category "C1" in categories[1] (rec.categories() lists the bundle\'s categories)',
    });
    bad(() => plain.recommend(['a0'], { categories: ['c0'] }), {
      name: 'RangeError', message: 'basketlift: unknown category "c0" in categories[0]: this bundle has no catalog categories',
    });
    for (const [range, shown] of [[5, '5'], [[1], '[1]'], [[2, 1], '[2, 1]'], [[NaN, 1], '[NaN, 1]'], [['1', 2], '["1", 2]'], [[1, 2, 3], '[1, 2, 3]'], [null, 'null']]) {
      bad(() => rec.recommend(['a0'], { priceRange: range }), {
        name: 'RangeError', message: `basketlift: priceRange must be [min, max] with numbers min <= max, got ${shown}`,
      });
    }

    // upsell
    bad(() => rec.upsell(), { name: 'TypeError', message: 'basketlift: upsell item must be a string item id, got undefined' });
    bad(() => rec.upsell(['a0']), { name: 'TypeError', message: 'basketlift: upsell item must be a string item id, got an array' });
    bad(() => rec.upsell('a0', 'n'), { name: 'TypeError', message: 'basketlift: upsell options must be an object' });
    bad(() => rec.upsell('a0', { history: [] }), {
      name: 'TypeError', message: "basketlift: unknown upsell option 'history' (allowed: n, maxPriceRatio, exclude, categories, priceRange)",
    });
    bad(() => rec.upsell('a0', { n: 0 }), { name: 'RangeError', message: 'basketlift: n must be a positive integer, got 0' });
    for (const [ratio, shown] of [[0.5, '0.5'], ['2', '"2"'], [NaN, 'NaN'], [null, 'null']]) {
      bad(() => rec.upsell('a0', { maxPriceRatio: ratio }), { name: 'RangeError', message: `basketlift: maxPriceRatio must be a number >= 1, got ${shown}` });
    }
    bad(() => rec.upsell('a0', { exclude: 'a1' }), /basketlift: exclude must be an array of item id strings, got "a1"/);
    bad(() => rec.upsell('a0', { exclude: [1] }), /basketlift: exclude\[0\] must be a string item id, got 1/);
    bad(() => rec.upsell('a0', { categories: ['nope'] }), /basketlift: unknown category "nope" in categories\[0\]/);

    // complementaryCategories
    bad(() => rec.complementaryCategories(), {
      name: 'TypeError', message: 'basketlift: complementaryCategories category must be a string category name, got undefined',
    });
    bad(() => rec.complementaryCategories('nope'), {
      name: 'RangeError', message: 'basketlift: unknown category "nope" (rec.categories() lists the bundle\'s categories)',
    });
    bad(() => plain.complementaryCategories('c0'), { name: 'RangeError', message: 'basketlift: unknown category "c0": this bundle has no catalog categories' });
    bad(() => rec.complementaryCategories('c0', { exclude: ['a1'] }), /basketlift: unknown category "a1" in exclude\[0\]/);
    bad(() => rec.complementaryCategories('c0', { categories: 'c1' }), /basketlift: categories must be an array of category name strings/);
    bad(() => rec.complementaryCategories('c0', { priceRange: [1, 2] }), {
      name: 'TypeError', message: "basketlift: unknown complementaryCategories option 'priceRange' (allowed: n, exclude, categories)",
    });
    bad(() => rec.complementaryCategories('c0', { n: 1.5 }), { name: 'RangeError', message: 'basketlift: n must be a positive integer, got 1.5' });

    // nextPurchases
    const asOf = '2011-01-22';
    bad(() => rec.nextPurchases(undefined, { asOf }), {
      name: 'TypeError', message: 'basketlift: history must be an array of { item, date } objects, got undefined',
    });
    bad(() => rec.nextPurchases([]), { name: 'TypeError', message: "basketlift: nextPurchases needs options with asOf, e.g. { asOf: '2011-12-01' }" });
    bad(() => rec.nextPurchases([], {}), { name: 'TypeError', message: "basketlift: nextPurchases options.asOf must be a 'YYYY-MM-DD' string, got undefined" });
    bad(() => rec.nextPurchases([], { asOf: new Date(0) }), { name: 'TypeError', message: "basketlift: nextPurchases options.asOf must be a 'YYYY-MM-DD' string, got Date" });
    bad(() => rec.nextPurchases([], { asOf, days: 7 }), {
      name: 'TypeError', message: "basketlift: unknown nextPurchases option 'days' (allowed: asOf, n, window, exclude, categories, priceRange)",
    });
    bad(() => rec.nextPurchases(['a0'], { asOf }), { name: 'TypeError', message: 'basketlift: history[0] must be an object { item, date }, got "a0"' });
    bad(() => rec.nextPurchases([{ item: 'a0', date: asOf }, null], { asOf }), { name: 'TypeError', message: 'basketlift: history[1] must be an object { item, date }, got null' });
    bad(() => rec.nextPurchases([{ id: 'a0', date: asOf }], { asOf }), { name: 'TypeError', message: 'basketlift: history[0].item must be a string item id, got undefined' });
    bad(() => rec.nextPurchases([{ item: 'a0', date: 20110101 }], { asOf }), {
      name: 'TypeError', message: "basketlift: history[0].date must be a 'YYYY-MM-DD' string, got 20110101",
    });
    for (const date of ['2011-02-29', '2011-13-01', '2011-1-5', '01/05/2011', '', '2011-01-01x', '２０１１-01-01']) {
      bad(() => rec.nextPurchases([{ item: 'a0', date: asOf }, { item: 'a1', date }], { asOf }), {
        name: 'RangeError', message: `basketlift: history[1].date is not a valid date: ${JSON.stringify(date)} (expected YYYY-MM-DD)`,
      });
      bad(() => rec.nextPurchases([{ item: 'a0', date: asOf }], { asOf: date }), {
        name: 'RangeError', message: `basketlift: asOf is not a valid date: ${JSON.stringify(date)} (expected YYYY-MM-DD)`,
      });
    }
    for (const [window, shown] of [[-1, '-1'], [1.5, '1.5'], ['7', '"7"'], [2 ** 31, String(2 ** 31)]]) {
      bad(() => rec.nextPurchases([], { asOf, window }), { name: 'RangeError', message: `basketlift: window must be a non-negative integer (days), got ${shown}` });
    }
    bad(() => rec.nextPurchases([], { asOf, categories: ['x'] }), /unknown category "x" in categories\[0\]/);
    bad(() => rec.nextPurchases([], { asOf, priceRange: [3] }), /priceRange must be \[min, max\]/);

    // topRules
    bad(() => rec.topRules(5), { name: 'TypeError', message: 'basketlift: topRules options must be an object' });
    bad(() => rec.topRules({ n: 5 }), { name: 'TypeError', message: "basketlift: unknown topRules option 'n' (allowed: limit)" });
    for (const [limit, shown] of [[-1, '-1'], [1.5, '1.5'], ['5', '"5"']]) {
      bad(() => rec.topRules({ limit }), { name: 'RangeError', message: `basketlift: limit must be a non-negative integer, got ${shown}` });
    }

    // A throw mid-argument leaves the recommender as it was.
    assert.deepStrictEqual(rec.upsell('a3'), rec.upsell('a3', { n: 5, maxPriceRatio: 2 }));
    assert.deepStrictEqual(rec.recommend(['a0']), rec.recommend(['a0'], { n: 10, history: [], exclude: [] }));
  } finally {
    rec.dispose();
    plain.dispose();
  }
  for (const [method, args] of [['upsell', ['a0']], ['complementaryCategories', ['c0']], ['nextPurchases', [[], { asOf: '2011-01-01' }]],
    ['topRules', []], ['product', ['a0']], ['products', []], ['categories', []]]) {
    assert.throws(() => rec[method](...args), { message: `basketlift: ${method}() called after dispose()` });
  }
});
