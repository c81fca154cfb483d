// Fuzzing the JS argument layer: random carts, histories, filters and options against a real
// bundle, as plain values, as arrays with getters that change them while they are read (and call
// the API again, or throw), and as Proxies that answer a different length or element on every
// read. Each call must answer what a witness recommender answers for the values the call read
// (each once), or throw the API's TypeError / RangeError, or what a getter threw; and the wasm
// instance must stay healthy throughout.
//   BASKETLIFT_FUZZ_SECONDS=60 node --test tests/node/fuzz.test.mjs   a longer run (default 3 s)
//   BASKETLIFT_FUZZ_SEED=n                                            another sequence
import assert from 'node:assert/strict';
import test from 'node:test';
import { importPackage, mineSyntheticWithCatalog, rng, tempDir } from './helpers.mjs';

const { loadRecommender, WasmError } = await importPackage();

const SECONDS = Number(process.env.BASKETLIFT_FUZZ_SECONDS ?? 3);
const SEED = Number(process.env.BASKETLIFT_FUZZ_SEED ?? 20240517);
const FIXED = [['a0'], ['a0', 'a3'], ['a3', 'a4', 'a5', 'a9'], ['a27', 'zzz'], []];

class Hostile extends Error {}

test(`random and hostile arguments leave the instance healthy (${SECONDS} s, seed ${SEED})`, { timeout: (SECONDS + 60) * 1000 }, async (t) => {
  const { bundle } = await mineSyntheticWithCatalog(tempDir(t));
  const witness = await loadRecommender(bundle);
  const expected = FIXED.map((c) => witness.recommend(c));
  const other = await loadRecommender(bundle);
  let subject = await loadRecommender(bundle);
  const categories = witness.categories();
  const rand = rng(SEED);
  const pick = (xs) => xs[Math.floor(rand() * xs.length)];
  const int = (n) => Math.floor(rand() * n);

  const ODD_VALUES = [undefined, null, 0, 42, {}, [], true, Symbol('s'), 10n];
  const label = () => {
    const r = rand();
    if (r < 0.85) return `a${int(32)}`; // a30, a31: not in the bundle
    if (r < 0.98) return pick(['', 'zzz', 'a1\udcff', '\ud800', 'a0 ', 'A0', 'x'.repeat(200)]);
    return pick(ODD_VALUES);
  };
  const category = () => (rand() < 0.9 ? pick(categories) : pick(['nope', '', 'C1', 7]));
  const date = () => (rand() < 0.9 ? `2011-0${1 + int(3)}-1${int(9)}` : pick(['2011-02-30', 'x', '', 20110101]));
  const event = () => ({ item: label(), date: date() });

  // Work a getter or trap may do while the call reads its arguments; at most one per call.
  const failures = [];
  let disposed = false;
  let thrown;
  let effects = 0;
  const effect = (array) => {
    if (effects > 0 || rand() < 0.7) return;
    effects++;
    const r = rand();
    if (r < 0.25) for (let i = int(2000); i > 0; i--) array.push(label());
    else if (r < 0.4) array.length = int(array.length + 1);
    else if (r < 0.7) {
      // The API again, from inside the read: on the subject itself, and on another recommender.
      const cart = Array.from({ length: int(6) }, () => `a${int(30)}`);
      const which = rand() < 0.5 ? subject : other;
      try {
        if (JSON.stringify(which.recommend(cart)) !== JSON.stringify(witness.recommend(cart))) failures.push(`nested call on ${cart}`);
      } catch (e) {
        if (!(which === subject && disposed)) failures.push(`nested call threw ${e.stack}`);
      }
    } else if (r < 0.97) {
      throw (thrown = new Hostile('thrown by a getter'));
    } else {
      disposed = true;
      subject.dispose();
    }
  };

  // An argument list in one of three forms, and what the call read of it: its length (once)
  // and each element (once; a second read gets something else). `read()`: the plain array of
  // what was read, or null when the call did not read all of it or its length was no length.
  const list = (make) => {
    const values = Array.from({ length: int(rand() < 0.1 ? 120 : 12) }, make);
    const form = rand();
    if (form < 0.4) return { arg: values, read: () => values.slice() };
    if (form < 0.7) {
      const array = values.slice();
      const got = new Map();
      for (let i = 0; i < values.length; i++) {
        if (rand() < 0.5) continue;
        Object.defineProperty(array, i, {
          configurable: true,
          enumerable: true,
          get() {
            if (got.has(i)) return make();
            effect({ push: (x) => array.push(x), set length(k) {}, get length() { return array.length; } });
            got.set(i, values[i]);
            return values[i];
          },
        });
      }
      return { arg: array, read: () => values.slice() };
    }
    const target = values.slice();
    const got = new Map();
    let length;
    const lie = rand();
    const handler = {
      get(t, key, receiver) {
        if (key === 'length') {
          if (length !== undefined) return int(1e6);
          length = lie < 0.8 ? values.length : lie < 0.9 ? values.length + int(3) : pick([-1, 1.5, NaN, '2', 2 ** 53, 2 ** 32 - 1]);
          return length;
        }
        if (typeof key === 'string' && /^\d+$/.test(key)) {
          if (got.has(key)) return make();
          effect(t);
          const v = Reflect.get(t, key);
          got.set(key, v);
          return v;
        }
        return Reflect.get(t, key, receiver);
      },
    };
    return {
      arg: new Proxy(target, handler),
      read() {
        if (!Number.isSafeInteger(length) || length < 0 || length > 1e6) return null;
        const out = [];
        for (let i = 0; i < length; i++) {
          if (!got.has(String(i))) return null;
          out.push(got.get(String(i)));
        }
        return out;
      },
    };
  };

  // Options as a plain object or with getters (read once: a second read gets garbage); `read()`
  // gives the plain options the call saw, or null.
  const optionsOf = (keys) => {
    if (rand() < 0.15) return { arg: undefined, read: () => undefined };
    const chosen = {};
    for (const [key, make] of Object.entries(keys)) if (rand() < 0.4) chosen[key] = make();
    if (rand() < 0.05) chosen[pick(['count', 'limit', 'cart'])] = { arg: 1, read: () => 1 };
    const hostile = rand() < 0.5;
    const arg = {};
    const seen = new Map();
    for (const [key, v] of Object.entries(chosen)) {
      if (!hostile) arg[key] = v.arg;
      else {
        Object.defineProperty(arg, key, {
          enumerable: true,
          get() {
            if (seen.has(key)) return pick(ODD_VALUES);
            seen.set(key, true);
            return v.arg;
          },
        });
      }
    }
    return {
      arg,
      read() {
        const out = {};
        for (const [key, v] of Object.entries(chosen)) {
          const r = v.read();
          if (r === null) return null;
          out[key] = r;
        }
        return out;
      },
    };
  };
  const value = (make) => () => {
    const v = make();
    return { arg: v, read: () => v };
  };
  const n = value(() => (rand() < 0.9 ? 1 + int(40) : pick([0, -1, 1.5, 2 ** 40, '3', NaN])));
  const prices = () => list(() => (rand() < 0.9 ? int(12) : pick([NaN, '1', null])));
  const items = () => list(label);
  const names = () => list(category);
  const filters = { exclude: items, categories: names, priceRange: prices };

  const calls = {
    recommend: () => [items(), optionsOf({ history: items, n, ...filters })],
    upsell: () => [value(label)(), optionsOf({ n, maxPriceRatio: value(() => pick([1, 1.5, 2, 4, 0.5])), ...filters })],
    nextPurchases: () => [list(event), optionsOf({ asOf: value(date), n, window: value(() => int(30)), ...filters })],
    complementaryCategories: () => [value(category)(), optionsOf({ n, exclude: names, categories: names })],
  };
  const methods = ['recommend', 'recommend', 'recommend', 'recommend', 'upsell', 'nextPurchases', 'complementaryCategories'];

  const outcome = (f) => {
    try {
      return { value: f() };
    } catch (e) {
      return { error: e };
    }
  };
  const baseline = witness.memoryUsage();
  const stats = { calls: 0, answered: 0, compared: 0, refused: 0, hostile: 0 };
  const deadline = Date.now() + SECONDS * 1000;
  while (Date.now() < deadline || stats.calls < 200) {
    const method = pick(methods);
    const args = calls[method]();
    effects = 0;
    thrown = null;
    const got = outcome(() => subject[method](...args.map((a) => a.arg)));
    stats.calls++;
    const context = () => `call ${stats.calls}: ${method}`;
    if (got.error) {
      const e = got.error;
      assert.ok(!(e instanceof WasmError) && !(e instanceof WebAssembly.RuntimeError), `${context()}: ${e.stack}`);
      if (e instanceof Hostile) {
        assert.equal(e, thrown, context());
        stats.hostile++;
      } else {
        assert.ok(e instanceof TypeError || e instanceof RangeError || disposed, `${context()}: ${e.stack}`);
        assert.match(e.message, /^basketlift: /, context());
        stats.refused++;
      }
    } else {
      stats.answered++;
    }
    // What the call read, as plain values, answered by the witness.
    const read = args.map((a) => a.read());
    if (!disposed && !thrown && read.every((r) => r !== null)) {
      const want = outcome(() => witness[method](...read));
      if (got.error) {
        assert.ok(want.error, `${context()}: threw ${got.error.message}, the witness answered`);
        assert.equal(got.error.message, want.error.message, context());
      } else {
        assert.ok(!want.error, `${context()}: answered, the witness threw ${want.error?.message}`);
        assert.deepStrictEqual(got.value, want.value, context());
      }
      stats.compared++;
    } else if (!got.error) {
      assert.ok(read.every((r) => r !== null), `${context()}: answered though it did not read its arguments whole`);
    }
    assert.deepEqual(failures, [], context());
    if (disposed) {
      subject = await loadRecommender(bundle);
      disposed = false;
    }
    if (stats.calls % 500 === 0) assert.deepStrictEqual(FIXED.map((c) => witness.recommend(c)), expected, context());
  }
  t.diagnostic(JSON.stringify(stats));
  assert.ok(stats.compared > stats.calls / 4, 'most calls were checked against the witness');
  assert.ok(stats.answered > 0 && stats.refused > 0 && stats.hostile > 0);

  assert.deepStrictEqual(FIXED.map((c) => witness.recommend(c)), expected);
  assert.deepStrictEqual(FIXED.map((c) => subject.recommend(c)), expected);
  const fresh = await loadRecommender(bundle);
  assert.deepStrictEqual(FIXED.map((c) => fresh.recommend(c)), expected);
  fresh.dispose();
  const after = witness.memoryUsage();
  assert.ok(after.allocatedBytes - baseline.allocatedBytes < 1 << 20, `${after.allocatedBytes - baseline.allocatedBytes} bytes more allocated`);
  for (const r of [witness, other, subject]) r.dispose();
});
