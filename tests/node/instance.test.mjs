// The wasm instance every recommender of a page shares: arguments that change while they are read
// cannot reach its memory, a request too large for it is refused with a RangeError, a failed
// instance is never used again, and a wasm file that is not this build's is refused.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import test from 'node:test';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { dist, importPackage, mineSynthetic, readBytes, runCli, tempDir } from './helpers.mjs';

const { loadRecommender, WasmError } = await importPackage();

const work = tempDir({ after: test.after });
const bytes = readBytes(await mineSynthetic(work));
const CARTS = [['a0'], ['a0', 'a3'], ['a3', 'a4', 'a5', 'a9'], ['a27', 'zzz'], []];
const widePath = join(work, 'wide.blb');
const wide = await wideBundle();

// 50,000 items, each bought with its neighbours: long carts have rules, pairs and neighbours.
async function wideBundle() {
  const lines = [];
  for (let i = 0; i < 50_000; i++) lines.push(`i${i} i${(i + 1) % 50_000} i${(i * 7 + 3) % 50_000}`);
  const input = join(work, 'wide.dat');
  writeFileSync(input, lines.join('\n') + '\n');
  await runCli(['mine', input, '--format', 'basket', '--min-count', '2', '--threads', '1', '-o', widePath]);
  return readBytes(widePath);
}

test('arguments that change while they are read: length once, each element once, before wasm', async () => {
  const witness = await loadRecommender(bytes);
  const expected = CARTS.map((c) => witness.recommend(c));
  const rec = await loadRecommender(bytes);
  const other = await loadRecommender(bytes);
  const plain = (cart, options) => witness.recommend(cart, options);

  // A getter that grows the cart while it is read: the call sees the cart as it was.
  const growing = ['a0', 'a1'];
  Object.defineProperty(growing, 1, {
    get() {
      for (let i = 0; i < 100_000; i++) growing.push('a2');
      return 'a1';
    },
  });
  assert.deepEqual(rec.recommend(growing), plain(['a0', 'a1']));
  // ... and one that empties it: the elements it read after that were not strings.
  const shrinking = ['a3', 'a4', 'a5'];
  Object.defineProperty(shrinking, 0, {
    get() {
      shrinking.length = 0;
      return 'a3';
    },
  });
  assert.throws(() => rec.recommend(shrinking), { name: 'TypeError', message: 'basketlift: cart[1] must be a string item id, got undefined' });

  // A Proxy whose length changes on every read, counting the reads.
  const reads = new Map();
  let lengths = 0;
  const lying = new Proxy(['a0', 'a3', 'a4'], {
    get(target, key) {
      if (key === 'length') return [3, 1_000_000, 0][lengths++ % 3];
      reads.set(key, (reads.get(key) ?? 0) + 1);
      return Reflect.get(target, key);
    },
  });
  assert.deepEqual(rec.recommend(lying, { n: 7 }), plain(['a0', 'a3', 'a4'], { n: 7 }));
  assert.equal(lengths, 1, 'length read once');
  assert.deepEqual([...reads].filter(([k]) => /^\d+$/.test(k)), [['0', 1], ['1', 1], ['2', 1]], 'each element read once');

  // Lengths no array has: refused before any element is read.
  for (const length of [-1, 1.5, NaN, '3', 2 ** 53]) {
    const odd = new Proxy([], { get: (t, k) => (k === 'length' ? length : assert.fail(`read ${String(k)}`)) });
    assert.throws(() => rec.recommend(odd), { name: 'TypeError', message: /^basketlift: cart must be an array of item id strings, but its length is / });
  }
  const huge = new Proxy([], { get: (t, k) => (k === 'length' ? 2 ** 32 - 1 : assert.fail(`read ${String(k)}`)) });
  assert.throws(() => rec.recommend(huge), { name: 'RangeError', code: 'BASKETLIFT_REQUEST_TOO_LARGE', message: /a call may use/ });
  assert.throws(() => rec.upsell('a0', { exclude: huge }), { name: 'RangeError', message: /a call may use/ });

  // Options read once: what was checked is what is used.
  let nReads = 0;
  const options = {
    get n() {
      return nReads++ === 0 ? 3 : 2 ** 40;
    },
    get priceRange() {
      const range = [0, 0];
      let r = 0;
      Object.defineProperty(range, 0, { get: () => (r++ === 0 ? -Infinity : NaN) });
      Object.defineProperty(range, 1, { get: () => (r++ === 1 ? Infinity : NaN) });
      return range;
    },
  };
  assert.deepEqual(rec.recommend(['a0'], options), plain(['a0'], { n: 3 }));
  assert.equal(nReads, 1);

  // A getter that calls the API again, on this recommender and another on the same instance.
  const reentrant = ['a0', 'a3', 'a9'];
  let inner;
  Object.defineProperty(reentrant, 1, {
    get() {
      inner = [rec.recommend(['a5', 'a6'], { n: 4 }), other.recommend(['a1'], { history: ['a2'] })];
      return 'a3';
    },
  });
  assert.deepEqual(rec.recommend(reentrant, { history: ['a4'] }), plain(['a0', 'a3', 'a9'], { history: ['a4'] }));
  assert.deepEqual(inner, [plain(['a5', 'a6'], { n: 4 }), plain(['a1'], { history: ['a2'] })]);

  // History events whose fields change between reads.
  let dateReads = 0;
  const event = {
    item: 'a0',
    get date() {
      return dateReads++ === 0 ? '2011-01-01' : 'not a date';
    },
  };
  const history = [event, { item: 'a0', date: '2011-01-08' }, { item: 'a0', date: '2011-01-15' }];
  assert.deepEqual(
    rec.nextPurchases(history, { asOf: '2011-01-20' }),
    witness.nextPurchases([{ item: 'a0', date: '2011-01-01' }, ...history.slice(1)], { asOf: '2011-01-20' }),
  );
  assert.equal(dateReads, 1);

  // A getter that disposes of the recommender it is read by.
  const disposer = await loadRecommender(bytes);
  const cart = ['a0', 'a1'];
  Object.defineProperty(cart, 1, {
    get() {
      disposer.dispose();
      return 'a1';
    },
  });
  assert.throws(() => disposer.recommend(cart), /basketlift: recommend\(\) called after dispose\(\)/);

  // None of it reached the instance: every recommender on it answers as before, and loads work.
  assert.deepEqual(CARTS.map((c) => witness.recommend(c)), expected);
  assert.deepEqual(CARTS.map((c) => rec.recommend(c)), expected);
  const fresh = await loadRecommender(bytes);
  assert.deepEqual(CARTS.map((c) => fresh.recommend(c)), expected);
  for (const r of [witness, rec, other, fresh]) r.dispose();
});

