// Types for basketlift/react. React is a peer dependency.
import type { Recommendation, RecommendOptions, Recommender, WidgetOptions } from './index.js';
import type { ShardedLoadOptions, ShardedRecommender } from './sharded.js';

export interface RecommenderState<R = Recommender> {
  recommender: R | null;
  error: unknown;
  loading: boolean;
}

export interface UseRecommenderOptions<R = Recommender> extends Pick<ShardedLoadOptions, 'wasm' | 'maxCacheBytes' | 'prefetch'> {
  /** The loadRecommender to use (default basketlift's): basketlift/sharded's for a manifest. */
  load?: (bundle: string, options?: ShardedLoadOptions) => Promise<R>;
  // `prefetch` is read once, at load; `maxCacheBytes` is for sharded bundles only.
}

/** Loads a bundle after the first render; disposes it on unmount or when the URL, `wasm`,
 *  `load` or `maxCacheBytes` change. */
export function useRecommender<R extends Recommender | ShardedRecommender = Recommender>(
  bundle: string,
  options?: UseRecommenderOptions<R>,
): RecommenderState<R>;

/** `recommender.recommend(cart, options)`, recomputed when any of them changes by value; with a
 *  ShardedRecommender, the answer once the cart's parts are here (the previous one meanwhile). */
export function useRecommendations(
  recommender: Recommender | ShardedRecommender | null,
  cart: string[],
  options?: RecommendOptions,
): Recommendation[];

export interface RecommendationsProps extends Omit<WidgetOptions, 'getCart' | 'listen'> {
  recommender: Recommender | ShardedRecommender | null;
  cart: string[];
}

/** The storefront widget as a component (renders a host element; the widget mounts in the browser). */
export function Recommendations(props: RecommendationsProps): unknown;
