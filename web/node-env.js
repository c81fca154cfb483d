// How the Node entries (node.js, sharded-node.js) turn paths and URLs into bytes: file: URLs
// and plain paths are read from disk, http(s) URLs fetched.
import { pathToFileURL } from 'node:url';
import { decodeBase64, fetchBytes, HEADER_BYTES, tooLarge } from './recommender.js';

export function nodeEnv(wasmBase64) {
  return {
    // The wasm travels inside this file: no path to find at run time, so it survives any server
    // bundler (Next.js, webpack, esbuild, CommonJS) and any working directory.
    packageWasm: async () => decodeBase64(wasmBase64),
    // "rules.blb", "../x/rules.blb", "/abs/rules.blb" are paths; "file:…", "https:…" are URLs.
    // A one-letter scheme is a Windows drive ("C:\…"), so that is a path too.
    resolve: (s) => (/^[a-z][a-z0-9+.-]+:/i.test(s) ? new URL(s) : pathToFileURL(s)),
    async read(url, fetch, what, limits) {
      if (url.protocol !== 'file:') return fetchBytes(url, fetch, what, limits);
      const { open } = await import('node:fs/promises');
      const failed = (e) => new Error(`basketlift: could not read the ${what} ${url.href}: ${e.code ?? e.message}`, { cause: e });
      let file;
      try {
        file = await open(url);
      } catch (e) {
        throw failed(e);
      }
      try {
        // As with a download: the size and the header first, the rest only if they pass.
        let size;
        try {
          size = (await file.stat()).size;
        } catch (e) {
          throw failed(e);
        }
        if (size > limits.max) {
          throw what === 'bundle' ? tooLarge(`${url.href} is ${size} bytes`, limits.max) : failed({ code: `more than ${limits.max} bytes` });
        }
        const bytes = new Uint8Array(size);
        let got = 0;
        const readTo = async (end) => {
          while (got < end) {
            let n;
            try {
              ({ bytesRead: n } = await file.read(bytes, got, end - got, got));
            } catch (e) {
              throw failed(e);
            }
            if (n === 0) break;
            got += n;
          }
        };
        if (limits.start) {
          await readTo(Math.min(size, HEADER_BYTES));
          await limits.start(bytes.subarray(0, got), size);
        }
        await readTo(size);
        return got === size ? bytes : bytes.subarray(0, got);
      } finally {
        await file.close().catch(() => {});
      }
    },
  };
}
