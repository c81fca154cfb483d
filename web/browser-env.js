// How the browser entries (browser.js, sharded-browser.js) turn URLs into bytes: fetched,
// relative ones against the page. Each entry names its own wasm file in a literal
// new URL('./….wasm', import.meta.url), the pattern bundlers look for to emit the asset.
import { decodeBase64, fetchBytes, MAX_WASM_BYTES, wasmBytes } from './recommender.js';

const pageBase = () => globalThis.document?.baseURI ?? globalThis.location?.href;
// Where the classic-script build (<script src=".../basketlift.global.js">) was loaded from; null
// for ES modules, which have import.meta.url instead.
const scriptUrl = globalThis.document?.currentScript?.src || null;

let warned = false;

// wasmUrl(): the entry's wasm URL (or a path bundlers left without an origin); inline(): the
// chunk holding the same bytes as base64, loaded only when that URL fails.
export function browserEnv(wasmUrl, inline, file) {
  return {
    resolve: (s) => new URL(s, pageBase()),
    read: (url, fetch, what, limits) => fetchBytes(url, fetch, what, limits),
    // The wasm beside the entry, as bundlers emit it; where that fails (a dev server that serves
    // HTML for it, a bundler that did not copy it, no usable URL at all) the embedded copy.
    async packageWasm(fetch) {
      let url;
      try {
        url = wasmUrl();
        url = url instanceof URL ? url : new URL(String(url), scriptUrl ?? pageBase());
        return wasmBytes(await fetchBytes(url, fetch, 'wasm', { max: MAX_WASM_BYTES }), url);
      } catch (e) {
        const { default: base64 } = await inline();
        if (!warned) {
          warned = true;
          console.warn(
            `${e.message}\nbasketlift: using the wasm embedded in the package instead (about 55 KB more to download); ` +
              `serve ${file} at ${url ?? 'the URL above'} or pass options.wasm to avoid it.`,
          );
        }
        return decodeBase64(base64);
      }
    },
  };
}
