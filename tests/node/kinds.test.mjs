// The later recommendation kinds through wasm: upsell, complementary categories, next purchases,
// recommend's business filters, the catalog and the rule list. The wasm package and the native
// CLI run the same core, so for many requests their answers must be identical, number for number
// (the CLI prints shortest round-trip doubles). The Online Retail bundle is mined in the test
// with a derived catalog and customer/date columns, so it has every optional section.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import test from 'node:test';
import { isDeepStrictEqual } from 'node:util';
import { gunzipSync } from 'node:zlib';
import {
  dataDir, GROCERIES, groceriesArgs, importPackage, mine, mineRetailWithCatalog, needData,
  parseCsv, RETAIL, rng, runCli, tempDir,
} from './helpers.mjs';

const { loadRecommender } = await importPackage();
const skipRetail = needData(RETAIL);
const work = tempDir({ after: test.after });
const retail = skipRetail ? null : await setUpRetail();

async function setUpRetail() {
  const { bundle, catalog } = await mineRetailWithCatalog(work);
  const rec = await loadRecommender(bundle);
  test.after(() => rec.dispose());
  return { bundle, catalog, rec, ...readOrders() };
}

// Online Retail's order lines: item frequencies and, per customer, their purchases.
function readOrders() {
  const lines = gunzipSync(readFileSync(join(dataDir, RETAIL))).toString('utf8').split('\n');
  assert.equal(lines[0], 'InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country');
  const customers = new Map();
  for (let i = 1; i < lines.length; i++) {
    if (!lines[i]) continue;
    // Only Description is ever quoted (README of ../shared/data); it holds no newlines.
    const f = lines[i].includes('"') ? parseCsv(lines[i])[0] : lines[i].split(',');
    assert.equal(f.length, 8, `line ${i + 1}`);
    const [, item, , quantity, date, , customer] = f;
    if (!customer || !(Number(quantity) > 0)) continue;
    if (!customers.has(customer)) customers.set(customer, []);
    customers.get(customer).push({ item, date });
  }
  return { customers };
}

// The CLI splits lists on ',' and reads '-…' as an option: such labels cannot be compared.
const listable = (s) => !s.includes(',') && !s.startsWith('-') && s !== '';

// --exclude / --categories / --min-price / --max-price as the CLI spells the JS filters.
function filterArgs({ exclude, categories, priceRange }) {
  const args = [];
  if (exclude?.length) args.push('--exclude', exclude.join(','));
  if (categories?.length) args.push('--categories', categories.join(','));
  if (priceRange) {
    if (priceRange[0] !== -Infinity) args.push('--min-price', String(priceRange[0]));
    if (priceRange[1] !== Infinity) args.push('--max-price', String(priceRange[1]));
  }
  return args;
}

// Runs every request through the CLI (two processes at a time: the machine may have only two
// cores) and through `call`, and compares. Returns the JS results.
async function compare(requests, cliArgs, call, check = assert.deepStrictEqual) {
  const all = [];
  for (let i = 0; i < requests.length; i += 2) {
    const batch = requests.slice(i, i + 2);
    const expected = await Promise.all(batch.map(async (r) => JSON.parse(await runCli(await cliArgs(r)))));
    batch.forEach((r, k) => {
      const got = call(r);
      check(got, expected[k], `request ${i + k}: ${JSON.stringify(r)}`);
      all.push(got);
    });
  }
  return all;
}

// Map.groupBy is Node 21+.
function groupBy(list, key) {
  const groups = new Map();
  for (const x of list) {
    const k = key(x);
    if (!groups.has(k)) groups.set(k, []);
    groups.get(k).push(x);
  }
  return groups;
}

const cents = (x) => Math.round(x * 100) / 100; // a price the CLI parses to the same double

function randomPriceRange(rand, around) {
  const lo = cents(around * (0.3 + rand()));
  const hi = cents(lo * (1 + 3 * rand()));
  const r = rand();
  return r < 0.2 ? [lo, Infinity] : r < 0.3 ? [-Infinity, hi] : [lo, hi];
}

