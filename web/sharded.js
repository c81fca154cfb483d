// A sharded bundle (loadRecommender('…/manifest.json')): the global part at load, then the
// parts each request needs, fetched in parallel, once, into a bounded cache. Which parts a
// request needs, whether a part belongs to this bundle and how the parts merge are the core's
// (wasm/shard_session.hpp); the merged parts are scored by an ordinary Recommender, so every
// answer is the one the single-file bundle gives (docs/bundle-format.md, "Sharded bundles").
import * as L from '../build/wasm/layout.js';
import { BundleError } from './errors.js';
import { freeNative, INCOMPLETE, open, startNative } from './recommender.js';

// One part (a shard or a category part) is a few to a few hundred KB; more is something else.
const MAX_PART_BYTES = 16 << 20;

// Parts kept beyond what the current request needs, by their bytes (maxCacheBytes).
const DEFAULT_MAX_CACHE_BYTES = 8 << 20;

export async function loadSharded(ready, env, url, fetch, max, options) {
  const { maxCacheBytes: maxCache = DEFAULT_MAX_CACHE_BYTES, prefetch = [] } = options;
  if (!Number.isSafeInteger(maxCache) || maxCache < 0) {
    throw new RangeError(`basketlift: maxCacheBytes must be a non-negative integer, got ${String(maxCache)}`);
  }
  if (!Array.isArray(prefetch) || prefetch.some((x) => typeof x !== 'string')) {
    throw new TypeError('basketlift: options.prefetch must be an array of item id strings');
  }
  const partUrl = (path) => new URL(path, url);
  const read = (path) => env.read(partUrl(path), fetch, 'bundle part', { max: MAX_PART_BYTES });
  const manifestRead = env.read(url, fetch, 'manifest', { max: 1 << 20 }).then((bytes) => parseManifest(url, bytes));
  // The global part is named in the manifest: on its way while the wasm compiles.
  const globalRead = manifestRead.then((m) => read(m.global));
  globalRead.catch(() => {}); // awaited below, unless the wasm or the manifest failed first
  const [instance, manifest] = await Promise.all([ready, manifestRead]);
  // The shards of `prefetch` travel beside the global part rather than after it: one round trip
  // less before the first suggestion. Their paths need the core's hash, so the wasm. A failure
  // is kept for the request that reads the part.
  const early = new Map();
  for (const label of prefetch) {
    const path = instance.mod.ShardSession.shardPath(manifest.global, manifest.shards >>> 0, label);
    if (!early.has(path)) early.set(path, read(path).catch((e) => e));
  }
  const globalBytes = await globalRead;
  const { native, status, message } = startNative(instance, (mod) => new mod.ShardSession(), (s) => s.open(globalBytes));
  if (status < 0) throw new BundleError(`${manifest.global}: ${message}`);
  const load = { env, read, fetch, max, maxCache, manifest, early };
  const rec = new ShardedRecommender(instance, native, load, globalBytes.length);
  // The shards on their way join the cache now, under maxCacheBytes like any part, rather than
  // wait for a request that may never name them; a failure is kept for the request that does.
  if (early.size) rec.prefetch(prefetch).catch(() => {});
  early.clear(); // taken by prefetch() above, which starts every part's read synchronously
  return rec;
}

function parseManifest(url, bytes) {
  let manifest;
  try {
    manifest = JSON.parse(new TextDecoder().decode(bytes));
  } catch (e) {
    throw new BundleError(`invalid sharded bundle manifest ${url}: not JSON (${e.message})`);
  }
  if (manifest?.format !== L.MANIFEST_FORMAT || manifest.version !== L.MANIFEST_VERSION || typeof manifest.global !== 'string') {
    throw new BundleError(
      `invalid sharded bundle manifest ${url}: expected "format": "${L.MANIFEST_FORMAT}", "version": ${L.MANIFEST_VERSION} and a "global" part`,
    );
  }
  return manifest;
}

export class ShardedRecommender {
  #instance;
  #native;
  #load; // { env, read, fetch, max, maxCache, manifest, early: shard path -> Promise of bytes or Error }
  #current = null; // the Recommender on the parts merged so far
  #parts = new Map(); // "kind/index" -> { kind, index, bytes }, least recently used first
  #pending = new Map(); // "kind/index" -> Promise of the part's arrival
  #failed = new Map(); // "kind/index" -> the Error of its last attempt
  #transferred = 0;
  #fetches = 0;

