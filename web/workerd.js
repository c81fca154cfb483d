// Entry point for Cloudflare Workers and other workerd runtimes (the `workerd` export condition,
// which wrangler resolves). A worker may not compile wasm from bytes at run time, so the wasm is
// imported as a module: wrangler's default rule turns `*.wasm` into a WebAssembly.Module.
import wasmModule from './basketlift.wasm';
import { fetchBytes, load } from './recommender.js';

export { BundleChecksumError, BundleError, BundleTooLargeError, WasmError } from './errors.js';
export { mountRecommendations, titleCase, CART_CHANGE_EVENT, RENDER_EVENT } from './widget.js';

const env = {
  packageWasm: async () => wasmModule,
  // A worker has no page to resolve a relative URL against.
  resolve(s) {
    try {
      return new URL(s);
    } catch {
      throw new TypeError(`basketlift: "${s}" is not an absolute URL (a worker has no page to resolve it against)`);
    }
  },
  read: (url, fetch, what, limits) => fetchBytes(url, fetch, what, limits),
};

export function loadRecommender(bundle, options) {
  return load(env, bundle, options);
}
