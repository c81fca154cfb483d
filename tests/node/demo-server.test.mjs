// The demo server (demo/server.mjs) as a process, on loopback only: hostile and malformed request
// targets sent raw over a socket (fetch would normalise them) get 400 or 404 and never stop it,
// no file outside its root is served (symlinks included), and it listens on 127.0.0.1 only
// unless HOST says otherwise.
import test from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';

import { serve } from '../e2e/harness.mjs';
import { tempDir } from './helpers.mjs';

const SECRET = 'secret outside the root';

// One raw request on its own connection; resolves to { status, text } of the answer.
function raw(port, request, host = '127.0.0.1') {
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port });
    let text = '';
    socket.setEncoding('latin1');
    socket.setTimeout(5000, () => socket.destroy(new Error(`no answer to ${JSON.stringify(request)}`)));
    socket.on('connect', () => socket.write(request));
    socket.on('data', (chunk) => (text += chunk));
    socket.on('error', reject);
    socket.on('close', () => {
      const m = text.match(/^HTTP\/1\.[01] (\d{3}) /);
      resolve({ status: m ? Number(m[1]) : null, text });
    });
  });
}
const get = (port, target, host) => raw(port, `GET ${target} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`, host);

// Resolves to the error code of a connection attempt, or 'connected'.
function tryConnect(host, port) {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    socket.on('connect', () => {
      socket.destroy();
      resolve('connected');
    });
    socket.on('error', (e) => resolve(e.code));
  });
}

// ROOT/index.html, ROOT/app.wasm, a symlink to a file inside the root, and symlinks to a file
// and a folder outside it.
function makeSite(t) {
  const dir = tempDir(t, 'basketlift-server-');
  const site = join(dir, 'site');
  const outside = join(dir, 'outside');
  mkdirSync(site);
  mkdirSync(outside);
  writeFileSync(join(site, 'index.html'), '<!doctype html><title>shop</title>\n');
  writeFileSync(join(site, 'app.wasm'), Buffer.from([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]));
  mkdirSync(join(site, 'shards', '0123456789abcdef'), { recursive: true });
  writeFileSync(join(site, 'shards', 'manifest.json'), '{}');
  writeFileSync(join(site, 'shards', '0123456789abcdef', 's1.blb'), 'part');
  writeFileSync(join(outside, 'secret.txt'), SECRET);
  symlinkSync(join(site, 'index.html'), join(site, 'home.html'));
  symlinkSync(join(outside, 'secret.txt'), join(site, 'secret.txt'));
  symlinkSync('../outside/secret.txt', join(site, 'relative.txt'));
  symlinkSync(outside, join(site, 'linked'));
  return { dir, site };
}

test('demo server: malformed and hostile requests get 400/404 and it keeps serving', async (t) => {
  const { site } = makeSite(t);
  const server = await serve([site]);
  t.after(() => server.stop());
  const { port } = server;

  const cases = [
    ['//', 400], // a URL parser reads "//" as a host: this once threw and killed the process
    ['//x/index.html', 400],
    ['http://x', 400],
    ['http://x/index.html', 400],
    ['/%E0%A4%A', 400],
    ['/%', 400],
    ['*', 400],
    ['/../../etc/passwd', 404],
    ['/%2e%2e/%2e%2e/etc/passwd', 404],
    ['/secret.txt', 404], // symlinks that lead out of the root
    ['/relative.txt', 404],
    ['/linked/secret.txt', 404],
    ['/index.html%00.txt', 404],
  ];
  for (const [target, status] of cases) {
    const r = await get(port, target);
    assert.equal(r.status, status, `GET ${target}: ${r.text}`);
    assert.ok(!r.text.includes(SECRET) && !r.text.includes('root:'), `GET ${target} leaked a file`);
    assert.match(r.text, /content-security-policy: default-src 'self'/i, `GET ${target} keeps the headers`);
  }
  // Not HTTP at all: Node's parser answers 400 and closes that connection only.
  assert.equal((await raw(port, 'GARBAGE\r\n\r\n')).status, 400);

  assert.equal(server.child.exitCode, null, 'the server is still running');
  const good = await get(port, '/');
  assert.equal(good.status, 200, good.text);
  assert.match(good.text, /<title>shop<\/title>/);
  // A symlink that stays inside the root is an ordinary file.
  assert.equal((await get(port, '/home.html')).status, 200);
  const wasm = await fetch(`${server.url}app.wasm`);
  assert.equal(wasm.status, 200);
  assert.equal(wasm.headers.get('content-type'), 'application/wasm');
  assert.equal(wasm.headers.get('cache-control'), 'no-cache');
  // A sharded bundle's parts are named by their run: cached for good; its manifest is refreshed
  // in the background.
  const part = await fetch(`${server.url}shards/0123456789abcdef/s1.blb`);
  assert.equal(part.headers.get('cache-control'), 'public, max-age=31536000, immutable');
  const manifest = await fetch(`${server.url}shards/manifest.json`);
  assert.equal(manifest.headers.get('cache-control'), 'max-age=0, stale-while-revalidate=86400');
  assert.equal((await fetch(server.url, { method: 'POST' })).status, 405);
});

test('demo server: listens on 127.0.0.1 only by default, HOST moves it', async (t) => {
  const { site } = makeSite(t);
  const server = await serve([site]);
  t.after(() => server.stop());
  assert.equal(await tryConnect('127.0.0.1', server.port), 'connected');
  // Other loopback addresses reach a server bound to every interface, not one bound to 127.0.0.1.
  assert.equal(await tryConnect('127.0.0.2', server.port), 'ECONNREFUSED');
  assert.notEqual(await tryConnect('::1', server.port), 'connected');
  assert.equal(server.host, '127.0.0.1', 'the URL it prints is the one it listens on');

  const moved = await serve([site], { HOST: '127.0.0.2' });
  t.after(() => moved.stop());
  assert.equal(moved.host, '127.0.0.2');
  assert.equal((await get(moved.port, '/', '127.0.0.2')).status, 200);
  assert.equal(await tryConnect('127.0.0.1', moved.port), 'ECONNREFUSED');
});

test('demo server: a root given through a symlink still serves its files', async (t) => {
  const { dir, site } = makeSite(t);
  symlinkSync(site, join(dir, 'site-link'));
  const server = await serve([join(dir, 'site-link')]);
  t.after(() => server.stop());
  assert.equal((await get(server.port, '/index.html')).status, 200);
  assert.equal((await get(server.port, '/secret.txt')).status, 404);
});
