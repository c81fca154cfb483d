// Section "dense": mining the FIMI files of every shape (dense chess and mushroom, synthetic
// T10I4D100K, sparse retail) at the thresholds issue 20 measured, 10^3-10^7 itemsets: whole
// process, writing the itemsets (`--itemsets-out`), then the itemsets and a bundle (`-o`), at 1
// and 2 threads, with peak RSS. With BENCH_PEERS set (tests/bench/peers.mjs), the public miners
// write the same itemsets in the same rounds: each round runs every configuration once, one after
// the other, so a ratio is taken between runs that saw the same machine load, and the table gives
// the median of those per-round ratios against the fastest peer. With BENCH_BASELINE naming
// another build's CLI (an earlier commit's, say), it runs at 1 thread in the same rounds, right
// after ours, and a second table gives the median of the per-round ratios ours / its.
//
// The bundle is written without its learned section (`--learned 0`): issue 20's bundle rows
// (rules and neighbours) predate it, and fitting EASE on up to 5,000 items is a cost of its own
// (about 10 CPU s on retail.dat, docs/PERFORMANCE.md), not of mining.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatTable, measureOnce, median } from './measure.mjs';
import { countLines, peersFromVariables } from './peers.mjs';

const TIMEOUT_MS = 300_000;
const CASES = [
  { file: 'retail.dat', minCount: 441 },
  { file: 'retail.dat', minCount: 89 },
  { file: 'retail.dat', minCount: 45 },
  { file: 'retail.dat', minCount: 9 },
  { file: 'T10I4D100K.dat', minCount: 500 },
  { file: 'T10I4D100K.dat', minCount: 100 },
  { file: 'T10I4D100K.dat', minCount: 10 },
  { file: 'chess.dat', minCount: 2000 },
  { file: 'chess.dat', minCount: 1400 },
  { file: 'mushroom.dat', minCount: 800 },
  { file: 'mushroom.dat', minCount: 300 },
];
const QUICK = new Set(['chess.dat:2000', 'mushroom.dat:800', 'retail.dat:45']);
const BASELINE = process.env.BENCH_BASELINE;
const OURS = [
  { bundle: false, threads: 1 },
  ...(BASELINE ? [{ bundle: false, threads: 1, baseline: true }] : []),
  { bundle: false, threads: 2 },
  { bundle: true, threads: 1 },
  ...(BASELINE ? [{ bundle: true, threads: 1, baseline: true }] : []),
  { bundle: true, threads: 2 },
];
const key = (c) => `${c.baseline ? 'baseline ' : ''}${c.bundle ? 'bundle' : 'itemsets'}:${c.threads}`;

