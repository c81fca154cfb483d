// loadRecommender and the Recommender it returns: the whole JS API. browser.js and node.js only
// say how a URL becomes bytes. All scoring and validation of bundles is in the C++ core; this
// file checks the caller's arguments and moves ids and results across the wasm boundary.
// The Emscripten glue of the entry's wasm build: scripts/build.sh aliases this name to
// build/wasm/basketlift.mjs, or to basketlift-sharded.mjs for the `basketlift/sharded` entries.
import createBasketlift from 'basketlift-wasm-glue';
// Every number the wasm module and this file must agree on, generated from wasm/layout.hpp and
// the core's defaults at build time (scripts/build.sh).
import * as L from '../build/wasm/layout.js';
import { BundleChecksumError, BundleError, BundleTooLargeError, WasmError } from './errors.js';

const { INPUT, NUMBERS, INTS, BECAUSE, LABEL_BYTES, LABEL_ENDS, TEXT, RESULTS, DETAIL, TRIM, KINDS, DEFAULTS } = L;
const ABSENT = L.NO_ITEM; // an id the core ignores: unknown labels cost nothing
const LOAD_OPTIONS = new Set(['wasm', 'fetch', 'maxBundleBytes']);
const SHARDED_LOAD_OPTIONS = new Set([...LOAD_OPTIONS, 'maxCacheBytes', 'prefetch']); // basketlift/sharded
const RECOMMEND_OPTIONS = new Set(['history', 'n', 'exclude', 'categories', 'priceRange', 'maxPerFamily']);
const UPSELL_OPTIONS = new Set(['n', 'maxPriceRatio', 'exclude', 'categories', 'priceRange']);
const CATEGORY_OPTIONS = new Set(['n', 'exclude', 'categories']);
const NEXT_OPTIONS = new Set(['asOf', 'n', 'window', 'exclude', 'categories', 'priceRange']);
const TOP_RULES_OPTIONS = new Set(['limit']);
const NO_OPTIONS = Object.freeze({});
const EMPTY = Object.freeze([]);
const ITEM_IDS = 'an array of item id strings';
const CATEGORY_NAMES = 'an array of category name strings';
// Ours is a few hundred KB; a download past this is something else, and is not read to its end.
export const MAX_WASM_BYTES = 64 << 20;

// The caller's arguments are copied into these before any wasm memory is touched: reading an
// element may run the caller's code (a getter, a Proxy), which may change the array, call into
// wasm (moving or growing its memory) or even call this API again. A call that starts while
// another is copying gets arrays of its own.
const SCRATCH = new Uint32Array(4096);
const PRICES = new Float64Array(2);
let copying = false;

// One wasm instance per wasm source, shared by every bundle loaded from it.
const byUrl = new Map();
const byObject = new WeakMap();

const freeLater =
  typeof FinalizationRegistry === 'function'
    ? new FinalizationRegistry(({ native, instance }) => {
        if (instance.failure) return; // its memory is abandoned anyway
        try {
          native.delete();
        } catch (e) {
          instance.fail(e);
        }
      })
    : null;

// A wasm instance and its fate. A trap or abort leaves its memory in an unknown state (a
// half-done call, the C stack pointer not restored), so from then on every recommender on it
// refuses with a WasmError, and the next loadRecommender() instantiates anew.
class Instance {
  mod = null;
  failure = null;
  constructor(forget) {
    this.forget = forget;
  }

  // Records that `error` escaped a call into the instance; returns the WasmError to throw.
  fail(error) {
    if (!this.failure) {
      this.failure = error;
      this.forget();
    }
    return this.failed(error);
  }

  failed(cause = this.failure) {
    const what = cause instanceof Error ? cause.message : String(cause);
    return new WasmError(
      `the wasm instance failed (${what}); every recommender loaded on it is unusable now: call loadRecommender() again`,
      'BASKETLIFT_WASM_FAILED',
      cause,
    );
  }

  check() {
    if (this.failure) throw this.failed();
  }
}

// env: { resolve(string) -> URL, read(URL, fetch, what, limits) -> Promise<Uint8Array> }, where
// limits = { max, start?(first bytes, size or -1) -> Promise<declared size> }.
export async function load(env, bundle, options = {}) {
  if (options === null || typeof options !== 'object') {
    throw new TypeError('basketlift: loadRecommender options must be an object');
  }
  checkKeys(options, env.loadSharded ? SHARDED_LOAD_OPTIONS : LOAD_OPTIONS, 'loadRecommender');
  const { wasm, fetch, maxBundleBytes } = options;
  if (fetch !== undefined && typeof fetch !== 'function') {
    throw new TypeError('basketlift: options.fetch must be a function');
  }
  const max = maxBundleBytes === undefined ? L.DEFAULT_MAX_BUNDLE_BYTES : maxBundleBytes;
  if (!Number.isInteger(max) || max < 1 || max > L.MAX_BUNDLE_BYTES) {
    throw new RangeError(
      `basketlift: maxBundleBytes must be an integer from 1 to ${L.MAX_BUNDLE_BYTES}, got ${describeValue(maxBundleBytes)}`,
    );
  }
  const ready = wasm === undefined ? packageInstance(env, fetch) : instanceFor(env, wasm, fetch);
  // basketlift/sharded: a URL ending in .json is a sharded bundle's manifest (web/sharded.js).
  if (env.loadSharded && (typeof bundle === 'string' || bundle instanceof URL)) {
    const url = typeof bundle === 'string' ? env.resolve(bundle) : bundle;
    if (url.pathname.endsWith('.json')) return env.loadSharded(ready, env, url, fetch, max, options);
  }
  // A download's header is checked by the core as soon as it arrives, so something that is not a
  // bundle, or declares more than `max` bytes, is not read to its end.
  const limits = { max, start: (head, size) => ready.then((instance) => checkStart(instance, head, size, max)) };
  const [instance, bytes] = await Promise.all([ready, bundleBytes(env, bundle, fetch, limits)]);
  return open(instance, bytes, max);
}

async function bundleBytes(env, bundle, fetch, limits) {
  if (typeof bundle === 'string' || bundle instanceof URL) {
    return env.read(typeof bundle === 'string' ? env.resolve(bundle) : bundle, fetch, 'bundle', limits);
  }
  const bytes = asBytes(bundle);
  if (!bytes) {
    throw new TypeError('basketlift: the bundle must be a URL, a URL string, an ArrayBuffer or a Uint8Array');
  }
  return bytes;
}

