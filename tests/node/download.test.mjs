// Bundles from the network, disk or memory are bounded: a response is refused on its
// Content-Length, on its first 32 bytes (checked by the core) or as soon as it passes
// maxBundleBytes or the size its header declares; nothing that is not a bundle is copied into wasm.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import test from 'node:test';
import { gzipSync } from 'node:zlib';
import { importPackage, mineSynthetic, readBytes, tempDir } from './helpers.mjs';

const { loadRecommender, BundleError, BundleTooLargeError, WasmError } = await importPackage();

const work = tempDir({ after: test.after });
const path = await mineSynthetic(work);
const good = readBytes(path);
const DEFAULT_MAX = 256 * 2 ** 20;
const CHUNK = Buffer.alloc(64 << 10, 0x5a);

// A header that declares `size` bytes, then the rest of the good bundle.
function declaring(size) {
  const b = Buffer.from(good);
  b.writeBigUInt64LE(BigInt(size), 16);
  return b;
}

// Routes of a local server. `sent[path]` counts the body bytes each response got out before the
// client stopped reading; the endless ones stop when the client goes away.
const sent = {};
function endless(res, path, first = Buffer.alloc(0), headers = {}) {
  res.writeHead(200, { 'content-type': 'application/octet-stream', ...headers });
  let closed = false;
  res.on('close', () => (closed = true));
  sent[path] = 0;
  const pump = () => {
    if (sent[path] === 0 && first.length) {
      sent[path] += first.length;
      if (!res.write(first)) return res.once('drain', pump);
    }
    while (!closed) {
      sent[path] += CHUNK.length;
      if (!res.write(CHUNK)) return res.once('drain', pump);
    }
  };
  pump();
}
const routes = {
  '/good.blb': (res) => res.end(good),
  '/good-chunked.blb': (res) => {
    res.writeHead(200);
    for (let at = 0; at < good.length; at += 100) res.write(good.subarray(at, at + 100));
    res.end();
  },
  '/good-gzip.blb': (res) => {
    const body = gzipSync(good);
    res.writeHead(200, { 'content-encoding': 'gzip', 'content-length': body.length }).end(body);
  },
  // 1 TB by its Content-Length, and a body that would never end.
  '/terabyte': (res) => endless(res, '/terabyte', Buffer.alloc(0), { 'content-length': String(2 ** 40) }),
  // No Content-Length: endless bytes that are not a bundle, a header declaring 1 TB, and a good
  // bundle followed by endless more.
  '/endless-junk': (res) => endless(res, '/endless-junk'),
  '/endless-declared': (res) => endless(res, '/endless-declared', declaring(2 ** 40)),
  '/endless-after': (res) => endless(res, '/endless-after', good),
  '/endless-wasm': (res) => endless(res, '/endless-wasm'),
  // A Content-Length that lies low: the client stops there, and the core calls it truncated.
  '/short-length': (res) => {
    res.writeHead(200, { 'content-length': '100' });
    res.end(good);
  },
};
const server = createServer((req, res) => (routes[req.url] ?? ((r) => r.writeHead(404).end()))(res));
server.on('clientError', () => {});
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
test.after(() => server.close());
const base = `http://127.0.0.1:${server.address().port}`;

const tooLarge = (pattern) => (e) => {
  assert.ok(e instanceof BundleTooLargeError, e?.stack ?? String(e));
  assert.ok(e instanceof BundleError);
  assert.equal(e.name, 'BundleTooLargeError');
  assert.equal(e.code, 'BASKETLIFT_BUNDLE_TOO_LARGE');
  assert.match(e.message, /^basketlift: bundle too large: /);
  assert.match(e.message, pattern);
  return true;
};
const invalid = (pattern) => (e) => {
  assert.ok(e instanceof BundleError && !(e instanceof BundleTooLargeError), e?.stack ?? String(e));
  assert.equal(e.code, 'BASKETLIFT_INVALID_BUNDLE');
  assert.match(e.message, pattern);
  return true;
};

async function answer(source, options) {
  const rec = await loadRecommender(source, options);
  try {
    return rec.recommend(['a0', 'a3'], { n: 5 });
  } finally {
    rec.dispose();
  }
}

test('good bundles load: with and without Content-Length, gzip-encoded, at exactly maxBundleBytes', async () => {
  const expected = await answer(good);
  for (const route of ['/good.blb', '/good-chunked.blb', '/good-gzip.blb']) {
    assert.deepEqual(await answer(`${base}${route}`), expected, route);
    assert.deepEqual(await answer(`${base}${route}`, { maxBundleBytes: good.length }), expected, route);
  }
  assert.deepEqual(await answer(path, { maxBundleBytes: good.length }), expected);
  assert.deepEqual(await answer(good, { maxBundleBytes: good.length }), expected);
});

