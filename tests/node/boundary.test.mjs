// The wasm boundary has one source of truth, wasm/layout.hpp: build/wasm/layout.js is generated
// from it, and web/ must read slots, offsets, strides, statuses, kinds, sentinels and defaults
// from there. This test fails when a boundary number is retyped in web/.
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import test from 'node:test';
import { root } from './helpers.mjs';

const web = join(root, 'web');
const sources = readdirSync(web)
  .filter((f) => f.endsWith('.js'))
  .map((f) => ({ file: f, lines: readFileSync(join(web, f), 'utf8').split('\n') }));

// Code only: comments may cite numbers.
function code(line) {
  return line.replace(/\/\/.*$/, '');
}

test('web/ reads every boundary number from the generated layout', () => {
  const retyped = [
    // a slot of header(), an offset into a result struct, or a stride of a result array
    /(#header|header|at|ints|numbers)\s*\+\s*\d/,
    /\b\d+\s*\*\s*(r|id)\b/,
    // a status compared by value (0 and the sign are the convention itself: a count >= 0 or a
    // negative status)
    /\b(status|found)\s*[!=<>]==?\s*(-\d|[1-9])/,
    // sentinels and kind names
    /0xffffffff\s*;|=== 0xffffffff|'cross-sell'\s*,\s*'popular'/,
    // the old hand-kept constants
    /\bconst\s+(INPUT|NUMBERS|INTS|BECAUSE|RESULTS|RESULT_BYTES|NO_ITEM|NO_CATEGORY|CHECKSUM_FAULT)\s*=/,
    /\bconst\s+KINDS\s*=\s*\[/, // the scorer's kinds by id (the widget's own mode names are a Set)
  ];
  const found = [];
  for (const { file, lines } of sources) {
    lines.forEach((line, i) => {
      for (const pattern of retyped) if (pattern.test(code(line))) found.push(`web/${file}:${i + 1}: ${line.trim()}`);
    });
  }
  assert.deepEqual(found, []);
});

test('the generated layout is what the wasm module was built with', async () => {
  const layout = await import(join(root, 'build', 'wasm', 'layout.js'));
  const createBasketlift = (await import(join(root, 'build', 'wasm', 'basketlift.mjs'))).default;
  const module = await WebAssembly.compile(readFileSync(join(root, 'build', 'wasm', 'basketlift.wasm')));
  const mod = await createBasketlift({
    instantiateWasm(imports, receive) {
      WebAssembly.instantiate(module, imports).then((instance) => receive(instance, module));
      return {};
    },
  });
  assert.equal(mod.layoutFingerprint, layout.FINGERPRINT);
  // The defaults JS applies come from the core's request structs, through the generated file.
  assert.equal(layout.DEFAULTS.recommend.n, 10);
  assert.deepEqual(layout.KINDS, ['cross-sell', 'popular', 'category', 'similar']);
});
