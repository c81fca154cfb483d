// loadRecommender and the Recommender it returns: the whole JS API. browser.js and node.js only
// say how a URL becomes bytes. All scoring and validation of bundles is in the C++ core; this
// file checks the caller's arguments and moves ids and results across the wasm boundary.
import createBasketlift from '../build/wasm/basketlift.mjs';
// Every number the wasm module and this file must agree on, generated from wasm/layout.hpp and
// the core's defaults at build time (scripts/build.sh).
import * as L from '../build/wasm/layout.js';
import { BundleChecksumError, BundleError } from './errors.js';

const { INPUT, NUMBERS, INTS, BECAUSE, LABEL_BYTES, LABEL_ENDS, TEXT, RESULTS, DETAIL, KINDS, DEFAULTS } = L;
const ABSENT = L.NO_ITEM; // an id the core ignores: unknown labels cost nothing
const LOAD_OPTIONS = new Set(['wasm', 'fetch']);
const RECOMMEND_OPTIONS = new Set(['history', 'n', 'exclude', 'categories', 'priceRange', 'maxPerFamily']);
const UPSELL_OPTIONS = new Set(['n', 'maxPriceRatio', 'exclude', 'categories', 'priceRange']);
const CATEGORY_OPTIONS = new Set(['n', 'exclude', 'categories']);
const NEXT_OPTIONS = new Set(['asOf', 'n', 'window', 'exclude', 'categories', 'priceRange']);
const TOP_RULES_OPTIONS = new Set(['limit']);
const NO_OPTIONS = Object.freeze({});
const EMPTY = Object.freeze([]);
const ANY_PRICE = Object.freeze([-Infinity, Infinity]);
// wasm32 memory tops out at 2 GiB; refusing early beats an out-of-memory abort.
const MAX_BUNDLE_BYTES = 1 << 30;

// One wasm instance per wasm source, shared by every bundle loaded from it.
const byUrl = new Map();
const byObject = new WeakMap();

const freeLater =
  typeof FinalizationRegistry === 'function' ? new FinalizationRegistry((native) => native.delete()) : null;

// env: { resolve(string) -> URL, read(URL, fetch, what) -> Promise<Uint8Array> }
export async function load(env, bundle, options = {}) {
  if (options === null || typeof options !== 'object') {
    throw new TypeError('basketlift: loadRecommender options must be an object');
  }
  checkKeys(options, LOAD_OPTIONS, 'loadRecommender');
  const { wasm, fetch } = options;
  if (fetch !== undefined && typeof fetch !== 'function') {
    throw new TypeError('basketlift: options.fetch must be a function');
  }
  const [mod, bytes] = await Promise.all([
    wasm === undefined ? packageInstance(env, fetch) : instanceFor(env, wasm, fetch),
    bundleBytes(env, bundle, fetch),
  ]);
  return open(mod, bytes);
}

async function bundleBytes(env, bundle, fetch) {
  if (typeof bundle === 'string' || bundle instanceof URL) {
    return env.read(typeof bundle === 'string' ? env.resolve(bundle) : bundle, fetch, 'bundle');
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
    const ready = env.packageWasm(fetch).then((bytes) => instantiate(env, bytes, fetch, forget));
    const forget = () => packageReady === ready && (packageReady = null);
    ready.catch(forget);
    packageReady = ready;
  }
  return packageReady;
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
    // A failed download may work next time, and an aborted instance is unusable: forget both.
    const forget = () => cache.get(key) === ready && cache.delete(key);
    ready = instantiate(env, key, fetch, forget);
    ready.catch(forget);
    cache.set(key, ready);
  }
  return ready;
}

async function instantiate(env, source, fetch, onAbort) {
  const module =
    source instanceof WebAssembly.Module
      ? source
      : await WebAssembly.compile(typeof source === 'string' ? wasmBytes(await env.read(new URL(source), fetch, 'wasm'), source) : asBytes(source));
  // Emscripten 3.1.6 would fetch() a path itself, which Node cannot; hand it the module instead.
  let fail;
  const failed = new Promise((_, reject) => (fail = reject));
  const ready = createBasketlift({
    // Given a locateFile, the glue never evaluates new URL('basketlift.wasm', import.meta.url),
    // which throws where a bundler left import.meta.url empty (CommonJS, IIFE).
    locateFile: (file) => file,
    instantiateWasm(imports, receive) {
      WebAssembly.instantiate(module, imports).then((instance) => receive(instance, module), fail);
      return {};
    },
    onAbort,
  });
  const mod = await Promise.race([ready, failed]);
  if (mod.layoutFingerprint !== L.FINGERPRINT) {
    throw new Error(
      `basketlift: the wasm module is not from this package's build (layout ${mod.layoutFingerprint} != ${L.FINGERPRINT}); serve the basketlift.wasm that came with this basketlift.js`,
    );
  }
  return mod;
}

