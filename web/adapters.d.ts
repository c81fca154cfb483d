// Types for basketlift/adapters: the shopper's cart from a platform's public cart API.

export interface CartAdapterOptions<Field extends string> {
  /** The shop's root URL (default `/`, against the page). */
  root?: string;
  /** Which field of a line item is the bundle's item id (default `'sku'`). */
  idField?: Field;
  /** Used instead of the global `fetch`. */
  fetch?: (url: string, init?: object) => Promise<{ ok: boolean; status: number; json(): Promise<unknown> }>;
}

/** Shopify's AJAX API (`GET /cart.js`): the cart's ids, in cart order, each once. */
export function shopifyCart(options?: CartAdapterOptions<'sku' | 'variant' | 'product'>): Promise<string[]>;

/** WooCommerce's Store API (`GET /wp-json/wc/store/v1/cart`): the cart's ids, in cart order, each once. */
export function wooCommerceCart(options?: CartAdapterOptions<'sku' | 'id'>): Promise<string[]>;
