// Types for basketlift/sharded/element: <basketlift-recommendations> on `basketlift/sharded`, so
// its `bundle` attribute may name a single bundle file or a sharded bundle's manifest.json.
import type { Recommender } from './index.js';
import type { ShardedRecommender } from './sharded.js';

type GlobalHTMLElement = typeof globalThis extends { HTMLElement: { prototype: infer T } } ? T : object;

/** Dispatched (bubbling) when the shopper presses "Add": `detail.item` is the item id. */
export const ADD_EVENT: 'basketlift:add';
/** Dispatched (bubbling) when the bundle or the platform cart cannot be read; the element hides. */
export const ERROR_EVENT: 'basketlift:error';

/**
 * Attributes: `bundle` (required: a bundle file, or a sharded bundle's manifest.json), `wasm`,
 * `n` (default 4), `kind` (`cross-sell` | `upsell`), `item` (upsell), `cart` (comma-separated
 * ids), `cart-source` (`shopify` | `woocommerce`), `id-field`, `title`.
 */
export interface RecommendationsElement extends GlobalHTMLElement {
  /** The cart as item ids (also settable). */
  cart: string[];
  /** The loaded recommender, null before it is. */
  readonly recommender: Recommender | ShardedRecommender | null;
}
export const RecommendationsElement: { prototype: RecommendationsElement; new (): RecommendationsElement };

/** Defines the element under another name (it is defined as `basketlift-recommendations` on import). */
export function defineRecommendationsElement(name?: string): void;