test('upsell: parity with the CLI', { skip: skipRetail }, async () => {
  const { rec, bundle } = retail;
  const rand = rng(11);
  const products = rec.products().filter((p) => listable(p.item));
  const priced = products.filter((p) => p.category !== null && p.price !== null).sort((a, b) => b.popularity - a.popularity);
  const byCategory = groupBy(priced, (p) => p.category);
  const categories = rec.categories().filter(listable);
  const pick = (list) => list[Math.floor(list.length * rand())];
  const requests = [];
  for (let i = 0; i < 300; i++) {
    const base = i % 10 === 9 ? pick(products) : priced[Math.floor(priced.length * rand() ** 2)];
    const options = {};
    if (rand() < 0.7) options.n = 1 + Math.floor(rand() * 12);
    if (rand() < 0.6) options.maxPriceRatio = pick([1, 1.25, 1.5, 3, 10]);
    const siblings = byCategory.get(base.category) ?? [];
    if (rand() < 0.3) options.exclude = [pick(siblings)?.item ?? base.item, 'no-such-item'];
    if (rand() < 0.2 && listable(base.category ?? '-')) options.categories = rand() < 0.7 ? [base.category, pick(categories)] : [pick(categories)];
    if (rand() < 0.3) options.priceRange = randomPriceRange(rand, base.price ?? 2);
    requests.push({ item: i === 0 ? 'no-such-item' : base.item, options });
  }
  const results = await compare(
    requests,
    ({ item, options: o }) => ['upsell', bundle, '--item', item, '-n', String(o.n ?? 5),
      ...(o.maxPriceRatio === undefined ? [] : ['--max-price-ratio', String(o.maxPriceRatio)]), ...filterArgs(o), '--json'],
    ({ item, options }) => rec.upsell(item, options),
  );
  const served = results.filter((r) => r.length).length;
  assert.ok(served > 100, `only ${served} of ${requests.length} upsell requests had results`);
  assert.ok(results.some((r) => r.some((u) => u.substitution > 0)), 'no substitute was ever found');
  for (const [k, r] of results.entries()) {
    const base = rec.product(requests[k].item);
    for (const u of r) {
      const p = rec.product(u.item);
      assert.equal(p.category, base.category);
      assert.ok(p.price > base.price && u.priceRatio === p.price / base.price);
    }
  }
});

test('complementaryCategories: parity with the CLI; exclude', { skip: skipRetail }, async () => {
  const { rec, bundle } = retail;
  const rand = rng(12);
  const categories = rec.categories().filter(listable);
  // Categories of popular items first, so most requests have rules.
  const popular = [...new Set(rec.products().sort((a, b) => b.popularity - a.popularity).map((p) => p.category))]
    .filter((c) => c !== null && listable(c));
  const pick = (list) => list[Math.floor(list.length * rand())];
  const requests = [];
  for (let i = 0; i < 150; i++) {
    const category = rand() < 0.8 ? popular[Math.floor(popular.length * rand() ** 2)] : pick(categories);
    const options = {};
    if (rand() < 0.8) options.n = 1 + Math.floor(rand() * 25);
    if (rand() < 0.3) options.categories = Array.from({ length: 1 + Math.floor(rand() * 40) }, () => pick(popular));
    requests.push({ category, options });
  }
  const results = await compare(
    requests,
    ({ category, options: o }) => ['categories', bundle, '--category', category, '-n', String(o.n ?? 10), ...filterArgs(o), '--json'],
    ({ category, options }) => rec.complementaryCategories(category, options),
  );
  const served = results.filter((r) => r.length).length;
  assert.ok(served > 100, `only ${served} of ${requests.length} category requests had results`);

  // The CLI has no category exclude list (its --exclude takes items): excluding must equal
  // filtering the full answer.
  for (const { category } of requests.slice(0, 60)) {
    const full = rec.complementaryCategories(category, { n: 10000 });
    const exclude = full.filter(() => rand() < 0.3).map((c) => c.category);
    const kept = full.filter((c) => !exclude.includes(c.category));
    assert.deepStrictEqual(rec.complementaryCategories(category, { n: 10000, exclude }), kept);
    assert.deepStrictEqual(rec.complementaryCategories(category, { n: 3, exclude }), kept.slice(0, 3));
  }
});

// YYYY-MM-DD of days since 1970-01-01.
const dayString = (day) => new Date(day * 86400000).toISOString().slice(0, 10);
const dayOf = (s) => Date.parse(s.slice(0, 10) + 'T00:00:00Z') / 86400000;

// The core computes the normal CDF with basic arithmetic only (core/next_purchase.cpp), so
// native and wasm probabilities must agree to the bit.
let nextPairs = null; // [{ request, got, expected }] of the parity test

