// Types for the basketlift npm package (hand-written; the JS is in web/*.js).

// URL, WebAssembly.Module and Element come from the DOM library or from @types/node. Read through
// globalThis, they are `never` in a project that has neither, so these declarations compile with
// `lib: ["es2022"]` alone as well as with the DOM.
type GlobalUrl = typeof globalThis extends { URL: { prototype: infer T } } ? T : never;
type GlobalWasmModule = typeof globalThis extends { WebAssembly: { Module: { prototype: infer T } } } ? T : never;
type GlobalElement = typeof globalThis extends { Element: { prototype: infer T } } ? T : never;

/** Where the rule bundle comes from: its bytes, or a URL to fetch (in Node also a file path). */
export type BundleSource = ArrayBuffer | Uint8Array | GlobalUrl | string;

/** The wasm module: compiled already, its bytes, or where to fetch it. */
export type WasmSource = GlobalWasmModule | ArrayBuffer | Uint8Array | GlobalUrl | string;

/** The part of a fetch() Response that the loader uses. With `body` (a stream) the download is
 *  read as it arrives and stopped as soon as it is refused; without, `arrayBuffer()` is read whole
 *  and checked afterwards. */
export interface FetchResponse {
  ok: boolean;
  status: number;
  arrayBuffer(): Promise<ArrayBuffer>;
  /** A `content-length` above `maxBundleBytes` is refused before the body is read. */
  headers?: { get(name: string): string | null };
  body?: {
    getReader(): { read(): Promise<{ done: boolean; value?: Uint8Array }>; cancel(): Promise<void> };
  } | null;
}

export interface LoadOptions {
  /** Default: in browsers `basketlift.wasm` beside the package's JS (`new URL('./basketlift.wasm',
   *  import.meta.url)`), or the copy embedded in the package where that cannot be fetched; in Node
   *  the copy embedded in the Node entry. */
  wasm?: WasmSource;
  /** Used instead of the global `fetch` to download the bundle and the wasm (in Node, for
   *  everything but file: URLs and paths, which are read from disk). Gets an absolute URL. */
  fetch?: (url: string) => Promise<FetchResponse>;
  /** The largest bundle to load, in bytes: an integer from 1 to 1073741824 (1 GiB). Default
   *  268435456 (256 MiB). A download or file read stops as soon as the bundle is known to be
   *  larger (its Content-Length, the size its header declares, the bytes read so far), with a
   *  BundleTooLargeError; bytes passed in are checked too. See docs/js-api-errors.md. */
  maxBundleBytes?: number;
}

/** Business filters every recommendation kind honours. */
export interface ItemFilters {
  /** Items never to recommend (out of stock, …). Unknown ids are ignored. */
  exclude?: string[];
  /** Only items of these categories (names as in `categories()`). An unknown name throws a
   *  RangeError; an item without a category never passes. */
  categories?: string[];
  /** Only items priced within [min, max] (inclusive; either may be ±Infinity). An item without
   *  a known price never passes. */
  priceRange?: [min: number, max: number];
}

export interface RecommendOptions extends ItemFilters {
  /** Items the shopper already bought: never recommended, and their categories re-rank candidates. */
  history?: string[];
  /** How many results, a positive integer. Default 10. */
  n?: number;
  /** At most this many results of one family (the catalog's category; on a derived catalog the
   *  name stem, such as "LUNCH BAG"), the next-best items of other families taking the places.
   *  0 or absent: no limit. The widget asks for the core's `widget.maxPerFamily` default. */
  maxPerFamily?: number;
}