function open(mod, bytes) {
  if (bytes.length > MAX_BUNDLE_BYTES) {
    throw new BundleError(`invalid bundle: ${bytes.length} bytes is more than the ${MAX_BUNDLE_BYTES} a wasm instance can load`);
  }
  let native;
  let status;
  try {
    native = new mod.Session(bytes.length);
    mod.HEAPU8.set(bytes, native.staging());
    status = native.load();
  } catch (e) {
    // Only an abort (out of memory) gets here; the instance is gone, so is its cache entry.
    throw new Error(`basketlift: the wasm module failed while loading the bundle (${e.message})`, { cause: e });
  }
  if (status < 0) {
    const message = native.message();
    native.delete();
    throw status === L.CHECKSUM_MISMATCH ? new BundleChecksumError(message) : new BundleError(message);
  }
  return new Recommender(mod, native);
}

export class Recommender {
  #mod;
  #native;
  #self; // the C++ Recommender's address, for the direct (non-Embind) recommend call
  #header; // index of header() in HEAPU32
  #capacity = 0; // ids the input buffer holds
  #textCapacity = 0; // bytes the text buffer holds
  #labels; // by id
  #ids; // label -> id
  #categories; // { labels, ids }, read on first use
  #catalog; // { names, categories, prices, popularity } by item id, read on first use

