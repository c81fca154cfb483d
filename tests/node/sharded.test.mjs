// Sharded bundles through the package: loadRecommender('…/manifest.json') answers every kind
// exactly as the single-file bundle of the same mining run (the JSON byte for byte), fetching
// only the parts a request needs; a part that fails is named, and the rest keeps working.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import test from 'node:test';
import {
  dataDir, dist, mine, mineRetailWithCatalog, mineSynthetic, needData, RETAIL, rng, runCli, tempDir,
} from './helpers.mjs';

const { loadRecommender, BundleError } = await import(join(dist, 'sharded-node.js'));
const work = tempDir({ after: test.after });

async function shard(bundle, name, args = []) {
  const dir = join(work, name);
  await runCli(['shard', bundle, '--out', dir, ...args]);
  return dir;
}

// Every label of a bundle, most popular first.
async function labelsOf(bundle) {
  const rec = await loadRecommender(bundle);
  try {
    return rec.products().map((e) => e.item);
  } finally {
    rec.dispose();
  }
}

function requests(items, seed, count) {
  const rand = rng(seed);
  const pick = () => items[Math.floor(items.length * rand() ** 2)];
  const out = [];
  for (let i = 0; i < count; i++) {
    const cart = Array.from({ length: 1 + Math.floor(rand() * 8) }, pick);
    if (rand() < 0.1) cart.push('no such item');
    // n up to the category head (16): past it a category answer needs more than a category part holds.
    const options = { n: 1 + Math.floor(rand() * 16), maxPerFamily: rand() < 0.5 ? 0 : 1 };
    if (rand() < 0.5) options.history = Array.from({ length: Math.floor(rand() * 10) }, pick);
    if (rand() < 0.3) options.exclude = Array.from({ length: 3 }, pick);
    out.push({ cart, options });
  }
  return out;
}

async function checkEqual(bundle, dir, seed, count) {
  const whole = await loadRecommender(bundle);
  const sharded = await loadRecommender(join(dir, 'manifest.json'));
  try {
    const items = whole.products().map((e) => e.item);
    let answers = 0;
    for (const { cart, options } of requests(items, seed, count)) {
      const expected = JSON.stringify(whole.recommend(cart, options));
      const got = await sharded.recommend(cart, options);
      assert.equal(got.complete, undefined, JSON.stringify({ cart, options }));
      assert.equal(JSON.stringify(got), expected, JSON.stringify({ cart, options }));
      answers += got.length;
    }
    for (const item of items.slice(0, 40)) {
      assert.equal(JSON.stringify(await sharded.upsell(item)), JSON.stringify(whole.upsell(item)), item);
    }
    return { answers, transfer: sharded.transfer };
  } finally {
    whole.dispose();
    sharded.dispose();
  }
}

test('Online Retail: a sharded bundle answers 200 requests as the single file', { skip: needData(RETAIL) }, async () => {
  const { bundle } = await mineRetailWithCatalog(work);
  const dir = await shard(bundle, 'retail-shards');
  const { answers, transfer } = await checkEqual(bundle, dir, 41, 200);
  assert.ok(answers > 1000);
  // A page with one product needs the global part and one shard: far less than the bundle.
  const rec = await loadRecommender(join(dir, 'manifest.json'));
  try {
    const [item] = await labelsOf(bundle);
    await rec.recommend([item], { n: 4 });
    const size = statSync(bundle).size;
    assert.equal(rec.transfer.files, 2);
    assert.ok(rec.transfer.bytes < size / 10, `${rec.transfer.bytes} of ${size}`);
  } finally {
    rec.dispose();
  }
  assert.ok(transfer.files > 2);

  // A category answer past the category head (2 items per category here) ends as complete:
  // false, and fetches no page of the popular order for it: those pages cannot complete it (a
  // request once fetched every page, one at a time, before giving up).
  const short = await shard(bundle, 'retail-short-heads', ['--category-head', '2', '--popular-head', '64']);
  const server = await serve(short);
  const whole = await loadRecommender(bundle);
  const paged = await loadRecommender(`${server.base}manifest.json`);
  try {
    const items = whole.products().map((e) => e.item);
    const pages = Math.ceil(items.length / 64);
    let incomplete = 0;
    let equal = 0;
    for (const { cart } of requests(items, 43, 30)) {
      const got = await paged.recommend(cart, { n: 40 });
      if (got.complete === false) incomplete++;
      else {
        equal++;
        assert.equal(JSON.stringify(got), JSON.stringify(whole.recommend(cart, { n: 40 })), JSON.stringify(cart));
      }
    }
    const fetchedPages = server.stats.paths.filter((p) => /\/p\d+\.blb$/.test(p)).length;
    assert.ok(incomplete > 0 && equal > 0, `${incomplete} incomplete, ${equal} equal`);
    assert.ok(fetchedPages < pages / 4, `${fetchedPages} of ${pages} popular pages fetched`);
  } finally {
    paged.dispose();
    whole.dispose();
    server.close();
  }
});

test('retail.dat: a sharded bundle answers 100 requests as the single file', { skip: needData('fimi/retail.dat') }, async () => {
  const bundle = await mine(work, 'retail-dat', join(dataDir, 'fimi/retail.dat'), ['--min-support', '0.002']);
  const dir = await shard(bundle, 'retail-dat-shards');
  const { answers } = await checkEqual(bundle, dir, 42, 100);
  assert.ok(answers > 500);
});

