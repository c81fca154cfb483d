// Cart adapters against a local server answering in each platform's documented shape: Shopify's
// AJAX API (GET /cart.js) and WooCommerce's Store API (GET /wp-json/wc/store/v1/cart).
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import test from 'node:test';
import { dist } from './helpers.mjs';

const { shopifyCart, wooCommerceCart } = await import(`${dist}/adapters.js`);

// Trimmed from the platforms' documentation: the fields the adapters read plus some they ignore.
const SHOPIFY = {
  token: 'c1-abc', item_count: 4, currency: 'GBP',
  items: [
    { id: 39072856, variant_id: 39072856, product_id: 7012, sku: '85123A', quantity: 2, title: 'Heart T-light holder - White' },
    { id: 39072857, variant_id: 39072857, product_id: 7013, sku: '84879', quantity: 1, title: 'Bird ornament' },
    { id: 39072858, variant_id: 39072858, product_id: 7012, sku: '85123B', quantity: 1, title: 'Heart T-light holder - Red' },
    { id: 39072859, variant_id: 39072859, product_id: 7020, sku: null, quantity: 1, title: 'Gift wrap' },
  ],
};
const WOO = {
  items_count: 3,
  items: [
    { key: 'a1b2', id: 101, sku: '22423', quantity: 1, name: 'Regency cakestand', variation: [] },
    { key: 'c3d4', id: 205, sku: '', quantity: 1, name: 'Tote', variation: [{ attribute: 'Colour', value: 'Red' }] },
    { key: 'e5f6', id: 101, sku: '22423', quantity: 2, name: 'Regency cakestand', variation: [] },
  ],
  totals: { total_price: '3495', currency_code: 'GBP' },
};

async function withShop(t, routes) {
  const seen = [];
  const server = createServer((req, res) => {
    seen.push(req.url);
    const body = routes[new URL(req.url, 'http://x').pathname];
    if (body === undefined) return res.writeHead(404).end('not found');
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  t.after(() => server.close());
  return { root: `http://127.0.0.1:${server.address().port}/shop/`, seen };
}

test('Shopify /cart.js: ids by SKU, variant or product, in cart order, each once', async (t) => {
  const { root, seen } = await withShop(t, { '/shop/cart.js': SHOPIFY });
  assert.deepEqual(await shopifyCart({ root }), ['85123A', '84879', '85123B']); // the line without a SKU is left out
  assert.deepEqual(await shopifyCart({ root, idField: 'variant' }), ['39072856', '39072857', '39072858', '39072859']);
  assert.deepEqual(await shopifyCart({ root, idField: 'product' }), ['7012', '7013', '7020']);
  assert.deepEqual(seen, ['/shop/cart.js', '/shop/cart.js', '/shop/cart.js']);
  await assert.rejects(shopifyCart({ root, idField: 'title' }), /idField must be one of sku, variant, product/);
});

test('WooCommerce Store API: ids by SKU or id, each once', async (t) => {
  const { root } = await withShop(t, { '/shop/wp-json/wc/store/v1/cart': WOO });
  assert.deepEqual(await wooCommerceCart({ root }), ['22423']);
  assert.deepEqual(await wooCommerceCart({ root, idField: 'id' }), ['101', '205']);
});

test('a shop that does not answer with a cart is an error naming the URL', async (t) => {
  const { root } = await withShop(t, { '/shop/cart.js': { error: 'nope' } });
  await assert.rejects(shopifyCart({ root }), /\/shop\/cart\.js did not answer with a cart/);
  await assert.rejects(wooCommerceCart({ root }), /wp-json\/wc\/store\/v1\/cart: HTTP 404/);
});
