import { fileURLToPath } from 'node:url';

// Nothing basketlift-specific: webpack 5 emits basketlift.wasm (referenced with
// new URL(…, import.meta.url)) as an asset, and the embedded-wasm fallback as a lazy chunk.
export default {
  mode: 'production',
  entry: './src/index.js',
  output: {
    path: fileURLToPath(new URL('dist', import.meta.url)),
    clean: true,
  },
};
