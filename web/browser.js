// Entry point for browsers, workers and bundlers (the `browser` and `default` export
// conditions): URLs are fetched, relative ones against the page.
import { decodeBase64, fetchBytes, load, MAX_WASM_BYTES, wasmBytes } from './recommender.js';

export { BundleChecksumError, BundleError, BundleTooLargeError, WasmError } from './errors.js';
export { mountRecommendations, titleCase, CART_CHANGE_EVENT, RENDER_EVENT } from './widget.js';

const pageBase = () => globalThis.document?.baseURI ?? globalThis.location?.href;
// Where the classic-script build (<script src=".../basketlift.global.js">) was loaded from; null
// for ES modules, which have import.meta.url instead.
const scriptUrl = globalThis.document?.currentScript?.src || null;

// Bundlers rewrite this expression into wherever they emitted the asset; some leave a path
// without an origin ("/_next/static/media/…") or an empty import.meta.url, which is resolved
// against the page instead.
function packageWasmUrl() {
  let url;
  try {
    url = new URL('./basketlift.wasm', import.meta.url);
  } catch {
    url = './basketlift.wasm';
  }
  return url instanceof URL ? url : new URL(String(url), scriptUrl ?? pageBase());
}

let warned = false;

const env = {
  resolve: (s) => new URL(s, pageBase()),
  read: (url, fetch, what, limits) => fetchBytes(url, fetch, what, limits),
  // basketlift.wasm beside this file, as bundlers emit it; where that fails (a dev server that
  // serves HTML for it, a bundler that did not copy it, no usable URL at all) the copy embedded
  // in wasm-inline.js, a chunk loaded only then.
  async packageWasm(fetch) {
    let url;
    try {
      url = packageWasmUrl();
      return wasmBytes(await fetchBytes(url, fetch, 'wasm', { max: MAX_WASM_BYTES }), url);
    } catch (e) {
      const { default: base64 } = await import('./wasm-inline.js');
      if (!warned) {
        warned = true;
        console.warn(
          `${e.message}\nbasketlift: using the wasm embedded in the package instead (about 55 KB more to download); ` +
            `serve basketlift.wasm at ${url ?? 'the URL above'} or pass options.wasm to avoid it.`,
        );
      }
      return decodeBase64(base64);
    }
  },
};

export function loadRecommender(bundle, options) {
  return load(env, bundle, options);
}
