// Section "mining": basketlift CLI vs node-fpgrowth on retail.dat (issue #2, Performance).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatTable, measure } from './measure.mjs';

const WORKER = fileURLToPath(new URL('./node_fpgrowth_worker.mjs', import.meta.url));
const TIMEOUT_MS = 120_000;
// node-fpgrowth takes up to ~15 s a run, so it gets fewer runs than the CLI.
const RUNS = { basketlift: 5, nodeFpgrowth: 3 };

// Christian Borgelt's published times from issue #2 (s); 15–55 MiB over all four.
// Quoted for comparison only: they are not measured by this script.
const REFERENCE_S = { 441: '0.07', 89: '0.10–0.15', 45: '0.12–0.20', 9: '0.20–0.34' };
const REFERENCE_MIB = '15–55';

export async function mining({ root, dataDir, quick }) {
  const data = join(dataDir, 'fimi', 'retail.dat');
  const cli = join(root, 'build', 'native', 'basketlift');
  if (!existsSync(data)) return skipped(`${data} not found`);
  if (!existsSync(cli)) throw new Error(`${cli} not found: run npm run build`);

  const minCounts = quick ? [441, 89] : [441, 89, 45, 9];
  const rows = [];
  for (const minCount of minCounts) {
    for (const maxLen of [0, 3]) {
      process.stderr.write(`mining: min-count ${minCount}, max-len ${maxLen} ...\n`);
      const ours = await measure(
        cli,
        ['mine', data, '--min-count', minCount, '--max-len', maxLen, '--summary', 'json'].map(String),
        { runs: RUNS.basketlift, timeoutMs: TIMEOUT_MS },
      );
      const theirs = await measure(process.execPath, [WORKER, data, minCount, maxLen].map(String), {
        runs: RUNS.nodeFpgrowth,
        timeoutMs: TIMEOUT_MS,
      });
      rows.push(toRow(minCount, maxLen, ours, theirs));
    }
  }

  print(rows);
  return { data: 'fimi/retail.dat', runs: RUNS, timeoutSeconds: TIMEOUT_MS / 1000, rows };
}

function toRow(minCount, maxLen, ours, theirs) {
  const o = ours.timeout ? null : JSON.parse(ours.stdout);
  const t = theirs.timeout ? null : JSON.parse(theirs.stdout);
  if (o && o.min_count !== minCount) throw new Error(`basketlift used min_count ${o.min_count}`);
  // Same count on different data would prove nothing, so check the transaction count too.
  const match = o && t ? o.frequent_itemsets === t.itemsets && o.transactions === t.transactions : null;
  return {
    minCount,
    maxLen,
    transactions: o?.transactions ?? t?.transactions ?? null,
    basketlift: ours.timeout
      ? { timeout: true }
      : { itemsets: o.frequent_itemsets, seconds: ours.seconds, mib: ours.mib },
    nodeFpgrowth: theirs.timeout
      ? { timeout: true }
      : { itemsets: t.itemsets, seconds: theirs.seconds, mib: theirs.mib },
    itemsetsMatch: match,
    ratio: o && t ? theirs.seconds / ours.seconds : null,
    reference: { seconds: REFERENCE_S[minCount], mib: REFERENCE_MIB },
  };
}

function print(rows) {
  const s = (m) => (m.timeout ? 'timeout' : m.seconds.toFixed(3));
  const mib = (m) => (m.timeout ? 'timeout' : m.mib.toFixed(1));
  const count = (m) => (m.timeout ? 'timeout' : String(m.itemsets));
  const header = [
    'min-count', 'max-len', 'itemsets', 'basketlift s', 'MiB',
    'node-fpgrowth itemsets', 'node-fpgrowth s', 'MiB', 'ratio', 'Borgelt s (reference, not measured here) †',
  ];
  const body = rows.map((r) => [
    r.minCount,
    r.maxLen === 0 ? 'all' : r.maxLen,
    count(r.basketlift),
    s(r.basketlift),
    mib(r.basketlift),
    count(r.nodeFpgrowth) + (r.itemsetsMatch === false ? ' MISMATCH' : ''),
    s(r.nodeFpgrowth),
    mib(r.nodeFpgrowth),
    r.ratio === null ? 'n/a' : `${r.ratio.toFixed(1)}x`,
    r.reference.seconds,
  ]);
  console.log(`\nmining: retail.dat (${rows[0]?.transactions} transactions), whole-process wall time and peak RSS,`);
  console.log(`median of ${RUNS.basketlift} runs (basketlift) / ${RUNS.nodeFpgrowth} runs (node-fpgrowth), timeout ${TIMEOUT_MS / 1000} s a run\n`);
  console.log(formatTable(header, body));
  console.log(`
ratio = node-fpgrowth s / basketlift s.
node-fpgrowth has no max-len option: for max-len 3 rows it mines all lengths and its
  output is filtered to itemsets of at most 3 items, so its time and RSS are those of full mining.
node-fpgrowth's support fraction is (min-count - 0.5) / N, which it turns into the same
  absolute count ceil(fraction * N) = min-count (checked in the worker).
† reference, not measured here: Christian Borgelt's published times on this class of
  machine, from issue #2 (all lengths; ${REFERENCE_MIB} MiB over the four thresholds).`);
  const mismatches = rows.filter((r) => r.itemsetsMatch === false).length;
  if (mismatches) console.log(`\nWARNING: itemset count MISMATCH in ${mismatches} row(s).`);
}

function skipped(reason) {
  console.log(`mining: skipped: ${reason}`);
  return { skipped: reason };
}
