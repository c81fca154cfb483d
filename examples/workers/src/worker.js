// A Workers-runtime handler: GET /?cart=a0,a3 → the recommendations as JSON.
import { loadRecommender } from 'basketlift';
// Workers may not compile wasm from bytes at run time: import the package's wasm as a module
// (wrangler's default rule for *.wasm) and hand it over.
import wasm from 'basketlift/basketlift.wasm';
import rules from './rules.blb';

let rec;

export default {
  async fetch(request) {
    rec ??= await loadRecommender(rules, { wasm });
    const cart = new URL(request.url).searchParams.get('cart')?.split(',') ?? [];
    return Response.json(rec.recommend(cart, { n: 4 }));
  },
};
