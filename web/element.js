// <basketlift-recommendations>: the widget as a custom element, for plain HTML, theme systems and
// any framework. Importing this module (or loading basketlift.global.js) defines it.
//
//   <basketlift-recommendations bundle="/rules.blb" n="4" kind="cross-sell"
//       cart="85123A,84879"></basketlift-recommendations>
//
// The cart comes from the `cart` attribute or property, or from the platform (`cart-source`
// "shopify" or "woocommerce", items keyed by `id-field`), read again on every
// `basketlift:cart-change` event. "Add" dispatches a bubbling `basketlift:add` event.
import { CART_CHANGE_EVENT, loadRecommender, mountRecommendations } from 'basketlift';
import { shopifyCart, wooCommerceCart } from './adapters.js';

export const ADD_EVENT = 'basketlift:add';
export const ERROR_EVENT = 'basketlift:error';
const SOURCES = { shopify: shopifyCart, woocommerce: wooCommerceCart };

// One Recommender per bundle URL, shared by every element on the page.
const recommenders = new Map();
function recommenderFor(url, wasm) {
  const key = `${url}\n${wasm ?? ''}`;
  if (!recommenders.has(key)) {
    const loading = loadRecommender(url, wasm ? { wasm } : undefined);
    loading.catch(() => recommenders.delete(key));
    recommenders.set(key, loading);
  }
  return recommenders.get(key);
}

const Base = typeof HTMLElement === 'function' ? HTMLElement : class {};

export class RecommendationsElement extends Base {
  static observedAttributes = ['bundle', 'wasm', 'n', 'kind', 'item', 'cart', 'cart-source', 'id-field', 'title'];
  #cart = [];
  #rec = null;
  #widget = null;
  #generation = 0; // a newer load makes an older one's result stale
  #onCartChange = () => this.#refreshCart();

  get cart() {
    return this.#cart.slice();
  }
  set cart(list) {
    if (!Array.isArray(list)) throw new TypeError('basketlift: cart must be an array of item ids');
    this.#cart = list.map(String);
    this.#widget?.update();
  }
  // The Recommender once loaded (null before), for pages that want more than the widget shows.
  get recommender() {
    return this.#rec;
  }

  connectedCallback() {
    document.addEventListener(CART_CHANGE_EVENT, this.#onCartChange);
    if (this.hasAttribute('cart')) this.#cart = parseList(this.getAttribute('cart'));
    this.#load();
  }

  disconnectedCallback() {
    document.removeEventListener(CART_CHANGE_EVENT, this.#onCartChange);
    this.#generation++;
    this.#widget?.destroy();
    this.#widget = null;
  }

  attributeChangedCallback(name, before, after) {
    if (!this.isConnected || before === after) return;
    if (name === 'cart') {
      this.#cart = parseList(after);
      this.#widget?.update();
    } else if (name === 'bundle' || name === 'wasm') {
      this.#load();
    } else if (name === 'cart-source' || name === 'id-field') {
      this.#refreshCart();
    } else {
      this.#mount();
    }
  }

  async #load() {
    const generation = ++this.#generation;
    const url = this.getAttribute('bundle');
    if (!url) return this.#fail(new Error('basketlift: <basketlift-recommendations> needs a bundle attribute'));
    try {
      const rec = await recommenderFor(new URL(url, document.baseURI).href, this.getAttribute('wasm'));
      if (generation !== this.#generation) return;
      this.#rec = rec;
      this.#mount();
      await this.#refreshCart();
    } catch (e) {
      if (generation === this.#generation) this.#fail(e);
    }
  }

  #mount() {
    if (!this.#rec) return;
    this.#widget?.destroy();
    const n = Number(this.getAttribute('n') ?? 4);
    const kind = this.getAttribute('kind') ?? 'cross-sell';
    const item = this.getAttribute('item');
    const title = this.getAttribute('title');
    this.hidden = false;
    this.#widget = mountRecommendations(this, this.#rec, {
      getCart: () => this.#cart,
      ...(item ? { getItem: () => item } : {}),
      n: Number.isInteger(n) && n > 0 ? n : 4,
      kind,
      ...(title ? { title } : {}),
      listen: false,
      onAdd: (id, result) => this.dispatchEvent(new CustomEvent(ADD_EVENT, { bubbles: true, composed: true, detail: { item: id, result } })),
    });
  }

  async #refreshCart() {
    const source = this.getAttribute('cart-source');
    if (source) {
      const read = SOURCES[source];
      if (!read) return this.#fail(new Error(`basketlift: unknown cart-source ${JSON.stringify(source)} (shopify, woocommerce)`));
      try {
        const idField = this.getAttribute('id-field') ?? undefined;
        this.#cart = await read(idField ? { idField } : {});
      } catch (e) {
        return this.#fail(e);
      }
    }
    this.#widget?.update();
  }

  // A storefront must not show a broken box: hide it, say why on the console and in an event.
  #fail(error) {
    this.hidden = true;
    console.error(error);
    this.dispatchEvent(new CustomEvent(ERROR_EVENT, { bubbles: true, composed: true, detail: { error } }));
  }
}

function parseList(text) {
  return (text ?? '').split(',').map((s) => s.trim()).filter(Boolean);
}

export function defineRecommendationsElement(name = 'basketlift-recommendations') {
  if (typeof customElements !== 'undefined' && !customElements.get(name)) {
    customElements.define(name, class extends RecommendationsElement {});
  }
}

defineRecommendationsElement();
