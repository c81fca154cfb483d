// A Workers-runtime handler: GET /?cart=a0,a3 → the recommendations as JSON. The package's
// `workerd` entry imports its own wasm as a module, so nothing else is needed here.
import { loadRecommender } from 'basketlift';
import rules from './rules.blb';

let rec;

export default {
  async fetch(request) {
    rec ??= await loadRecommender(rules);
    const cart = new URL(request.url).searchParams.get('cart')?.split(',') ?? [];
    return Response.json(rec.recommend(cart, { n: 4 }));
  },
};
