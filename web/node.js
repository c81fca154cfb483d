// Entry point for Node (the `node` export condition): file: URLs and plain paths are read from
// disk, http(s) URLs fetched.
import { pathToFileURL } from 'node:url';
import wasmBase64 from '../build/wasm/wasm-inline.js';
import { decodeBase64, fetchBytes, load } from './recommender.js';

export { BundleChecksumError, BundleError } from './errors.js';
export { mountRecommendations, titleCase, CART_CHANGE_EVENT, RENDER_EVENT } from './widget.js';

const env = {
  // The wasm travels inside this file: no path to find at run time, so it survives any server
  // bundler (Next.js, webpack, esbuild, CommonJS) and any working directory.
  packageWasm: async () => decodeBase64(wasmBase64),
  // "rules.blb", "../x/rules.blb", "/abs/rules.blb" are paths; "file:…", "https:…" are URLs.
  // A one-letter scheme is a Windows drive ("C:\…"), so that is a path too.
  resolve: (s) => (/^[a-z][a-z0-9+.-]+:/i.test(s) ? new URL(s) : pathToFileURL(s)),
  async read(url, fetch, what) {
    if (url.protocol !== 'file:') return fetchBytes(url, fetch, what);
    const { readFile } = await import('node:fs/promises');
    try {
      const buffer = await readFile(url);
      return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
    } catch (e) {
      throw new Error(`basketlift: could not read the ${what} ${url.href}: ${e.code ?? e.message}`, { cause: e });
    }
  },
};

export function loadRecommender(bundle, options) {
  return load(env, bundle, options);
}
