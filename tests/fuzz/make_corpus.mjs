// Regenerates the seed corpora in tests/fuzz/corpus/<target>/: small real bundles mined by the
// CLI (one with --catalog, --user-col and --date-col, so every optional section is present),
// truncated and bit-flipped variants, CSV order logs with quotes, CRLF and embedded newlines,
// basket files in FIMI and groceries style, catalogs. Files named regress-* (inputs of fixed
// findings) are kept. Needs build/native/basketlift and ../shared/data; run from anywhere:
//   node tests/fuzz/make_corpus.mjs
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
const cli = path.join(root, 'build/native/basketlift');
const data = path.join(root, '../shared/data');
const corpus = path.join(root, 'tests/fuzz/corpus');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'basketlift-corpus-'));

// Deterministic bit flips: the same corpus on every run.
let seed = 0x2545f491;
const random = (n) => {
  seed ^= seed << 13;
  seed ^= seed >>> 17;
  seed ^= seed << 5;
  return (seed >>> 0) % n;
};

const targets = {};
const add = (target, name, bytes) => {
  (targets[target] ??= new Map()).set(name, Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes, 'latin1'));
};
const headLines = (file, n) => {
  const text = file.endsWith('.gz')
    ? zlib.gunzipSync(fs.readFileSync(file)).toString('latin1')
    : fs.readFileSync(file, 'latin1');
  return text.split('\n').slice(0, n).join('\n') + '\n';
};
const write = (name, text) => {
  const file = path.join(tmp, name);
  fs.writeFileSync(file, text, 'latin1');
  return file;
};
let mined = 0;
const mine = (input, args) => {
  const out = path.join(tmp, `bundle-${++mined}.blb`);
  execFileSync(cli, ['mine', input, ...args, '-o', out], { stdio: ['ignore', 'ignore', 'inherit'] });
  return fs.readFileSync(out);
};

// ---- bundles -------------------------------------------------------------------------------
const tinyOrders = write(
  'orders.csv',
  'order_id,item_id,user_id,date\n' +
    [
      'o1,milk,u1,2023-01-02', 'o1,bread,u1,2023-01-02', 'o2,milk,u1,2023-01-09',
      'o2,eggs,u1,2023-01-09', 'o3,milk,u2,2023-01-03', 'o3,bread,u2,2023-01-03',
      'o3,eggs,u2,2023-01-03', 'o4,milk,u2,2023-01-10', 'o4,bread,u2,2023-01-10',
      'o5,milk,u2,2023-01-17', 'o5,jam,u2,2023-01-17', 'o6,bread,u3,2023-01-05',
      'o6,jam,u3,2023-01-05', 'o7,milk,u1,2023-01-16', 'o7,bread,u1,2023-01-16',
    ].join('\n') + '\n',
);
const tinyCatalog = write(
  'catalog.csv',
  'item_id,name,category,price\nmilk,Whole milk,dairy,1.10\nbread,Sourdough,bakery,3.50\n' +
    'eggs,Free range eggs,dairy,2.75\njam,"Strawberry jam, 340g",spreads,4.2\n' +
    // Never ordered: kept with popularity 0 and similar names (sections 3 and 10).
    'butter,Whole milk butter,dairy,2.5\n',
);
const bundles = {
  'tiny_kinds.blb': mine(tinyOrders, ['--catalog', tinyCatalog, '--user-col', 'user_id',
    '--date-col', 'date', '--min-count', '1']),
  'tiny_plain.blb': mine(write('tiny.dat', 'a b\na b c\nb c\na c d\n'), ['--min-count', '1']),
};
const retailHead = write('retail_head.csv', headLines(path.join(data, 'online-retail/online_retail.csv.gz'), 160));
const retailCatalog = path.join(tmp, 'retail_catalog.csv');
execFileSync(cli, ['catalog', retailHead, '-o', retailCatalog], { stdio: 'ignore' });
bundles['retail_kinds.blb'] = mine(retailHead, ['--order-col', 'InvoiceNo', '--item-col', 'StockCode',
  '--quantity-col', 'Quantity', '--user-col', 'CustomerID', '--date-col', 'InvoiceDate',
  '--catalog', retailCatalog, '--min-count', '3', '--max-rules-per-antecedent', '3']);
