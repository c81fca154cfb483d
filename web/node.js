// Entry point for Node (the `node` export condition): file: URLs and plain paths are read from
// disk, http(s) URLs fetched.
import wasmBase64 from '../build/wasm/wasm-inline.js';
import { nodeEnv } from './node-env.js';
import { load } from './recommender.js';

export { BundleChecksumError, BundleError, BundleTooLargeError, WasmError } from './errors.js';
export { mountRecommendations, titleCase, CART_CHANGE_EVENT, RENDER_EVENT } from './widget.js';

const env = nodeEnv(wasmBase64);

export function loadRecommender(bundle, options) {
  return load(env, bundle, options);
}