  constructor(mod, native) {
    this.#mod = mod;
    this.#native = native;
    this.#header = native.header() >>> 2;
    this.#self = native.self();
    this.#labels = readLabels(mod, native, this.#header, L.ITEM_LABELS);
    this.#ids = new Map();
    for (let id = this.#labels.length - 1; id >= 0; id--) this.#ids.set(this.#labels[id], id);
    this.info = describe(native.summary(), readLabels(mod, native, this.#header, L.META_ENTRIES));
    freeLater?.register(this, native, this);
  }

  // Cross-sell for a cart: rules whose antecedent is in the cart, popular items to fill up.
  recommend(cart, options) {
    this.#live('recommend');
    const o = optionsOf(options, RECOMMEND_OPTIONS, 'recommend');
    const history = o.history ?? EMPTY;
    const exclude = o.exclude ?? EMPTY;
    const n = count(o.n, DEFAULTS.recommend.n, 'n');
    // 0: no limit per family, as in the core.
    const perFamily = o.maxPerFamily === 0 ? 0 : count(o.maxPerFamily, DEFAULTS.recommend.maxPerFamily, 'maxPerFamily');
    checkList(cart, 'cart');
    checkList(history, 'history');
    checkList(exclude, 'exclude');
    const categories = this.#categoryIds(o.categories, 'categories');
    const prices = priceRange(o.priceRange);

    let at = this.#input(cart.length + history.length + exclude.length + categories.length);
    const mod = this.#mod;
    let u32 = mod.HEAPU32;
    at = this.#write(u32, at, cart, 'cart');
    if (history.length) at = this.#write(u32, at, history, 'history');
    if (exclude.length) at = this.#write(u32, at, exclude, 'exclude');
    if (categories.length) u32.set(categories, at);
    const found = mod._basketlift_recommend(
      this.#self, cart.length, history.length, exclude.length, categories.length, n, prices[0], prices[1], perFamily,
    );

    u32 = mod.HEAPU32; // re-read: the call may have grown memory
    const header = this.#header;
    const base = u32[header + RESULTS]; // the core's Recommendation structs, L.RESULT_BYTES each
    const because = u32[header + BECAUSE] >>> 2;
    return readRecommendations(u32, mod.HEAPF64, mod.HEAPU8, base, because, this.#labels, found, cart);
  }

  // Pricier items of the same category that shoppers buy instead of `item`.
  upsell(item, options) {
    const native = this.#live('upsell');
    if (typeof item !== 'string') {
      throw new TypeError(`basketlift: upsell item must be a string item id, got ${describeValue(item)}`);
    }
    const o = optionsOf(options, UPSELL_OPTIONS, 'upsell');
    const n = count(o.n, DEFAULTS.upsell.n, 'n');
    const ratio = o.maxPriceRatio === undefined ? DEFAULTS.upsell.maxPriceRatio : o.maxPriceRatio;
    if (typeof ratio !== 'number' || !(ratio >= 1)) {
      throw new RangeError(`basketlift: maxPriceRatio must be a number >= 1, got ${describeValue(ratio)}`);
    }
    const exclude = o.exclude ?? [];
    checkList(exclude, 'exclude');
    const categories = this.#categoryIds(o.categories, 'categories');
    const [min, max] = priceRange(o.priceRange);

    const at = this.#write(this.#mod.HEAPU32, this.#input(exclude.length + categories.length), exclude, 'exclude');
    this.#mod.HEAPU32.set(categories, at);
    const found = native.upsell(this.#ids.get(item) ?? ABSENT, n, ratio, exclude.length, categories.length, min, max);

    const { u32, f64, ints, numbers } = this.#results();
    const labels = this.#labels;
    const results = new Array(found);
    for (let r = 0; r < found; r++) {
      results[r] = {
        item: labels[u32[ints + L.UPSELL_INTS * r]],
        score: f64[numbers + L.UPSELL_NUMBERS * r],
        substitution: f64[numbers + L.UPSELL_NUMBERS * r + 1],
        priceRatio: f64[numbers + L.UPSELL_NUMBERS * r + 2],
      };
    }
    return results;
  }

  // Categories bought together with `category`, from the bundle's category-level rules.
  complementaryCategories(category, options) {
    const native = this.#live('complementaryCategories');
    if (typeof category !== 'string') {
      throw new TypeError(`basketlift: complementaryCategories category must be a string category name, got ${describeValue(category)}`);
    }
    const o = optionsOf(options, CATEGORY_OPTIONS, 'complementaryCategories');
    const n = count(o.n, DEFAULTS.complementaryCategories.n, 'n');
    const id = this.#categoryIds([category], 'category')[0];
    const exclude = this.#categoryIds(o.exclude, 'exclude');
    const allow = this.#categoryIds(o.categories, 'categories');

    const at = this.#input(exclude.length + allow.length);
    this.#mod.HEAPU32.set(exclude, at);
    this.#mod.HEAPU32.set(allow, at + exclude.length);
    const found = native.complementaryCategories(id, n, exclude.length, allow.length);

    const { u32, f64, ints, numbers } = this.#results();
    const labels = this.#categoryTable().labels;
    const results = new Array(found);
    for (let r = 0; r < found; r++) {
      results[r] = {
        category: labels[u32[ints + L.CATEGORY_INTS * r]],
        confidence: f64[numbers + L.CATEGORY_NUMBERS * r],
        lift: f64[numbers + L.CATEGORY_NUMBERS * r + 1],
        support: f64[numbers + L.CATEGORY_NUMBERS * r + 2],
      };
    }
    return results;
  }

  // Items from the shopper's history that are due again within ±window days of asOf.
  nextPurchases(history, options) {
    const native = this.#live('nextPurchases');
    checkArray(history, 'history', 'an array of { item, date } objects');
    if (options === undefined) {
      throw new TypeError("basketlift: nextPurchases needs options with asOf, e.g. { asOf: '2011-12-01' }");
    }
    const o = optionsOf(options, NEXT_OPTIONS, 'nextPurchases');
    if (typeof o.asOf !== 'string') {
      throw new TypeError(`basketlift: nextPurchases options.asOf must be a 'YYYY-MM-DD' string, got ${describeValue(o.asOf)}`);
    }
    const n = count(o.n, DEFAULTS.nextPurchases.n, 'n');
    const window = o.window === undefined ? DEFAULTS.nextPurchases.window : o.window;
    if (!Number.isInteger(window) || window < 0 || window > 0x7fffffff) {
      throw new RangeError(`basketlift: window must be a non-negative integer (days), got ${describeValue(window)}`);
    }
    const exclude = o.exclude ?? [];
    checkList(exclude, 'exclude');
    const categories = this.#categoryIds(o.categories, 'categories');
    const [min, max] = priceRange(o.priceRange);
    let chars = o.asOf.length;
    for (let i = 0; i < history.length; i++) {
      const e = history[i];
      if (e === null || typeof e !== 'object') {
        throw new TypeError(`basketlift: history[${i}] must be an object { item, date }, got ${describeValue(e)}`);
      }
      if (typeof e.item !== 'string') {
        throw new TypeError(`basketlift: history[${i}].item must be a string item id, got ${describeValue(e.item)}`);
      }
      if (typeof e.date !== 'string') {
        throw new TypeError(`basketlift: history[${i}].date must be a 'YYYY-MM-DD' string, got ${describeValue(e.date)}`);
      }
      chars += e.date.length;
    }

    // Input: item ids, where each date ends in the text (asOf first), exclude, categories.
    const k = history.length;
    const start = this.#input(2 * k + 1 + exclude.length + categories.length, 3 * chars);
    const heap = this.#mod.HEAPU32;
    const ids = this.#ids;
    for (let i = 0; i < k; i++) heap[start + i] = ids.get(history[i].item) ?? ABSENT;
    const bytes = this.#mod.HEAPU8;
    const text = heap[this.#header + TEXT];
    let end = encode(bytes, text, 0, o.asOf);
    heap[start + k] = end;
    for (let i = 0; i < k; i++) heap[start + k + 1 + i] = end = encode(bytes, text, end, history[i].date);
    const at = this.#write(heap, start + 2 * k + 1, exclude, 'exclude');
    heap.set(categories, at);
    const found = native.nextPurchases(k, exclude.length, categories.length, n, window, min, max);
    if (found === L.BAD_DATE) {
      const i = this.#mod.HEAPU32[this.#header + DETAIL];
      const [what, date] = i === 0 ? ['asOf', o.asOf] : [`history[${i - 1}].date`, history[i - 1].date];
      throw new RangeError(`basketlift: ${what} is not a valid date: ${describeValue(date)} (expected YYYY-MM-DD)`);
    }

    const { u32, f64, ints, numbers } = this.#results();
    const labels = this.#labels;
    const results = new Array(found);
    for (let r = 0; r < found; r++) {
      results[r] = {
        item: labels[u32[ints + L.NEXT_INTS * r]],
        probability: f64[numbers + L.NEXT_NUMBERS * r],
        dueInDays: f64[numbers + L.NEXT_NUMBERS * r + 1],
      };
    }
    return results;
  }

  // The bundle's rules with the highest lift, for a rules explorer.
  topRules(options) {
    const native = this.#live('topRules');
    const o = optionsOf(options, TOP_RULES_OPTIONS, 'topRules');
    const limit = o.limit === undefined ? DEFAULTS.topRules.limit : o.limit;
    if (!Number.isInteger(limit) || limit < 0 || limit > 0xffffffff) {
      throw new RangeError(`basketlift: limit must be a non-negative integer, got ${describeValue(limit)}`);
    }
    const found = native.topRules(limit);
    const { u32, f64, ints, numbers } = this.#results();
    const labels = this.#labels;
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
    return results;
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

  // Frees the bundle in wasm memory. Idempotent; any other call afterwards throws.
  dispose() {
    if (!this.#native) return;
    freeLater?.unregister(this);
    this.#native.delete();
    this.#native = null;
  }

  // Memory of the wasm instance this recommender lives in (shared with other bundles loaded
  // from the same wasm): the heap's size and the bytes malloc hands out.
  memoryUsage() {
    this.#live('memoryUsage');
    return { heapBytes: this.#mod.HEAPU8.length, allocatedBytes: this.#mod.allocatedBytes() };
  }

  // Room for `ids` ids and `bytes` bytes of text; returns the input buffer's index in HEAPU32.
  #input(ids, bytes = 0) {
    if (ids > this.#capacity || bytes > this.#textCapacity) {
      this.#native.reserve(Math.max(ids, this.#capacity), Math.max(bytes, this.#textCapacity));
      this.#capacity = Math.max(ids, this.#capacity);
      this.#textCapacity = Math.max(bytes, this.#textCapacity);
    }
    // Read after reserve(): a growing memory replaces the views.
    return this.#mod.HEAPU32[this.#header + INPUT] >>> 2;
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

  #write(heap, at, list, what) {
    const ids = this.#ids;
    for (let i = 0; i < list.length; i++) {
      const label = list[i];
      if (typeof label !== 'string') {
        throw new TypeError(`basketlift: ${what}[${i}] must be a string item id, got ${describeValue(label)}`);
      }
      heap[at++] = ids.get(label) ?? ABSENT;
    }
    return at;
  }

  // Category names -> ids; an unknown name is an error (a typo would otherwise filter silently).
  #categoryIds(list, what) {
    if (list === undefined) return EMPTY_IDS;
    checkArray(list, what, 'an array of category name strings');
    const { ids } = this.#categoryTable();
    const out = new Uint32Array(list.length);
    for (let i = 0; i < list.length; i++) {
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
      const labels = readLabels(this.#mod, this.#native, this.#header, L.CATEGORY_LABELS);
      this.#categories = { labels, ids: new Map(labels.map((label, id) => [label, id])) };
    }
    return this.#categories;
  }

  #catalogTable() {
    if (!this.#catalog) {
      const categories = this.#categoryTable().labels;
      const names = readLabels(this.#mod, this.#native, this.#header, L.ITEM_NAMES);
      const count = this.#native.items();
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
      this.#catalog = c;
    }
    return this.#catalog;
  }

  #live(method) {
    if (!this.#native) throw new Error(`basketlift: ${method}() called after dispose()`);
    return this.#native;
  }
}

const EMPTY_IDS = new Uint32Array(0);

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
// `because`: bit i of `reasons` is cart[i] (carts of up to 64 entries), else the item ids of a
// range. A function of its own: V8 optimises it better.
function readRecommendations(u32, f64, u8, base, because, labels, found, cart) {
  const results = new Array(found);
  for (let r = 0; r < found; r++) {
    const at = base + r * L.RESULT_BYTES;
    const lo = u32[(at + L.RESULT_REASONS) >>> 2];
    const hi = u32[(at + L.RESULT_REASONS + 4) >>> 2];
    const rest = lo & (lo - 1);
    // Array literals for the usual one or two reasons: V8 allocates them at their final size.
    let why;
    if (hi === 0 && lo !== 0 && rest === 0) why = [cart[31 - Math.clz32(lo)]];
    else if (hi === 0 && rest !== 0 && (rest & (rest - 1)) === 0) {
      why = [cart[31 - Math.clz32(lo ^ rest)], cart[31 - Math.clz32(rest)]];
    } else {
      why = [];
      for (let m = lo; m !== 0; m &= m - 1) why.push(cart[31 - Math.clz32(m & -m)]);
      for (let m = hi; m !== 0; m &= m - 1) why.push(cart[63 - Math.clz32(m & -m)]);
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
  const decoder = new TextDecoder();
  // Item ids are usually ASCII: decode once and slice, else decode label by label.
  if (blob.every((b) => b < 0x80)) {
    const text = decoder.decode(blob);
    for (let i = 0, from = 0; i < count; i++) labels[i] = text.slice(from, (from = heap[ends + i]));
  } else {
    for (let i = 0, from = 0; i < count; i++) labels[i] = decoder.decode(blob.subarray(from, (from = heap[ends + i])));
  }
  native.releaseLabels();
  return labels;
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

function checkList(list, what) {
  checkArray(list, what, 'an array of item id strings');
}

function checkArray(list, what, expected) {
  if (!Array.isArray(list)) throw new TypeError(`basketlift: ${what} must be ${expected}, got ${describeValue(list)}`);
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

// A result count: a positive integer, `fallback` when undefined.
function count(n, fallback, what) {
  if (n === undefined) return fallback;
  if (!Number.isInteger(n) || n < 1 || n > 0xffffffff) {
    throw new RangeError(`basketlift: ${what} must be a positive integer, got ${describeValue(n)}`);
  }
  return n;
}

// [min, max] (inclusive; either may be ±Infinity), or no limit when undefined.
function priceRange(range) {
  if (range === undefined) return ANY_PRICE;
  if (!Array.isArray(range) || range.length !== 2 || range.some((p) => typeof p !== 'number' || Number.isNaN(p)) || range[0] > range[1]) {
    throw new RangeError(`basketlift: priceRange must be [min, max] with numbers min <= max, got ${describePrices(range)}`);
  }
  return range;
}

function describePrices(range) {
  return Array.isArray(range) && range.length <= 4 ? `[${range.map(describeValue).join(', ')}]` : describeValue(range);
}

function describeValue(v) {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'string') return JSON.stringify(v.length > 40 ? v.slice(0, 40) + '…' : v);
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  return typeof v === 'object' ? (v.constructor?.name ?? 'an object') : typeof v;
}

export async function fetchBytes(url, fetch = globalThis.fetch, what) {
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
    throw new Error(`basketlift: could not load the ${what} from ${url}: HTTP ${response.status}`);
  }
  return new Uint8Array(await response.arrayBuffer());
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
