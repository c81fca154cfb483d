// A classic script: window.basketlift comes from basketlift.global.js, loaded before it.
const CART = ['a0', 'a3'];

basketlift
  .loadRecommender('rules.blb')
  .then((rec) => {
    const [first] = rec.recommend(CART, { n: 4 });
    const out = document.getElementById('out');
    out.textContent = JSON.stringify(first);
    out.dataset.state = 'done';
  })
  .catch((e) => console.error(e));
