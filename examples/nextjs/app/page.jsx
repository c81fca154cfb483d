// A server component: the recommendation is computed while the page renders on the server
// (the Node entry of the package, the wasm inside it) and arrives as HTML.
import { join } from 'node:path';
import { loadRecommender } from 'basketlift';
import ClientRecommendation from './client-recommendation.jsx';

export const dynamic = 'force-dynamic'; // render on every request, not once at build time

const CART = ['a0', 'a3'];

export default async function Page() {
  const rec = await loadRecommender(join(process.cwd(), 'public', 'rules.blb'));
  const [first] = rec.recommend(CART, { n: 4 });
  rec.dispose();
  return (
    <main>
      <p>First recommendation for the cart a0, a3, rendered on the server:</p>
      <pre id="server">{JSON.stringify(first)}</pre>
      <ClientRecommendation cart={CART} />
    </main>
  );
}
