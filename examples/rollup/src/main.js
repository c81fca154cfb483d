import { loadRecommender } from 'basketlift';

const CART = ['a0', 'a3'];

const rec = await loadRecommender('rules.blb');
const [first] = rec.recommend(CART, { n: 4 });
const out = document.getElementById('out');
out.textContent = JSON.stringify(first);
out.dataset.state = 'done';
