// basketlift/react: hooks and a component for React (a peer dependency, never bundled here). The
// package itself is imported by name, so a page shares one wasm instance with its other uses.
import { createElement, useEffect, useMemo, useRef, useState } from 'react';
import { loadRecommender, mountRecommendations } from 'basketlift';

// { recommender, error, loading } for a bundle URL; loads in the browser after the first render
// (during server rendering it stays loading), disposes the Recommender on unmount or a new URL.
// options.load is the loadRecommender to use: basketlift/sharded's for a sharded bundle's
// manifest (imported by the page, so a page of single files never bundles that entry); the
// rest are its load options. `prefetch` is read once, at load: a new product page does not
// reload the bundle.
export function useRecommender(bundle, options) {
  const [state, setState] = useState({ recommender: null, error: null, loading: true });
  const { load = loadRecommender, wasm, maxCacheBytes } = options ?? {};
  const prefetch = useRef(options?.prefetch);
  prefetch.current = options?.prefetch;
  useEffect(() => {
    let live = true;
    let loaded = null;
    setState({ recommender: null, error: null, loading: true });
    const loadOptions = {};
    if (wasm !== undefined) loadOptions.wasm = wasm;
    if (maxCacheBytes !== undefined) loadOptions.maxCacheBytes = maxCacheBytes;
    if (prefetch.current !== undefined) loadOptions.prefetch = prefetch.current;
    Promise.resolve()
      .then(() => load(bundle, loadOptions))
      .then(
        (rec) => {
          if (live) {
            loaded = rec;
            setState({ recommender: rec, error: null, loading: false });
          } else {
            rec.dispose();
          }
        },
        (error) => live && setState({ recommender: null, error, loading: false }),
      );
    return () => {
      live = false;
      loaded?.dispose();
    };
  }, [bundle, wasm, load, maxCacheBytes]);
  return state;
}

const NONE = Object.freeze([]);

// rec.recommend(cart, options), recomputed when the recommender, the cart or the options change
// (by value); [] until the recommender is there. A sharded bundle's recommender answers once
// the cart's parts arrive: until then the previous answer stays (no flash of an empty list),
// and a rejected answer is thrown during render, as the synchronous recommend() throws.
export function useRecommendations(recommender, cart, options) {
  const key = JSON.stringify([cart, options ?? null]);
  // Only a sharded recommender has prefetch(); its recommend() returns a promise.
  const sharded = typeof recommender?.prefetch === 'function';
  // `key` holds cart and options by value: a new array with the same ids does not recompute.
  const now = useMemo(() => (recommender && !sharded ? recommender.recommend(cart, options) : NONE), [recommender, key]);
  const [later, setLater] = useState({ recommender: null, answer: NONE });
  useEffect(() => {
    if (!sharded) return undefined;
    let live = true;
    recommender.recommend(cart, options).then(
      (answer) => live && setLater({ recommender, answer }),
      (error) => live && setLater({ recommender, answer: NONE, error }),
    );
    return () => {
      live = false;
    };
  }, [recommender, key]);
  if (!sharded) return now;
  if (later.recommender !== recommender) return NONE;
  // As the synchronous recommend() would: the error reaches the nearest error boundary.
  if (later.error) throw later.error;
  return later.answer;
}

// The storefront widget (mountRecommendations) as a component: `recommender` from
// useRecommender, `cart` an array of item ids, the rest the widget's options.
export function Recommendations({ recommender, cart, ...widgetOptions }) {
  const host = useRef(null);
  const widget = useRef(null);
  const cartRef = useRef(cart);
  cartRef.current = cart;
  const optionsKey = JSON.stringify(widgetOptions, (k, v) => (typeof v === 'function' ? undefined : v));
  const latest = useRef(widgetOptions);
  latest.current = widgetOptions;
  useEffect(() => {
    if (!recommender || !host.current) return undefined;
    const { onAdd, getProduct, getHistory, getItem, formatPrice, ...rest } = latest.current;
    widget.current = mountRecommendations(host.current, recommender, {
      ...rest,
      listen: false,
      getCart: () => cartRef.current ?? [],
      ...(onAdd ? { onAdd: (...a) => latest.current.onAdd?.(...a) } : {}),
      ...(getProduct ? { getProduct: (id) => latest.current.getProduct(id) } : {}),
      ...(getHistory ? { getHistory: () => latest.current.getHistory() } : {}),
      ...(getItem ? { getItem: () => latest.current.getItem() } : {}),
      ...(formatPrice ? { formatPrice: (p) => latest.current.formatPrice(p) } : {}),
    });
    return () => {
      widget.current?.destroy();
      widget.current = null;
    };
  }, [recommender, optionsKey]);
  useEffect(() => {
    widget.current?.update();
  }, [JSON.stringify(cart ?? [])]);
  return createElement('div', { ref: host, 'data-basketlift-react': '' });
}
