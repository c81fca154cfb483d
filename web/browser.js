// Entry point for browsers, workers and bundlers (the `browser` and `default` export
// conditions): URLs are fetched, relative ones against the page.
import { fetchBytes, load } from './recommender.js';

export { BundleChecksumError, BundleError, BundleTooLargeError, WasmError } from './errors.js';
export { mountRecommendations, CART_CHANGE_EVENT, RENDER_EVENT } from './widget.js';

const env = {
  resolve: (s) => new URL(s, globalThis.document?.baseURI ?? globalThis.location?.href),
  read: (url, fetch, what, limits) => fetchBytes(url, fetch, what, limits),
};

export function loadRecommender(bundle, options) {
  return load(env, bundle, options);
}
