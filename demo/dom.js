// Tiny DOM helpers. Data (product names above all) only ever becomes text nodes or attribute
// values, never markup: there is no innerHTML anywhere in the demo.
export const $ = (id) => document.getElementById(id);

// h('li', { class: 'card', 'aria-label': name, onclick: fn }, child, 'text', …)
export function h(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === false) continue;
    if (key.startsWith('on')) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value === true ? '' : value);
  }
  node.append(...children.filter((c) => c !== null && c !== undefined && c !== false));
  return node;
}

const gbp = new Intl.NumberFormat('en-GB', { style: 'currency', currency: 'GBP' });
export const formatPrice = (p) => (typeof p === 'number' && Number.isFinite(p) ? gbp.format(p) : '–');
export const formatInt = (n) => n.toLocaleString('en-GB');
export const formatPercent = (x) => `${(x * 100).toFixed(x < 0.1 ? 1 : 0)} %`;

export function note(el, text) {
  el.textContent = text ?? '';
  el.hidden = !text;
}

// Mean time of one call, in µs. performance.now() is coarse (5–100 µs), so a single call cannot
// be timed: repeat it for about 2 ms and divide. A 1 ms warm-up first, because V8 compiles wasm
// functions lazily and tiers them up: the first calls measure the compiler, not basketlift.
export function timeMicros(fn) {
  for (const warm = performance.now(); performance.now() - warm < 1; ) fn();
  let calls = 0;
  let elapsed;
  const start = performance.now();
  do {
    fn();
    calls++;
  } while ((elapsed = performance.now() - start) < 2 && calls < 100000);
  return { micros: (elapsed * 1000) / calls, calls };
}