export interface Recommendation {
  item: string;
  /** How strongly the firing rules point at the item (by default the best rule's
   *  confidence × √lift, pair rules weighted 0.5, raised by the history's category affinity;
   *  see docs/EVALUATION.md); for 'category', its confidence raised by the affinity;
   *  0 for 'popular'. Compare scores within one answer only. */
  score: number;
  /** Of the strongest firing rule; for 'similar', the name cosine; for 'category',
   *  P(category | cart item's category) × P(item | category) from the bundle's category rules;
   *  for 'popular', the item's support. */
  confidence: number;
  /** confidence / the item's support; 1 for 'similar' and 'popular'. */
  lift: number;
  /** The cart items whose rules (for 'similar': whose names, for 'category': whose categories)
   *  reached the item, in cart order; empty for 'popular'. */
  because: string[];
  /** The one cart item to name to a shopper ("Often bought with …"): the one whose rule,
   *  neighbour or similar name weighed most for this item (for 'category', whose category);
   *  null for 'popular'. */
  reason: string | null;
  /** 'cross-sell': item rules fired. 'similar': a product no basket holds yet (in the catalog
   *  only) is in the cart, and the item's name resembles it. 'category': too few of those, and
   *  the cart items' categories (bundles mined with a catalog) fill next. 'popular' fills the
   *  rest. */
  kind: 'cross-sell' | 'similar' | 'category' | 'popular';
}

export interface BundleInfo {
  /** Bundle format version. */
  version: number;
  items: number;
  transactions: number;
  rules: {
    /** Rules {a} → c. */
    single: number;
    /** Rules {a, b} → c. */
    pair: number;
    total: number;
    /** Distinct pairs {a, b} that have rules. */
    antecedentPairs: number;
  };
  /** What the bundle was mined with; null where the bundle does not say. */
  parameters: {
    /** min_count / transactions: the support threshold actually applied. */
    minSupport: number | null;
    minCount: number | null;
    minConfidence: number | null;
    minLift: number | null;
    /** Longest itemset mined (0 = unlimited). */
    maxLen: number | null;
    /** 'fpgrowth' or 'eclat'. */
    algorithm: string | null;
  };
  /** ISO 8601 UTC time the bundle was mined, or null. */
  createdAt: string | null;
  /** Size of the bundle in bytes. */
  bytes: number;
  /** XXH64 of the payload, 16 hex digits, as stored in the header. */
  checksum: string;
  /** The bundle has a catalog (names, categories, prices): `product()`, `products()`, `upsell()`. */
  catalog: boolean;
  /** How many categories the catalog has (0 without one). */
  categories: number;
  /** The bundle has category-level rules: `complementaryCategories()`. */
  categoryRules: boolean;
  /** The bundle has repurchase statistics: `nextPurchases()` beyond the shopper's own history. */
  repurchase: boolean;
  /** Everything the bundle's meta section records: mining parameters (min_support, min_count,
   *  min_confidence, min_lift, max_len, algorithm), source, counts. Values are strings. */
  meta: Readonly<Record<string, string>>;
}

export interface MemoryUsage {
  /** Size of the wasm instance's memory (shared by all bundles loaded with the same wasm). */
  heapBytes: number;
  /** Bytes currently allocated inside it. */
  allocatedBytes: number;
}

export interface UpsellOptions extends ItemFilters {
  /** How many results, a positive integer. Default 5. */
  n?: number;
  /** Candidates cost more than the item and at most this many times its price (>= 1). Default 2. */
  maxPriceRatio?: number;
}

export interface Upsell {
  item: string;
  /** 0.7 × substitution + 0.3 × popularity relative to the most popular candidate. */
  score: number;
  /** In [0, 1]: shared co-purchase neighbours, rarely in the same basket. */
  substitution: number;
  /** Candidate price / item price, > 1. */
  priceRatio: number;
}

export interface ComplementaryCategoryOptions {
  /** How many results, a positive integer. Default 10. */
  n?: number;
  /** Categories never to return. Unknown names throw. */
  exclude?: string[];
  /** Only these categories. Unknown names throw. */
  categories?: string[];
}

export interface ComplementaryCategory {
  category: string;
  /** P(category | the given one), over baskets mapped to categories. */
  confidence: number;
  /** > 1. */
  lift: number;
  /** Share of baskets holding both. */
  support: number;
}

/** One earlier purchase. Other properties are ignored. */
export interface PurchaseEvent {
  item: string;
  /** 'YYYY-MM-DD' (a time after ' ' or 'T' is ignored). */
  date: string;
}

export interface NextPurchaseOptions extends ItemFilters {
  /** The day to predict around, 'YYYY-MM-DD'. Required: the clock is never read. Purchases after
   *  it are ignored. */
  asOf: string;
  /** How many results, a positive integer. Default 10. */
  n?: number;
  /** Half-width of the window around asOf, in days (a non-negative integer). Default 7. */
  window?: number;
}

