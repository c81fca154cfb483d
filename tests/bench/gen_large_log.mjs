// A large CSV order log made by resampling the real Online Retail invoices (issue 6, "Large
// logs"). Never committed: it is written under build/bench-cache/ and reused while the seed and
// line count stay the same.
//
// usage: node tests/bench/gen_large_log.mjs [--lines N] [--seed S] [--out FILE]
//   prints the path of the (cached) log on stdout
//
// Each output order is an Online Retail invoice drawn uniformly at random (seeded), written
// with a fresh order id (G0000001, ...) and the invoice's rows unchanged: StockCode,
// Description (quoted where it holds a comma), Quantity, InvoiceDate, UnitPrice, CustomerID,
// Country. Cancellations come along as drawn, so some rows have Quantity < 0; besides, one row
// in 400 gets Quantity 0 and one in 20,000 an empty StockCode, so both skip reasons are
// exercised. Orders are contiguous, as in the source. The last order is cut at N lines.
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { rng } from '../rng.mjs';

const root = resolve(fileURLToPath(new URL('../..', import.meta.url)));
export const SOURCE = resolve(root, '..', 'shared', 'data', 'online-retail', 'online_retail.csv.gz');

export function largeLogPath({ lines = 10_000_000, seed = 1 } = {}) {
  return join(root, 'build', 'bench-cache', `orders-${lines}-seed${seed}.csv`);
}

// Fields of one CSV line (no line breaks inside quotes in this file), raw text kept.
function splitFields(line) {
  const out = [];
  let i = 0;
  while (i <= line.length) {
    let j;
    if (line[i] === '"') {
      j = i + 1;
      for (;;) {
        j = line.indexOf('"', j);
        if (j < 0) throw new Error(`unterminated quote: ${line}`);
        if (line[j + 1] === '"') j += 2;
        else break;
      }
      j += 1;
    } else {
      j = line.indexOf(',', i);
      if (j < 0) j = line.length;
    }
    out.push(line.slice(i, j));
    i = j + 1;
  }
  return out;
}

// Generates the log unless it is cached; returns its path.
export function generateLargeLog({ lines = 10_000_000, seed = 1, out = largeLogPath({ lines, seed }) } = {}) {
  if (existsSync(out)) return out;
  const text = gunzipSync(readFileSync(SOURCE)).toString('utf8');
  const rows = text.split('\n');
  const header = rows[0];
  if (!header.startsWith('InvoiceNo,StockCode,Description,Quantity,')) throw new Error(`unexpected header: ${header}`);
  // Invoices as lists of field arrays without the InvoiceNo.
  const invoices = [];
  let last = null;
  const byId = new Map();
  for (let r = 1; r < rows.length; r++) {
    if (!rows[r]) continue;
    const f = splitFields(rows[r]);
    if (f.length !== 8) throw new Error(`line ${r + 1}: ${f.length} fields`);
    let inv = f[0] === last?.id ? last : byId.get(f[0]);
    if (!inv) {
      inv = { id: f[0], rows: [] };
      byId.set(f[0], inv);
      invoices.push(inv);
    }
    inv.rows.push(f.slice(1));
    last = inv;
  }

  const random = rng(seed);
  mkdirSync(dirname(out), { recursive: true });
  const temp = `${out}.tmp.${process.pid}`;
  const fd = openSync(temp, 'w');
  let buf = header + '\n';
  let written = 0;
  for (let order = 1; written < lines; order++) {
    const inv = invoices[Math.floor(random() * invoices.length)];
    const id = 'G' + String(order).padStart(7, '0');
    for (const f of inv.rows) {
      if (written === lines) break;
      const u = random();
      let code = f[0];
      let qty = f[2];
      if (u < 1 / 20000) code = '';
      else if (u < 1 / 400) qty = '0';
      buf += `${id},${code},${f[1]},${qty},${f[3]},${f[4]},${f[5]},${f[6]}\n`;
      written++;
    }
    if (buf.length > 1 << 22) {
      writeSync(fd, buf);
      buf = '';
    }
  }
  writeSync(fd, buf);
  closeSync(fd);
  renameSync(temp, out);
  return out;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const opt = {};
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--lines') opt.lines = Number(args[++i]);
    else if (args[i] === '--seed') opt.seed = Number(args[++i]);
    else if (args[i] === '--out') opt.out = resolve(args[++i]);
    else {
      console.error(`unknown argument ${args[i]}`);
      process.exit(2);
    }
  }
  if (!existsSync(SOURCE)) {
    console.error(`skipped: ${SOURCE} not found`);
    process.exit(0);
  }
  console.log(generateLargeLog(opt));
}