  constructor(instance, native, load, globalBytes) {
    this.#instance = instance;
    this.#native = native;
    this.#load = load;
    this.#transferred = globalBytes;
    this.#fetches = 1;
    this.manifest = load.manifest;
  }

  // What this page fetched so far: the parts' bytes as decoded (a server's compression makes the
  // wire bytes fewer) and how many files.
  get transfer() {
    return { bytes: this.#transferred, files: this.#fetches, cachedParts: this.#parts.size };
  }

  // The shards of these items (labels), fetched in parallel unless here; resolves when they are.
  // A part that fails is left out and named in the result: those items score as unknown ones.
  async prefetch(items) {
    const byShard = new Map();
    for (const label of this.#labels(items, 'items')) {
      const shard = this.#call((n) => n.shardOf(label));
      byShard.set(shard, [...(byShard.get(shard) ?? []), label]);
    }
    const unavailable = await this.#ensure([...byShard.keys()].map((shard) => [L.PART_SHARD, shard]));
    for (const u of unavailable) u.items = byShard.get(u.index) ?? [];
    return unavailable;
  }

  // recommend(cart, options) of the Recommender API, once the parts it reads are here.
  async recommend(cart, options = {}) {
    const history = options?.history ?? [];
    const unavailable = await this.prefetch([...this.#labels(cart, 'cart'), ...this.#labels(history, 'history')]);
    let result = this.#recommender().recommend(cart, options);
    if (this.#current[INCOMPLETE]()) {
      // The category answer ran: the cart's category parts, then score again.
      unavailable.push(...(await this.#categoryParts(this.#labels(cart, 'cart'), false)));
      result = this.#recommender().recommend(cart, options);
      // The fill ran past the popular order here: its next pages, one at a time (only then: a
      // category answer past its head is not completed by pages).
      const fill = () => this.#current[INCOMPLETE]() & L.INCOMPLETE_MORE_POPULAR;
      for (let page; fill() && (page = this.#call((n) => n.nextPopularPage())); ) {
        unavailable.push(...(await this.#ensure([[L.PART_POPULAR, page]])));
        if (!this.#call((n) => n.has(L.PART_POPULAR, page))) break;
        result = this.#recommender().recommend(cart, options);
      }
      // Still short (a part failed): say so beside it.
      if (this.#current[INCOMPLETE]()) Object.defineProperty(result, 'complete', { value: false });
    }
    return withUnavailable(result, unavailable);
  }

  // The synchronous recommend on the parts already here (after prefetch): throws when the answer
  // would need parts that are not, rather than answer differently from the whole bundle.
  recommendLoaded(cart, options) {
    const result = this.#recommender().recommend(cart, options);
    if (this.#current[INCOMPLETE]()) {
      throw new BundleError('recommendLoaded: this cart needs parts not loaded yet (await recommend() or prefetch() first)', 'BASKETLIFT_PARTS_NOT_LOADED');
    }
    return result;
  }

  async upsell(item, options) {
    const unavailable = await this.prefetch([item]);
    unavailable.push(...(await this.#categoryParts([item], true)));
    return withUnavailable(this.#recommender().upsell(item, options), unavailable);
  }

  async nextPurchases(history, options) {
    const items = Array.isArray(history) ? history.map((e) => e?.item).filter((x) => typeof x === 'string') : [];
    const unavailable = await this.prefetch(items);
    return withUnavailable(this.#recommender().nextPurchases(history, options), unavailable);
  }

  // The Recommender on the parts here: the synchronous API on what is loaded (valid until the
  // next request brings or evicts parts), e.g. to time scoring apart from fetching.
  loaded() {
    return this.#recommender();
  }

  // The items' labels, names, categories and prices come with their parts: after a request.
  get info() {
    return this.#recommender().info;
  }

  // The catalog entry of an item whose parts are here (after a request that named it).
  product(item) {
    return this.#recommender().product(item);
  }

  dispose() {
    this.#current?.dispose();
    this.#current = null;
    const native = this.#native;
    if (!native) return;
    this.#native = null;
    freeNative(this.#instance, native);
  }

  // Category parts for the categories of `labels`, and for upsell then the shards they list (the
  // category part names them): two rounds at most.
  async #categoryParts(labels, upsell) {
    const unavailable = [];
    for (let round = 0; round < 2; round++) {
      const wanted = [];
      for (const label of labels) {
        this.#merged();
        const count = this.#call((n) => n.categoryNeeds(label, upsell));
        for (let i = 0; i < count; i++) wanted.push([this.#native.needKind(i), this.#native.needIndex(i)]);
      }
      if (!wanted.length) break;
      unavailable.push(...(await this.#ensure(wanted)));
    }
    return unavailable;
  }

  // Fetches and adds the parts not here, in parallel; a part already on its way is awaited, not
  // fetched twice. Returns [{ part, error }] for those that failed.
  async #ensure(parts) {
    const keys = new Set();
    const waits = [];
    for (const [kind, index] of parts) {
      const key = `${kind}/${index}`;
      if (keys.has(key)) continue;
      keys.add(key);
      const here = this.#parts.get(key);
      if (here) {
        this.#parts.delete(key); // most recently used: to the end
        this.#parts.set(key, here);
        continue;
      }
      let pending = this.#pending.get(key);
      if (!pending) {
        pending = this.#fetchPart(kind, index, key).finally(() => this.#pending.delete(key));
        this.#pending.set(key, pending);
      }
      waits.push(pending);
    }
    await Promise.all(waits);
    const unavailable = [];
    for (const key of keys) {
      const error = this.#failed.get(key);
      if (error && !this.#parts.has(key)) unavailable.push({ part: error.part, index: error.index, error });
    }
    this.#evict(keys);
    return unavailable;
  }

  async #fetchPart(kind, index, key) {
    const path = this.#call((n) => n.path(kind, index));
    const { read, early } = this.#load;
    let bytes = early.get(path);
    early.delete(path);
    try {
      bytes = await (bytes ?? read(path));
      if (bytes instanceof Error) throw bytes;
    } catch (e) {
      this.#failed.set(key, Object.assign(e, { part: path, index }));
      return;
    }
    this.#transferred += bytes.length;
    this.#fetches++;
    if (!this.#native) return; // disposed meanwhile
    const status = this.#call((n) => n.add(kind, index, bytes));
    if (status < 0) {
      this.#failed.set(key, Object.assign(new BundleError(this.#native.message()), { part: path, index }));
      return;
    }
    this.#failed.delete(key);
    this.#parts.set(key, { kind, index, bytes: bytes.length });
    this.#stale();
  }

  // Least recently used parts go once the cache holds more than maxCache bytes; never those the
  // current request needs.
  #evict(keep) {
    let total = 0;
    for (const part of this.#parts.values()) total += part.bytes;
    for (const [key, part] of this.#parts) {
      if (total <= this.#load.maxCache) break;
      if (keep.has(key)) continue;
      this.#call((n) => n.remove(part.kind, part.index));
      this.#parts.delete(key);
      total -= part.bytes;
      this.#stale();
    }
  }

  #stale() {
    this.#current?.dispose();
    this.#current = null;
  }

  #merged() {
    const size = this.#call((n) => n.merge());
    if (size < 0) throw new BundleError(this.#native.message());
    return size;
  }

  // The Recommender on the parts here, made again after parts came or went.
  #recommender() {
    if (!this.#native) throw new Error('basketlift: called after dispose()');
    if (!this.#current) {
      const size = this.#merged();
      const at = this.#call((n) => n.mergedData());
      const bytes = this.#instance.mod.HEAPU8.slice(at, at + size);
      this.#current = open(this.#instance, bytes, Math.max(this.#load.max, bytes.length), true);
    }
    return this.#current;
  }

  #call(f) {
    if (!this.#native) throw new Error('basketlift: called after dispose()');
    this.#instance.check();
    try {
      return f(this.#native);
    } catch (e) {
      throw this.#instance.fail(e);
    }
  }

  #labels(list, what) {
    if (list === undefined) return [];
    if (!Array.isArray(list)) throw new TypeError(`basketlift: ${what} must be an array of item id strings`);
    return list.filter((x) => typeof x === 'string');
  }
}

// The answer, with the parts that could not be had named beside it (not in its JSON).
function withUnavailable(result, unavailable) {
  if (unavailable.length) Object.defineProperty(result, 'unavailable', { value: unavailable, enumerable: false });
  return result;
}
