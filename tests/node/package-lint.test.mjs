// The published package's metadata, as the two common linters read it: publint (package.json
// fields, exports, the files npm would pack) and Are the Types Wrong (what TypeScript resolves
// for import and require under node10, node16 and bundler resolution, checked on the tarball).
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import test from 'node:test';
import { promisify } from 'node:util';
import { requireBuild, root, tempDir } from './helpers.mjs';

const run = promisify(execFile);

test('publint: no error, warning or suggestion', async (t) => {
  requireBuild();
  const { publint } = await import('publint');
  const { formatMessage } = await import('publint/utils');
  const { messages, pkg } = await publint({ pkgDir: root, level: 'suggestion', pack: 'npm' });
  const found = messages.map((m) => `${m.type}: ${formatMessage(m, pkg, { color: false })}`);
  t.diagnostic(`publint: ${found.length} findings`);
  assert.deepEqual(found, []);
});

test('Are the Types Wrong: every module entry point resolves with types, ESM and CJS', async (t) => {
  requireBuild();
  const work = tempDir(t, 'basketlift-attw-');
  const [packed] = JSON.parse((await run('npm', ['pack', '--json', '--pack-destination', work], { cwd: root })).stdout);
  const attw = join(root, 'node_modules', '@arethetypeswrong', 'cli', 'dist', 'index.js');
  // Excluded entry points are files, not modules: `basketlift/global` is the classic script
  // (<script src>, it exports nothing and defines window.basketlift) and `basketlift/basketlift.wasm`
  // (and basketlift-sharded.wasm) the wasm, both exported so that tools and pages can locate them. Every other entry point,
  // including any added later, is checked under the strict profile.
  const args = [attw, join(work, packed.filename), '--format', 'json', '--exclude-entrypoints', './global', './basketlift.wasm',
    './basketlift-sharded.wasm'];
  // attw exits 1 when it finds a problem; the JSON says which.
  const { stdout, code } = await run(process.execPath, args, { maxBuffer: 64 << 20 }).catch((e) => e);
  const { analysis } = JSON.parse(stdout);
  const entryPoints = Object.keys(analysis.entrypoints);
  t.diagnostic(`attw checked ${entryPoints.join(', ')}`);
  assert.deepEqual(entryPoints.sort(), ['.', './adapters', './element', './package.json', './react', './sharded', './sharded/element']);
  assert.deepEqual(analysis.problems, []);
  assert.equal(code, undefined, 'attw exited 0');
});