// The package's own wasm: how to find it is the environment's business (browser.js, node.js);
// one instance serves every bundle loaded without options.wasm.
let packageReady = null;
function packageInstance(env, fetch) {
  if (!packageReady) {
    const instance = new Instance(() => packageReady === ready && (packageReady = null));
    const ready = env.packageWasm(fetch).then((bytes) => instantiate(env, bytes, fetch, instance));
    ready.catch(instance.forget);
    packageReady = ready;
  }
  return packageReady;
}

// What the core says of a bundle's first bytes (`size`: its length, -1 when not known yet):
// throws unless they start a bundle of at most `max` bytes; returns the size it declares.
function checkStart(instance, head, size, max) {
  instance.check();
  let verdict;
  try {
    verdict = instance.mod.checkBundleStart(head, size);
  } catch (e) {
    throw instance.fail(e);
  }
  if (verdict.status < 0) throw new BundleError(verdict.message);
  if (verdict.declared > max) throw tooLarge(`its header declares ${verdict.declared} bytes`, max);
  return verdict.declared;
}

// How many first bytes of a bundle limits.start wants.
export const HEADER_BYTES = L.BUNDLE_HEADER_BYTES;

export function tooLarge(what, max) {
  return new BundleTooLargeError(
    `bundle too large: ${what}, more than maxBundleBytes (${max}); a larger options.maxBundleBytes (at most ${L.MAX_BUNDLE_BYTES}) loads it`,
  );
}

function instanceFor(env, source, fetch) {
  const key = typeof source === 'string' ? env.resolve(source).href : source instanceof URL ? source.href : source;
  const cache = typeof key === 'string' ? byUrl : byObject;
  if (typeof key !== 'string' && !(key instanceof WebAssembly.Module) && !asBytes(key)) {
    throw new TypeError(
      'basketlift: options.wasm must be a WebAssembly.Module, an ArrayBuffer, a Uint8Array, a URL or a URL string',
    );
  }
  let ready = cache.get(key);
  if (!ready) {
    // A failed download may work next time, and a failed instance is unusable: forget both.
    const instance = new Instance(() => cache.get(key) === ready && cache.delete(key));
    ready = instantiate(env, key, fetch, instance);
    ready.catch(instance.forget);
    cache.set(key, ready);
  }
  return ready;
}

async function instantiate(env, source, fetch, instance) {
  const module =
    source instanceof WebAssembly.Module
      ? source
      : await WebAssembly.compile(
          typeof source === 'string'
            ? wasmBytes(await env.read(new URL(source), fetch, 'wasm', { max: MAX_WASM_BYTES }), source)
            : asBytes(source),
        );
  // Emscripten 3.1.6 would fetch() a path itself, which Node cannot; hand it the module instead.
  // Whatever goes wrong on the way (another module's imports or exports do not match, the glue
  // throws on them) rejects `failed`: the glue's own promise would never settle.
  let fail;
  const failed = new Promise((_, reject) => (fail = reject));
  let ready;
  try {
    ready = createBasketlift({
      // Given a locateFile, the glue never evaluates new URL('basketlift.wasm', import.meta.url),
      // which throws where a bundler left import.meta.url empty (CommonJS, IIFE).
      locateFile: (file) => file,
      instantiateWasm(imports, receive) {
        WebAssembly.instantiate(module, imports)
          .then((wasm) => receive(wasm, module))
          .catch(fail);
        return {};
      },
      onAbort: (what) => instance.fail(new Error(`aborted: ${what}`)),
    });
  } catch (e) {
    fail(e);
  }
  // Settled by `failed` or later: nobody else waits on it, so its rejection must not go unhandled.
  Promise.resolve(ready).catch(() => {});
  let mod;
  try {
    mod = await Promise.race([ready, failed]);
  } catch (e) {
    if (e instanceof WebAssembly.LinkError || e instanceof TypeError) throw notThisBuild(e.message, e);
    throw new WasmError(`the wasm module could not start (${e?.message ?? e})`, 'BASKETLIFT_WASM_FAILED', e);
  }
  if (mod?.layoutFingerprint !== L.FINGERPRINT) {
    throw notThisBuild(`layout ${mod?.layoutFingerprint} != ${L.FINGERPRINT}`);
  }
  instance.mod = mod;
  return instance;
}

function notThisBuild(why, cause) {
  return new WasmError(
    `the wasm module is not from this package's build (${why}); serve the basketlift.wasm that came with this basketlift.js`,
    'BASKETLIFT_WASM_MISMATCH',
    cause,
  );
}

// A wasm object made by make(mod), then start(object): a status >= 0, or < 0 with the core's
// message (the object is then freed). A throw on the way means the instance failed.
export function startNative(instance, make, start) {
  let native;
  let status;
  let message;
  try {
    native = make(instance.mod);
    status = start(native);
    if (status < 0) {
      message = native.message();
      native.delete();
    }
  } catch (e) {
    throw instance.fail(e);
  }
  return { native, status, message };
}

// Frees a wasm object; on a failed instance there is nothing to free.
export function freeNative(instance, native) {
  if (instance.failure) return;
  try {
    native.delete();
  } catch (e) {
    throw instance.fail(e);
  }
}

// Recommender[INCOMPLETE](): what its last recommend() needed of a sharded bundle that it lacks,
// as the core's Scorer::Incomplete bits, 0 when nothing (web/sharded.js asks; not public API).
export const INCOMPLETE = Symbol('incomplete');

// `merged`: the merged parts of a sharded bundle (web/sharded.js), read with their part section.
export function open(instance, bytes, max, merged = false) {
  instance.check();
  if (bytes.length > max) throw tooLarge(`${bytes.length} bytes`, max);
  // The header first: a gigabyte of something else is refused before it is copied into wasm.
  checkStart(instance, bytes.subarray(0, Math.min(bytes.length, L.BUNDLE_HEADER_BYTES)), bytes.length, max);
  const { native, status, message } = startNative(instance, (mod) => new mod.Session(), (session) => {
    const status = session.stage(bytes.length);
    if (status !== 0) return status;
    instance.mod.HEAPU8.set(bytes, session.staging());
    return merged ? session.loadMerged() : session.load();
  });
  if (status === L.CHECKSUM_MISMATCH) throw new BundleChecksumError(message);
  if (status === L.TOO_LARGE) throw new BundleTooLargeError(message);
  if (status < 0) throw new BundleError(message);
  return new Recommender(instance, native);
}

