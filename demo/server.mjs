// A small static file server for the demo: no framework, so the headers a storefront needs are
// all visible here. Usage: node demo/server.mjs ROOT [ROOT…]
//   HOST env: the address to listen on, default 127.0.0.1 (the demo is for this machine only;
//             HOST=0.0.0.0 shows it to the network)
//   PORT env: default 8080; 0 = any free port
// The first root holding a path wins; the e2e tests add a second root for their fixture pages.
import { createServer } from 'node:http';
import { createReadStream, realpathSync } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
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

// A sharded bundle as docs/js-api.md advises: its parts' names change with every run, so they
// are cached for good; its manifest is read from the cache and refreshed in the background.
function cacheControl(path) {
  if (/\/shards\/[0-9a-f]{16}\/[^/]+\.blb$/.test(path)) return 'public, max-age=31536000, immutable';
  if (/\/shards\/manifest\.json$/.test(path)) return 'max-age=0, stale-while-revalidate=86400';
  return HEADERS['Cache-Control'];
}

if (process.argv.length < 3) {
  console.error('usage: node demo/server.mjs ROOT [ROOT…]');
  process.exit(2);
}
// Real paths, so that a file's real path can be checked against them (symlinks included).
const roots = process.argv.slice(2).map((r) => realpathSync(resolve(r)));

// The decoded path of an origin-form request target ("/path?query"), or null. Absolute-form
// ("http://host/…"), "*" and targets starting with "//" (which URL parsers read as a host name)
// are refused, as is broken percent-encoding: a static server has no use for any of them.
function requestPath(target) {
  if (!target.startsWith('/') || target.startsWith('//')) return null;
  const end = target.search(/[?#]/);
  try {
    return decodeURIComponent(end < 0 ? target : target.slice(0, end));
  } catch {
    return null;
  }
}

const inside = (root, path) => path.startsWith(root + sep);

// Maps a decoded request path to a file inside one of the roots, or null. Any '..', '.',
// backslash or NUL segment is refused outright rather than normalised away, and the file's real
// path must lie inside the root too, so a symlink cannot lead out of it.
async function locate(path) {
  if (path.endsWith('/')) path += 'index.html';
  const parts = path.split('/').filter(Boolean);
  if (parts.some((p) => p === '..' || p === '.' || p.includes('\\') || p.includes('\0'))) return null;
  for (const root of roots) {
    const file = resolve(root, ...parts);
    if (!inside(root, file)) continue;
    const real = await realpath(file).catch(() => null);
    if (!real || !inside(root, real)) continue;
    const info = await stat(real).catch(() => null);
    if (info?.isFile()) return { file: real, size: info.size };
  }
  return null;
}

function send(res, status, text, extra = {}) {
  res.writeHead(status, { ...HEADERS, ...extra, 'Content-Type': 'text/plain; charset=utf-8' });
  res.end(text + '\n');
}

// Precompressed copies written beside a file (demo/prepare.mjs writes rules.blb.br and .gz), in
// order of preference, as a CDN would serve them: the bytes on the wire are the compressed size.
const ENCODINGS = [
  ['br', '.br'],
  ['gzip', '.gz'],
];

function accepted(header, encoding) {
  return (header ?? '').split(',').some((part) => {
    const [name, ...params] = part.trim().split(';');
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    return name.trim().toLowerCase() === encoding && (!q || Number(q.slice(2)) > 0);
  });
}

async function handle(req, res) {
  if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'method not allowed', { Allow: 'GET, HEAD' });
  const path = requestPath(req.url);
  if (path === null) return send(res, 400, 'bad request');
  const found = await locate(path);
  if (!found) return send(res, 404, 'not found');
  let body = found;
  const extra = {};
  for (const [encoding, suffix] of ENCODINGS) {
    if (!accepted(req.headers['accept-encoding'], encoding)) continue;
    const compressed = await locate(path + suffix);
    if (compressed) {
      body = compressed;
      extra['Content-Encoding'] = encoding;
      break;
    }
  }
  res.writeHead(200, {
    ...HEADERS,
    ...extra,
    Vary: 'Accept-Encoding',
    'Cache-Control': cacheControl(path),
    'Content-Type': TYPES[extname(found.file).toLowerCase()] ?? 'application/octet-stream',
    'Content-Length': body.size,
  });
  if (req.method === 'HEAD') return res.end();
  createReadStream(body.file)
    .on('error', () => res.destroy())
    .pipe(res);
}

// One request's failure is that request's: it never takes the server down.
const server = createServer((req, res) => {
  handle(req, res).catch((e) => {
    console.error(`basketlift demo: ${req.method} ${JSON.stringify(req.url)}: ${e?.stack ?? e}`);
    if (res.headersSent) res.destroy();
    else send(res, 500, 'internal error');
  });
});

const host = process.env.HOST || '127.0.0.1';
const port = process.env.PORT === undefined ? 8080 : Number(process.env.PORT);
server.listen(port, host, () => {
  const { address, family } = server.address();
  // Tests read this line to learn the port when PORT=0.
  console.log(`basketlift demo: http://${family === 'IPv6' ? `[${address}]` : address}:${server.address().port}/`);
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
