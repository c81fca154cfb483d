// Types for the basketlift npm package (hand-written; the JS is in web/*.js).

/** Where the rule bundle comes from: its bytes, or a URL to fetch (in Node also a file path). */
export type BundleSource = ArrayBuffer | Uint8Array | URL | string;

/** The wasm module: compiled already, its bytes, or where to fetch it. */
export type WasmSource = WebAssembly.Module | ArrayBuffer | Uint8Array | URL | string;

/** The part of a fetch() Response that the loader uses. */
export interface FetchResponse {
  ok: boolean;
  status: number;
  arrayBuffer(): Promise<ArrayBuffer>;
}

export interface LoadOptions {
  /** Default: `basketlift.wasm` beside the package's JS (`new URL('./basketlift.wasm', import.meta.url)`). */
  wasm?: WasmSource;
  /** Used instead of the global `fetch` to download the bundle and the wasm (in Node, for
   *  everything but file: URLs and paths, which are read from disk). Gets an absolute URL. */
  fetch?: (url: string) => Promise<FetchResponse>;
}

export interface RecommendOptions {
  /** Items the shopper already bought: never recommended. */
  history?: string[];
  /** Items never to recommend (out of stock, …). */
  exclude?: string[];
  /** How many results, a positive integer. Default 10. */
  n?: number;
}

export interface Recommendation {
  item: string;
  /** 1 − ∏(1 − confidence) over the rules that fired; 0 for 'popular'. */
  score: number;
  /** Of the strongest firing rule; for 'popular', the item's support. */
  confidence: number;
  /** Of that rule; 1 for 'popular'. */
  lift: number;
  /** The cart items whose rules fired, in cart order; empty for 'popular'. */
  because: string[];
  /** 'popular' fills the list when too few rules fire. */
  kind: 'cross-sell' | 'popular';
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

export interface Recommender {
  /** Unknown item ids in any list are ignored. Throws TypeError / RangeError on bad arguments. */
  recommend(cart: string[], options?: RecommendOptions): Recommendation[];
  readonly info: Readonly<BundleInfo>;
  memoryUsage(): MemoryUsage;
  /** Frees the bundle's wasm memory. Any later call (but dispose) throws. */
  dispose(): void;
}

/** Thrown when the bytes are not a valid rule bundle (truncated, corrupted, wrong version…). */
export class BundleError extends Error {
  readonly name: 'BundleError';
  /** 'BASKETLIFT_INVALID_BUNDLE' */
  readonly code: string;
  /** The core's message without the 'basketlift: ' prefix. */
  readonly detail: string;
}

export function loadRecommender(bundle: BundleSource, options?: LoadOptions): Promise<Recommender>;

/** Options of mountRecommendations (the storefront widget, web/widget.js). */
export interface WidgetOptions {
  /** Item ids in the cart, read on every update. */
  getCart?: () => string[];
  /** kind 'upsell': the item to find upgrades for; default the last item of getCart(). */
  getItem?: () => string | null | undefined;
  /** kind 'cross-sell': the shopper's earlier purchases, passed to recommend() as history. */
  getHistory?: () => string[];
  /** Name and price shown for an item; default rec.product(id). Names are always rendered as text. */
  getProduct?: (item: string) => { name?: string; price?: number } | null | undefined;
  /** Called when the shopper presses a suggestion's "Add" button; without it no button is shown. */
  onAdd?: (item: string, result: { item: string }) => void;
  /** How many suggestions. Default 4. */
  n?: number;
  /** 'cross-sell' (default): rec.recommend(cart); 'upsell': rec.upsell(item). */
  kind?: 'cross-sell' | 'upsell';
  /** Heading text. Default "Frequently bought together" / "Upgrade". */
  title?: string;
  /** Business filters passed to the scoring call. */
  filters?: { exclude?: string[]; categories?: string[]; priceRange?: [number, number] };
  /** Default: price.toFixed(2). */
  formatPrice?: (price: number) => string;
  /** Shown when there is nothing to suggest. */
  emptyText?: string;
  /** Re-render on `basketlift:cart-change` events at document. Default true. */
  listen?: boolean;
}

export interface RecommendationsWidget {
  /** Scores and re-renders now; returns what it rendered. */
  update(): Array<{ item: string }>;
  readonly results: Array<{ item: string }>;
  /** Stops listening and removes the widget's element. */
  destroy(): void;
}

/** Dispatch `new CustomEvent(CART_CHANGE_EVENT)` on document to re-render every widget. */
export const CART_CHANGE_EVENT: 'basketlift:cart-change';
/** Fired on the mount element after each render; detail: { kind, results }. */
export const RENDER_EVENT: 'basketlift:render';

/** Renders suggestions into a shadow root inside `element`; no global CSS in or out. */
export function mountRecommendations(element: Element, rec: Recommender, options?: WidgetOptions): RecommendationsWidget;
