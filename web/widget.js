// mountRecommendations: a drop-in "Frequently bought together" / "Upgrade" panel for a storefront.
// It only presents what the Recommender returns; scoring stays in the core. It renders into its own
// shadow root (no CSS leaks in or out), styles it with a constructed stylesheet (allowed under a
// strict style-src CSP, unlike a <style> element) and writes every name with textContent, so a
// product name is always text, never markup.

// The core's default family limit for a panel of suggestions (generated from C++, see
// wasm/layout_js.cpp): fewer near-duplicates such as three colours of one lunch bag.
import { DEFAULTS } from '../build/wasm/layout.js';

export const CART_CHANGE_EVENT = 'basketlift:cart-change';
export const RENDER_EVENT = 'basketlift:render';

const KINDS = new Set(['cross-sell', 'upsell', 'bundle']);
const OPTIONS = new Set(['getCart', 'getItem', 'getHistory', 'getProduct', 'getImage', 'getExclude', 'onAdd',
  'onAddAll', 'n', 'kind', 'title', 'filters', 'formatPrice', 'emptyText', 'listen']);

const CSS = `
:host { display: block; }
[hidden] { display: none !important; }
.panel { font: inherit; color: inherit; }
h2 { font-size: 1.05em; margin: 0 0 .5em; }
ul { list-style: none; margin: 0; padding: 0; display: grid; gap: .5em; }
li { display: grid; grid-template-columns: 1fr auto; gap: .15em .75em; align-items: center;
  padding: .6em .7em; border: 1px solid var(--basketlift-border, #d9dde3);
  border-radius: var(--basketlift-radius, 8px); background: var(--basketlift-bg, transparent); }
.name { font-weight: 600; overflow-wrap: anywhere; }
.price { white-space: nowrap; font-variant-numeric: tabular-nums; }
.reason { grid-column: 1; font-size: .85em; color: var(--basketlift-muted, #5b6472); overflow-wrap: anywhere; }
button { grid-column: 2; grid-row: 2; font: inherit; cursor: pointer; padding: .3em .9em; border: 0;
  border-radius: var(--basketlift-radius, 8px); background: var(--basketlift-accent, #1f6feb); color: var(--basketlift-on-accent, #fff); }
button:hover { filter: brightness(1.1); }
button:focus-visible { outline: 3px solid var(--basketlift-focus, #f5a623); outline-offset: 2px; }
.note { margin: 0; color: var(--basketlift-muted, #5b6472); font-size: .9em; }
.status { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
li.has-image { grid-template-columns: auto 1fr auto; }
li.has-image .name, li.has-image .reason { grid-column: 2; }
li.has-image .price { grid-column: 3; grid-row: 1; }
li.has-image button { grid-column: 3; }
.image { grid-row: 1 / span 2; width: var(--basketlift-image-size, 56px); height: var(--basketlift-image-size, 56px);
  border-radius: calc(var(--basketlift-radius, 8px) - 2px); object-fit: cover; display: grid; place-items: center;
  font-weight: 700; font-size: 1.1em; color: #fff; letter-spacing: .02em; overflow: hidden; }
.bundle li { grid-template-columns: auto auto 1fr auto; }
.bundle li .name { grid-column: 3; }
.bundle li .reason { grid-column: 3; }
.bundle li .price { grid-column: 4; grid-row: 1; }
.bundle li input { grid-row: 1 / span 2; width: 1.2em; height: 1.2em; margin: 0; }
.bundle li .image { grid-column: 2; }
.bundle .add-all { margin-top: .6em; width: 100%; padding: .55em .9em; }
.bundle .add-all:disabled { opacity: .55; cursor: default; }
`;

let sheet; // one constructed stylesheet shared by every widget on the page
function styleFor(shadow) {
  if ('adoptedStyleSheets' in shadow && typeof CSSStyleSheet === 'function') {
    try {
      sheet ??= new CSSStyleSheet();
      if (!sheet.cssRules.length) sheet.replaceSync(CSS);
      shadow.adoptedStyleSheets = [sheet];
      return;
    } catch {
      // older engines: fall through to a <style> element
    }
  }
  const style = document.createElement('style');
  style.textContent = CSS;
  shadow.append(style);
}

function el(tag, attrs = {}, text) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  if (text !== undefined) node.textContent = text; // never innerHTML: names are data
  return node;
}

let nextId = 0;

