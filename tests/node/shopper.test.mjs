// The shopper-facing options and fields of recommend(): non-merchandise is never returned,
// `maxPerFamily` limits one family (the core decides), `reason` names the one cart item a
// shopper is told about — the same answers as the CLI's --json on the same bundle.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import test from 'node:test';

import * as L from '../../build/wasm/layout.js';
import { importPackage, mine, runCli, tempDir } from './helpers.mjs';

const { loadRecommender } = await importPackage();

// Six orders: t (tea) with mugs m1..m3 and a fee f in all four of its orders; b (bag).
const ORDERS = 'order_id,item_id\n1,t\n1,m1\n1,f\n2,t\n2,m1\n2,m2\n2,f\n3,t\n3,m2\n3,m3\n3,f\n4,t\n4,m3\n4,b\n4,f\n5,b\n5,m1\n6,b\n6,f\n';
const CATALOG = 'item_id,name,category,price,recommendable\nt,Tea,TEA,2,1\nm1,Mug one,MUG,3,\nm2,Mug two,MUG,3,1\nm3,Mug three,MUG,3,1\nb,Bag,BAG,4,1\nf,Card fee,FEE,1,0\n';

const work = tempDir({ after: test.after });
writeFileSync(join(work, 'orders.csv'), ORDERS);
writeFileSync(join(work, 'catalog.csv'), CATALOG);
const bundle = await mine(work, 'shop', join(work, 'orders.csv'), ['--catalog', join(work, 'catalog.csv'), '--min-count', '1',
  // The expected orders below are worked out from the rules; learned weights would reorder them.
  '--learned', '0']);
const rec = await loadRecommender(bundle);
const cliJson = async (...args) => JSON.parse(await runCli(['recommend', bundle, ...args, '--json']));

test('recommend: a non-merchandise item is never returned, not even as the popular fill', () => {
  const items = rec.recommend(['t'], { n: 10 }).map((r) => r.item);
  assert.deepEqual(items, ['m2', 'm3', 'm1', 'b']);
  for (const cart of [['b'], ['m1'], ['f'], [], ['t', 'b']]) {
    assert.ok(!rec.recommend(cart, { n: 10 }).some((r) => r.item === 'f'), `cart ${cart}`);
  }
});

test('recommend: maxPerFamily keeps one mug and lets the bag in; 0 means no limit', async () => {
  assert.deepEqual(rec.recommend(['t'], { n: 3, maxPerFamily: 1 }).map((r) => r.item), ['m2', 'b']);
  assert.deepEqual(rec.recommend(['t'], { n: 3, maxPerFamily: 2 }).map((r) => r.item), ['m2', 'm3', 'b']);
  assert.deepEqual(rec.recommend(['t'], { n: 3, maxPerFamily: 0 }).map((r) => r.item), ['m2', 'm3', 'm1']);
  assert.deepEqual(rec.recommend(['t'], { n: 3 }).map((r) => r.item), ['m2', 'm3', 'm1']);
  const cli = await cliJson('--cart', 't', '-n', '3', '--max-per-family', '1');
  assert.deepEqual(rec.recommend(['t'], { n: 3, maxPerFamily: 1 }).map((r) => r.item), cli.map((r) => r.item));
  for (const bad of [-1, 1.5, '1', null]) {
    assert.throws(() => rec.recommend(['t'], { maxPerFamily: bad }), RangeError);
  }
});

test('recommend: each result carries its reason, null for the popular fill; as the CLI says', async () => {
  for (const cart of [['t'], ['t', 'b'], ['b', 't'], ['m1'], ['zzz']]) {
    const js = rec.recommend(cart, { n: 6 });
    const cli = cart.includes('zzz') ? null : await cliJson('--cart', cart.join(','), '-n', '6');
    for (const [i, r] of js.entries()) {
      if (r.kind === 'popular') assert.equal(r.reason, null);
      else assert.ok(cart.includes(r.reason) && r.because.includes(r.reason), JSON.stringify(r));
      if (cli) assert.equal(r.reason, cli[i].reason);
    }
  }
  assert.deepEqual(rec.recommend(['t'], { n: 4 }).map((r) => r.reason), ['t', 't', 't', 't']);
});

test('product() and products() carry the flag, so a page can check what it shows', () => {
  assert.equal(rec.product('f').recommendable, false);
  assert.equal(rec.product('t').recommendable, true);
  assert.equal(rec.product('m1').recommendable, true); // empty column: recommendable
  assert.deepEqual(rec.products().filter((p) => !p.recommendable).map((p) => p.item), ['f']);
});

test('the widget default family limit comes from the core through layout.js', () => {
  assert.equal(L.DEFAULTS.widget.maxPerFamily, 1);
  assert.equal(L.DEFAULTS.recommend.maxPerFamily, 0);
  assert.equal(typeof L.RESULT_REASON, 'number');
  assert.equal(L.RESULT_BYTES % 8, 0);
});
