// Types for basketlift/react. React is a peer dependency.
import type { LoadOptions, Recommendation, RecommendOptions, Recommender, WidgetOptions } from './index.js';

export interface RecommenderState {
  recommender: Recommender | null;
  error: unknown;
  loading: boolean;
}

/** Loads a bundle after the first render; disposes it on unmount or when the URL changes. */
export function useRecommender(bundle: string, options?: Pick<LoadOptions, 'wasm'>): RecommenderState;

/** `recommender.recommend(cart, options)`, recomputed when any of them changes by value. */
export function useRecommendations(
  recommender: Recommender | null,
  cart: string[],
  options?: RecommendOptions,
): Recommendation[];

export interface RecommendationsProps extends Omit<WidgetOptions, 'getCart' | 'listen'> {
  recommender: Recommender | null;
  cart: string[];
}

/** The storefront widget as a component (renders a host element; the widget mounts in the browser). */
export function Recommendations(props: RecommendationsProps): unknown;
