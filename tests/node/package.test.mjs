// The package as a customer gets it: `npm pack`, installed into an empty folder without network,
// imported from Node ESM, type-checked, and bundled by esbuild into a page that runs in headless
// Chromium under a strict Content-Security-Policy.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { copyFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import test from 'node:test';
import { promisify } from 'node:util';
import { dist, importPackage, mineSynthetic, root, tempDir } from './helpers.mjs';

const run = promisify(execFile);
const CHROMIUM = '/usr/bin/chromium';
const CART = ['a0', 'a3', 'unknown'];

const { loadRecommender } = await importPackage();

test('the browser build has no Node-only or eval-like code', () => {
  const js = readFileSync(join(dist, 'basketlift.js'), 'utf8');
  for (const banned of ['__dirname', '__filename', 'require(', 'node:', 'new Function', 'eval(']) {
    assert.ok(!js.includes(banned), `dist/basketlift.js contains ${banned}`);
  }
});

test('npm pack → install in an empty folder → import, types, browser', async (t) => {
  const work = tempDir(t);
  const bundle = await mineSynthetic(work);
  const rec = await loadRecommender(bundle);
  const expected = rec.recommend(CART, { n: 4 });
  rec.dispose();

  const [packed] = JSON.parse((await run('npm', ['pack', '--json', '--pack-destination', work], { cwd: root })).stdout);
  const files = packed.files.map((f) => f.path).sort();
  assert.deepEqual(
    files.filter((f) => f !== 'README.md' && f !== 'LICENSE'),
    [
      'dist/adapters.cjs', 'dist/adapters.d.cts', 'dist/adapters.d.ts', 'dist/adapters.js', 'dist/basketlift-sharded.wasm',
      'dist/basketlift.global.js', 'dist/basketlift.js', 'dist/basketlift.wasm', 'dist/element.cjs', 'dist/element.d.cts',
      'dist/element.d.ts', 'dist/element.js', 'dist/index.d.cts', 'dist/index.d.ts', 'dist/node.cjs', 'dist/node.js',
      'dist/react.cjs', 'dist/react.d.cts', 'dist/react.d.ts', 'dist/react.js',
      'dist/sharded-element.cjs', 'dist/sharded-element.d.cts', 'dist/sharded-element.d.ts', 'dist/sharded-element.js', 'dist/sharded-node.cjs',
      'dist/sharded-node.js', 'dist/sharded.d.cts', 'dist/sharded.d.ts', 'dist/sharded.js', 'dist/wasm-inline.js',
      'dist/wasm-sharded-inline.js', 'dist/workerd.js', 'package.json',
    ],
  );

  const app = tempDir(t, 'basketlift-consumer-');
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
  // --offline: the package has no dependencies, so installing must not need the registry.
  await run('npm', ['install', '--offline', '--no-audit', '--no-fund', join(work, packed.filename)], { cwd: app });

  await t.test('Node ESM import', async () => {
    writeFileSync(
      join(app, 'main.mjs'),
      `import { loadRecommender, BundleError } from 'basketlift';
const rec = await loadRecommender(process.argv[2]);
console.log(JSON.stringify({ results: rec.recommend(${JSON.stringify(CART)}, { n: 4 }), error: typeof BundleError }));`,
    );
    const { stdout } = await run(process.execPath, ['main.mjs', bundle], { cwd: app });
    assert.deepEqual(JSON.parse(stdout), { results: expected, error: 'function' });
  });

  await t.test('CommonJS require', async () => {
    writeFileSync(
      join(app, 'main.cjs'),
      `const { loadRecommender, BundleError } = require('basketlift');
loadRecommender(process.argv[2]).then((rec) =>
  console.log(JSON.stringify({ results: rec.recommend(${JSON.stringify(CART)}, { n: 4 }), error: typeof BundleError })));`,
    );
    const { stdout } = await run(process.execPath, ['main.cjs', bundle], { cwd: app });
    assert.deepEqual(JSON.parse(stdout), { results: expected, error: 'function' });
  });

  await t.test('the Node entry needs no file beside it: the wasm is inside', async () => {
    // A server bundler copies the entry's code and nothing else; here, the entry alone.
    const alone = tempDir(t, 'basketlift-alone-');
    copyFileSync(join(app, 'node_modules', 'basketlift', 'dist', 'node.js'), join(alone, 'entry.mjs'));
    writeFileSync(
      join(alone, 'main.mjs'),
      `import { loadRecommender } from './entry.mjs';
const rec = await loadRecommender(process.argv[2]);
console.log(JSON.stringify(rec.recommend(${JSON.stringify(CART)}, { n: 4 })));`,
    );
    const { stdout } = await run(process.execPath, ['main.mjs', bundle], { cwd: alone });
    assert.deepEqual(JSON.parse(stdout), expected);
  });

  await t.test('TypeScript sees the hand-written types', async () => {
    writeFileSync(
      join(app, 'main.ts'),
      `import {
  loadRecommender, BundleError, BundleTooLargeError, WasmError, type Recommendation, type BundleInfo, type Upsell, type ComplementaryCategory,
  type PurchaseEvent, type NextPurchase, type Rule, type Product, type ProductWithPopularity,
} from 'basketlift';
import { useRecommender, useRecommendations } from 'basketlift/react';
import { loadRecommender as loadSharded } from 'basketlift/sharded';
const rec = await loadRecommender(new Uint8Array(0), { wasm: new ArrayBuffer(0), fetch: globalThis.fetch });
// The React hooks on either kind of bundle (types only: no React here to run them).
const shardedState = useRecommender('/shards/manifest.json', { load: loadSharded, prefetch: ['a'], maxCacheBytes: 1 << 20 });
const shardedTop: Recommendation[] = useRecommendations(shardedState.recommender, ['a'], { n: 3 });
const fileTop: Recommendation[] = useRecommendations(useRecommender('rules.blb').recommender, ['a']);
// @ts-expect-error load must return a recommender
useRecommender('rules.blb', { load: async () => 3 });
console.log(shardedTop, fileTop);
const results: Recommendation[] = rec.recommend(['a'], { n: 3, history: [], exclude: ['b'] });
const kind: 'cross-sell' | 'similar' | 'category' | 'popular' = results[0].kind;
const info: Readonly<BundleInfo> = rec.info;
const total: number = info.rules.total + rec.memoryUsage().heapBytes;
const e: unknown = null;
if (e instanceof BundleError) console.log(e.code, e.detail);
if (e instanceof BundleTooLargeError) console.log(e.code === 'BASKETLIFT_BUNDLE_TOO_LARGE', e.detail);
if (e instanceof WasmError) console.log(e.code === 'BASKETLIFT_WASM_FAILED', e.cause);
const capped = await loadRecommender('rules.blb', { maxBundleBytes: 1 << 20 });
capped.dispose();
// @ts-expect-error unknown options are type errors too
rec.recommend(['a'], { count: 3 });
console.log(kind, total, info.createdAt?.length);
const filtered: Recommendation[] = rec.recommend(['a'], { categories: ['MUG'], priceRange: [1, Infinity] });
const ups: Upsell[] = rec.upsell('a', { n: 3, maxPriceRatio: 1.5, exclude: ['b'], categories: ['MUG'], priceRange: [0, 10] });
const ratio: number = ups[0].priceRatio + ups[0].substitution + ups[0].score;
const cats: ComplementaryCategory[] = rec.complementaryCategories('MUG', { n: 5, exclude: ['TEA'], categories: ['CUP'] });
const history: PurchaseEvent[] = [{ item: 'a', date: '2011-01-01' }];
const next: NextPurchase[] = rec.nextPurchases(history, { asOf: '2011-02-01', window: 7, n: 3 });
const due: number = next[0].probability + next[0].dueInDays;
// @ts-expect-error asOf is required
rec.nextPurchases(history, { n: 3 });
const rules: Rule[] = rec.topRules({ limit: 10 });
const antecedent: string[] = rules[0].antecedent;
const p: Product | null = rec.product('a');
const name: string | null = p ? p.name : null;
const all: ProductWithPopularity[] = rec.products();
const labels: string[] = rec.categories();
const flags: boolean = info.catalog && info.categoryRules && info.repurchase && info.categories > 0;
console.log(filtered, ratio, cats[0].category, due, antecedent, name, all[0].popularity, labels, flags);
rec.dispose();
`,
    );
    const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
    const args = ['--noEmit', '--strict', '--target', 'es2022', '--module', 'nodenext', '--moduleResolution', 'nodenext', '--lib', 'es2022,dom', 'main.ts'];
    await run(process.execPath, [tsc, ...args], { cwd: app }).catch((e) => assert.fail(e.stdout || e.message));
  });

  await t.test('TypeScript without the DOM library (a Node-only project), ESM and CommonJS', async () => {
    // Not even console: lib es2022 alone does not declare it.
    const use = `const first: string | undefined = rec.recommend(['a'], { n: 3 })[0]?.item;
  const e: unknown = null;
  const code: string | null = e instanceof BundleError ? e.code : null;
  return [first, code, rec.info.items];`;
    writeFileSync(
      join(app, 'server.mts'),
      `import { loadRecommender, BundleError } from 'basketlift';\nexport async function main() {\n  const rec = await loadRecommender(new Uint8Array(0));\n  ${use}\n}\n`,
    );
    writeFileSync(
      join(app, 'server.cts'),
      `import basketlift = require('basketlift');\nconst { loadRecommender, BundleError } = basketlift;\n` +
        `export async function main() {\n  const rec = await loadRecommender(new Uint8Array(0));\n  ${use}\n}\n`,
    );
    writeFileSync(
      join(app, 'tsconfig.node.json'),
      JSON.stringify({
        compilerOptions: {
          noEmit: true, strict: true, target: 'es2022', module: 'nodenext', moduleResolution: 'nodenext',
          lib: ['es2022'], types: [],
        },
        files: ['server.mts', 'server.cts'],
      }),
    );
    const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
    await run(process.execPath, [tsc, '-p', 'tsconfig.node.json'], { cwd: app }).catch((e) => assert.fail(e.stdout || e.message));
  });

  const csp = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'";
  const skipBrowser = existsSync(CHROMIUM) ? false : `skipped: ${CHROMIUM} not found`;
  await t.test('esbuild page in Chromium under a strict CSP', { skip: skipBrowser }, async () => {
    const site = await bundlePage(app, bundle);
    assert.deepEqual(await runPage(site, csp), { results: expected });
  });

  // The control: the same page without 'wasm-unsafe-eval' must fail, or the CSP was not applied.
  await t.test('…and fails without wasm-unsafe-eval', { skip: skipBrowser }, async (t) => {
    const site = await bundlePage(app, bundle);
    const { error } = await runPage(site, "default-src 'self'; script-src 'self'");
    t.diagnostic(error);
    assert.match(error, /WebAssembly|CompileError|Content Security Policy|unsafe-eval/i);
  });
});

