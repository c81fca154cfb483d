'use client';
// A client component: the browser loads the package (basketlift.wasm emitted by Next's bundler)
// and /rules.blb from public/, and scores the cart in the page.
import { useEffect, useState } from 'react';
import { loadRecommender } from 'basketlift';

export default function ClientRecommendation({ cart }) {
  const [first, setFirst] = useState(null);
  useEffect(() => {
    let rec;
    let live = true;
    loadRecommender('/rules.blb').then(
      (loaded) => {
        if (!live) return loaded.dispose();
        rec = loaded;
        setFirst(rec.recommend(cart, { n: 4 })[0]);
      },
      (e) => console.error(e),
    );
    return () => {
      live = false;
      rec?.dispose();
    };
  }, [cart]);
  return (
    <>
      <p>…and in the browser:</p>
      <pre id="out" data-state={first ? 'done' : 'loading'}>
        {first ? JSON.stringify(first) : 'loading…'}
      </pre>
    </>
  );
}
