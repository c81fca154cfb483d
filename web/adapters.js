// Cart adapters: the shopper's cart from the two most common platforms' public cart APIs, as the
// item ids a bundle knows. A bundle mined from a platform's order export keys items by SKU, by
// variant or by product id; `idField` says which (the same choice the mining made).

const SHOPIFY_FIELDS = { sku: 'sku', variant: 'variant_id', product: 'product_id' };
const WOO_FIELDS = { sku: 'sku', id: 'id' };

// Shopify's AJAX API: GET {root}cart.js -> { items: [{ variant_id, product_id, sku, quantity, … }] }.
export async function shopifyCart(options = {}) {
  const { root = '/', idField = 'sku', fetch = globalThis.fetch } = options;
  const field = pick(SHOPIFY_FIELDS, idField, 'shopifyCart');
  const url = new URL('cart.js', absolute(root));
  return ids(await getJson(fetch, url, 'Shopify cart'), field, url);
}

// WooCommerce Store API: GET {root}wp-json/wc/store/v1/cart -> { items: [{ id, sku, quantity, … }] }
// (`id` is the variation's id for a variable product).
export async function wooCommerceCart(options = {}) {
  const { root = '/', idField = 'sku', fetch = globalThis.fetch } = options;
  const field = pick(WOO_FIELDS, idField, 'wooCommerceCart');
  const url = new URL('wp-json/wc/store/v1/cart', absolute(root));
  return ids(await getJson(fetch, url, 'WooCommerce cart'), field, url);
}

function pick(fields, idField, what) {
  if (!Object.hasOwn(fields, idField)) {
    throw new TypeError(`basketlift: ${what} idField must be one of ${Object.keys(fields).join(', ')}, got ${JSON.stringify(idField)}`);
  }
  return fields[idField];
}

function absolute(root) {
  const base = globalThis.document?.baseURI ?? globalThis.location?.href;
  const url = new URL(String(root), base);
  if (!url.pathname.endsWith('/')) url.pathname += '/';
  return url;
}

async function getJson(fetch, url, what) {
  if (typeof fetch !== 'function') throw new Error(`basketlift: no fetch() to read the ${what} from ${url}`);
  const response = await fetch(url.href, { headers: { accept: 'application/json' }, credentials: 'same-origin' });
  if (!response.ok) throw new Error(`basketlift: could not read the ${what} from ${url}: HTTP ${response.status}`);
  return response.json();
}

// One id per line item, in cart order, each once (two lines of one product are one cart item);
// lines without the field (a product without a SKU) are left out: the bundle cannot know them.
function ids(cart, field, url) {
  if (!cart || !Array.isArray(cart.items)) throw new Error(`basketlift: ${url} did not answer with a cart ({ items: [...] })`);
  const out = [];
  const seen = new Set();
  for (const line of cart.items) {
    const value = line?.[field];
    if (value === null || value === undefined || value === '') continue;
    const id = String(value);
    if (!seen.has(id)) {
      seen.add(id);
      out.push(id);
    }
  }
  return out;
}