export interface NextPurchase {
  item: string;
  /** Probability that the shopper buys the item again and that the next purchase falls within
   *  ±window days of asOf (a normal model of the interval: the population's, refined by the
   *  shopper's own intervals). */
  probability: number;
  /** Expected next purchase minus asOf, in days (negative: overdue). */
  dueInDays: number;
}

export interface TopRulesOptions {
  /** How many rules, a non-negative integer. Default 500. */
  limit?: number;
}

export interface Rule {
  /** One item or two. */
  antecedent: string[];
  consequent: string;
  support: number;
  confidence: number;
  lift: number;
}

export interface Product {
  item: string;
  /** null when the catalog has no name for it (or the bundle no catalog). */
  name: string | null;
  category: string | null;
  /** null when unknown. */
  price: number | null;
  /** false for what the catalog marks as not merchandise (postage, fees, adjustments…): no
   *  kind ever recommends it. true for every item of a bundle without that mark. */
  recommendable: boolean;
}

export interface ProductWithPopularity extends Product {
  /** Number of baskets in the mined data that hold the item. */
  popularity: number;
}

/**
 * Every method reads its arguments once (each array's length, then each element, each option)
 * before the wasm side is touched, so arrays with getters or Proxies are seen as they were when
 * read. Item ids are matched exactly as strings; see docs/js-api-errors.md for ids that are not
 * valid UTF-8 in the bundle. Every method throws a WasmError ('BASKETLIFT_WASM_FAILED') once the
 * wasm instance it lives in has failed; load the bundle again.
 */
export interface Recommender {
  /** Cross-sell for a cart. Unknown item ids in any list are ignored. Throws TypeError /
   *  RangeError on bad arguments (and for an unknown category name), and a RangeError with
   *  code 'BASKETLIFT_REQUEST_TOO_LARGE' for a request that would need more than the 64 MB a
   *  call may use (very long carts with a large n). */
  recommend(cart: string[], options?: RecommendOptions): Recommendation[];
  /** Pricier items of the same category bought instead of `item`; never the item itself or
   *  cheaper ones. [] for an unknown item or one without a category or price. */
  upsell(item: string, options?: UpsellOptions): Upsell[];
  /** Categories bought together with `category` (lift > 1), by added value. Throws for an
   *  unknown category. */
  complementaryCategories(category: string, options?: ComplementaryCategoryOptions): ComplementaryCategory[];
  /** Items from the history that the shopper is due to buy again around `asOf`. Throws a
   *  RangeError for a date that is not a valid 'YYYY-MM-DD'. */
  nextPurchases(history: PurchaseEvent[], options: NextPurchaseOptions): NextPurchase[];
  /** The bundle's rules with the highest lift (ties: confidence, support). */
  topRules(options?: TopRulesOptions): Rule[];
  /** The catalog entry of an item, or null when the bundle does not know the item. */
  product(item: string): Product | null;
  /** Every item of the bundle, in the bundle's id order (a fresh array each call). */
  products(): ProductWithPopularity[];
  /** The catalog's category names (empty without a catalog). */
  categories(): string[];
  readonly info: Readonly<BundleInfo>;
  memoryUsage(): MemoryUsage;
  /** Frees the bundle's wasm memory. Any later call (but dispose) throws. */
  dispose(): void;
}

/** Thrown when the bytes are not a valid rule bundle (truncated, corrupted, wrong version…). */
export class BundleError extends Error {
  readonly name: 'BundleError' | 'BundleChecksumError' | 'BundleTooLargeError';
  /** 'BASKETLIFT_INVALID_BUNDLE', 'BASKETLIFT_CHECKSUM_MISMATCH' for a BundleChecksumError,
   *  'BASKETLIFT_BUNDLE_TOO_LARGE' for a BundleTooLargeError */
  readonly code: string;
  /** The core's message without the 'basketlift: ' prefix. */
  readonly detail: string;
}

/** The bundle is larger than `maxBundleBytes`, or than the wasm instance has memory left for.
 *  The bytes may be a fine bundle; a subclass, so `instanceof BundleError` still holds. */
export class BundleTooLargeError extends BundleError {
  readonly name: 'BundleTooLargeError';
  /** 'BASKETLIFT_BUNDLE_TOO_LARGE' */
  readonly code: string;
}