test('a request past the call memory limit is a RangeError; large calls give their memory back', async () => {
  const witness = await loadRecommender(bytes);
  const expected = CARTS.map((c) => witness.recommend(c));
  const rec = await loadRecommender(wide);
  rec.recommend(['i0'], { n: 2000 }); // the buffers sized by the bundle and n, for good
  const before = rec.memoryUsage();
  const cart = (k) => Array.from({ length: k }, (_, i) => `i${2 * i}`);

  for (const k of [25_000, 15_000]) {
    assert.throws(() => rec.recommend(cart(k), { n: k }), {
      name: 'RangeError',
      code: 'BASKETLIFT_REQUEST_TOO_LARGE',
      message: new RegExp(`^basketlift: request too large: scoring a cart of ${k} items for n = ${k} would take about \\d+ MB, more than the 64 MB a call may use`),
    });
    const after = rec.memoryUsage();
    assert.equal(after.heapBytes, before.heapBytes, 'refused before anything grew');
    assert.ok(after.allocatedBytes - before.allocatedBytes < 4096, `${after.allocatedBytes - before.allocatedBytes} bytes kept`);
  }

  // Within the limit: answered (about 30 MB of scratch for this one), and that memory is freed.
  const results = rec.recommend(cart(2000), { n: 2000 });
  assert.equal(results.length, 2000);
  assert.ok(results.some((r) => r.because.length > 1));
  const after = rec.memoryUsage();
  assert.ok(after.allocatedBytes - before.allocatedBytes < 4 << 20, `${after.allocatedBytes - before.allocatedBytes} bytes kept after a large call`);
  assert.ok(after.heapBytes <= before.heapBytes + (96 << 20), 'the heap grew by no more than the call needed');

  assert.deepEqual(CARTS.map((c) => witness.recommend(c)), expected);
  rec.dispose();
  witness.dispose();
});

