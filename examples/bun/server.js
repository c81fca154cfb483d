// Bun.serve: GET /?cart=a0,a3 → the recommendations as JSON.
import { loadRecommender } from 'basketlift';

const rec = await loadRecommender(new URL('./rules.blb', import.meta.url));

const server = Bun.serve({
  hostname: '127.0.0.1',
  port: Number(process.env.PORT ?? 3000),
  fetch(request) {
    const cart = new URL(request.url).searchParams.get('cart')?.split(',') ?? [];
    return Response.json(rec.recommend(cart, { n: 4 }));
  },
});
console.log(`listening on ${server.url}`);
