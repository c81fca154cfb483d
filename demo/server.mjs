// A small static file server for the demo: no framework, so the headers a storefront needs are
// all visible here. Usage: node demo/server.mjs ROOT [ROOT…]   (PORT env, default 8080; 0 = any free port)
// The first root holding a path wins; the e2e tests add a second root for their fixture pages.
import { createServer } from 'node:http';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { extname, resolve, sep } from 'node:path';

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm', // lets WebAssembly.instantiateStreaming and strict MIME checks work
  '.blb': 'application/octet-stream',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.map': 'application/json; charset=utf-8',
};

// The policy the package must work under: no inline scripts or styles, wasm compilation allowed.
const HEADERS = {
  'Content-Security-Policy':
    "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; " +
    "object-src 'none'; base-uri 'self'; frame-ancestors 'none'",
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  // Cross-origin isolation gives performance.now() its finer resolution for the µs timings.
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cache-Control': 'no-cache',
};

const roots = process.argv.slice(2).map((r) => resolve(r));
if (!roots.length) {
  console.error('usage: node demo/server.mjs ROOT [ROOT…]');
  process.exit(2);
}

// Maps a request path to a file inside one of the roots, or null. Decoding happens once, and any
// '..', backslash or NUL segment is refused outright rather than normalised away.
async function locate(urlPath) {
  let path;
  try {
    path = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  if (path.endsWith('/')) path += 'index.html';
  const parts = path.split('/').filter(Boolean);
  if (parts.some((p) => p === '..' || p === '.' || p.includes('\\') || p.includes('\0'))) return null;
  for (const root of roots) {
    const file = resolve(root, ...parts);
    if (!file.startsWith(root + sep)) continue;
    const info = await stat(file).catch(() => null);
    if (info?.isFile()) return { file, size: info.size };
  }
  return null;
}

function send(res, status, text) {
  res.writeHead(status, { ...HEADERS, 'Content-Type': 'text/plain; charset=utf-8' });
  res.end(text + '\n');
}

const server = createServer(async (req, res) => {
  if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'method not allowed');
  const url = new URL(req.url, 'http://localhost');
  const found = await locate(url.pathname);
  if (!found) return send(res, 404, 'not found');
  res.writeHead(200, {
    ...HEADERS,
    'Content-Type': TYPES[extname(found.file).toLowerCase()] ?? 'application/octet-stream',
    'Content-Length': found.size,
  });
  if (req.method === 'HEAD') return res.end();
  createReadStream(found.file)
    .on('error', () => res.destroy())
    .pipe(res);
});

const port = process.env.PORT === undefined ? 8080 : Number(process.env.PORT);
server.listen(port, () => {
  // Tests read this line to learn the port when PORT=0.
  console.log(`basketlift demo: http://localhost:${server.address().port}/`);
});

// Ctrl-C (SIGINT) or a test's kill (SIGTERM): stop accepting, drop keep-alive sockets, exit 0.
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    server.close(() => {
      console.log('basketlift demo: stopped');
      process.exit(0);
    });
    server.closeAllConnections();
  });
}
