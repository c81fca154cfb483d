// Entry point for browsers, workers and bundlers (the `browser` and `default` export
// conditions): URLs are fetched, relative ones against the page.
import { browserEnv } from './browser-env.js';
import { load } from './recommender.js';

export { BundleChecksumError, BundleError, BundleTooLargeError, WasmError } from './errors.js';
export { mountRecommendations, titleCase, CART_CHANGE_EVENT, RENDER_EVENT } from './widget.js';

// Bundlers rewrite this expression into wherever they emitted the asset; some leave a path
// without an origin ("/_next/static/media/…") or an empty import.meta.url, which is resolved
// against the page instead.
function packageWasmUrl() {
  try {
    return new URL('./basketlift.wasm', import.meta.url);
  } catch {
    return './basketlift.wasm';
  }
}

const env = browserEnv(packageWasmUrl, () => import('./wasm-inline.js'), 'basketlift.wasm');

export function loadRecommender(bundle, options) {
  return load(env, bundle, options);
}
