// Section "large": mining a 10-million-line CSV order log (issue 6, "Large logs") at 1 and 2
// threads: ingest rows/s and MB/s, mining and total time, peak RSS. The log is Online Retail
// resampled with a fixed seed (gen_large_log.mjs), generated once into build/bench-cache/ and
// reused; --quick uses a 1-million-line log instead.
//
// Each configuration runs once by default (the machine is shared and a run reads ~0.9 GB);
// BENCH_LARGE_RUNS=N takes the median of N.
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateLargeLog, SOURCE } from './gen_large_log.mjs';
import { formatTable, measureOnce, median } from './measure.mjs';

const SEED = 1;
const THREADS = [1, 2];
const TIMEOUT_MS = 600_000;

export async function large({ root, quick }) {
  const cli = join(root, 'build', 'native', 'basketlift');
  if (!existsSync(SOURCE)) return skipped(`${SOURCE} not found`);
  if (!existsSync(cli)) throw new Error(`${cli} not found: run npm run build`);
  const lines = quick ? 1_000_000 : 10_000_000;
  const runs = Number(process.env.BENCH_LARGE_RUNS ?? 1);

  process.stderr.write(`large: ${lines.toLocaleString('en')}-line order log (seed ${SEED}) ...\n`);
  const log = generateLargeLog({ lines, seed: SEED });
  const fileBytes = statSync(log).size;

  const out = mkdtempSync(join(tmpdir(), 'bench-large-'));
  const rows = [];
  try {
    for (const threads of THREADS) {
      process.stderr.write(`large: mine, ${threads} thread(s) ...\n`);
      const load = loadavg()[0];
      // Every figure is the median over the runs (the CLI's own timings included).
      const samples = [];
      for (let k = 0; k < runs; k++) {
        const m = await measureOnce(
          cli,
          ['mine', log, '--order-col', 'InvoiceNo', '--item-col', 'StockCode', '--quantity-col', 'Quantity',
            '--threads', String(threads), '-o', join(out, 'rules.blb'), '--summary', 'json'],
          { timeoutMs: TIMEOUT_MS },
        );
        if (m.timeout) break;
        samples.push({ ...m, summary: JSON.parse(m.stdout) });
      }
      if (samples.length < runs) {
        rows.push({ threads, timeout: true });
        continue;
      }
      const med = (f) => median(samples.map(f));
      const s = samples[0].summary;
      rows.push({
        threads,
        rows: s.rows,
        rowsSkipped: s.rows_skipped,
        rowsSkippedQuantity: s.rows_skipped_quantity,
        rowsSkippedEmpty: s.rows_skipped_empty,
        baskets: s.transactions,
        distinctBaskets: s.distinct_baskets,
        items: s.items,
        ingestSeconds: med((x) => x.summary.ingest_seconds),
        rowsPerSecond: med((x) => x.summary.rows_per_second),
        mbPerSecond: med((x) => x.summary.mb_per_second),
        miningSeconds: med((x) => x.summary.mining_seconds),
        cliSeconds: med((x) => x.summary.seconds),
        wallSeconds: med((x) => x.seconds),
        peakRssMiB: med((x) => x.mib),
        frequentItemsets: s.frequent_itemsets,
        rules: s.rules,
        loadAvg1mBefore: load,
      });
    }
  } finally {
    rmSync(out, { recursive: true, force: true });
  }

  const ok = rows.filter((r) => !r.timeout);
  if (ok.length > 1 && ok.some((r) => r.rules !== ok[0].rules || r.frequentItemsets !== ok[0].frequentItemsets)) {
    throw new Error('large: thread counts disagree on the mined result');
  }
  print(log, fileBytes, rows);
  return { log: { lines, seed: SEED, bytes: fileBytes }, runs, rows };
}

function print(log, fileBytes, rows) {
  const first = rows.find((r) => !r.timeout);
  console.log(`\n## large: ${log} (${(fileBytes / 1e6).toFixed(0)} MB)`);
  if (first) {
    console.log(
      `${first.rows.toLocaleString('en')} rows, ${first.rowsSkipped.toLocaleString('en')} skipped ` +
        `(${first.rowsSkippedQuantity.toLocaleString('en')} quantity <= 0, ${first.rowsSkippedEmpty.toLocaleString('en')} empty); ` +
        `${first.baskets.toLocaleString('en')} baskets, ${first.distinctBaskets.toLocaleString('en')} distinct; ` +
        `${first.items.toLocaleString('en')} items; ${first.frequentItemsets} itemsets, ${first.rules} rules`,
    );
  }
  console.log(
    formatTable(
      ['threads', 'ingest s', 'rows/s', 'MB/s', 'mining s', 'total s', 'peak RSS MiB', 'load before'],
      rows.map((r) =>
        r.timeout
          ? [r.threads, 'timeout', '', '', '', '', '', '']
          : [
              r.threads,
              r.ingestSeconds.toFixed(2),
              Math.round(r.rowsPerSecond).toLocaleString('en'),
              r.mbPerSecond.toFixed(0),
              r.miningSeconds.toFixed(2),
              r.wallSeconds.toFixed(2),
              r.peakRssMiB.toFixed(0),
              r.loadAvg1mBefore.toFixed(1),
            ],
      ),
    ),
  );
  console.log('(total s: whole process, wall clock; peak RSS: GNU time %M. Timings are only comparable on an idle machine.)');
}

function skipped(reason) {
  console.log(`\n## large: skipped (${reason})`);
  return { skipped: reason };
}
