const CART = ['a0', 'a3'];

const worker = new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
worker.onmessage = ({ data }) => {
  if (data.error) return console.error(data.error);
  const out = document.getElementById('out');
  out.textContent = JSON.stringify(data.first);
  out.dataset.state = 'done';
};
// Workers resolve relative URLs against the worker script: pass an absolute one.
worker.postMessage({ bundle: new URL('/rules.blb', location.href).href, cart: CART });
