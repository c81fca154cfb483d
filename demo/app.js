// The demo storefront. It uses the basketlift package only through its public API, exactly as a
// shop would: `import … from 'basketlift/sharded'`, resolved by esbuild to the package's browser
// build for sharded bundles: the page fetches the parts of the bundle its cart needs.
import { loadRecommender, mountRecommendations } from 'basketlift/sharded';
import { $, formatInt, formatPrice, note, timeMicros } from './dom.js';
import { createCart, renderCart } from './cart.js';
import { mountCatalog } from './catalog.js';
import { createDetail } from './detail.js';
import { mountRestock } from './restock.js';
import { mountRules } from './rules.js';

const showTime = ({ micros, calls }, what) => {
  $('stat-score').textContent = `${micros < 10 ? micros.toFixed(2) : micros.toFixed(0)} µs`;
  $('stat-score-what').textContent = `${what}, mean of ${formatInt(calls)} calls`;
};

const getJson = (url) => fetch(url).then((r) => (r.ok ? r.json() : Promise.reject(new Error(`${url}: HTTP ${r.status}`))));

// Bytes the page fetched (compressed, as on the wire), from Resource Timing: for one URL, or for
// every URL under a prefix.
function transferred(url) {
  const entry = performance.getEntriesByName(new URL(url, location.href).href).at(-1);
  return entry?.transferSize || entry?.encodedBodySize || 0;
}
function transferredUnder(prefix) {
  const base = new URL(prefix, location.href).href;
  return performance.getEntriesByType('resource')
    .filter((e) => e.name.startsWith(base))
    .reduce((sum, e) => sum + (e.transferSize || e.encodedBodySize || 0), 0);
}

async function main() {
  // The shop first: products.json is small, so the grid and the cart work while the bundle (the
  // largest download) is still on its way; suggestions show a placeholder meanwhile.
  // Postage, fees and adjustments are in the order log but are not for sale: the catalog flags
  // them (basketlift catalog) and the shop leaves them out, as the recommender does.
  const { products: all, categories } = await getJson('products.json');
  const products = all.filter((p) => p.recommendable !== false);
  const byId = new Map(products.map((p) => [p.item, p]));
  const product = (id) => byId.get(id) ?? null;
  const cart = createCart();
  const detail = createDetail(product, cart);
  cart.subscribe(() => renderCart(cart, product, detail.open));
  renderCart(cart, product, detail.open);
  $('cart-clear').addEventListener('click', () => cart.clear());
  mountCatalog(products, categories, { cart, openDetail: detail.open });
  setupTabs({});
  document.body.dataset.shop = 'ready'; // for the end-to-end tests

  const t0 = performance.now();
  let rec;
  let customers;
  try {
    [rec, customers] = await Promise.all([loadRecommender('shards/manifest.json', { prefetch: cart.lines().map(([id]) => id) }), getJson('customers.json').catch(() => [])]);
  } catch (e) {
    // The shop stays usable; only the suggestions are missing, and the page says so.
    $('fbt').replaceChildren();
    note($('suggestions-error'), 'Suggestions are unavailable right now. The shop works as usual.');
    $('stat-bundle').textContent = `failed: ${e.message}`;
    document.body.dataset.ready = 'failed';
    throw e;
  }
  const t1 = performance.now();
  const m = rec.manifest;
  $('stat-bundle').textContent = `${formatInt(m.items)} items in ${formatInt(m.shards)} shards · ${(m.bytes / 1e6).toFixed(2)} MB on the server`;
  $('stat-load').textContent = `${(t1 - t0).toFixed(0)} ms`;
  // What this page fetched for suggestions so far: the wasm, the manifest and the bundle's parts.
  const showFetched = () => {
    const kb = (transferred('basketlift-sharded.wasm') + transferredUnder('shards/')) / 1e3;
    $('stat-fetched').textContent = `${kb.toFixed(0)} KB (${formatInt(rec.transfer.files)} parts)`;
  };
  showFetched();
  if (!rec.info.catalog) note($('catalog-note'), 'This bundle was mined without --catalog: items show as ids, without prices.');

  detail.attach(rec);
  // The package's widget; it re-renders itself on the cart's change event.
  $('fbt').replaceChildren();
  mountRecommendations($('fbt'), rec, { getCart: cart.ids, onAdd: (id) => cart.add(id), n: 4, getProduct: product, formatPrice });
  // Timed on the parts already here (fetching is not scoring): after the widget's own request.
  const timeCart = async () => {
    const ids = cart.ids();
    const answer = await rec.recommend(ids, { n: 4 });
    // Not timed when a part could not be had (the widget says so), or the cart changed meanwhile.
    if (answer.complete === false || answer.unavailable || ids.join() !== cart.ids().join()) return showFetched();
    try {
      showTime(timeMicros(() => rec.recommendLoaded(ids, { n: 4 })), `recommend(), ${ids.length} in cart`);
    } catch {
      // Another request's parts pushed this cart's out of the cache meanwhile: timed next time.
    }
    showFetched();
  };
  cart.subscribe(timeCart);
  timeCart();

  const restock = mountRestock(rec, customers, { product, cart, onTimed: (t) => showTime(t, 'nextPurchases()') });
  // The rules explorer shows every rule: it loads the whole bundle file, when first opened.
  const rules = mountRules(() => loadRecommender('rules.blb'), { product, openDetail: detail.open });
  setupTabs({ restock, rules });
  document.body.dataset.ready = 'true'; // for the end-to-end tests
}

// WAI-ARIA tabs: arrow keys move between tabs, Tab moves into the panel. The URL hash keeps the view.
let onShow = {};
let tabsReady = false;
function setupTabs(handlers) {
  onShow = handlers;
  const tabs = [...document.querySelectorAll('[role="tab"]')];
  if (tabsReady) {
    // The views became ready: show the current one again so it renders.
    const current = tabs.find((t) => t.getAttribute('aria-selected') === 'true');
    onShow[current.id.slice(4)]?.();
    return;
  }
  tabsReady = true;
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
  if (document.body.dataset.shop !== 'ready') note($('load-error'), `The shop could not start: ${e.message}`);
  throw e;
});