test('nextPurchases: parity with the CLI for real customers and made-up histories', { skip: skipRetail }, async () => {
  const { rec, bundle, customers } = retail;
  const rand = rng(13);
  const pick = (list) => list[Math.floor(list.length * rand())];
  // Customers who bought some item on three or more days: they have intervals of their own.
  const repeaters = [...customers.entries()]
    .filter(([, events]) => {
      const days = groupBy(events, (e) => e.item);
      return [...days.values()].some((list) => new Set(list.map((e) => e.date.slice(0, 10))).size >= 3);
    })
    .map(([id]) => id)
    .sort();
  assert.ok(repeaters.length > 500, `${repeaters.length} repeat customers`);
  const items = rec.products().sort((a, b) => b.popularity - a.popularity).filter((p) => listable(p.item));
  const categories = rec.categories().filter(listable);

  const requests = [];
  for (let i = 0; i < 160; i++) {
    let history;
    if (i % 4 !== 3) {
      // A real customer's purchases; dates as 'YYYY-MM-DD' or with the data set's time of day.
      const full = rand() < 0.3;
      history = customers.get(pick(repeaters)).map((e) => ({ item: e.item, date: full ? e.date : e.date.slice(0, 10) }));
    } else {
      // Made up: popular items bought every few days, in any order, with unknown items too.
      history = [];
      for (let k = Math.floor(rand() * 8); k >= 0; k--) {
        const item = rand() < 0.1 ? `no-such-item-${k}` : items[Math.floor(items.length * rand() ** 3)].item;
        let day = dayOf('2011-01-01') + Math.floor(rand() * 200);
        const every = 1 + Math.floor(rand() * 40);
        for (let j = Math.floor(rand() * 6); j >= 0; j--, day += Math.floor(every * (0.5 + rand()))) {
          history.push({ item, date: dayString(day) });
        }
      }
      history.sort(() => rand() - 0.5);
    }
    const days = history.map((e) => dayOf(e.date));
    const first = Math.min(...days);
    const last = Math.max(...days);
    const options = { asOf: dayString(first + Math.floor((last + 60 - first) * rand())) };
    if (rand() < 0.5) options.n = 1 + Math.floor(rand() * 15);
    if (rand() < 0.5) options.window = pick([0, 1, 3, 7, 14, 30]);
    const bought = history.map((e) => e.item).filter(listable);
    if (rand() < 0.2 && bought.length) options.exclude = [pick(bought), pick(bought)];
    if (rand() < 0.2) {
      const own = bought.map((item) => rec.product(item)?.category).filter((c) => c && listable(c));
      options.categories = own.length && rand() < 0.8 ? [pick(own), pick(categories)] : [pick(categories)];
    }
    if (rand() < 0.2) options.priceRange = randomPriceRange(rand, 3);
    requests.push({ history, options });
  }

  let file = 0;
  nextPairs = [];
  const results = await compare(
    requests,
    ({ history, options: o }) => {
      const path = join(work, `history-${file++}.csv`);
      writeFileSync(path, 'item,date\n' + history.map((e) => `${e.item},${e.date}\n`).join(''));
      return ['next', bundle, '--history', path, '--as-of', o.asOf, '-n', String(o.n ?? 10),
        ...(o.window === undefined ? [] : ['--window', String(o.window)]), ...filterArgs(o), '--json'];
    },
    ({ history, options }) => rec.nextPurchases(history, options),
    (got, expected, message) => {
      nextPairs.push({ message, got, expected });
      assert.deepStrictEqual(got, expected, message);
    },
  );
  const served = results.filter((r) => r.length).length;
  const probabilities = new Set(results.flat().map((r) => r.probability));
  assert.ok(served > 100, `only ${served} of ${requests.length} histories had predictions`);
  assert.ok(probabilities.size > 500, `only ${probabilities.size} distinct probabilities`);
});

test('nextPurchases: probabilities bit-identical to the CLI', { skip: skipRetail }, () => {
  assert.ok(nextPairs, 'the parity test did not run');
  const differing = nextPairs.filter(({ got, expected }) => !isDeepStrictEqual(got, expected));
  assert.equal(differing.length, 0, `${differing.length} of ${nextPairs.length} requests differ, e.g. ${differing[0]?.message.slice(0, 300)}`);
});

