import { defineConfig } from 'vite';

// ES module workers: the package's embedded-wasm fallback stays a separate chunk.
export default defineConfig({ worker: { format: 'es' } });