export class Recommender {
  #instance;
  #mod;
  #native;
  #self; // the C++ Session's address, for the direct (non-Embind) recommend call
  #header; // index of header() in HEAPU32
  #capacity = 0; // ids the input buffer holds
  #textCapacity = 0; // bytes the text buffer holds
  #labels; // by id
  #ids; // label -> id
  #categories; // { labels, ids }, read on first use
  #catalog; // { names, categories, prices, popularity } by item id, read on first use

  constructor(instance, native) {
    this.#instance = instance;
    this.#mod = instance.mod;
    this.#native = native;
    try {
      this.#header = native.header() >>> 2;
      this.#self = native.self();
      this.#labels = readLabels(this.#mod, native, this.#header, L.ITEM_LABELS);
      this.info = describe(native.summary(), readLabels(this.#mod, native, this.#header, L.META_ENTRIES));
    } catch (e) {
      throw instance.fail(e);
    }
    this.#ids = new Map();
    for (let id = this.#labels.length - 1; id >= 0; id--) this.#ids.set(this.#labels[id], id);
    freeLater?.register(this, { native, instance }, this);
  }

  // Cross-sell for a cart: rules whose antecedent is in the cart, popular items to fill up.
  // Every argument is read once, into plain values, before the wasm call (see SCRATCH).
  recommend(cart, options) {
    this.#live('recommend');
    const o = optionsOf(options, RECOMMEND_OPTIONS, 'recommend');
    const history = o.history ?? EMPTY;
    const exclude = o.exclude ?? EMPTY;
    const n = count(o.n, DEFAULTS.recommend.n, 'n');
    // 0: no limit per family, as in the core. Read once, like every option.
    const familyOption = o.maxPerFamily;
    const perFamily = familyOption === 0 ? 0 : count(familyOption, DEFAULTS.recommend.maxPerFamily, 'maxPerFamily');
    const nCart = lengthOf(cart, 'cart', ITEM_IDS);
    const nHistory = history === EMPTY ? 0 : lengthOf(history, 'history', ITEM_IDS);
    const nExclude = exclude === EMPTY ? 0 : lengthOf(exclude, 'exclude', ITEM_IDS);
    const categories = this.#categoryIds(o.categories, 'categories');
    const range = o.priceRange;
    let min = -Infinity;
    let max = Infinity;
    if (range !== undefined) {
      priceRange(range);
      min = PRICES[0];
      max = PRICES[1];
    }
    const total = nCart + nHistory + nExclude + categories.length;
    if (total > L.MAX_INPUT_IDS) throw this.#refusal(total, 0);

    const nested = copying;
    copying = true;
    let ids;
    let at;
    try {
      ids = nested || total > SCRATCH.length ? new Uint32Array(total) : SCRATCH;
      const known = this.#ids;
      at = copyIds(known, ids, 0, cart, nCart, 'cart');
      if (nHistory) at = copyIds(known, ids, at, history, nHistory, 'history');
      if (nExclude) at = copyIds(known, ids, at, exclude, nExclude, 'exclude');
    } finally {
      copying = nested;
    }
    for (let i = 0; i < categories.length; i++) ids[at++] = categories[i];
    this.#live('recommend'); // the caller's getters may have disposed of it

    const mod = this.#mod;
    let found;
    try {
      const start = this.#input(total);
      let u32 = mod.HEAPU32;
      for (let i = 0; i < total; i++) u32[start + i] = ids[i];
      found = mod._basketlift_recommend(this.#self, nCart, nHistory, nExclude, categories.length, n, min, max, perFamily);
      u32 = mod.HEAPU32; // re-read: the call may have grown memory
      const header = this.#header;
      if (found >= 0) {
        const base = u32[header + RESULTS]; // the core's Recommendation structs, L.RESULT_BYTES each
        const because = u32[header + BECAUSE] >>> 2;
        const results = readRecommendations(u32, mod.HEAPF64, mod.HEAPU8, base, because, this.#labels, found, ids);
        if (u32[header + TRIM] !== 0) this.#trim();
        return results;
      }
      if (u32[header + TRIM] !== 0) this.#trim();
    } catch (e) {
      throw this.#instance.fail(e);
    }
    throw this.#refused(found);
  }

  // Pricier items of the same category that shoppers buy instead of `item`.
  upsell(item, options) {
    this.#live('upsell');
    if (typeof item !== 'string') {
      throw new TypeError(`basketlift: upsell item must be a string item id, got ${describeValue(item)}`);
    }
    const o = optionsOf(options, UPSELL_OPTIONS, 'upsell');
    const n = count(o.n, DEFAULTS.upsell.n, 'n');
    const ratio = withDefault(o.maxPriceRatio, DEFAULTS.upsell.maxPriceRatio); // read once
    if (typeof ratio !== 'number' || !(ratio >= 1)) {
      throw new RangeError(`basketlift: maxPriceRatio must be a number >= 1, got ${describeValue(ratio)}`);
    }
    const exclude = this.#itemIds(o.exclude, 'exclude');
    const categories = this.#categoryIds(o.categories, 'categories');
    priceRange(o.priceRange);
    const min = PRICES[0];
    const max = PRICES[1];
    const native = this.#live('upsell');

    const total = exclude.length + categories.length;
    if (total * 4 > L.CALL_MEMORY_LIMIT) throw this.#refusal(total, 0);
    const labels = this.#labels;
    try {
      const at = this.#input(total);
      this.#mod.HEAPU32.set(exclude, at);
      this.#mod.HEAPU32.set(categories, at + exclude.length);
      const found = native.upsell(this.#ids.get(item) ?? ABSENT, n, ratio, exclude.length, categories.length, min, max);
      const { u32, f64, ints, numbers } = this.#results();
      const results = new Array(found);
      for (let r = 0; r < found; r++) {
        results[r] = {
          item: labels[u32[ints + L.UPSELL_INTS * r]],
          score: f64[numbers + L.UPSELL_NUMBERS * r],
          substitution: f64[numbers + L.UPSELL_NUMBERS * r + 1],
          priceRatio: f64[numbers + L.UPSELL_NUMBERS * r + 2],
        };
      }
      this.#trimIfAsked(u32);
      return results;
    } catch (e) {
      throw this.#instance.fail(e);
    }
  }

  // Categories bought together with `category`, from the bundle's category-level rules.
  complementaryCategories(category, options) {
    this.#live('complementaryCategories');
    if (typeof category !== 'string') {
      throw new TypeError(`basketlift: complementaryCategories category must be a string category name, got ${describeValue(category)}`);
    }
    const o = optionsOf(options, CATEGORY_OPTIONS, 'complementaryCategories');
    const n = count(o.n, DEFAULTS.complementaryCategories.n, 'n');
    const id = this.#categoryIds([category], 'category')[0];
    const exclude = this.#categoryIds(o.exclude, 'exclude');
    const allow = this.#categoryIds(o.categories, 'categories');
    const native = this.#live('complementaryCategories');

    const total = exclude.length + allow.length;
    if (total * 4 > L.CALL_MEMORY_LIMIT) throw this.#refusal(total, 0);
    const labels = this.#categoryTable().labels;
    try {
      const at = this.#input(total);
      this.#mod.HEAPU32.set(exclude, at);
      this.#mod.HEAPU32.set(allow, at + exclude.length);
      const found = native.complementaryCategories(id, n, exclude.length, allow.length);
      const { u32, f64, ints, numbers } = this.#results();
      const results = new Array(found);
      for (let r = 0; r < found; r++) {
        results[r] = {
          category: labels[u32[ints + L.CATEGORY_INTS * r]],
          confidence: f64[numbers + L.CATEGORY_NUMBERS * r],
          lift: f64[numbers + L.CATEGORY_NUMBERS * r + 1],
          support: f64[numbers + L.CATEGORY_NUMBERS * r + 2],
        };
      }
      this.#trimIfAsked(u32);
      return results;
    } catch (e) {
      throw this.#instance.fail(e);
    }
  }

  // Items from the shopper's history that are due again within ±window days of asOf.
  nextPurchases(history, options) {
    this.#live('nextPurchases');
    const k = lengthOf(history, 'history', 'an array of { item, date } objects');
    if (options === undefined) {
      throw new TypeError("basketlift: nextPurchases needs options with asOf, e.g. { asOf: '2011-12-01' }");
    }
    const o = optionsOf(options, NEXT_OPTIONS, 'nextPurchases');
    const asOf = o.asOf;
    if (typeof asOf !== 'string') {
      throw new TypeError(`basketlift: nextPurchases options.asOf must be a 'YYYY-MM-DD' string, got ${describeValue(asOf)}`);
    }
    const n = count(o.n, DEFAULTS.nextPurchases.n, 'n');
    const window = withDefault(o.window, DEFAULTS.nextPurchases.window); // read once
    if (!Number.isInteger(window) || window < 0 || window > 0x7fffffff) {
      throw new RangeError(`basketlift: window must be a non-negative integer (days), got ${describeValue(window)}`);
    }
    const exclude = this.#itemIds(o.exclude, 'exclude');
    const categories = this.#categoryIds(o.categories, 'categories');
    priceRange(o.priceRange);
    const min = PRICES[0];
    const max = PRICES[1];
    // Each event and each of its fields read once.
    const items = new Uint32Array(k);
    const dates = new Array(k);
    let chars = asOf.length;
    const ids = this.#ids;
    for (let i = 0; i < k; i++) {
      const e = history[i];
      if (e === null || typeof e !== 'object') {
        throw new TypeError(`basketlift: history[${i}] must be an object { item, date }, got ${describeValue(e)}`);
      }
      const item = e.item;
      if (typeof item !== 'string') {
        throw new TypeError(`basketlift: history[${i}].item must be a string item id, got ${describeValue(item)}`);
      }
      const date = e.date;
      if (typeof date !== 'string') {
        throw new TypeError(`basketlift: history[${i}].date must be a 'YYYY-MM-DD' string, got ${describeValue(date)}`);
      }
      items[i] = ids.get(item) ?? ABSENT;
      dates[i] = date;
      chars += date.length;
    }
    const native = this.#live('nextPurchases');

    // Input: item ids, where each date ends in the text (asOf first), exclude, categories.
    const total = 2 * k + 1 + exclude.length + categories.length;
    if (total * 4 + 3 * chars > L.CALL_MEMORY_LIMIT) throw this.#refusal(total, 3 * chars);
    const labels = this.#labels;
    let found;
    try {
      const start = this.#input(total, 3 * chars);
      const heap = this.#mod.HEAPU32;
      heap.set(items, start);
      const bytes = this.#mod.HEAPU8;
      const text = heap[this.#header + TEXT];
      let end = encode(bytes, text, 0, asOf);
      heap[start + k] = end;
      for (let i = 0; i < k; i++) heap[start + k + 1 + i] = end = encode(bytes, text, end, dates[i]);
      heap.set(exclude, start + 2 * k + 1);
      heap.set(categories, start + 2 * k + 1 + exclude.length);
      found = native.nextPurchases(k, exclude.length, categories.length, n, window, min, max);
      if (found >= 0) {
        const { u32, f64, ints, numbers } = this.#results();
        const results = new Array(found);
        for (let r = 0; r < found; r++) {
          results[r] = {
            item: labels[u32[ints + L.NEXT_INTS * r]],
            probability: f64[numbers + L.NEXT_NUMBERS * r],
            dueInDays: f64[numbers + L.NEXT_NUMBERS * r + 1],
          };
        }
        this.#trimIfAsked(u32);
        return results;
      }
      this.#trimIfAsked(this.#mod.HEAPU32);
      if (found === L.BAD_DATE) {
        const i = this.#mod.HEAPU32[this.#header + DETAIL];
        const [what, date] = i === 0 ? ['asOf', asOf] : [`history[${i - 1}].date`, dates[i - 1]];
        found = new RangeError(`basketlift: ${what} is not a valid date: ${describeValue(date)} (expected YYYY-MM-DD)`);
      }
    } catch (e) {
      throw this.#instance.fail(e);
    }
    throw found instanceof Error ? found : this.#refused(found);
  }

  // The bundle's rules with the highest lift, for a rules explorer.
  topRules(options) {
    const native = this.#live('topRules');
    const o = optionsOf(options, TOP_RULES_OPTIONS, 'topRules');
    const limit = withDefault(o.limit, DEFAULTS.topRules.limit); // read once
    if (!Number.isInteger(limit) || limit < 0 || limit > 0xffffffff) {
      throw new RangeError(`basketlift: limit must be a non-negative integer, got ${describeValue(limit)}`);
    }
    this.#live('topRules');
    const labels = this.#labels;
    try {
      const found = native.topRules(limit);
      const { u32, f64, ints, numbers } = this.#results();
      const results = new Array(found);
      for (let r = 0; r < found; r++) {
        const a = labels[u32[ints + L.RULE_INTS * r]];
        const b = u32[ints + L.RULE_INTS * r + 1];
        results[r] = {
          antecedent: b === L.NO_ITEM ? [a] : [a, labels[b]],
          consequent: labels[u32[ints + L.RULE_INTS * r + 2]],
          support: f64[numbers + L.RULE_NUMBERS * r],
          confidence: f64[numbers + L.RULE_NUMBERS * r + 1],
          lift: f64[numbers + L.RULE_NUMBERS * r + 2],
        };
      }
      this.#trimIfAsked(u32);
      return results;
    } catch (e) {
      throw this.#instance.fail(e);
    }
  }

  // The catalog entry of one item: null for an item the bundle does not know.
  product(item) {
    this.#live('product');
    if (typeof item !== 'string') {
      throw new TypeError(`basketlift: product item must be a string item id, got ${describeValue(item)}`);
    }
    const id = this.#ids.get(item);
    if (id === undefined) return null;
    const c = this.#catalogTable();
    return { item, name: c.names[id], category: c.categories[id], price: c.prices[id], recommendable: c.recommendable[id] };
  }

  // Every item of the bundle with its catalog entry and popularity (baskets holding it), by id.
  products() {
    this.#live('products');
    const c = this.#catalogTable();
    const labels = this.#labels;
    const out = new Array(labels.length);
    for (let id = 0; id < labels.length; id++) {
      out[id] = {
        item: labels[id], name: c.names[id], category: c.categories[id], price: c.prices[id],
        recommendable: c.recommendable[id], popularity: c.popularity[id],
      };
    }
    return out;
  }

  // The catalog's category labels (empty without a catalog).
  categories() {
    this.#live('categories');
    return this.#categoryTable().labels.slice();
  }

  // Frees the bundle in wasm memory. Idempotent; any other call afterwards throws. On a failed
  // instance there is nothing to free: its memory is abandoned with it.
  dispose() {
    const native = this.#native;
    if (!native) return;
    freeLater?.unregister(this);
    this.#native = null;
    freeNative(this.#instance, native);
  }

  [INCOMPLETE]() {
    try {
      return this.#live('recommend').incomplete();
    } catch (e) {
      throw this.#instance.fail(e);
    }
  }

  // Memory of the wasm instance this recommender lives in (shared with other bundles loaded
  // from the same wasm): the heap's size and the bytes malloc hands out.
  memoryUsage() {
    this.#live('memoryUsage');
    try {
      return { heapBytes: this.#mod.HEAPU8.length, allocatedBytes: this.#mod.allocatedBytes() };
    } catch (e) {
      throw this.#instance.fail(e);
    }
  }

  // Room for `ids` ids and `bytes` bytes of text; returns the input buffer's index in HEAPU32.
  // The caller has kept the request within L.CALL_MEMORY_LIMIT, so reserve() cannot refuse.
  #input(ids, bytes = 0) {
    if (ids > this.#capacity || bytes > this.#textCapacity) {
      if (this.#native.reserve(ids, bytes) !== 0) throw new Error(this.#native.message());
      this.#capacity = Math.max(ids, this.#capacity);
      this.#textCapacity = Math.max(bytes, this.#textCapacity);
    }
    // Read after reserve(): a growing memory replaces the views.
    return this.#mod.HEAPU32[this.#header + INPUT] >>> 2;
  }

  // A large call left buffers behind: free them (the input buffers too) once its results are read.
  #trim() {
    this.#native.trim();
    this.#capacity = 0;
    this.#textCapacity = 0;
  }

  #trimIfAsked(u32) {
    if (u32[this.#header + TRIM] !== 0) this.#trim();
  }

  // The RangeError for a request past L.CALL_MEMORY_LIMIT, in the session's words (its reserve()
  // refuses without allocating).
  #refusal(ids, bytes) {
    const native = this.#native;
    if (!native) throw new Error('basketlift: the recommender was disposed of during the call');
    this.#instance.check();
    try {
      if (native.reserve(Math.min(ids, 0xffffffff), Math.min(bytes, 0xffffffff)) === 0) {
        throw new Error('reserve() took a request past the call memory limit');
      }
      return requestTooLarge(native.message());
    } catch (e) {
      throw this.#instance.fail(e);
    }
  }

  // The error for a failed call's status (the session's message says why).
  #refused(status) {
    let message;
    try {
      message = this.#native.message();
    } catch (e) {
      throw this.#instance.fail(e);
    }
    return status === L.REQUEST_TOO_LARGE ? requestTooLarge(message) : new Error(`basketlift: ${message}`);
  }

  // The heap views and where the last call's results are (re-read: a call may grow memory).
  #results() {
    const u32 = this.#mod.HEAPU32;
    return {
      u32,
      f64: this.#mod.HEAPF64,
      ints: u32[this.#header + INTS] >>> 2,
      numbers: u32[this.#header + NUMBERS] >>> 3,
    };
  }

  // Item labels -> ids, copied (each element read once); unknown labels become ABSENT.
  #itemIds(list, what) {
    if (list === undefined) return EMPTY_IDS;
    const length = lengthOf(list, what, ITEM_IDS);
    if (length > L.MAX_INPUT_IDS) throw this.#refusal(length, 0);
    const out = new Uint32Array(length);
    copyIds(this.#ids, out, 0, list, length, what);
    return out;
  }

  // Category names -> ids; an unknown name is an error (a typo would otherwise filter silently).
  #categoryIds(list, what) {
    if (list === undefined) return EMPTY_IDS;
    const length = lengthOf(list, what, CATEGORY_NAMES);
    if (length > L.MAX_INPUT_IDS) throw this.#refusal(length, 0);
    const { ids } = this.#categoryTable(); // before the caller's getters run
    const out = new Uint32Array(length);
    for (let i = 0; i < length; i++) {
      const name = list[i];
      const where = what === 'category' ? 'category' : `${what}[${i}]`;
      if (typeof name !== 'string') {
        throw new TypeError(`basketlift: ${where} must be a string category name, got ${describeValue(name)}`);
      }
      const id = ids.get(name);
      if (id === undefined) {
        throw new RangeError(
          `basketlift: unknown category ${describeValue(name)}${what === 'category' ? '' : ` in ${where}`}` +
            (ids.size ? ' (rec.categories() lists the bundle\'s categories)' : ': this bundle has no catalog categories'),
        );
      }
      out[i] = id;
    }
    return out;
  }

  #categoryTable() {
    if (!this.#categories) {
      const native = this.#live('categories');
      let labels;
      try {
        labels = readLabels(this.#mod, native, this.#header, L.CATEGORY_LABELS);
      } catch (e) {
        throw this.#instance.fail(e);
      }
      this.#categories = { labels, ids: new Map(labels.map((label, id) => [label, id])) };
    }
    return this.#categories;
  }

  #catalogTable() {
    if (!this.#catalog) {
      const categories = this.#categoryTable().labels;
      const native = this.#live('products');
      try {
        const names = readLabels(this.#mod, native, this.#header, L.ITEM_NAMES);
        const count = native.items();
        const { u32, f64, ints, numbers } = this.#results();
        const c = { names, categories: new Array(count), prices: new Array(count), popularity: new Array(count), recommendable: new Array(count) };
        for (let id = 0; id < count; id++) {
          if (names[id] === '') names[id] = null;
          const k = u32[ints + L.ITEM_INTS * id];
          c.categories[id] = k === L.NO_CATEGORY ? null : categories[k];
          c.popularity[id] = u32[ints + L.ITEM_INTS * id + 1];
          c.recommendable[id] = u32[ints + L.ITEM_INTS * id + 2] === 1;
          const price = f64[numbers + L.ITEM_NUMBERS * id];
          c.prices[id] = Number.isNaN(price) ? null : price;
        }
        this.#trimIfAsked(u32);
        this.#catalog = c;
      } catch (e) {
        throw this.#instance.fail(e);
      }
    }
    return this.#catalog;
  }

  #live(method) {
    if (!this.#native) throw new Error(`basketlift: ${method}() called after dispose()`);
    if (this.#instance.failure) throw this.#instance.failed();
    return this.#native;
  }
}

const EMPTY_IDS = new Uint32Array(0);

// Copies list[0, length) into out from `at` as item ids (each element read once; unknown labels
// become ABSENT); returns where it ended.
function copyIds(known, out, at, list, length, what) {
  for (let i = 0; i < length; i++) {
    const label = list[i];
    if (typeof label !== 'string') {
      throw new TypeError(`basketlift: ${what}[${i}] must be a string item id, got ${describeValue(label)}`);
    }
    out[at++] = known.get(label) ?? ABSENT;
  }
  return at;
}

function requestTooLarge(message) {
  const e = new RangeError(`basketlift: ${message}`);
  e.code = 'BASKETLIFT_REQUEST_TOO_LARGE';
  return e;
}

// Writes `s` as UTF-8 at bytes[base + at ...] (room for 3 bytes a UTF-16 unit was reserved);
// returns where it ends, relative to base.
function encode(bytes, base, at, s) {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x80) return at - i + encoder.encodeInto(s, bytes.subarray(base + at - i)).written;
    bytes[base + at++] = c;
  }
  return at;
}
const encoder = new TextEncoder();

// recommend()'s results, read from the core's Recommendation structs (L.RESULT_BYTES each). Their
// `because`: bit i of `reasons` is cart entry i (carts of up to 64 entries), named by its id in
// `cartIds`, the ids the call was given (only known items are reasons, and an item's label is the
// string that found it); else the item ids of a range. A function of its own: V8 optimises it
// better.
function readRecommendations(u32, f64, u8, base, because, labels, found, cartIds) {
  const results = new Array(found);
  for (let r = 0; r < found; r++) {
    const at = base + r * L.RESULT_BYTES;
    const lo = u32[(at + L.RESULT_REASONS) >>> 2];
    const hi = u32[(at + L.RESULT_REASONS + 4) >>> 2];
    const rest = lo & (lo - 1);
    // Array literals for the usual one or two reasons: V8 allocates them at their final size.
    let why;
    if (hi === 0 && lo !== 0 && rest === 0) why = [labels[cartIds[31 - Math.clz32(lo)]]];
    else if (hi === 0 && rest !== 0 && (rest & (rest - 1)) === 0) {
      why = [labels[cartIds[31 - Math.clz32(lo ^ rest)]], labels[cartIds[31 - Math.clz32(rest)]]];
    } else {
      why = [];
      for (let m = lo; m !== 0; m &= m - 1) why.push(labels[cartIds[31 - Math.clz32(m & -m)]]);
      for (let m = hi; m !== 0; m &= m - 1) why.push(labels[cartIds[63 - Math.clz32(m & -m)]]);
      const to = because + u32[(at + L.RESULT_BECAUSE_END) >>> 2];
      for (let i = because + u32[(at + L.RESULT_BECAUSE_BEGIN) >>> 2]; i < to; i++) why.push(labels[u32[i]]);
    }
    const reason = u32[(at + L.RESULT_REASON) >>> 2];
    results[r] = {
      item: labels[u32[(at + L.RESULT_ITEM) >>> 2]],
      score: f64[(at + L.RESULT_SCORE) >>> 3],
      confidence: f64[(at + L.RESULT_CONFIDENCE) >>> 3],
      lift: f64[(at + L.RESULT_LIFT) >>> 3],
      because: why,
      reason: reason === L.NO_ITEM ? null : labels[reason],
      kind: KINDS[u8[at + L.RESULT_KIND]],
    };
  }
  return results;
}

function readLabels(mod, native, header, table) {
  const count = native.labels(table);
  const heap = mod.HEAPU32;
  const bytes = mod.HEAPU8;
  const base = heap[header + LABEL_BYTES];
  const ends = heap[header + LABEL_ENDS] >>> 2;
  const total = count ? heap[ends + count - 1] : 0;
  const labels = new Array(count);
  const blob = bytes.subarray(base, base + total);
  // Item ids are usually ASCII: decode once and slice, else decode label by label.
  if (blob.every((b) => b < 0x80)) {
    const text = ascii.decode(blob);
    for (let i = 0, from = 0; i < count; i++) labels[i] = text.slice(from, (from = heap[ends + i]));
  } else {
    for (let i = 0, from = 0; i < count; i++) labels[i] = decodeLabel(blob.subarray(from, (from = heap[ends + i])));
  }
  native.releaseLabels();
  return labels;
}

// Labels are bytes, as the miner read them. Valid UTF-8 reads as usual (a leading BOM kept); each
// byte that is not part of a valid UTF-8 sequence reads as the lone surrogate U+DC00 + byte, as
// Python's "surrogateescape" does. Decoding with U+FFFD instead would make "caf\xe9" and
// "caf\xe8" (Latin-1 files) one label, and only one of the two items reachable. This way two
// different byte strings never read as the same string (valid UTF-8 never yields a lone
// surrogate), and a cart id with such an escape finds exactly the item whose bytes it spells.
const ascii = new TextDecoder();
const strict = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
function decodeLabel(bytes) {
  try {
    return strict.decode(bytes);
  } catch {
    return decodeEscaped(bytes);
  }
}

function decodeEscaped(b) {
  let s = '';
  for (let i = 0; i < b.length; ) {
    const c = b[i];
    // A well-formed sequence (the Unicode standard's table 3-7): its length and the range of
    // its second byte, which excludes overlong forms, surrogates and code points past U+10FFFF.
    let n = -1;
    let lo = 0x80;
    let hi = 0xbf;
    if (c < 0x80) {
      n = 0;
    } else if (c >= 0xc2 && c <= 0xdf) {
      n = 1;
    } else if (c >= 0xe0 && c <= 0xef) {
      n = 2;
      if (c === 0xe0) lo = 0xa0;
      if (c === 0xed) hi = 0x9f;
    } else if (c >= 0xf0 && c <= 0xf4) {
      n = 3;
      if (c === 0xf0) lo = 0x90;
      if (c === 0xf4) hi = 0x8f;
    }
    let ok = n >= 0 && i + n < b.length;
    let cp = n <= 0 ? c : c & (0x7f >> (n + 1));
    for (let j = 1; ok && j <= n; j++) {
      const x = b[i + j];
      ok = j === 1 ? x >= lo && x <= hi : x >= 0x80 && x <= 0xbf;
      cp = (cp << 6) | (x & 0x3f);
    }
    if (ok) {
      s += String.fromCodePoint(cp);
      i += n + 1;
    } else {
      s += String.fromCharCode(0xdc00 + c);
      i += 1;
    }
  }
  return s;
}

// The bundle's counts plus the mining parameters its meta section records.
function describe(raw, metaEntries) {
  const entries = {};
  for (let i = 0; i < metaEntries.length; i += 2) entries[metaEntries[i]] = metaEntries[i + 1];
  const meta = Object.freeze(entries);
  return Object.freeze({
    version: raw.version,
    items: raw.items,
    transactions: raw.transactions,
    rules: Object.freeze({
      single: raw.singleRules,
      pair: raw.pairRules,
      total: raw.singleRules + raw.pairRules,
      antecedentPairs: raw.pairs,
    }),
    // The mining parameters, as numbers; null where the bundle's writer did not record one.
    parameters: Object.freeze({
      minSupport: number(meta.min_support),
      minCount: number(meta.min_count),
      minConfidence: number(meta.min_confidence),
      minLift: number(meta.min_lift),
      maxLen: number(meta.max_len),
      algorithm: meta.algorithm ?? null,
    }),
    createdAt: meta.created_at ?? null,
    bytes: raw.bytes,
    checksum: raw.checksum,
    // Optional sections: a catalog (names, categories, prices), how many categories it has,
    // category-level rules (complementaryCategories) and repurchase statistics (nextPurchases).
    catalog: raw.catalog,
    categories: raw.categories,
    categoryRules: raw.categoryRules,
    repurchase: raw.repurchase,
    meta,
  });
}

function number(text) {
  const v = text === undefined || text.trim() === '' ? NaN : Number(text);
  return Number.isNaN(v) ? null : v;
}

function asBytes(x) {
  if (x instanceof ArrayBuffer) return new Uint8Array(x);
  if (ArrayBuffer.isView(x)) return new Uint8Array(x.buffer, x.byteOffset, x.byteLength);
  return null;
}

function checkKeys(options, allowed, what) {
  for (const key of Object.keys(options)) {
    if (!allowed.has(key)) {
      throw new TypeError(`basketlift: unknown ${what} option '${key}' (allowed: ${[...allowed].join(', ')})`);
    }
  }
}

// The length of an array argument, read once: a Proxy may answer anything, so it is checked too.
function lengthOf(list, what, expected) {
  if (!Array.isArray(list)) throw new TypeError(`basketlift: ${what} must be ${expected}, got ${describeValue(list)}`);
  const length = list.length;
  if (!Number.isSafeInteger(length) || length < 0) {
    throw new TypeError(`basketlift: ${what} must be ${expected}, but its length is ${describeValue(length)}`);
  }
  return length;
}

// The options object of `method` (undefined: none); unknown keys are errors.
function optionsOf(options, allowed, method) {
  if (options === undefined) return NO_OPTIONS;
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new TypeError(`basketlift: ${method} options must be an object`);
  }
  checkKeys(options, allowed, method);
  return options;
}

function withDefault(value, fallback) {
  return value === undefined ? fallback : value;
}

// A result count: a positive integer, `fallback` when undefined.
function count(n, fallback, what) {
  if (n === undefined) return fallback;
  if (!Number.isInteger(n) || n < 1 || n > 0xffffffff) {
    throw new RangeError(`basketlift: ${what} must be a positive integer, got ${describeValue(n)}`);
  }
  return n;
}

// [min, max] (inclusive; either may be ±Infinity), or no limit when undefined, into PRICES (each
// element read once, so what is checked is what is used).
function priceRange(range) {
  if (range === undefined) {
    PRICES[0] = -Infinity;
    PRICES[1] = Infinity;
    return;
  }
  const length = Array.isArray(range) ? range.length : -1;
  const min = length === 2 ? range[0] : undefined;
  const max = length === 2 ? range[1] : undefined;
  if (typeof min !== 'number' || typeof max !== 'number' || Number.isNaN(min) || Number.isNaN(max) || min > max) {
    const shown =
      length === 2
        ? `[${describeValue(min)}, ${describeValue(max)}]`
        : length >= 0 && length <= 4
          ? `[${Array.from({ length }, (_, i) => describeValue(range[i])).join(', ')}]`
          : describeValue(range);
    throw new RangeError(`basketlift: priceRange must be [min, max] with numbers min <= max, got ${shown}`);
  }
  PRICES[0] = min;
  PRICES[1] = max;
}

function describeValue(v) {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'string') return JSON.stringify(v.length > 40 ? v.slice(0, 40) + '…' : v);
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  return typeof v === 'object' ? (v.constructor?.name ?? 'an object') : typeof v;
}

// The bytes of a response, at most limits.max of them: a Content-Length above that is refused
// before the body is read, and the body is read no further than that. limits.start (the bundle)
// sees the first BUNDLE_HEADER_BYTES as they arrive and returns the size they declare: the body
// is then read into a buffer of that size, and refused as soon as it is longer.
export async function fetchBytes(url, fetch = globalThis.fetch, what, limits) {
  if (typeof fetch !== 'function') {
    throw new Error(`basketlift: no fetch() to load the ${what} from ${url}; pass options.fetch or the bytes`);
  }
  let response;
  try {
    response = await fetch(url.href); // a string suits every fetch polyfill
  } catch (e) {
    // Browsers say only "Failed to fetch" for a blocked, refused or cross-origin request.
    throw new Error(
      `basketlift: could not fetch the ${what} from ${url} (${e.message}). If the page has a Content-Security-Policy, ` +
        `its connect-src must allow ${url.origin}; from another origin the server must also send CORS headers ` +
        '(Access-Control-Allow-Origin).',
      { cause: e },
    );
  }
  if (!response.ok) {
    cancel(response.body);
    throw new Error(`basketlift: could not load the ${what} from ${url}: HTTP ${response.status}`);
  }
  // Only to refuse early: with a Content-Encoding it counts the compressed bytes, and browsers
  // hide that header from cross-origin scripts, so it says nothing exact about the body.
  const declared = Number(response.headers?.get?.('content-length') ?? NaN);
  if (declared > limits.max) {
    cancel(response.body);
    throw tooLargeDownload(what, url, `${declared} bytes (Content-Length)`, limits.max);
  }
  const body = response.body;
  if (!body || typeof body.getReader !== 'function') {
    // A fetch() without streams (options.fetch may offer only arrayBuffer()): checked once here.
    const bytes = new Uint8Array(await response.arrayBuffer());
    if (bytes.length > limits.max) throw tooLargeDownload(what, url, `${bytes.length} bytes`, limits.max);
    return bytes;
  }
  const reader = body.getReader();
  try {
    return await readAtMost(reader, url, what, limits);
  } catch (e) {
    reader.cancel().catch(() => {});
    throw e;
  }
}

async function readAtMost(reader, url, what, { max, start }) {
  const chunks = [];
  let got = 0;
  let out = null; // once the header has declared the size
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    const chunk = value instanceof Uint8Array ? value : new Uint8Array(value);
    if (out) {
      if (got + chunk.length > out.length) throw longerThanDeclared(what, url, out.length);
      out.set(chunk, got);
      got += chunk.length;
      continue;
    }
    chunks.push(chunk);
    got += chunk.length;
    // The header first: what it says is the more useful refusal.
    if (start && got >= L.BUNDLE_HEADER_BYTES) {
      const head = join(chunks, got);
      const size = await start(head.subarray(0, L.BUNDLE_HEADER_BYTES), -1);
      if (got > size) throw longerThanDeclared(what, url, size);
      out = new Uint8Array(size);
      out.set(head);
      chunks.length = 0;
    } else if (got > max) {
      throw tooLargeDownload(what, url, 'longer', max);
    }
  }
  return out ? out.subarray(0, got) : join(chunks, got);
}

function join(chunks, length) {
  if (chunks.length === 1) return chunks[0];
  const out = new Uint8Array(length);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

function cancel(body) {
  body?.cancel?.().catch?.(() => {});
}

function tooLargeDownload(what, url, size, max) {
  return what === 'bundle'
    ? tooLarge(`the bundle at ${url} is ${size}`, max)
    : notThisBuild(`the wasm at ${url} is ${size}, more than ${max} bytes`);
}

function longerThanDeclared(what, url, size) {
  return new BundleError(`invalid bundle: size mismatch: header says ${size} bytes, the ${what} at ${url} is longer`);
}

// `bytes` if they are a wasm module, else an error that says what came instead and the fix.
export function wasmBytes(bytes, url) {
  if (bytes.length >= 4 && bytes[0] === 0 && bytes[1] === 0x61 && bytes[2] === 0x73 && bytes[3] === 0x6d) return bytes;
  const start = new TextDecoder().decode(bytes.subarray(0, 64)).trimStart().toLowerCase();
  const html = start.startsWith('<!doctype html') || start.startsWith('<html') || start.startsWith('<');
  throw new Error(
    `basketlift: ${url} is not a wasm file (${html ? 'got HTML' : `starts with ${JSON.stringify(start.slice(0, 16))}`}). ` +
      'Serve basketlift.wasm from the package beside your bundle or pass options.wasm' +
      (html ? "; with the Vite (<= 7) dev server add optimizeDeps: { exclude: ['basketlift'] }" : '') +
      '.',
  );
}

// base64 (the embedded copy of the wasm) -> bytes.
export function decodeBase64(text) {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}
