// The storefront entries in a real browser: the classic script (basketlift.global.js) with
// <basketlift-recommendations>, served from a second origin (a CDN) to a page under a strict
// Content-Security-Policy, its cart from the attribute and from a Shopify-shaped /cart.js; and
// basketlift/react's hooks and component in a page esbuild bundled, plus its server rendering.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { extname, join } from 'node:path';
import test from 'node:test';
import { promisify } from 'node:util';
import { dist, importPackage, mineSyntheticWithCatalog, root, runCli, tempDir } from '../node/helpers.mjs';
import { launchBrowser, watch } from './harness.mjs';
import { DEFAULTS } from '../../build/wasm/layout.js';

const run = promisify(execFile);
const skip = existsSync('/usr/bin/chromium') ? false : 'skipped: /usr/bin/chromium is not installed';
const TYPES = { '.js': 'text/javascript', '.html': 'text/html', '.wasm': 'application/wasm', '.blb': 'application/octet-stream', '.json': 'application/json' };

// A static server on 127.0.0.1; `headers` are added to every answer.
async function serve(t, files, headers = {}) {
  const server = createServer((req, res) => {
    const path = new URL(req.url, 'http://x').pathname;
    const file = files[path];
    if (path === '/favicon.ico') return res.writeHead(204).end(); // not what these pages test
    if (file === undefined) return res.writeHead(404).end();
    const body = typeof file === 'string' && !existsSync(file) ? file : readFileSync(file);
    res.writeHead(200, { 'content-type': TYPES[extname(path) || '.html'] ?? 'text/plain', ...headers }).end(body);
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  t.after(() => server.close());
  return `http://127.0.0.1:${server.address().port}`;
}

// The names the widget shows for the first `n` recommendations, in order.
async function widgetNames(page, selector, n) {
  await page.waitForFunction(
    ([sel, count]) => {
      const host = document.querySelector(sel)?.querySelector('[data-basketlift]');
      return host?.shadowRoot?.querySelectorAll('li').length >= count;
    },
    [selector, n],
    { timeout: 20_000 },
  );
  return page.evaluate((sel) => {
    const host = document.querySelector(sel).querySelector('[data-basketlift]');
    return [...host.shadowRoot.querySelectorAll('li .name')].map((e) => e.textContent);
  }, selector);
}

test('storefront entries in Chromium', { skip }, async (t) => {
  const work = tempDir(t);
  const { bundle } = await mineSyntheticWithCatalog(work);
  const { loadRecommender } = await importPackage();
  const rec = await loadRecommender(bundle);
  // The widget asks for the core's family limit (one item per category by default).
  const expect = (cart, n) => rec.recommend(cart, { n, maxPerFamily: DEFAULTS.widget.maxPerFamily })
    .map((r) => rec.product(r.item)?.name ?? r.item);
  const browser = await launchBrowser();
  t.after(() => browser.close());

  // The package on its own origin, as a CDN serves it (CORS for the wasm fetch).
  const cdnFiles = {};
  for (const f of ['basketlift.global.js', 'basketlift.js', 'basketlift.wasm', 'wasm-inline.js']) cdnFiles[`/${f}`] = join(dist, f);
  const cdn = await serve(t, cdnFiles, { 'access-control-allow-origin': '*' });
  const csp = `default-src 'self'; script-src 'self' ${cdn} 'wasm-unsafe-eval'; connect-src 'self' ${cdn}`;

  await t.test('<basketlift-recommendations> from a CDN script under a strict CSP', async () => {
    const html = `<!doctype html><meta charset="utf-8"><title>shop</title>
<script src="${cdn}/basketlift.global.js"></script>
<basketlift-recommendations id="w" bundle="/rules.blb" n="3" cart="a0,a3"></basketlift-recommendations>
<script src="/page.js"></script>`;
    const pageJs = `window.added = [];
document.addEventListener('basketlift:add', (e) => window.added.push(e.detail.item));`;
    const shop = await serve(t, { '/': html, '/page.js': pageJs, '/rules.blb': bundle }, { 'content-security-policy': csp });
    const page = await browser.newPage();
    const problems = await watch(page);
    const warnings = [];
    page.on('console', (m) => m.type() === 'warning' && warnings.push(m.text()));
    await page.goto(`${shop}/`);
    assert.deepEqual(await widgetNames(page, '#w', 3), expect(['a0', 'a3'], 3));
    // The cart attribute re-renders.
    await page.evaluate(() => document.querySelector('#w').setAttribute('cart', 'a6'));
    await page.waitForFunction(() => !document.querySelector('#w').cart.includes('a0'));
    assert.deepEqual(await widgetNames(page, '#w', 3), expect(['a6'], 3));
    // "Add" tells the page which item.
    await page.evaluate(() => document.querySelector('#w [data-basketlift]').shadowRoot.querySelector('button').click());
    assert.deepEqual(await page.evaluate(() => window.added), [rec.recommend(['a6'], { n: 3 })[0].item].map(String));
    assert.deepEqual(problems, []);
    // The wasm came from the CDN beside the script, not from the embedded fallback.
    assert.deepEqual(warnings.filter((w) => w.includes('basketlift')), []);
    await page.close();
  });

  await t.test('cart-source="shopify": the cart from /cart.js', async () => {
    const cart = { items: [{ variant_id: 1, product_id: 10, sku: 'a9', quantity: 1 }, { variant_id: 2, product_id: 11, sku: 'a12', quantity: 3 }] };
    const html = `<!doctype html><meta charset="utf-8"><title>shop</title>
<script src="${cdn}/basketlift.global.js"></script>
<basketlift-recommendations id="w" bundle="/rules.blb" n="2" cart-source="shopify"></basketlift-recommendations>`;
    const shop = await serve(t, { '/': html, '/rules.blb': bundle, '/cart.js': JSON.stringify(cart) }, { 'content-security-policy': csp });
    const page = await browser.newPage();
    const problems = await watch(page);
    await page.goto(`${shop}/`);
    assert.deepEqual(await widgetNames(page, '#w', 2), expect(['a9', 'a12'], 2));
    assert.deepEqual(problems, []);
    await page.close();
  });

  // The synthetic bundle cut into 6 shards, served with `html`, its bundled `main` and the
  // sharded wasm under a strict CSP; the page opened, every request's path recorded.
  async function openSharded(t, name, html, main) {
    const shards = join(work, name);
    await runCli(['shard', bundle, '--out', shards, '--shard-count', '6']);
    const files = { '/shards/manifest.json': join(shards, 'manifest.json') };
    const [runId] = readdirSync(shards).filter((f) => f !== 'manifest.json');
    for (const f of readdirSync(join(shards, runId))) files[`/shards/${runId}/${f}`] = join(shards, runId, f);
    const site = await serve(t, {
      ...files, '/': html, '/main.js': main, '/basketlift-sharded.wasm': join(dist, 'basketlift-sharded.wasm'),
    }, { 'content-security-policy': "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'" });
    const page = await browser.newPage();
    const problems = await watch(page);
    const fetched = [];
    page.on('request', (r) => fetched.push(new URL(r.url()).pathname));
    await page.goto(`${site}/`);
    return { page, problems, fetched, files, runId };
  }

  await t.test('basketlift/sharded/element: <basketlift-recommendations> on a sharded bundle, in a bundled page', async () => {
    const app = join(work, 'sharded-element-app');
    mkdirSync(app, { recursive: true });
    writeFileSync(join(app, 'main.js'), "import 'basketlift/sharded/element';\n");
    const esbuild = join(root, 'node_modules', '.bin', 'esbuild');
    await run(esbuild, [join(app, 'main.js'), '--bundle', '--format=esm', '--minify', `--outfile=${join(app, 'out', 'main.js')}`,
      `--alias:basketlift/sharded/element=${join(dist, 'sharded-element.js')}`, `--alias:basketlift/sharded=${join(dist, 'sharded.js')}`]);
    const html = `<!doctype html><meta charset="utf-8"><title>shop</title>
<basketlift-recommendations id="w" bundle="/shards/manifest.json" n="3" cart="a0,a3"></basketlift-recommendations>
<script type="module" src="/main.js"></script>`;
    const { page, problems, fetched, files, runId } = await openSharded(t, 'element-shards', html, join(app, 'out', 'main.js'));
    // The same suggestions as the single file, from the manifest, the global part and the
    // cart's shards only.
    assert.deepEqual(await widgetNames(page, '#w', 3), expect(['a0', 'a3'], 3));
    const parts = fetched.filter((p) => p.startsWith(`/shards/${runId}/`));
    assert.ok(parts.includes(`/shards/${runId}/global.blb`), parts.join());
    assert.ok(parts.length < Object.keys(files).length - 1, `fetched ${parts.length} of ${Object.keys(files).length - 1} parts`);
    assert.deepEqual(problems, []);
    await page.close();
  });

  await t.test('basketlift/react: useRecommender + Recommendations in a bundled page, and server rendering', async () => {
    const app = join(work, 'react-app');
    mkdirSync(app, { recursive: true });
    const appSource = `import { createElement as h, useState } from 'react';
import { useRecommender, useRecommendations, Recommendations } from 'basketlift/react';
export function App({ bundle }) {
  const { recommender, loading } = useRecommender(bundle);
  const [cart] = useState(['a0', 'a3']);
  const top = useRecommendations(recommender, cart, { n: 3 });
  return h('main', null,
    h('p', { id: 'state' }, loading ? 'loading' : top.map((r) => r.item).join(',')),
    h('div', { id: 'w' }, h(Recommendations, { recommender, cart, n: 3 })));
}`;
    writeFileSync(join(app, 'app.js'), appSource);
    writeFileSync(join(app, 'main.js'), `import { createElement } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app.js';
createRoot(document.getElementById('root')).render(createElement(App, { bundle: '/rules.blb' }));`);
    const esbuild = join(root, 'node_modules', '.bin', 'esbuild');
    // React comes from this checkout's node_modules (a devDependency), as from a shop's own.
    const withNodePath = { ...process.env, NODE_PATH: join(root, 'node_modules') };
    // basketlift resolves to the built package, as it would from node_modules.
    await run(esbuild, [join(app, 'main.js'), '--bundle', '--format=esm', '--minify', `--outfile=${join(app, 'out', 'main.js')}`,
      `--alias:basketlift/react=${join(dist, 'react.js')}`, `--alias:basketlift=${join(dist, 'basketlift.js')}`,
      '--define:process.env.NODE_ENV="production"'], { env: withNodePath });
    // esbuild does not copy the asset behind new URL('./basketlift.wasm', import.meta.url): the page serves it beside.
    const html = `<!doctype html><meta charset="utf-8"><title>react</title><div id="root"></div><script type="module" src="/main.js"></script>`;
    const site = await serve(t, {
      '/': html, '/main.js': join(app, 'out', 'main.js'), '/basketlift.wasm': join(dist, 'basketlift.wasm'), '/rules.blb': bundle,
    }, { 'content-security-policy': "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'" });
    const page = await browser.newPage();
    const problems = await watch(page);
    await page.goto(`${site}/`);
    await page.waitForFunction(() => document.getElementById('state')?.textContent !== 'loading', null, { timeout: 20_000 });
    assert.equal(await page.textContent('#state'), rec.recommend(['a0', 'a3'], { n: 3 }).map((r) => r.item).join(','));
    assert.deepEqual(await widgetNames(page, '#w', 3), expect(['a0', 'a3'], 3));
    assert.deepEqual(problems, []);
    await page.close();

    // Server rendering: the hooks render their loading state and the component its host, no throw.
    const server = join(app, 'server.mjs');
    writeFileSync(server, `import { createElement } from 'react';
import { renderToString } from 'react-dom/server';
import { App } from './app.js';
console.log(renderToString(createElement(App, { bundle: '/rules.blb' })));`);
    // CommonJS output: react-dom/server requires Node built-ins, which an ESM bundle cannot.
    await run(esbuild, [server, '--bundle', '--format=cjs', '--platform=node', `--outfile=${join(app, 'out', 'server.cjs')}`,
      `--alias:basketlift/react=${join(dist, 'react.js')}`, `--alias:basketlift=${join(dist, 'node.cjs')}`,
      '--define:process.env.NODE_ENV="production"'], { env: withNodePath });
    const { stdout } = await run(process.execPath, [join(app, 'out', 'server.cjs')]);
    assert.match(stdout, /<p id="state">loading<\/p><div id="w"><div data-basketlift-react=""><\/div><\/div>/);
  });

  await t.test('basketlift/react on a sharded bundle: useRecommender({ load }) from basketlift/sharded, the cart changed', async () => {
    const app = join(work, 'react-sharded-app');
    mkdirSync(app, { recursive: true });
    writeFileSync(join(app, 'main.js'), `import { createElement as h, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { useRecommender, useRecommendations, Recommendations } from 'basketlift/react';
import { loadRecommender } from 'basketlift/sharded';
function App() {
  const [cart, setCart] = useState(['a0', 'a3']);
  const { recommender } = useRecommender('/shards/manifest.json', { load: loadRecommender, prefetch: cart });
  const top = useRecommendations(recommender, cart, { n: 3 });
  return h('main', null,
    h('p', { id: 'state' }, top.length ? cart.join(',') + ':' + top.map((r) => r.item).join(',') : 'waiting'),
    h('button', { id: 'other', onClick: () => setCart(['a6']) }, 'other cart'),
    h('div', { id: 'w' }, h(Recommendations, { recommender, cart, n: 3 })));
}
createRoot(document.getElementById('root')).render(h(App));`);
    const esbuild = join(root, 'node_modules', '.bin', 'esbuild');
    await run(esbuild, [join(app, 'main.js'), '--bundle', '--format=esm', '--minify', `--outfile=${join(app, 'out', 'main.js')}`,
      `--alias:basketlift/react=${join(dist, 'react.js')}`, `--alias:basketlift/sharded=${join(dist, 'sharded.js')}`,
      `--alias:basketlift=${join(dist, 'basketlift.js')}`, '--define:process.env.NODE_ENV="production"'],
    { env: { ...process.env, NODE_PATH: join(root, 'node_modules') } });
    const html = `<!doctype html><meta charset="utf-8"><title>react</title><div id="root"></div><script type="module" src="/main.js"></script>`;
    // No basketlift.wasm served: a page on a sharded bundle must not fetch the single-file build.
    const { page, problems, fetched, files, runId } = await openSharded(t, 'react-shards', html, join(app, 'out', 'main.js'));
    const answer = (cart) => `${cart.join(',')}:${rec.recommend(cart, { n: 3 }).map((r) => r.item).join(',')}`;
    await page.waitForFunction(() => document.getElementById('state')?.textContent !== 'waiting', null, { timeout: 20_000 });
    assert.equal(await page.textContent('#state'), answer(['a0', 'a3']));
    assert.deepEqual(await widgetNames(page, '#w', 3), expect(['a0', 'a3'], 3));
    await page.click('#other');
    await page.waitForFunction(() => document.getElementById('state')?.textContent.startsWith('a6:'), null, { timeout: 20_000 });
    assert.equal(await page.textContent('#state'), answer(['a6']));
    const parts = fetched.filter((p) => p.startsWith(`/shards/${runId}/`));
    assert.ok(parts.length < Object.keys(files).length - 1, `fetched ${parts.length} of ${Object.keys(files).length - 1} parts`);
    assert.equal(new Set(parts).size, parts.length, `a part fetched twice: ${parts.join()}`);
    assert.ok(!fetched.includes('/basketlift.wasm'), fetched.join());
    assert.deepEqual(problems, []);
    await page.close();
  });
});