bundles['groceries.blb'] = mine(write('groceries.csv', headLines(path.join(data, 'groceries/groceries.csv'), 150)),
  ['--format', 'basket', '--sep', ',', '--min-count', '8', '--max-rules-per-antecedent', '4']);
bundles['fimi_retail.blb'] = mine(write('retail.dat', headLines(path.join(data, 'fimi/retail.dat'), 40)),
  ['--min-count', '4', '--max-rules-per-antecedent', '3']);
// The CLI writes learned weights in 4-byte entries (section 14) up to 65,535 items; the 8-byte
// layout (section 13: bundles before section 14, and larger catalogs) gets a seed of its own:
// tiny_kinds with its section 14 rewritten as 13, appended, and the table entry pointed there
// (size and checksum are left stale: the target reseals them).
function wideLearned(bytes) {
  const out = Buffer.from(bytes);
  const sections = out.readUInt32LE(12);
  const size = (id) => {
    for (let s = 0; s < sections; ++s)
      if (out.readUInt32LE(32 + 24 * s) === id) return Number(out.readBigUInt64LE(32 + 24 * s + 16));
    throw new Error(`make_corpus: no section ${id}`);
  };
  const items = (size(3) - 8) / 4;  // popularity: transactions (u64), then a u32 per item
  for (let s = 0; s < sections; ++s) {
    const entry = 32 + 24 * s;
    if (out.readUInt32LE(entry) !== 14) continue;
    const at = Number(out.readBigUInt64LE(entry + 8));
    const entries = out.readUInt32LE(at);
    const planes = at + 4 + ((2 * items + 3) & ~3);
    const byte = (plane, k) => out[planes + plane * entries + k];
    const wide = Buffer.alloc(4 + 4 * (items + 1) + 8 * entries);
    wide.writeUInt32LE(entries, 0);
    let e = 0;
    for (let i = 0; i < items; ++i) {
      const first = e;
      e += out.readUInt16LE(at + 4 + 2 * i);
      wide.writeUInt32LE(e, 4 + 4 * (i + 1));
      let target = 0;
      for (let k = first; k < e; ++k) {
        target += byte(0, k) | (byte(1, k) << 8);  // steps from the item's previous target
        const weight = byte(2, k) | (byte(3, k) << 8);
        wide.writeUInt32LE(target, 4 + 4 * (items + 1) + 8 * k);
        wide.writeInt32LE(weight >= 0x8000 ? weight - 0x10000 : weight, 4 + 4 * (items + 1) + 8 * k + 4);
      }
    }
    const pad = Buffer.alloc((8 - (out.length % 8)) % 8);
    const offset = out.length + pad.length;
    const result = Buffer.concat([out, pad, wide]);
    result.writeUInt32LE(13, entry);
    result.writeBigUInt64LE(BigInt(offset), entry + 8);
    result.writeBigUInt64LE(BigInt(wide.length), entry + 16);
    return result;
  }
  throw new Error('make_corpus: tiny_kinds.blb has no section 14 (learned weights)');
}
bundles['tiny_kinds_wide_learned.blb'] = wideLearned(bundles['tiny_kinds.blb']);
for (const [name, bytes] of Object.entries(bundles)) {
  add('bundle', name, bytes);
  // Near-valid: cut short (inside the header, the section table and the data) and bit-flipped
  // (the target reseals the checksum, so a flip reaches the section validators).
  const stem = name.replace(/\.blb$/, '');
  const cuts = bytes.length <= 2048 ? [31, 32 + 24, bytes.length >> 1, bytes.length - 1] : [31, 32 + 24, 1024];
  for (const cut of cuts)
    add('bundle', `${stem}-cut${cut}.blb`, bytes.subarray(0, cut));
  if (bytes.length <= 2048) {
    for (let k = 0; k < 4; ++k) {
      const flipped = Buffer.from(bytes);
      const at = 32 + random(bytes.length - 32);
      flipped[at] ^= 1 << random(8);
      add('bundle', `${stem}-flip${at}.blb`, flipped);
    }
  }
}
add('bundle', 'empty', '');
add('bundle', 'magic_only', 'BLBUNDLE');

