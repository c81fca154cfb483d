// Entry point `basketlift/sharded` for Node: node.js plus sharded bundles
// (loadRecommender('…/manifest.json')), on the wasm build that can merge their parts.
import wasmBase64 from '../build/wasm/wasm-sharded-inline.js';
import { nodeEnv } from './node-env.js';
import { load } from './recommender.js';
import { loadSharded } from './sharded.js';

export { BundleChecksumError, BundleError, BundleTooLargeError, WasmError } from './errors.js';
export { mountRecommendations, titleCase, CART_CHANGE_EVENT, RENDER_EVENT } from './widget.js';
export { ShardedRecommender } from './sharded.js';

const env = { ...nodeEnv(wasmBase64), loadSharded };

export function loadRecommender(bundle, options) {
  return load(env, bundle, options);
}