// Catalog names are often ALL CAPS ("LUNCH BAG RED RETROSPOT"); shoppers read "Lunch Bag Red
// Retrospot". Display only: ids and data are untouched. Mixed-case names are left as written.
export function titleCase(name) {
  if (typeof name !== 'string' || name !== name.toUpperCase()) return name;
  return name.toLowerCase().replace(/(^|[\s\-/(])([a-z])/g, (m, before, c) => before + c.toUpperCase());
}
const sentenceCase = (name) => {
  if (typeof name !== 'string' || name !== name.toUpperCase()) return name;
  const lower = name.toLowerCase();
  return lower.charAt(0).toUpperCase() + lower.slice(1);
};

// A placeholder image: the name's initials on a colour picked from the id, so the same product
// always looks the same. Styled through the CSSOM, which a strict style-src allows.
function placeholder(id, label) {
  const node = el('span', { class: 'image', part: 'image', 'aria-hidden': 'true' });
  let hash = 0;
  for (let i = 0; i < id.length; i++) hash = (Math.imul(hash, 31) + id.charCodeAt(i)) | 0;
  node.style.background = `hsl(${Math.abs(hash) % 360} 45% 42%)`;
  const words = String(label).split(/\s+/).filter((w) => /^[\p{L}\p{N}]/u.test(w));
  node.textContent = (words.slice(0, 2).map((w) => w[0]).join('') || '?').toUpperCase();
  return node;
}

/**
 * Renders recommendations for the cart (kind 'cross-sell', the default) or pricier substitutes
 * for an item (kind 'upsell') into `element`. Call update() whenever the cart changes, or
 * dispatch `new CustomEvent('basketlift:cart-change')` on document.
 */
export function mountRecommendations(element, rec, options = {}) {
  if (!element || typeof element.appendChild !== 'function') {
    throw new TypeError('basketlift: mountRecommendations needs a DOM element to render into');
  }
  if (!rec || typeof rec.recommend !== 'function') {
    throw new TypeError('basketlift: mountRecommendations needs a Recommender from loadRecommender()');
  }
  for (const key of Object.keys(options)) {
    if (!OPTIONS.has(key)) throw new TypeError(`basketlift: unknown mountRecommendations option '${key}'`);
  }
  const {
    getCart = () => [],
    getItem,
    getHistory,
    getProduct = (id) => (typeof rec.product === 'function' ? rec.product(id) : null),
    getImage,
    getExclude,
    onAdd,
    onAddAll,
    n = 4,
    kind = 'cross-sell',
    filters = {},
    formatPrice = (p) => p.toFixed(2),
    listen = true,
  } = options;
  if (!KINDS.has(kind)) throw new TypeError(`basketlift: unknown widget kind '${kind}' (cross-sell, upsell)`);
  if (kind === 'upsell' && typeof rec.upsell !== 'function') throw new TypeError('basketlift: kind \'upsell\' needs rec.upsell()');
  if (kind === 'bundle' && !getItem) throw new TypeError("basketlift: kind 'bundle' needs getItem (the item on view)");
  const title = options.title ?? { upsell: 'A step up', bundle: 'Frequently bought together', 'cross-sell': 'You may also like' }[kind];
  // Nothing to suggest hides the widget; a caller who wants a sentence instead passes emptyText.
  const emptyText = options.emptyText ?? '';

  // A host of our own, so the caller's element may be anything and destroy() leaves it as found.
  const host = el('div', { 'data-basketlift': kind });
  const shadow = host.attachShadow({ mode: 'open' });
  styleFor(shadow);
  const headingId = `basketlift-${++nextId}`;
  const panel = el('section', { class: kind === 'bundle' ? 'panel bundle' : 'panel', part: 'panel', 'aria-labelledby': headingId });
  const heading = el('h2', { id: headingId, part: 'title' }, title);
  const note = el('p', { class: 'note', part: 'note' });
  const list = el('ul', { part: 'list', role: 'list' });
  const status = el('p', { class: 'status', role: 'status' });
  const addAll = el('button', { type: 'button', class: 'add-all', part: 'add-all' });
  panel.append(heading, note, list, status);
  if (kind === 'bundle') panel.append(addAll);
  shadow.append(panel);
  element.appendChild(host);

  let results = [];
  const name = (id) => getProduct(id)?.name || id;
  // Items never suggested: the caller's (getExclude, e.g. the cart beside a product page) and
  // the filters' own.
  const excluded = () => [...(filters.exclude ?? []), ...(getExclude?.() ?? [])];

  // A sharded bundle's recommender answers with promises (it may fetch parts first); the widget
  // renders when they settle, the newest request winning.
  const then = (value, f) => (typeof value?.then === 'function' ? value.then(f) : f(value));

  function query() {
    if (kind === 'upsell') {
      const cart = getCart();
      const item = getItem ? getItem() : cart[cart.length - 1];
      return { results: item ? rec.upsell(item, { n, ...filters, exclude: excluded() }) : [], from: item };
    }
    if (kind === 'bundle') {
      const item = getItem();
      if (!item) return { results: [] };
      // The viewed item first, then its complements (never what is in the cart already).
      const answer = rec.recommend([item], {
        n, maxPerFamily: DEFAULTS.widget.maxPerFamily, ...filters, exclude: [...excluded(), ...getCart()],
      });
      const results = then(answer, (all) => {
        const complements = all.filter((r) => r.kind !== 'popular');
        return complements.length ? [{ item, kind: 'viewed', because: [] }, ...complements] : [];
      });
      return { results, from: item };
    }
    const history = getHistory?.();
    const options = { n, maxPerFamily: DEFAULTS.widget.maxPerFamily, ...(history ? { history } : {}), ...filters, exclude: excluded() };
    return { results: rec.recommend(getCart(), options) };
  }

  // One reason a shopper can read, naming the strongest cart item; the statistics stay in the
  // results for those who want them.
  function reason(r, from) {
    if (kind === 'upsell') return `A step up from ${sentenceCase(name(from))}`;
    if (r.kind === 'viewed') return 'This item';
    const strongest = r.reason ?? r.because?.[0];
    if (r.kind === 'popular' || !strongest) return 'Popular with other shoppers';
    if (r.kind === 'similar') return `Similar to ${sentenceCase(name(strongest))}`;
    if (r.kind === 'category') return `Goes with ${sentenceCase(name(strongest))}`;
    return `Often bought with ${sentenceCase(name(strongest))}`;
  }

  function image(id, label) {
    const url = getImage?.(id);
    if (!url) return placeholder(id, label);
    const img = el('img', { class: 'image', part: 'image', src: url, alt: '', loading: 'lazy', decoding: 'async' });
    img.addEventListener('error', () => img.replaceWith(placeholder(id, label)), { once: true });
    return img;
  }

  const priceOf = (id) => {
    const p = getProduct(id)?.price;
    return typeof p === 'number' && Number.isFinite(p) ? p : null;
  };

  // The bundle block's button: what the checked items cost together.
  function updateAddAll() {
    const checked = [...list.querySelectorAll('input:checked')].map((box) => box.value);
    const total = checked.reduce((sum, id) => sum + (priceOf(id) ?? 0), 0);
    const all = checked.length === results.length;
    const count = ['', 'one', 'both', 'all three', 'all four'][checked.length] ?? `all ${checked.length}`;
    addAll.textContent = checked.length === 0 ? 'Select items to add'
      : all ? `Add ${count} — ${formatPrice(total)}` : `Add ${checked.length} selected — ${formatPrice(total)}`;
    addAll.disabled = checked.length === 0;
    addAll.dataset.total = String(Math.round(total * 100) / 100);
  }
  addAll.addEventListener('click', () => {
    const chosen = [...list.querySelectorAll('input:checked')].map((box) => box.value);
    if (onAddAll) onAddAll(chosen);
    else for (const id of chosen) onAdd?.(id, results.find((r) => r.item === id));
  });

  let latest = 0;
  function update() {
    let answer;
    try {
      answer = query();
    } catch (e) {
      answer = { error: e.message };
    }
    if (typeof answer.results?.then !== 'function') return render(answer);
    const request = ++latest;
    return answer.results.then(
      (r) => (request === latest ? render({ ...answer, results: r }) : results),
      (e) => (request === latest ? render({ error: e.message }) : results),
    );
  }

  function render(answer) {
    // Keep keyboard focus on the same row when a click on "Add" makes the list re-render.
    const focused = [...list.querySelectorAll('button')].indexOf(shadow.activeElement);
    results = answer.results ?? [];
    list.replaceChildren(
      ...results.map((r) => {
        const product = getProduct(r.item);
        const label = titleCase(product?.name || r.item);
        const li = el('li', { part: 'item', 'data-item': r.item, class: 'has-image' });
        const price = priceOf(r.item);
        if (kind === 'bundle') {
          const box = el('input', { type: 'checkbox', value: r.item, 'aria-label': `Include ${label}` });
          box.checked = true;
          box.addEventListener('change', updateAddAll);
          li.append(box);
        }
        li.append(
          image(r.item, label),
          el('span', { class: 'name', part: 'name' }, label),
          el('span', { class: 'price', part: 'price' }, price === null ? '' : formatPrice(price)),
          el('span', { class: 'reason', part: 'reason' }, reason(r, answer.from)),
        );
        if (onAdd && kind !== 'bundle') {
          const add = el('button', { type: 'button', part: 'add', 'aria-label': `Add ${label} to cart` }, 'Add');
          add.addEventListener('click', () => onAdd(r.item, r));
          li.append(add);
        }
        return li;
      }),
    );
    if (kind === 'bundle') updateAddAll();
    note.textContent = answer.error ? `Could not score: ${answer.error}` : results.length ? '' : emptyText;
    note.hidden = !note.textContent;
    // Empty sections are hidden, not announced.
    host.hidden = !results.length && !note.textContent;
    status.textContent = `${results.length} suggestion${results.length === 1 ? '' : 's'}`;
    if (focused >= 0) {
      const buttons = list.querySelectorAll('button');
      (buttons[Math.min(focused, buttons.length - 1)] ?? heading).focus?.();
    }
    element.dispatchEvent(new CustomEvent(RENDER_EVENT, { detail: { kind, results } }));
    return results;
  }

  const onCartChange = () => update();
  if (listen && typeof document !== 'undefined') document.addEventListener(CART_CHANGE_EVENT, onCartChange);
  heading.tabIndex = -1; // a focus target when the last button disappears
  update();

  return {
    update,
    get results() {
      return results;
    },
    destroy() {
      if (typeof document !== 'undefined') document.removeEventListener(CART_CHANGE_EVENT, onCartChange);
      host.remove();
    },
  };
}