// ---- CSV order logs --------------------------------------------------------------------------
const csv = {
  'basic.csv': 'order_id,item_id\no1,a\no1,b\no2,a\no2,c\n',
  'crlf_quotes.csv':
    'order_id,item_id,note\r\no1,"a,b","say ""hi"""\r\no1,plain,"multi\r\nline, note"\r\n' +
    'o2,"x ""quoted"" y",\r\no2,"a,b",last\r\no3,"",empty item\r\n',
  'blank_lines.csv': 'order_id,item_id\n\no1,a\r\n\r\n\no1,b\n\n',
  'full_columns.csv':
    'order_id,item_id,quantity,user_id,date\no1,a,2,u1,2023-01-02\no1,b,-1,u1,2023-01-02\n' +
    'o2,a,+3.5,u2,2024-02-29 10:00:00\no3,c,1e2,,2023-12-31T23:59\no2,c,0,u2,2023-01-05\n',
  'bad_date.csv': 'order_id,item_id,quantity,user_id,date\no1,a,1,u1,2023-02-29\n',
  'bad_quantity.csv': 'order_id,item_id,quantity,user_id,date\no1,a,one,u1,2023-02-01\n',
  'short_row.csv': 'order_id,item_id,x\no1\no2,b\n',
  'unterminated.csv': 'order_id,item_id\no1,"never closed\n',
  'after_quote.csv': 'order_id,item_id\no1,"a"x\n',
  'no_columns.csv': 'order,item\n1,2\n',
  'header_only.csv': 'order_id,item_id\r\n',
  'padded.csv': ' order_id , item_id \n o1 , a \n\to1\t,\tb\t\n',
  'bom_semicolon.csv': '\xef\xbb\xbforder_id;item_id\no1;a\n',
  'retail_head.csv': 'order_id,item_id,name,quantity,date,price,user_id,country\n' +
    headLines(path.join(data, 'online-retail/online_retail.csv.gz'), 40).split('\n').slice(1).join('\n'),
};
for (const [name, text] of Object.entries(csv)) add('csv', name, text);
add('csv', 'basic.csv.gz', zlib.gzipSync(Buffer.from(csv['full_columns.csv'], 'latin1')));

// ---- basket files ----------------------------------------------------------------------------
const basket = {
  'fimi.dat': headLines(path.join(data, 'fimi/retail.dat'), 25),
  'chess.dat': headLines(path.join(data, 'fimi/chess.dat'), 4),
  'groceries.csv': headLines(path.join(data, 'groceries/groceries.csv'), 25),
  'whitespace.txt': 'a  b\tc \r\n\n  \n d\fe\vf\r\nlast-line-no-newline',
  'commas.csv': 'a,b,,c\r\n, ,\n"quoted,item",x\nsolo\n',
  'duplicates.dat': 'a a a b\nb a\n',
  'empty_lines.dat': '\n\n\r\n \n',
};
for (const [name, text] of Object.entries(basket)) add('basket', name, text);
add('basket', 'fimi.dat.gz', zlib.gzipSync(Buffer.from(basket['fimi.dat'], 'latin1')));

// ---- catalogs ----------------------------------------------------------------------------------
add('catalog', 'catalog.csv', fs.readFileSync(tinyCatalog));
add('catalog', 'derived_head.csv', headLines(retailCatalog, 30));
add('catalog', 'online_retail_head.csv', headLines(retailHead, 40));
add('catalog', 'bad_price.csv', 'item_id,name,category,price\na,A,x,-1\nb,B,y,inf\n');
add('catalog', 'twice.csv', 'item_id,price,name\na,1,\na,2,\n');
add('catalog', 'sparse.csv', 'category,item_id\n,a\nmugs,b\n');

// ---- write -------------------------------------------------------------------------------------
for (const [target, files] of Object.entries(targets)) {
  const dir = path.join(corpus, target);
  fs.mkdirSync(dir, { recursive: true });
  for (const old of fs.readdirSync(dir)) if (!old.startsWith('regress-')) fs.rmSync(path.join(dir, old));
  let bytes = 0;
  for (const [name, content] of files) {
    fs.writeFileSync(path.join(dir, name), content);
    bytes += content.length;
  }
  console.log(`${target}: ${files.size} files, ${bytes} bytes`);
}
fs.rmSync(tmp, { recursive: true, force: true });