test('recommend with categories and priceRange: parity with the CLI', { skip: skipRetail }, async () => {
  const { rec, bundle } = retail;
  const rand = rng(14);
  const items = rec.products().sort((a, b) => b.popularity - a.popularity).filter((p) => listable(p.item));
  const pickItem = () => items[Math.floor(items.length * rand() ** 3)];
  const requests = [];
  for (let i = 0; i < 200; i++) {
    const cart = Array.from({ length: 1 + Math.floor(rand() * 10) }, () => pickItem().item);
    const options = { n: 1 + Math.floor(rand() * 30) };
    if (rand() < 0.4) options.history = Array.from({ length: Math.floor(rand() * 8) }, () => pickItem().item);
    if (rand() < 0.2) options.exclude = [pickItem().item];
    if (rand() < 0.6) {
      // Categories of items likely to be recommended, so the filter keeps some.
      const near = rec.recommend(cart, { n: 40 }).map((r) => rec.product(r.item).category);
      options.categories = [...new Set(near.filter((c) => c && listable(c) && rand() < 0.3))];
      if (!options.categories.length) options.categories = [pickItem().category].filter((c) => c && listable(c));
    }
    if (rand() < 0.5 || !options.categories) options.priceRange = randomPriceRange(rand, 3);
    requests.push({ cart, options });
  }
  const results = await compare(
    requests,
    ({ cart, options: o }) => ['recommend', bundle, '--cart', cart.join(','), '-n', String(o.n),
      ...(o.history?.length ? ['--history', o.history.join(',')] : []), ...filterArgs(o), '--json'],
    ({ cart, options }) => rec.recommend(cart, options),
  );
  const kinds = groupBy(results.flat(), (r) => r.kind);
  assert.ok(kinds.get('cross-sell')?.length > 500 && kinds.get('popular')?.length > 50,
    `cross-sell ${kinds.get('cross-sell')?.length}, popular ${kinds.get('popular')?.length}`);
  for (const [k, r] of results.entries()) {
    const { categories, priceRange } = requests[k].options;
    for (const { item } of r) {
      const p = rec.product(item);
      if (categories?.length) assert.ok(categories.includes(p.category));
      if (priceRange) assert.ok(p.price >= priceRange[0] && p.price <= priceRange[1]);
    }
  }
});

test('carts of unsold catalog items: answered by similar names and categories, as the CLI does', { skip: skipRetail }, async () => {
  const { rec, bundle } = retail;
  const products = rec.products();
  const unsold = products.filter((p) => p.popularity === 0 && p.category && listable(p.item));
  const sold = products.filter((p) => p.popularity > 0 && listable(p.item));
  assert.ok(unsold.length >= 20, `${unsold.length} unsold catalog items`);
  const rand = rng(41);
  const pick = (list) => list[Math.floor(rand() * list.length)].item;
  const requests = [];
  for (let i = 0; i < 60; i++) {
    const cart = Array.from({ length: 1 + Math.floor(rand() * 3) }, () => pick(unsold));
    if (i % 3 === 0) cart.push(pick(sold)); // some item rules too: categories fill after them
    const options = { n: 1 + Math.floor(rand() * 20) };
    if (rand() < 0.3) options.history = [pick(sold), pick(sold)];
    requests.push({ cart, options });
  }
  const results = await compare(
    requests,
    ({ cart, options: o }) => ['recommend', bundle, '--cart', cart.join(','), '-n', String(o.n),
      ...(o.history?.length ? ['--history', o.history.join(',')] : []), '--json'],
    ({ cart, options }) => rec.recommend(cart, options),
  );
  const popularity = new Map(products.map((p) => [p.item, p.popularity]));
  // Categories that can answer: with sold items that are merchandise (the category answer never
  // offers the rest, such as the write-offs of an unpriced "thrown away" line).
  const soldCategories = new Set(sold.filter((p) => p.recommendable).map((p) => p.category));
  let category = 0;
  let similar = 0;
  for (const [k, list] of results.entries()) {
    const { cart } = requests[k];
    const onlyUnsold = cart.every((x) => popularity.get(x) === 0);
    // A cart of unsold items fires no item rule: its first answer comes from similar names or
    // its categories when one of them has sold items.
    if (onlyUnsold && cart.some((x) => soldCategories.has(rec.product(x).category))) {
      assert.ok(['similar', 'category'].includes(list[0].kind), JSON.stringify(requests[k]));
    }
    if (onlyUnsold) assert.ok(list.every((r) => r.kind !== 'cross-sell'));
    // Kinds come in order: cross-sell and similar (one ranking), then category, then popular.
    const order = list.map((r) => ({ 'cross-sell': 0, similar: 0, category: 1, popular: 2 })[r.kind]);
    assert.deepStrictEqual(order, [...order].sort((a, b) => a - b));
    for (const r of list.filter((x) => x.kind === 'similar')) {
      similar++;
      assert.ok(r.confidence > 0 && r.confidence <= 1 && r.lift === 1);
      assert.ok(r.because.length > 0 && r.because.every((x) => cart.includes(x) && popularity.get(x) === 0));
    }
    for (const r of list.filter((x) => x.kind === 'category')) {
      category++;
      assert.ok(popularity.get(r.item) > 0, 'an unsold item is never recommended by category');
      assert.ok(r.because.length > 0 && r.because.every((x) => cart.includes(x)));
      assert.ok(r.confidence > 0 && r.confidence <= 1);
      assert.equal(r.lift, (r.confidence * rec.info.transactions) / popularity.get(r.item));
    }
  }
  assert.ok(category > 50 && similar > 50, `${category} category, ${similar} similar results`);
});

