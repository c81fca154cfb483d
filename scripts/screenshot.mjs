// npm run screenshot: the picture of the demo in the README (docs/demo.png).
// Serves the already-built demo site (build/demo-site: `bash scripts/build.sh`, then
// `node demo/prepare.mjs`; `npm start` does both) on a free 127.0.0.1 port, opens it in Debian's
// headless chromium through playwright-core, puts two products in the cart so the
// "Frequently bought together" suggestions show, and writes a 1366×900 screenshot.
// Usage: node scripts/screenshot.mjs [OUT.png|OUT.jpg]   (default docs/demo.png)
import { createServer } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { dirname, extname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const site = join(root, 'build/demo-site');
const out = resolve(process.argv[2] ?? join(root, 'docs/demo.png'));
const CART = ['85123A', '84879']; // WHITE HANGING HEART T-LIGHT HOLDER, ASSORTED COLOUR BIRD ORNAMENT
const VIEWPORT = { width: 1366, height: 900 };

for (const file of ['index.html', 'app.js', 'shards/manifest.json', 'basketlift-sharded.wasm']) {
  if (!existsSync(join(site, file))) {
    console.error(`screenshot: ${join(site, file)} is missing; build the demo first:\n` +
      '  bash scripts/build.sh && node demo/prepare.mjs   (or npm start)');
    process.exit(1);
  }
}
if (!existsSync('/usr/bin/chromium')) {
  console.error('screenshot: /usr/bin/chromium is not installed (scripts/setup.sh installs it)');
  process.exit(1);
}

// The same types and Content-Security-Policy as demo/server.mjs, so the picture is of the page
// as the demo serves it; only loopback, only for this run.
const TYPES = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8', '.json': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm', '.svg': 'image/svg+xml' };
const CSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; " +
  "object-src 'none'; base-uri 'self'; frame-ancestors 'none'";
const server = createServer(async (req, res) => {
  let path;
  try {
    path = decodeURIComponent(new URL(req.url, 'http://127.0.0.1').pathname);
  } catch {
    path = '/';
  }
  const file = resolve(site, '.' + (path.endsWith('/') ? path + 'index.html' : path));
  const info = file.startsWith(site + sep) ? await stat(file).catch(() => null) : null;
  if (!info?.isFile()) {
    res.writeHead(404).end();
    return;
  }
  res.writeHead(200, { 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream',
    'Content-Security-Policy': CSP });
  res.end(await readFile(file));
});
await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
const url = `http://127.0.0.1:${server.address().port}/`;

const { chromium } = await import('playwright-core');
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
    '--disable-sync', '--no-first-run'],
});
try {
  const page = await browser.newPage({ viewport: VIEWPORT });
  const problems = [];
  page.on('pageerror', (e) => problems.push(e.message));
  page.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
  await page.goto(url);
  await page.waitForSelector('body[data-ready]', { timeout: 30000 });
  for (const id of CART) {
    await page.fill('#search', id);
    await page.click(`#grid li[data-item="${id}"] [data-role="add"]`);
  }
  await page.fill('#search', ''); // back to the whole catalog, most popular first
  await page.waitForSelector('#fbt li[data-item]', { timeout: 10000 }); // the widget's suggestions
  await page.evaluate(() => document.activeElement?.blur()); // no focus ring on the search box
  await page.evaluate(() => document.fonts.ready);
  if (problems.length) throw new Error(`the page reported errors:\n${problems.join('\n')}`);
  const type = extname(out).toLowerCase() === '.png' ? 'png' : 'jpeg';
  await page.screenshot({ path: out, type, ...(type === 'jpeg' ? { quality: 80 } : {}) });
  console.log(`screenshot: ${out} (${VIEWPORT.width}×${VIEWPORT.height}, ${url})`);
} finally {
  await browser.close();
  server.close();
}
