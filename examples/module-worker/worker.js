import { loadRecommender } from 'basketlift';

let rec;
self.onmessage = async ({ data }) => {
  try {
    rec ??= await loadRecommender(data.bundle);
    const [first] = rec.recommend(data.cart, { n: 4 });
    self.postMessage({ first });
  } catch (e) {
    self.postMessage({ error: String(e) });
  }
};
