// loadRecommender and the Recommender it returns: the whole JS API. browser.js and node.js only
// say how a URL becomes bytes. All scoring and validation of bundles is in the C++ core; this
// file checks the caller's arguments and moves ids and results across the wasm boundary.
import createBasketlift from '../build/wasm/basketlift.mjs';
import { BundleError } from './errors.js';

// Slots of the C++ Recommender's header() (wasm/bindings.cpp, enum Slot).
const INPUT = 0, NUMBERS = 1, INTS = 2, BECAUSE = 3, LABEL_BYTES = 4, LABEL_ENDS = 5;
const KINDS = ['cross-sell', 'popular'];
const ABSENT = 0xffffffff; // an id the core ignores: unknown labels cost nothing
const LOAD_OPTIONS = new Set(['wasm', 'fetch']);
const RECOMMEND_OPTIONS = new Set(['history', 'n', 'exclude']);
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
  const wasmSource = wasm === undefined ? new URL('./basketlift.wasm', import.meta.url) : wasm;
  const [mod, bytes] = await Promise.all([
    instanceFor(env, wasmSource, fetch),
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
      : await WebAssembly.compile(typeof source === 'string' ? await env.read(new URL(source), fetch, 'wasm') : asBytes(source));
  // Emscripten 3.1.6 would fetch() a path itself, which Node cannot; hand it the module instead.
  let fail;
  const failed = new Promise((_, reject) => (fail = reject));
  const ready = createBasketlift({
    instantiateWasm(imports, receive) {
      WebAssembly.instantiate(module, imports).then((instance) => receive(instance, module), fail);
      return {};
    },
    onAbort,
  });
  return Promise.race([ready, failed]);
}

function open(mod, bytes) {
  if (bytes.length > MAX_BUNDLE_BYTES) {
    throw new BundleError(`invalid bundle: ${bytes.length} bytes is more than the ${MAX_BUNDLE_BYTES} a wasm instance can load`);
  }
  let native;
  let error;
  try {
    native = new mod.Recommender(bytes.length);
    mod.HEAPU8.set(bytes, native.staging());
    error = native.load();
  } catch (e) {
    // Only an abort (out of memory) gets here; the instance is gone, so is its cache entry.
    throw new Error(`basketlift: the wasm module failed while loading the bundle (${e.message})`);
  }
  if (error) {
    native.delete();
    throw new BundleError(error);
  }
  return new Recommender(mod, native);
}

export class Recommender {
  #mod;
  #native;
  #header; // index of header() in HEAPU32
  #capacity = 0; // ids the input buffer holds
  #labels; // by id
  #ids; // label -> id

  constructor(mod, native) {
    this.#mod = mod;
    this.#native = native;
    this.#header = native.header() >>> 2;
    this.#labels = readLabels(mod, native, this.#header);
    this.#ids = new Map();
    for (let id = this.#labels.length - 1; id >= 0; id--) this.#ids.set(this.#labels[id], id);
    this.info = describe(native.info());
    freeLater?.register(this, native, this);
  }

  recommend(cart, options) {
    const native = this.#live('recommend');
    let history = [];
    let exclude = [];
    let n = 10;
    if (options !== undefined) {
      if (options === null || typeof options !== 'object') {
        throw new TypeError('basketlift: recommend options must be an object');
      }
      checkKeys(options, RECOMMEND_OPTIONS, 'recommend');
      if (options.history !== undefined) history = options.history;
      if (options.exclude !== undefined) exclude = options.exclude;
      if (options.n !== undefined) n = options.n;
    }
    checkList(cart, 'cart');
    checkList(history, 'history');
    checkList(exclude, 'exclude');
    if (!Number.isInteger(n) || n < 1 || n > 0xffffffff) {
      throw new RangeError(`basketlift: n must be a positive integer, got ${describeValue(n)}`);
    }

    const total = cart.length + history.length + exclude.length;
    if (total > this.#capacity) {
      native.reserve(total);
      this.#capacity = total;
    }
    let heap = this.#mod.HEAPU32; // re-read: a growing memory replaces the views
    let at = heap[this.#header + INPUT] >>> 2;
    at = this.#write(heap, at, cart, 'cart');
    at = this.#write(heap, at, history, 'history');
    this.#write(heap, at, exclude, 'exclude');
    const count = native.recommend(cart.length, history.length, exclude.length, n);

    heap = this.#mod.HEAPU32;
    const numbers = heap[this.#header + NUMBERS] >>> 3;
    const ints = heap[this.#header + INTS] >>> 2;
    const because = heap[this.#header + BECAUSE] >>> 2;
    const f64 = this.#mod.HEAPF64;
    const labels = this.#labels;
    const results = new Array(count);
    let from = 0;
    for (let r = 0; r < count; r++) {
      const to = heap[ints + 3 * r + 2];
      const why = new Array(to - from);
      for (let i = from; i < to; i++) why[i - from] = labels[heap[because + i]];
      from = to;
      results[r] = {
        item: labels[heap[ints + 3 * r]],
        score: f64[numbers + 3 * r],
        confidence: f64[numbers + 3 * r + 1],
        lift: f64[numbers + 3 * r + 2],
        because: why,
        kind: KINDS[heap[ints + 3 * r + 1]],
      };
    }
    return results;
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

  #live(method) {
    if (!this.#native) throw new Error(`basketlift: ${method}() called after dispose()`);
    return this.#native;
  }
}

function readLabels(mod, native, header) {
  const count = native.labels();
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
function describe(raw) {
  const meta = Object.freeze({ ...raw.meta });
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
  if (!Array.isArray(list)) {
    throw new TypeError(`basketlift: ${what} must be an array of item id strings, got ${describeValue(list)}`);
  }
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
  const response = await fetch(url.href); // a string suits every fetch polyfill
  if (!response.ok) {
    throw new Error(`basketlift: could not load the ${what} from ${url}: HTTP ${response.status}`);
  }
  return new Uint8Array(await response.arrayBuffer());
}