export async function dense({ root, dataDir, quick }) {
  const cli = join(root, 'build', 'native', 'basketlift');
  if (!existsSync(cli)) throw new Error(`${cli} not found: run npm run build`);
  if (BASELINE && !existsSync(BASELINE)) throw new Error(`BENCH_BASELINE=${BASELINE} not found`);
  const peers = peersFromVariables() ?? [];
  const cases = (process.env.BENCH_DENSE_CASES ?? '').split(',').filter(Boolean);
  const out = mkdtempSync(join(tmpdir(), 'bench-dense-'));
  const rounds = quick ? 1 : 5;
  const rows = [];
  try {
    for (const c of CASES) {
      const name = `${c.file}:${c.minCount}`;
      if (quick && !QUICK.has(name)) continue;
      if (cases.length && !cases.includes(name)) continue;
      const data = join(dataDir, 'fimi', c.file);
      if (!existsSync(data)) {
        console.log(`dense: ${data} not found, skipped`);
        continue;
      }
      rows.push(await runCase(cli, data, c, peers, rounds, out));
    }
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
  print(rows, rounds, peers);
  return { rounds, timeoutSeconds: TIMEOUT_MS / 1000, peers: peers.map((p) => p.name), rows };
}

// One data set and threshold: `rounds` rounds of every configuration of ours and every peer.
async function runCase(cli, data, c, peers, rounds, out) {
  const samples = Object.fromEntries([...OURS.map(key), ...peers.map((p) => p.name)].map((k) => [k, []]));
  const row = { data: c.file, minCount: c.minCount, itemsets: null, peerItemsets: {} };
  const timedOut = new Set();
  for (let r = 0; r < rounds; r++) {
    process.stderr.write(`dense: ${c.file} min-count ${c.minCount}, round ${r + 1} of ${rounds} ...\n`);
    for (const o of OURS) {
      if (timedOut.has(key(o))) continue;
      const args = ['mine', data, '--min-count', c.minCount, '--max-len', 0, '--threads', o.threads,
        '--itemsets-out', join(out, 'itemsets.txt'), '--summary', 'json'];
      if (o.bundle) args.push('-o', join(out, 'rules.blb'), '--learned', 0);
      const m = await measureOnce(o.baseline ? BASELINE : cli, args.map(String), { timeoutMs: TIMEOUT_MS });
      // Every program writes to a path that does not exist yet: replacing a 100 MB file would
      // charge freeing the old one to whoever renames or truncates over it.
      rmSync(join(out, 'itemsets.txt'), { force: true });
      rmSync(join(out, 'rules.blb'), { force: true });
      if (m.timeout) timedOut.add(key(o));
      else {
        samples[key(o)].push(m);
        if (!o.baseline) row.itemsets = JSON.parse(m.stdout).frequent_itemsets;
      }
    }
    for (const p of peers) {
      if (timedOut.has(p.name)) continue;
      const file = join(out, `${p.name}.txt`);
      const m = await measureOnce(p.cmd, p.args(data, c.minCount, file), { timeoutMs: TIMEOUT_MS });
      if (m.timeout) timedOut.add(p.name);
      else {
        samples[p.name].push(m);
        if (r === 0) row.peerItemsets[p.name] = await countLines(file);
      }
      rmSync(file, { force: true });
    }
  }
  const summary = (s) => (s.length === rounds
    ? { seconds: median(s.map((m) => m.seconds)), cpuSeconds: median(s.map((m) => m.cpuSeconds)), mib: median(s.map((m) => m.mib)) }
    : { timeout: true });
  row.ours = Object.fromEntries(OURS.map((o) => [key(o), summary(samples[key(o)])]));
  row.peers = Object.fromEntries(peers.map((p) => [p.name, summary(samples[p.name])]));
  if (BASELINE) {
    row.vsBaseline = Object.fromEntries([false, true].map((bundle) => {
      const ours = samples[key({ bundle, threads: 1 })];
      const before = samples[key({ bundle, threads: 1, baseline: true })];
      const ok = ours.length === rounds && before.length === rounds;
      return [bundle ? 'bundle' : 'itemsets', ok ? median(ours.map((m, i) => m.seconds / before[i].seconds)) : null];
    }));
  }
  const finished = peers.filter((p) => !row.peers[p.name].timeout);
  if (finished.length) {
    const best = finished.reduce((a, b) => (row.peers[b.name].seconds < row.peers[a.name].seconds ? b : a));
    row.bestPeer = best.name;
    // The ratio of each round's pair, then the median: load that changes between rounds cancels.
    row.ratio = Object.fromEntries(OURS.map((o) => {
      const ours = samples[key(o)];
      if (ours.length !== rounds) return [key(o), null];
      return [key(o), median(ours.map((m, i) => m.seconds / samples[best.name][i].seconds))];
    }));
    // On a busy machine the wall time is mostly the wait for a core; CPU time is not. At one
    // thread both programs use one core, so their CPU times compare as the wall times would.
    const cpuOne = samples[key({ bundle: false, threads: 1 })];
    const cpuOneBundle = samples[key({ bundle: true, threads: 1 })];
    const cpuRatio = (ours) => (ours.length === rounds
      ? median(ours.map((m, i) => m.cpuSeconds / Math.max(0.01, samples[best.name][i].cpuSeconds)))
      : null);
    row.cpuRatio = { itemsets: cpuRatio(cpuOne), bundle: cpuRatio(cpuOneBundle) };
    row.countsAgree = finished.every((p) => row.peerItemsets[p.name] === row.itemsets);
  }
  return row;
}

function print(rows, rounds, peers) {
  const s = (m) => (m.timeout ? 'timeout' : m.seconds.toFixed(3));
  const mib = (m) => (m.timeout ? 'timeout' : m.mib.toFixed(0));
  const x = (v) => (v == null ? 'n/a' : `${v.toFixed(2)}x`);
  console.log(`\ndense: FIMI files, whole-process wall time and peak RSS, median of ${rounds} round(s), timeout ${TIMEOUT_MS / 1000} s`);
  console.log('(mine FILE --min-count N --max-len 0 --itemsets-out F [-o B] --threads T)\n');
  const header = ['data', 'min-count', 'itemsets', 'writes', '1 thread s', 'MiB', '2 threads s', 'MiB'];
  if (peers.length) header.push('fastest peer', 's', 'MiB', '1 thread / peer', '2 threads / peer', 'CPU 1 thread / peer', 'MiB 1 thread / peer');
  const body = [];
  for (const r of rows) {
    for (const bundle of [false, true]) {
      const one = r.ours[key({ bundle, threads: 1 })];
      const two = r.ours[key({ bundle, threads: 2 })];
      const line = [r.data, r.minCount, r.itemsets ?? 'n/a', bundle ? 'itemsets + bundle' : 'itemsets', s(one), mib(one), s(two), mib(two)];
      if (peers.length) {
        const p = r.bestPeer ? r.peers[r.bestPeer] : null;
        line.push(r.bestPeer ?? 'timeout', p ? s(p) : 'n/a', p ? mib(p) : 'n/a',
          x(r.ratio?.[key({ bundle, threads: 1 })]), x(r.ratio?.[key({ bundle, threads: 2 })]),
          x(r.cpuRatio?.[bundle ? 'bundle' : 'itemsets']), p && !one.timeout ? x(one.mib / p.mib) : 'n/a');
      }
      body.push(line);
    }
  }
  console.log(formatTable(header, body));
  if (BASELINE) {
    console.log(`\nAgainst BENCH_BASELINE=${BASELINE}, 1 thread, median of the per-round ratios`);
    console.log(formatTable(['data', 'min-count', 'writes', 'baseline s', 'MiB', 'this build s', 'MiB', 'this / baseline'],
      rows.flatMap((r) => [false, true].map((bundle) => {
        const before = r.ours[key({ bundle, threads: 1, baseline: true })];
        const now = r.ours[key({ bundle, threads: 1 })];
        return [r.data, r.minCount, bundle ? 'itemsets + bundle' : 'itemsets', s(before), mib(before), s(now), mib(now),
          x(r.vsBaseline[bundle ? 'bundle' : 'itemsets'])];
      }))));
  }
  if (!peers.length) {
    console.log('\nNo peers run: set BENCH_PEERS to a folder holding eclat, fpgrowth and lcm (docs/PERFORMANCE.md says how to build them).');
    return;
  }
  console.log(`\nPeers (one thread each), median wall s / CPU s / MiB per row: ${peers.map((p) => p.name).join(', ')}`);
  const cpu = (m) => (m.timeout ? 'timeout' : m.cpuSeconds.toFixed(2));
  console.log(formatTable(['data', 'min-count', ...peers.map((p) => p.name), 'itemset counts'],
    rows.map((r) => [r.data, r.minCount, ...peers.map((p) => `${s(r.peers[p.name])} / ${cpu(r.peers[p.name])} / ${mib(r.peers[p.name])}`),
      r.countsAgree ? 'all agree' : countDifferences(r)])));
  const mismatches = rows.filter((r) => r.countsAgree === false).length;
  if (mismatches) console.log(`\nWARNING: itemset count MISMATCH in ${mismatches} row(s).`);
}

// The peers whose count differs from ours, with the difference.
function countDifferences(r) {
  const differ = Object.entries(r.peerItemsets).filter(([, n]) => n !== r.itemsets);
  return `MISMATCH: ours ${r.itemsets}; ${differ.map(([name, n]) => `${name} ${n} (${n > r.itemsets ? '+' : ''}${n - r.itemsets})`).join(', ')}`;
}
