// The demo storefront. It uses the basketlift package only through its public API, exactly as a
// shop would: `import … from 'basketlift'`, resolved by esbuild to the package's browser build.
import { loadRecommender, mountRecommendations } from 'basketlift';
import { $, formatInt, formatPrice, note, timeMicros } from './dom.js';
import { createCart, renderCart } from './cart.js';
import { mountCatalog } from './catalog.js';
import { createDetail } from './detail.js';
import { mountRestock } from './restock.js';
import { mountRules } from './rules.js';

const showTime = ({ micros, calls }, what) => {
  $('stat-score').textContent = `${micros < 10 ? micros.toFixed(2) : micros.toFixed(0)} µs`;
  $('stat-score-what').textContent = what;
  $('stat-score').parentElement.title = `mean of ${formatInt(calls)} calls`;
};

async function main() {
  // Download and load are timed apart: the first is the network, the second is basketlift
  // (wasm compile on first use, bundle validation and indexing).
  const t0 = performance.now();
  const [bytes, customers] = await Promise.all([
    fetch('rules.blb').then((r) => (r.ok ? r.arrayBuffer() : Promise.reject(new Error(`rules.blb: HTTP ${r.status}`)))),
    fetch('customers.json').then((r) => (r.ok ? r.json() : [])),
  ]);
  const t1 = performance.now();
  const rec = await loadRecommender(new Uint8Array(bytes));
  const t2 = performance.now();
  $('stat-bundle').textContent = `${formatInt(rec.info.rules.total)} rules · ${formatInt(rec.info.items)} items · ${(rec.info.bytes / 1e6).toFixed(1)} MB`;
  $('stat-load').textContent = `${(t2 - t1).toFixed(1)} ms`;
  $('stat-load-what').textContent = `+ ${(t1 - t0).toFixed(0)} ms download`;
  $('stat-load').parentElement.title = 'loadRecommender(bytes): wasm compile on first use, bundle validation, indexing';

  // The bundle carries the catalog: names, categories, prices and popularity for every item.
  const products = rec.products();
  const byId = new Map(products.map((p) => [p.item, p]));
  const product = (id) => byId.get(id) ?? null;
  if (!rec.info.catalog) note($('catalog-note'), 'This bundle was mined without --catalog: items show as ids, without prices.');

  const cart = createCart();
  const openDetail = createDetail(rec, product, cart);
  cart.subscribe(() => renderCart(cart, product, openDetail));
  renderCart(cart, product, openDetail);
  mountCatalog(products, rec.categories(), { cart, openDetail });

  // The package's widget; it re-renders itself on the cart's change event.
  mountRecommendations($('fbt'), rec, { getCart: cart.ids, onAdd: (id) => cart.add(id), n: 5, getProduct: product, formatPrice });
  const timeCart = () => showTime(timeMicros(() => rec.recommend(cart.ids(), { n: 5 })), `recommend(), ${cart.ids().length} in cart`);
  cart.subscribe(timeCart);
  timeCart();

  const restock = mountRestock(rec, customers, { product, cart, onTimed: (t) => showTime(t, 'nextPurchases()') });
  const rules = mountRules(rec, { product, openDetail });
  setupTabs({ restock, rules });
  document.body.dataset.ready = 'true'; // for the end-to-end tests
}

// WAI-ARIA tabs: arrow keys move between tabs, Tab moves into the panel. The URL hash keeps the view.
function setupTabs(onShow) {
  const tabs = [...document.querySelectorAll('[role="tab"]')];
  function select(tab, focus) {
    for (const t of tabs) {
      const on = t === tab;
      t.setAttribute('aria-selected', on);
      t.tabIndex = on ? 0 : -1;
      $(t.getAttribute('aria-controls')).hidden = !on;
    }
    if (focus) tab.focus();
    const name = tab.id.slice(4);
    document.body.dataset.view = name;
    history.replaceState(null, '', name === 'shop' ? location.pathname : `#${name}`);
    onShow[name]?.();
  }
  tabs.forEach((tab, i) => {
    tab.addEventListener('click', () => select(tab));
    tab.addEventListener('keydown', (e) => {
      const to = { ArrowRight: i + 1, ArrowLeft: i - 1, Home: 0, End: tabs.length - 1 }[e.key];
      if (to === undefined) return;
      e.preventDefault();
      select(tabs[(to + tabs.length) % tabs.length], true);
    });
  });
  select(tabs.find((t) => `#${t.id.slice(4)}` === location.hash) ?? tabs[0]);
}

main().catch((e) => {
  note($('load-error'), `The demo could not start: ${e.message}`);
  $('stat-bundle').textContent = 'failed';
  throw e;
});
