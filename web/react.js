// basketlift/react: hooks and a component for React (a peer dependency, never bundled here). The
// package itself is imported by name, so a page shares one wasm instance with its other uses.
import { createElement, useEffect, useMemo, useRef, useState } from 'react';
import { loadRecommender, mountRecommendations } from 'basketlift';

// { recommender, error, loading } for a bundle URL; loads in the browser after the first render
// (during server rendering it stays loading), disposes the Recommender on unmount or a new URL.
export function useRecommender(bundle, options) {
  const [state, setState] = useState({ recommender: null, error: null, loading: true });
  const wasm = options?.wasm;
  useEffect(() => {
    let live = true;
    let loaded = null;
    setState({ recommender: null, error: null, loading: true });
    loadRecommender(bundle, wasm === undefined ? undefined : { wasm }).then(
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
  }, [bundle, wasm]);
  return state;
}

// rec.recommend(cart, options), recomputed when the recommender, the cart or the options change
// (by value); [] until the recommender is there.
export function useRecommendations(recommender, cart, options) {
  const key = JSON.stringify([cart, options ?? null]);
  // `key` holds cart and options by value: a new array with the same ids does not recompute.
  return useMemo(() => (recommender ? recommender.recommend(cart, options) : []), [recommender, key]);
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
