// Types of the `basketlift/sharded` entry: everything `basketlift` exports, plus sharded bundles.
import type {
  LoadOptions, NextPurchase, NextPurchaseOptions, Product, PurchaseEvent, Recommendation, Recommender,
  RecommendOptions, Upsell, UpsellOptions, BundleSource, BundleError, BundleInfo,
  RecommendationsWidget, WidgetOptions,
} from './index.js';
import type { mountRecommendations as mount } from './index.js';

type GlobalElement = Parameters<typeof mount>[0];

export * from './index.js';

/** A part of a sharded bundle that could not be fetched or did not validate. */
export interface UnavailablePart {
  /** The part's path, relative to the manifest. */
  part: string;
  /** The labels of the request that this part holds (for a shard). */
  items?: string[];
  error: Error | BundleError;
}

export interface ShardedLoadOptions extends LoadOptions {
  /** Bytes of parts kept beyond what the current request needs (default 8 MiB). */
  maxCacheBytes?: number;
  /** Items (a product page's item, the cart) whose shards are fetched beside the global part,
   *  one round trip sooner than the first request would fetch them. */
  prefetch?: string[];
}

/** What loadRecommender('…/manifest.json') returns: each method fetches the parts it reads
 *  (in parallel, once) and answers exactly as the single-file bundle of the same mining run.
 *  Results carry a non-enumerable `unavailable` list when a part failed (its items score as
 *  unknown ones) and `complete: false` when the answer still lacked data. */
export interface ShardedRecommender {
  recommend(cart: string[], options?: RecommendOptions): Promise<Recommendation[] & { unavailable?: UnavailablePart[]; complete?: false }>;
  upsell(item: string, options?: UpsellOptions): Promise<Upsell[] & { unavailable?: UnavailablePart[] }>;
  nextPurchases(history: PurchaseEvent[], options: NextPurchaseOptions): Promise<NextPurchase[] & { unavailable?: UnavailablePart[] }>;
  /** Fetches the shards of these items; resolves to the parts that failed. */
  prefetch(items: string[]): Promise<UnavailablePart[]>;
  /** recommend() on the parts already here; throws a BundleError with code
   *  'BASKETLIFT_PARTS_NOT_LOADED' when the answer would need more. */
  recommendLoaded(cart: string[], options?: RecommendOptions): Recommendation[];
  /** The Recommender on the parts here (valid until the next request fetches or evicts parts). */
  loaded(): Recommender;
  /** The catalog entry of an item whose shard (or a shard naming it) is here. */
  product(item: string): Product | null;
  /** Bytes and files fetched so far (the manifest not counted), and parts cached. */
  readonly transfer: { bytes: number; files: number; cachedParts: number };
  readonly manifest: { format: string; version: number; items: number; shards: number; categories: number; bytes: number; global: string };
  /** Of the parts merged so far. */
  readonly info: Readonly<BundleInfo>;
  dispose(): void;
}

/** A bundle file as in `basketlift`; a URL ending in .json: a sharded bundle's manifest. */
export function loadRecommender(bundle: BundleSource, options?: ShardedLoadOptions): Promise<Recommender | ShardedRecommender>;
/** The widget takes either kind of recommender. */
export function mountRecommendations(element: GlobalElement, rec: Recommender | ShardedRecommender, options?: WidgetOptions): RecommendationsWidget;