test('a trap marks the instance failed: its recommenders throw WasmError, the next load starts afresh', async () => {
  // wasm memory that cannot grow past ~19 MB (as when a tab is short of memory): the large call
  // below needs more, so the allocation fails inside the instance and it aborts.
  const script = `
    import { loadRecommender, WasmError } from ${JSON.stringify(pathToFileURL(join(dist, 'node.js')).href)};
    import { readFileSync } from 'node:fs';
    const small = new Uint8Array(readFileSync(process.argv[1]));
    const wide = new Uint8Array(readFileSync(process.argv[2]));
    const out = {};
    const witness = await loadRecommender(small);
    const expected = JSON.stringify(witness.recommend(['a0', 'a3']));
    const rec = await loadRecommender(wide);
    const what = (f) => { try { f(); return 'ok'; } catch (e) { return [e.name, e.code, e instanceof WasmError, e.message]; } };
    out.call = what(() => rec.recommend(Array.from({ length: 2000 }, (_, i) => 'i' + 3 * i), { n: 2000 }));
    out.again = what(() => rec.recommend(['i0']));
    out.witness = what(() => witness.recommend(['a0']));
    out.memory = what(() => witness.memoryUsage());
    witness.dispose();
    const fresh = await loadRecommender(small);
    out.fresh = JSON.stringify(fresh.recommend(['a0', 'a3'])) === expected;
    console.log(JSON.stringify(out));`;
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['--wasm-max-mem-pages=300', '--input-type=module', '-e', script, join(work, 'synthetic.blb'), widePath],
    { maxBuffer: 1 << 20 },
  );
  const out = JSON.parse(stdout);
  const failed = ['WasmError', 'BASKETLIFT_WASM_FAILED', true];
  assert.deepEqual(out.call.slice(0, 3), failed, JSON.stringify(out.call));
  assert.match(out.call[3], /^basketlift: the wasm instance failed \(.+\); every recommender loaded on it is unusable now: call loadRecommender\(\) again$/);
  for (const later of [out.again, out.witness, out.memory]) assert.deepEqual(later.slice(0, 3), failed);
  assert.equal(out.fresh, true);
});

test('a wasm module that is not this build is refused: no hang, no unhandled rejection', { timeout: 20_000 }, async () => {
  const unhandled = [];
  const record = (e) => unhandled.push(e);
  process.on('unhandledRejection', record);
  try {
    const header = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
    const type = [0x01, 0x04, 0x01, 0x60, 0x00, 0x00]; // one type: () -> ()
    const foreign = {
      // (func (export "f"))
      'one export': new Uint8Array([...header, ...type, 0x03, 0x02, 0x01, 0x00, 0x07, 0x05, 0x01, 0x01, 0x66, 0x00, 0x00, 0x0a, 0x04, 0x01, 0x02, 0x00, 0x0b]),
      // (import "env" "nope" (func))
      'one import': new Uint8Array([...header, ...type, 0x02, 0x0c, 0x01, 0x03, 0x65, 0x6e, 0x76, 0x04, 0x6e, 0x6f, 0x70, 0x65, 0x00, 0x00]),
      // (module)
      empty: new Uint8Array(header),
    };
    for (const [what, wasm] of Object.entries(foreign)) {
      assert.ok(WebAssembly.validate(wasm), what);
      for (const source of [wasm, await WebAssembly.compile(wasm)]) {
        await assert.rejects(loadRecommender(bytes, { wasm: source }), (e) => {
          assert.ok(e instanceof WasmError, `${what}: ${e?.stack ?? e}`);
          assert.equal(e.code, 'BASKETLIFT_WASM_MISMATCH');
          assert.match(e.message, /^basketlift: the wasm module is not from this package's build \(.+\); serve the basketlift\.wasm that came with this basketlift\.js$/);
          return true;
        });
      }
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.deepEqual(unhandled, []);
  } finally {
    process.off('unhandledRejection', record);
  }
  // The package's own wasm still loads, from bytes and the default location.
  const rec = await loadRecommender(bytes, { wasm: readBytes(join(dist, 'basketlift.wasm')) });
  assert.equal(rec.recommend(['a0']).length, 10);
  rec.dispose();
});