test('product(), products() and categories() agree with the catalog the bundle was mined with', { skip: skipRetail }, () => {
  const { rec, catalog } = retail;
  const [header, ...rows] = parseCsv(readFileSync(catalog, 'utf8'));
  assert.deepEqual(header, ['item_id', 'name', 'category', 'price', 'recommendable']);
  const entries = new Map(rows.map(([item, name, category, price, recommendable]) => [item, {
    item, name: name || null, category: category || null, price: price === '' ? null : Number(price),
    recommendable: recommendable !== '0',
  }]));

  const products = rec.products();
  assert.equal(products.length, rec.info.items);
  assert.ok(rec.info.catalog && rec.info.categoryRules && rec.info.repurchase);
  let named = 0;
  for (const p of products) {
    const expected = entries.get(p.item) ?? { item: p.item, name: null, category: null, price: null, recommendable: true };
    const { popularity, ...entry } = p;
    assert.deepStrictEqual(entry, expected);
    assert.deepStrictEqual(rec.product(p.item), expected);
    // 0: in the catalog, never in a basket (the catalog also lists items only ever returned).
    assert.ok(Number.isInteger(popularity) && popularity >= 0);
    if (p.name) named++;
  }
  assert.ok(named > 0.9 * products.length);
  assert.equal(rec.product('no-such-item'), null);
  // Popularity is the basket count behind the 'popular' fallback's confidence (its support).
  const popularity = new Map(products.map((p) => [p.item, p.popularity]));
  for (const r of rec.recommend([], { n: 100 })) {
    assert.equal(r.confidence, popularity.get(r.item) / rec.info.transactions);
  }

  // Categories: the distinct categories of the catalog's items, one label each.
  const categories = rec.categories();
  assert.equal(categories.length, rec.info.categories);
  assert.equal(new Set(categories).size, categories.length);
  const inBundle = new Set(products.map((p) => p.category).filter(Boolean));
  const inCatalog = new Set([...entries.values()].map((e) => e.category).filter(Boolean));
  for (const c of inBundle) assert.ok(categories.includes(c), c);
  for (const c of categories) assert.ok(inCatalog.has(c), c);
  // Fresh arrays: a caller's changes do not leak into the next answer.
  categories.length = 0;
  products[0].name = 'changed';
  assert.equal(rec.categories().length, rec.info.categories);
  assert.notEqual(rec.products()[0].name, 'changed');
});

test('topRules: ranked by lift, the bundle\'s rules with the scorer\'s numbers', { skip: skipRetail }, () => {
  const { rec } = retail;
  assert.equal(rec.topRules().length, 500);
  assert.deepStrictEqual(rec.topRules({ limit: 0 }), []);
  const all = rec.topRules({ limit: 10_000_000 });
  assert.equal(all.length, rec.info.rules.total);
  assert.equal(all.filter((r) => r.antecedent.length === 1).length, rec.info.rules.single);
  assert.equal(all.filter((r) => r.antecedent.length === 2).length, rec.info.rules.pair);
  assert.deepStrictEqual(rec.topRules({ limit: 1000 }), all.slice(0, 1000));
  for (let i = 1; i < all.length; i++) {
    const [x, y] = [all[i - 1], all[i]];
    assert.ok(x.lift > y.lift || (x.lift === y.lift && (x.confidence > y.confidence ||
      (x.confidence === y.confidence && x.support >= y.support))), `rules ${i - 1} and ${i}`);
  }
  // A one-item cart fires exactly that item's single-item rules: the scorer reports the same
  // confidence and lift for each consequent.
  for (const r of all.filter((x) => x.antecedent.length === 1).slice(0, 300)) {
    const hit = rec.recommend(r.antecedent, { n: 1000 }).find((x) => x.item === r.consequent);
    assert.ok(hit && hit.kind === 'cross-sell', `${r.antecedent} -> ${r.consequent}`);
    assert.equal(hit.confidence, r.confidence);
    assert.equal(hit.lift, r.lift);
  }
});