// A customer's page: their code imports 'basketlift', esbuild bundles it, the .wasm is copied
// beside the bundle (esbuild does not copy assets referenced by new URL(…, import.meta.url)).
async function bundlePage(app, bundle) {
  const site = join(app, 'site');
  writeFileSync(
    join(app, 'page.js'),
    `import { loadRecommender } from 'basketlift';
const out = document.getElementById('out');
try {
  const rec = await loadRecommender('rules.blb');
  out.textContent = JSON.stringify({ results: rec.recommend(${JSON.stringify(CART)}, { n: 4 }) });
} catch (e) {
  out.textContent = JSON.stringify({ error: String(e) });
}`,
  );
  const esbuild = join(root, 'node_modules', '.bin', 'esbuild');
  await run(esbuild, ['page.js', '--bundle', '--format=esm', '--platform=browser', '--log-level=warning', `--outfile=${join(site, 'page.js')}`], { cwd: app });
  copyFileSync(join(app, 'node_modules', 'basketlift', 'dist', 'basketlift.wasm'), join(site, 'basketlift.wasm'));
  copyFileSync(bundle, join(site, 'rules.blb'));
  writeFileSync(join(site, 'index.html'), '<!doctype html><meta charset="utf-8"><pre id="out">pending</pre><script type="module" src="page.js"></script>\n');
  return site;
}

// Serves `site` with the given CSP and returns what the page wrote into #out.
async function runPage(site, csp) {
  const types = { html: 'text/html', js: 'text/javascript', wasm: 'application/wasm', blb: 'application/octet-stream' };
  const server = createServer((req, res) => {
    const name = new URL(req.url, 'http://x').pathname.slice(1) || 'index.html';
    const file = join(site, name);
    if (name.includes('/') || !existsSync(file)) return res.writeHead(404).end();
    res.writeHead(200, { 'content-type': types[name.split('.').pop()], 'content-security-policy': csp });
    res.end(readFileSync(file));
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const url = `http://127.0.0.1:${server.address().port}/`;
    const { stdout } = await run(CHROMIUM, [
      '--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--virtual-time-budget=10000', '--dump-dom', url,
    ], { timeout: 60_000, maxBuffer: 16 << 20 });
    const out = /<pre id="out">([^<]*)<\/pre>/.exec(stdout)?.[1];
    assert.ok(out && out !== 'pending', `the page did not finish: ${stdout.slice(0, 500)}`);
    return JSON.parse(out.replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&'));
  } finally {
    server.close();
  }
}
