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

const KINDS = new Set(['cross-sell', 'upsell']);
const OPTIONS = new Set(['getCart', 'getItem', 'getHistory', 'getProduct', 'onAdd', 'n', 'kind', 'title',
  'filters', 'formatPrice', 'emptyText', 'listen']);

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
    onAdd,
    n = 4,
    kind = 'cross-sell',
    filters = {},
    formatPrice = (p) => p.toFixed(2),
    listen = true,
  } = options;
  if (!KINDS.has(kind)) throw new TypeError(`basketlift: unknown widget kind '${kind}' (cross-sell, upsell)`);
  if (kind === 'upsell' && typeof rec.upsell !== 'function') throw new TypeError('basketlift: kind \'upsell\' needs rec.upsell()');
  const title = options.title ?? (kind === 'upsell' ? 'Upgrade' : 'Frequently bought together');
  const emptyText = options.emptyText ?? (kind === 'upsell' ? 'No upgrade for this item.' : 'Add something to your cart to see suggestions.');

  // A host of our own, so the caller's element may be anything and destroy() leaves it as found.
  const host = el('div', { 'data-basketlift': kind });
  const shadow = host.attachShadow({ mode: 'open' });
  styleFor(shadow);
  const headingId = `basketlift-${++nextId}`;
  const panel = el('section', { class: 'panel', part: 'panel', 'aria-labelledby': headingId });
  const heading = el('h2', { id: headingId, part: 'title' }, title);
  const note = el('p', { class: 'note', part: 'note' });
  const list = el('ul', { part: 'list', role: 'list' });
  const status = el('p', { class: 'status', role: 'status' });
  panel.append(heading, note, list, status);
  shadow.append(panel);
  element.appendChild(host);

  let results = [];
  const name = (id) => getProduct(id)?.name || id;

  function query() {
    if (kind === 'upsell') {
      const cart = getCart();
      const item = getItem ? getItem() : cart[cart.length - 1];
      return { results: item ? rec.upsell(item, { n, ...filters }) : [], from: item };
    }
    const history = getHistory?.();
    const options = { n, maxPerFamily: DEFAULTS.widget.maxPerFamily, ...(history ? { history } : {}), ...filters };
    return { results: rec.recommend(getCart(), options) };
  }

  function reason(r, from) {
    if (kind === 'upsell') return `upgrade from ${name(from)}${r.priceRatio ? ` — ×${r.priceRatio.toFixed(1)} the price` : ''}`;
    if (r.kind === 'popular' || !r.because?.length) return 'popular with other shoppers';
    if (r.kind === 'similar') return `like ${r.because.map(name).join(' and ')}`;
    if (r.kind === 'category') {
      const category = getProduct(r.item)?.category;
      return `goes with ${r.because.map(name).join(' and ')}${category ? ` — popular ${category.toLowerCase()}` : ''}`;
    }
    return `because you have ${r.because.map(name).join(' and ')} — lift ${r.lift.toFixed(1)}`;
  }

  function update() {
    // Keep keyboard focus on the same row when a click on "Add" makes the list re-render.
    const focused = [...list.querySelectorAll('button')].indexOf(shadow.activeElement);
    let answer;
    try {
      answer = query();
    } catch (e) {
      answer = { error: e.message };
    }
    results = answer.results ?? [];
    list.replaceChildren(
      ...results.map((r) => {
        const product = getProduct(r.item);
        const label = product?.name || r.item;
        const li = el('li', { part: 'item', 'data-item': r.item });
        const add = el('button', { type: 'button', part: 'add', 'aria-label': `Add ${label} to cart` }, 'Add');
        add.addEventListener('click', () => onAdd?.(r.item, r));
        li.append(
          el('span', { class: 'name', part: 'name' }, label),
          el('span', { class: 'price', part: 'price' }, typeof product?.price === 'number' ? formatPrice(product.price) : ''),
          el('span', { class: 'reason', part: 'reason' }, reason(r, answer.from)),
        );
        if (onAdd) li.append(add);
        return li;
      }),
    );
    note.textContent = answer.error ? `Could not score: ${answer.error}` : results.length ? '' : emptyText;
    note.hidden = !note.textContent;
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
