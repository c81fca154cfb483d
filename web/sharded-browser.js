// Entry point `basketlift/sharded` for browsers, workers and bundlers: the browser API plus
// sharded bundles (loadRecommender('…/manifest.json')), on the wasm build that can merge their
// parts. A page loading one bundle file uses `basketlift` and does not download that code.
import { browserEnv } from './browser-env.js';
import { load } from './recommender.js';
import { loadSharded } from './sharded.js';

export { BundleChecksumError, BundleError, BundleTooLargeError, WasmError } from './errors.js';
export { mountRecommendations, titleCase, CART_CHANGE_EVENT, RENDER_EVENT } from './widget.js';
export { ShardedRecommender } from './sharded.js';

function packageWasmUrl() {
  try {
    return new URL('./basketlift-sharded.wasm', import.meta.url);
  } catch {
    return './basketlift-sharded.wasm';
  }
}

const env = {
  ...browserEnv(packageWasmUrl, () => import('./wasm-sharded-inline.js'), 'basketlift-sharded.wasm'),
  loadSharded,
};

export function loadRecommender(bundle, options) {
  return load(env, bundle, options);
}
