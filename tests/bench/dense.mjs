// Section "dense": mining the FIMI files of every shape (dense chess and mushroom, synthetic
// T10I4D100K, sparse retail) at thresholds giving 10^5-10^7 itemsets, as issue 20 measured them:
// whole process, writing the itemsets (`--itemsets-out`), then the itemsets and a bundle (`-o`),
// at 1 and 2 threads, with peak RSS. The ratio printed is 2 threads / 1 thread, measured in the
// same run. (Public peer miners are not run: they are not installable here; issue 20's table
// has their times.)
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatTable, measure } from './measure.mjs';

const TIMEOUT_MS = 300_000;
const CASES = [
  { file: 'chess.dat', minCount: 2000 },
  { file: 'chess.dat', minCount: 1400 },
  { file: 'mushroom.dat', minCount: 800 },
  { file: 'mushroom.dat', minCount: 300 },
  { file: 'T10I4D100K.dat', minCount: 10 },
  { file: 'retail.dat', minCount: 9 },
];
const QUICK = new Set(['chess.dat:2000', 'mushroom.dat:800']);

export async function dense({ root, dataDir, quick }) {
  const cli = join(root, 'build', 'native', 'basketlift');
  if (!existsSync(cli)) throw new Error(`${cli} not found: run npm run build`);
  const out = mkdtempSync(join(tmpdir(), 'bench-dense-'));
  const runs = quick ? 1 : 3;
  const rows = [];
  try {
    for (const c of CASES) {
      if (quick && !QUICK.has(`${c.file}:${c.minCount}`)) continue;
      const data = join(dataDir, 'fimi', c.file);
      if (!existsSync(data)) {
        console.log(`dense: ${data} not found, skipped`);
        continue;
      }
      for (const bundle of [false, true]) {
        const row = { data: c.file, minCount: c.minCount, bundle };
        for (const threads of [1, 2]) {
          process.stderr.write(`dense: ${c.file} min-count ${c.minCount}${bundle ? ' + bundle' : ''}, ${threads} thread(s) ...\n`);
          const args = ['mine', data, '--min-count', c.minCount, '--max-len', 0, '--threads', threads,
            '--itemsets-out', join(out, 'itemsets.txt'), '--summary', 'json'];
          if (bundle) args.push('-o', join(out, 'rules.blb'));
          const m = await measure(cli, args.map(String), { runs, timeoutMs: TIMEOUT_MS });
          row[threads] = m;
          if (!m.timeout) row.itemsets = JSON.parse(m.stdout).frequent_itemsets;
        }
        rows.push(row);
      }
    }
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
  print(rows, runs);
  return { runs, timeoutSeconds: TIMEOUT_MS / 1000, rows: rows.map(({ 1: one, 2: two, ...r }) => ({ ...r, oneThread: slim(one), twoThreads: slim(two) })) };
}

const slim = (m) => (m.timeout ? { timeout: true } : { seconds: m.seconds, mib: m.mib });

function print(rows, runs) {
  const s = (m) => (m.timeout ? 'timeout' : m.seconds.toFixed(2));
  const mib = (m) => (m.timeout ? 'timeout' : m.mib.toFixed(0));
  const ratio = (r) => (r[1].timeout || r[2].timeout ? 'n/a' : `${(r[2].seconds / r[1].seconds).toFixed(2)}x`);
  console.log(`\ndense: FIMI files, whole-process wall time and peak RSS, median of ${runs} run(s), timeout ${TIMEOUT_MS / 1000} s`);
  console.log('(mine FILE --min-count N --max-len 0 --itemsets-out F [-o B] --threads T)\n');
  console.log(formatTable(
    ['data', 'min-count', 'itemsets', 'writes', '1 thread s', 'MiB', '2 threads s', 'MiB', '2 / 1 thread'],
    rows.map((r) => [r.data, r.minCount, r.itemsets ?? 'n/a', r.bundle ? 'itemsets + bundle' : 'itemsets',
      s(r[1]), mib(r[1]), s(r[2]), mib(r[2]), ratio(r)]),
  ));
}