test('endless and oversized responses are refused early, and no longer read', { timeout: 30_000 }, async (t) => {
  const started = Date.now();
  await assert.rejects(loadRecommender(`${base}/terabyte`), tooLarge(new RegExp(`is ${2 ** 40} bytes \\(Content-Length\\), more than maxBundleBytes \\(${DEFAULT_MAX}\\)`)));
  await assert.rejects(loadRecommender(`${base}/endless-junk`), invalid(/^basketlift: invalid bundle: not a basketlift bundle \(bad magic\)$/));
  await assert.rejects(loadRecommender(`${base}/endless-declared`), tooLarge(new RegExp(`its header declares ${2 ** 40} bytes, more than maxBundleBytes \\(${DEFAULT_MAX}\\)`)));
  await assert.rejects(
    loadRecommender(`${base}/endless-after`),
    invalid(new RegExp(`^basketlift: invalid bundle: size mismatch: header says ${good.length} bytes, the bundle at ${base}/endless-after is longer$`)),
  );
  // The header check comes first, whatever the limit.
  await assert.rejects(loadRecommender(`${base}/endless-junk`, { maxBundleBytes: 16 }), invalid(/bad magic/));
  // A wasm has no header to check: its download stops at 64 MiB (ours is a few hundred KB).
  await assert.rejects(loadRecommender(good, { wasm: `${base}/endless-wasm` }), (e) => {
    assert.ok(e instanceof WasmError, e?.stack ?? String(e));
    assert.equal(e.code, 'BASKETLIFT_WASM_MISMATCH');
    assert.match(e.message, new RegExp(`the wasm at ${base}/endless-wasm is longer, more than ${64 << 20} bytes`));
    return true;
  });
  await assert.rejects(loadRecommender(`${base}/short-length`), invalid(new RegExp(`truncated: header says ${good.length} bytes, got 100$`)));
  assert.ok(Date.now() - started < 20_000, `took ${Date.now() - started} ms`);
  await new Promise((resolve) => setTimeout(resolve, 200)); // the server notices the hang-ups
  t.diagnostic(`bytes sent before the client hung up: ${JSON.stringify(sent)}`);
  for (const [route, bytes] of Object.entries(sent)) {
    // What sat in socket buffers when the client hung up, no more: nowhere near the 4 GB an
    // unbounded reader took in seconds.
    assert.ok(bytes < (route === '/endless-wasm' ? 128 : 64) << 20, `${route}: ${bytes} bytes sent`);
  }
});

test('maxBundleBytes: every source, Content-Length or not, and its bounds', async () => {
  const max = good.length - 1;
  const over = tooLarge(new RegExp(`more than maxBundleBytes \\(${max}\\)`));
  await assert.rejects(loadRecommender(`${base}/good.blb`, { maxBundleBytes: max }), over);
  await assert.rejects(loadRecommender(`${base}/good-chunked.blb`, { maxBundleBytes: max }), tooLarge(new RegExp(`its header declares ${good.length} bytes`)));
  await assert.rejects(loadRecommender(path, { maxBundleBytes: max }), over);
  await assert.rejects(loadRecommender(good, { maxBundleBytes: max }), tooLarge(new RegExp(`bundle too large: ${good.length} bytes, more than`)));
  // A fetch() whose responses have only arrayBuffer(): checked once the bytes are in.
  const bare = async () => ({ ok: true, status: 200, arrayBuffer: async () => good.slice().buffer });
  await assert.rejects(loadRecommender('https://shop.example/rules.blb', { fetch: bare, maxBundleBytes: max }), over);
  assert.deepEqual(await answer('https://shop.example/rules.blb', { fetch: bare }), await answer(good));

  for (const bad of [0, -1, 1.5, '100', 2 ** 30 + 1, null]) {
    await assert.rejects(loadRecommender(good, { maxBundleBytes: bad }), {
      name: 'RangeError',
      message: /^basketlift: maxBundleBytes must be an integer from 1 to 1073741824, got /,
    });
  }
});

test('bytes that are not a bundle are refused before they are copied into wasm', async (t) => {
  const witness = await loadRecommender(good);
  t.after(() => witness.dispose());
  const before = witness.memoryUsage();
  const junk = new Uint8Array(48 << 20).fill(0x20);
  await assert.rejects(loadRecommender(junk), invalid(/bad magic/));
  const file = join(work, 'junk.bin');
  writeFileSync(file, junk);
  await assert.rejects(loadRecommender(file), invalid(/bad magic/));
  const lying = new Uint8Array(48 << 20);
  lying.set(declaring(good.length).subarray(0, 32));
  await assert.rejects(loadRecommender(lying), invalid(new RegExp(`size mismatch: header says ${good.length} bytes, got ${48 << 20}$`)));
  assert.deepEqual(witness.memoryUsage(), before, 'the wasm heap never held them');
});
