import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { nodeResolve } from '@rollup/plugin-node-resolve';

// Rollup does not emit files referenced by new URL(…, import.meta.url); this plugin puts
// basketlift.wasm beside the bundle, where the package looks for it.
const basketliftWasm = {
  name: 'basketlift-wasm',
  generateBundle() {
    const wasm = createRequire(import.meta.url).resolve('basketlift/basketlift.wasm');
    this.emitFile({ type: 'asset', fileName: 'basketlift.wasm', source: readFileSync(wasm) });
  },
};

export default {
  input: 'src/main.js',
  output: { dir: 'dist', format: 'es' },
  plugins: [nodeResolve({ browser: true }), basketliftWasm],
};