/** The wasm side cannot be used. code 'BASKETLIFT_WASM_MISMATCH': the wasm file is not this
 *  package's build (loadRecommender rejects with it). 'BASKETLIFT_WASM_FAILED': the instance
 *  trapped or aborted; every recommender on it throws this from then on, and the next
 *  loadRecommender() starts a new instance. */
export class WasmError extends Error {
  readonly name: 'WasmError';
  readonly code: 'BASKETLIFT_WASM_MISMATCH' | 'BASKETLIFT_WASM_FAILED';
  /** What the wasm side threw. */
  readonly cause?: unknown;
}

/** The payload does not match its checksum (damaged in storage or transfer): fall back to the
 * previous bundle. A subclass, so `instanceof BundleError` still holds. */
export class BundleChecksumError extends BundleError {
  readonly name: 'BundleChecksumError';
  /** 'BASKETLIFT_CHECKSUM_MISMATCH' */
  readonly code: string;
}

export function loadRecommender(bundle: BundleSource, options?: LoadOptions): Promise<Recommender>;

/** Options of mountRecommendations (the storefront widget, web/widget.js). */
export interface WidgetOptions {
  /** Item ids in the cart, read on every update. */
  getCart?: () => string[];
  /** kind 'upsell': the item to find upgrades for (default the last item of getCart());
   *  kind 'bundle': the item on view (required). */
  getItem?: () => string | null | undefined;
  /** kind 'cross-sell': the shopper's earlier purchases, passed to recommend() as history. */
  getHistory?: () => string[];
  /** Name and price shown for an item; default rec.product(id). Names are always rendered as text. */
  getProduct?: (item: string) => { name?: string | null; price?: number | null } | null | undefined;
  /** An image URL for an item; without one (or when it fails to load) a placeholder with the
   *  name's initials on a colour of its own. */
  getImage?: (item: string) => string | null | undefined;
  /** Items never to suggest, read on every update (e.g. the cart, beside a product page). */
  getExclude?: () => string[];
  /** Called when the shopper presses a suggestion's "Add" button; without it no button is shown.
   *  kind 'bundle': called for each checked item unless onAddAll is given. */
  onAdd?: (item: string, result: Recommendation | Upsell) => void;
  /** kind 'bundle': the checked items, in order, when the shopper presses "Add all". */
  onAddAll?: (items: string[]) => void;
  /** How many suggestions. Default 4. */
  n?: number;
  /** 'cross-sell' (default): rec.recommend(cart); 'upsell': rec.upsell(item); 'bundle': the
   *  item on view and its best complements with checkboxes and an "Add all — £X" button. */
  kind?: 'cross-sell' | 'upsell' | 'bundle';
  /** Heading text. Default "You may also like" / "A step up" / "Frequently bought together". */
  title?: string;
  /** Business filters passed to the scoring call. */
  filters?: { exclude?: string[]; categories?: string[]; priceRange?: [number, number] };
  /** Default: price.toFixed(2). */
  formatPrice?: (price: number) => string;
  /** Shown when there is nothing to suggest; without it the widget hides. */
  emptyText?: string;
  /** Re-render on `basketlift:cart-change` events at document. Default true. */
  listen?: boolean;
}

export interface RecommendationsWidget {
  /** Scores and re-renders now; returns what it rendered. */
  update(): Array<Recommendation | Upsell>;
  readonly results: Array<Recommendation | Upsell>;
  /** Stops listening and removes the widget's element. */
  destroy(): void;
}

/** "LUNCH BAG RED RETROSPOT" -> "Lunch Bag Red Retrospot" (names in capitals only; display only). */
export function titleCase(name: string): string;

/** Dispatch `new CustomEvent(CART_CHANGE_EVENT)` on document to re-render every widget. */
export const CART_CHANGE_EVENT: 'basketlift:cart-change';
/** Fired on the mount element after each render; detail: { kind, results }. */
export const RENDER_EVENT: 'basketlift:render';

/** Renders suggestions into a shadow root inside `element`; no global CSS in or out. */
export function mountRecommendations(element: GlobalElement, rec: Recommender, options?: WidgetOptions): RecommendationsWidget;