// Serves DIR over HTTP, each response after a short delay; counts requests and overlap.
async function serve(dir) {
  const { createServer } = await import('node:http');
  const stats = { paths: [], inFlight: 0, most: 0 };
  const server = createServer((req, res) => {
    stats.paths.push(req.url);
    stats.most = Math.max(stats.most, ++stats.inFlight);
    setTimeout(() => {
      stats.inFlight--;
      try {
        res.end(readFileSync(join(dir, decodeURIComponent(req.url))));
      } catch {
        res.writeHead(404).end();
      }
    }, 20);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { base: `http://127.0.0.1:${server.address().port}/`, stats, close: () => server.close() };
}

test('parts are fetched once, in parallel, and the synchronous call waits for prefetch', async () => {
  const bundle = await mineSynthetic(work);
  const dir = await shard(bundle, 'synthetic-shards', ['--shard-count', '6']);
  const server = await serve(dir);
  const whole = await loadRecommender(bundle);
  const rec = await loadRecommender(`${server.base}manifest.json`);
  try {
    assert.deepEqual(server.stats.paths.length, 2); // the manifest, the global part
    const cart = ['a0', 'a3', 'a6', 'a9', 'a12'];
    assert.throws(() => rec.recommendLoaded(cart), (e) => e instanceof BundleError && e.code === 'BASKETLIFT_PARTS_NOT_LOADED');
    const before = server.stats.paths.length;
    await Promise.all([rec.prefetch(cart), rec.prefetch(cart)]);
    const parts = server.stats.paths.slice(before);
    assert.ok(parts.length >= 2, parts.join());
    assert.equal(new Set(parts).size, parts.length, 'no part twice');
    assert.ok(server.stats.most > 1, 'in parallel');
    assert.deepEqual(rec.recommendLoaded(cart), whole.recommend(cart));
    const again = server.stats.paths.length;
    assert.deepEqual(await rec.recommend(cart), whole.recommend(cart));
    assert.equal(server.stats.paths.length, again, 'cached');
    assert.equal(rec.transfer.files, again - 1); // every part, not the manifest
  } finally {
    rec.dispose();
    whole.dispose();
    server.close();
  }
});

test('loadRecommender(…, { prefetch }) fetches the cart\'s shards beside the global part', async () => {
  const bundle = await mineSynthetic(work);
  const dir = await shard(bundle, 'prefetch-shards', ['--shard-count', '6']);
  const server = await serve(dir);
  const whole = await loadRecommender(bundle);
  const cart = ['a0', 'a3', 'a6', 'a9', 'a12'];
  const rec = await loadRecommender(`${server.base}manifest.json`, { prefetch: cart });
  try {
    const [manifest, ...parts] = server.stats.paths;
    assert.match(manifest, /manifest\.json$/);
    assert.ok(parts.some((p) => p.endsWith('/global.blb')) && parts.length >= 3, parts.join());
    assert.equal(new Set(parts).size, parts.length, 'no part twice');
    assert.ok(server.stats.most >= 2, 'the shards were on their way with the global part');
    const before = server.stats.paths.length;
    assert.deepEqual(await rec.recommend(cart), whole.recommend(cart));
    assert.equal(server.stats.paths.length, before, 'the request fetched nothing more');
    assert.equal(rec.transfer.files, parts.length);
  } finally {
    rec.dispose();
    server.close();
  }
  // A prefetched shard that fails is named by the request that needs it, as any part is.
  const [run] = readdirSync(dir).filter((f) => f !== 'manifest.json');
  const lost = readdirSync(join(dir, run)).find((f) => f.startsWith('s'));
  rmSync(join(dir, run, lost));
  const broken = await loadRecommender(join(dir, 'manifest.json'), { prefetch: cart });
  try {
    const result = await broken.recommend(cart);
    assert.ok(result.unavailable?.some((u) => u.part.endsWith(lost)), JSON.stringify(result.unavailable));
  } finally {
    broken.dispose();
    whole.dispose();
  }
  await assert.rejects(loadRecommender(join(dir, 'manifest.json'), { prefetch: 'a0' }), TypeError);
});

test('a part that fails is named with its items, and the other items still score', async () => {
  const bundle = await mineSynthetic(work);
  const dir = await shard(bundle, 'broken-shards', ['--shard-count', '6']);
  const [run] = readdirSync(dir).filter((f) => f !== 'manifest.json');
  const whole = await loadRecommender(bundle);
  const cart = ['a0', 'a3', 'a6', 'a9'];
  // Each shard in turn damaged on the server: the items it holds are named, with the reader's
  // checksum error, and the rest of the cart scores as the whole bundle scores it.
  let named = 0;
  for (const file of readdirSync(join(dir, run)).filter((f) => f.startsWith('s'))) {
    const path = join(dir, run, file);
    const good = readFileSync(path);
    const bad = Buffer.from(good);
    bad[bad.length - 1] ^= 1;
    writeFileSync(path, bad);
    const rec = await loadRecommender(join(dir, 'manifest.json'));
    try {
      const result = await rec.recommend(cart, { n: 5 });
      if (!result.unavailable) continue;
      const lost = result.unavailable.flatMap((u) => u.items);
      named += lost.length;
      for (const u of result.unavailable) {
        assert.ok(u.error instanceof BundleError, String(u.error));
        assert.match(u.error.message, /checksum/);
        assert.ok(u.part.endsWith(file), u.part);
      }
      // A request that needs only good parts answers as the whole bundle does.
      const rest = cart.filter((i) => !lost.includes(i));
      if (rest.length) assert.deepEqual(await rec.recommend(rest, { n: 5 }), whole.recommend(rest, { n: 5 }));
      assert.equal(result.length, 5); // the broken items' part is missing, the answer is still full
    } finally {
      rec.dispose();
      writeFileSync(path, good);
    }
  }
  whole.dispose();
  assert.equal(named, cart.length, 'every cart item was named once, by the shard that holds it');
  rmSync(join(dir, 'manifest.json'));
  await assert.rejects(loadRecommender(join(dir, 'manifest.json')), /could not read the manifest/);
});