test('the new kinds leave wasm memory flat', { skip: skipRetail }, () => {
  const { rec, customers } = retail;
  const history = customers.get([...customers.keys()].sort()[7]).map((e) => ({ item: e.item, date: e.date.slice(0, 10) }));
  const items = rec.products().sort((a, b) => b.popularity - a.popularity).slice(0, 200).map((p) => p.item);
  const categories = rec.categories();
  const round = (i) => {
    const item = items[i % items.length];
    rec.upsell(item, { n: 10, categories: [categories[i % categories.length]] });
    rec.upsell(item, { priceRange: [1, 10] });
    rec.complementaryCategories(categories[i % categories.length], { n: 5 });
    rec.nextPurchases(history, { asOf: '2011-09-01', exclude: [item] });
    rec.recommend([item], { categories: [rec.product(item).category ?? categories[0]], priceRange: [0, 5] });
    if (i % 100 === 0) rec.topRules({ limit: 50 + (i % 3) });
  };
  for (let i = 0; i < 1000; i++) round(i);
  const before = rec.memoryUsage();
  for (let i = 0; i < 20_000; i++) round(i);
  assert.deepEqual(rec.memoryUsage(), before);
});

test('a bundle without catalog: no upsell, no categories, products without names', { skip: needData(GROCERIES) }, async () => {
  const bundle = await mine(work, 'groceries', join(dataDir, GROCERIES), groceriesArgs);
  const rec = await loadRecommender(bundle);
  try {
    const { info } = rec;
    assert.equal(info.catalog, false);
    assert.equal(info.categories, 0);
    assert.equal(info.categoryRules, false);
    assert.equal(info.repurchase, false);
    assert.deepStrictEqual(rec.categories(), []);
    assert.deepStrictEqual(rec.upsell('whole milk'), []);
    assert.deepStrictEqual(rec.upsell('whole milk'), JSON.parse(await runCli(['upsell', bundle, '--item', 'whole milk', '--json'])));
    assert.deepStrictEqual(rec.product('whole milk'), { item: 'whole milk', name: null, category: null, price: null, recommendable: true });
    const products = rec.products();
    assert.equal(products.length, info.items);
    assert.ok(products.every((p) => p.name === null && p.category === null && p.price === null && p.popularity > 0));
    assert.throws(() => rec.complementaryCategories('dairy'), {
      name: 'RangeError', message: 'basketlift: unknown category "dairy": this bundle has no catalog categories',
    });
    assert.throws(() => rec.recommend(['whole milk'], { categories: ['dairy'] }), {
      name: 'RangeError', message: 'basketlift: unknown category "dairy" in categories[0]: this bundle has no catalog categories',
    });
    // No prices: a price range lets nothing through, as in the CLI.
    assert.deepStrictEqual(rec.recommend(['whole milk'], { priceRange: [0, Infinity] }), []);
    assert.deepStrictEqual([], JSON.parse(await runCli(['recommend', bundle, '--cart', 'whole milk', '--min-price', '0', '--json'])));
    // Without repurchase statistics a shopper's own intervals still predict.
    const history = ['2011-01-01', '2011-01-08', '2011-01-16', '2011-01-22'].flatMap((date) => [
      { item: 'whole milk', date }, { item: 'yogurt', date: date.replace(/-(\d\d)$/, (_, d) => `-${String(+d + 2).padStart(2, '0')}`) }]);
    const path = join(work, 'groceries-history.csv');
    writeFileSync(path, history.map((e) => `${e.item},${e.date}\n`).join(''));
    const got = rec.nextPurchases(history, { asOf: '2011-01-28' });
    assert.equal(got.length, 2);
    assert.deepStrictEqual(got, JSON.parse(await runCli(['next', bundle, '--history', path, '--as-of', '2011-01-28', '--json'])));
    assert.deepStrictEqual(rec.topRules({ limit: 5 }).map((r) => r.lift), rec.topRules().slice(0, 5).map((r) => r.lift));
  } finally {
    rec.dispose();
  }
});
