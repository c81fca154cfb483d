// esbuild, twice: an ES module build (index.html) and a classic-script build (iife.html).
// esbuild does not copy files referenced by new URL(…, import.meta.url), so basketlift.wasm is
// copied beside each bundle here.
import { copyFile, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import * as esbuild from 'esbuild';

const wasm = createRequire(import.meta.url).resolve('basketlift/basketlift.wasm');
await rm('dist', { recursive: true, force: true });

// ESM with --splitting: the package's embedded-wasm fallback stays a chunk that is only
// downloaded when basketlift.wasm cannot be fetched.
await esbuild.build({
  entryPoints: ['src/main.js'],
  bundle: true,
  format: 'esm',
  splitting: true,
  minify: true,
  outdir: 'dist/esm',
});
await copyFile(wasm, 'dist/esm/basketlift.wasm');

// iife (esbuild's default format): one file, so the fallback is inside it; the package finds
// basketlift.wasm beside the script through document.currentScript.
await esbuild.build({
  entryPoints: ['src/main.js'],
  bundle: true,
  format: 'iife',
  minify: true,
  outdir: 'dist/iife',
  logOverride: { 'empty-import-meta': 'silent' },
});
await copyFile(wasm, 'dist/iife/basketlift.wasm');
