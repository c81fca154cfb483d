// Item ids and category names are bytes in the bundle (a Latin-1 order log gives bytes that are
// not UTF-8). Each must read as a string of its own: valid UTF-8 as usual, any other byte as the
// lone surrogate U+DC00 + byte, so no two items or categories share a label and a cart id reaches
// exactly one item or none.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import test from 'node:test';
import { importPackage, runCli, tempDir } from './helpers.mjs';

const { loadRecommender } = await importPackage();

// [bytes as the log has them, the label JS reads].
const ITEMS = [
  ['caf\xe9', 'caf\udce9'], // Latin-1 é
  ['caf\xe8', 'caf\udce8'], // Latin-1 è: used to read as the same "caf\ufffd"
  ['caf\xef\xbf\xbd', 'caf\ufffd'], // a real U+FFFD, valid UTF-8
  ['\xef\xbb\xbfbom', '\ufeffbom'], // a leading BOM is part of the id
  ['bom', 'bom'],
  ['x\xed\xa0\x80', 'x\udced\udca0\udc80'], // a UTF-16 surrogate encoded in UTF-8 is not UTF-8
  ['x\xc0\xaf', 'x\udcc0\udcaf'], // an overlong "/"
  ['tr\xc3', 'tr\udcc3'], // cut short
  ['sm\xc3\xb8rrebr\xc3\xb8d', 'smørrebrød'],
  ['\xf0\x9f\x98\x80', '😀'],
  ['plain', 'plain'],
];
const CATEGORIES = [
  ['Caf\xe9s', 'Caf\udce9s'],
  ['Caf\xe8s', 'Caf\udce8s'],
];

const work = tempDir({ after: test.after });
const latin1 = (s) => Buffer.from(s, 'latin1');
// Every item bought with every other, so each has rules to all the rest.
const baskets = [];
for (let i = 0; i < ITEMS.length; i++) {
  for (let j = 0; j < ITEMS.length; j++) if (i !== j) baskets.push(`${ITEMS[i][0]},${ITEMS[j][0]}`);
}
writeFileSync(join(work, 'baskets.csv'), latin1(baskets.join('\n') + '\n'));
const catalog = ['item_id,name,category,price', ...ITEMS.map(([bytes], i) => `${bytes},${bytes},${CATEGORIES[i % 2][0]},${i + 1}`)];
writeFileSync(join(work, 'catalog.csv'), latin1(catalog.join('\n') + '\n'));
const bundle = join(work, 'labels.blb');
await runCli([
  'mine', join(work, 'baskets.csv'), '--format', 'basket', '--sep', ',', '--min-support', '0.001',
  '--min-confidence', '0.01', '--catalog', join(work, 'catalog.csv'), '-o', bundle,
]);

test('labels that are not valid UTF-8 stay distinct, and each finds its own item', async () => {
  const rec = await loadRecommender(bundle);
  try {
    assert.equal(rec.info.items, ITEMS.length);
    const labels = rec.products().map((p) => p.item);
    assert.deepEqual([...labels].sort(), ITEMS.map(([, label]) => label).sort());
    for (const [, label] of ITEMS) {
      const p = rec.product(label);
      assert.equal(p.item, label);
      assert.equal(p.name, label, 'names read the same way');
      const results = rec.recommend([label], { n: ITEMS.length });
      assert.equal(results.length, ITEMS.length - 1);
      assert.ok(!results.some((r) => r.item === label));
      for (const r of results) assert.deepEqual(r.because, r.kind === 'cross-sell' ? [label] : []);
      assert.deepEqual(new Set(results.map((r) => r.item)), new Set(labels.filter((l) => l !== label)));
    }

    // Ids no label reads as: unknown, each on its own, never some other item.
    const none = rec.recommend([]);
    for (const id of ['caf\ud800', 'caf\ud801', 'caf\udc00', 'caf\udce9\ud800', 'caf\u00e9', 'caf', '\ufeffplain', 'x\ud800']) {
      assert.equal(rec.product(id), null, JSON.stringify(id));
      assert.deepEqual(rec.recommend([id]), none);
      assert.deepEqual(rec.recommend(['plain', id], { n: 20 }), rec.recommend(['plain'], { n: 20 }));
    }

    // Category names likewise, in the filters too.
    assert.deepEqual(rec.categories().sort(), CATEGORIES.map(([, name]) => name).sort());
    for (const [k, [, name]] of CATEGORIES.entries()) {
      const inside = rec.recommend(['plain'], { n: 20, categories: [name] }).map((r) => r.item);
      assert.deepEqual(inside.sort(), ITEMS.filter((_, i) => i % 2 === k && ITEMS[i][1] !== 'plain').map(([, l]) => l).sort());
    }
    assert.throws(() => rec.recommend(['plain'], { categories: ['Caf\ufffds'] }), /unknown category/);
  } finally {
    rec.dispose();
  }
});
