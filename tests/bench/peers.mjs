// Public frequent-itemset miners run beside basketlift by the dense section, when BENCH_PEERS
// names a folder holding them (built from their public sources, see docs/PERFORMANCE.md):
//   eclat, fpgrowth  Christian Borgelt's programs (https://borgelt.net/eclat.html, fpgrowth.html)
//   lcm              Takeaki Uno's LCM ver. 5.3 (http://research.nii.ac.jp/~uno/codes.htm)
// Each is asked for what `mine --itemsets-out` writes: every frequent itemset of any length with
// its absolute count, one a line, at the same minimum count, into a file.
import { once } from 'node:events';
import { createReadStream, existsSync } from 'node:fs';
import { join } from 'node:path';

const PEERS = [
  // Borgelt: -s with a negative value is an absolute minimum count; the default target is all
  // frequent itemsets of at least one item, written as "a b c (count)".
  { name: 'eclat', args: (data, minCount, out) => [`-s-${minCount}`, data, out] },
  { name: 'fpgrowth', args: (data, minCount, out) => [`-s-${minCount}`, data, out] },
  // LCM: F all frequent itemsets, f with their counts, q quiet; -l 1 leaves out the empty
  // itemset, which LCM writes by default and basketlift does not count.
  { name: 'lcm', args: (data, minCount, out) => ['Ffq', '-l', '1', data, String(minCount), out] },
];

// The peers found in BENCH_PEERS, or null when it is not set. A folder that holds none of them
// is an error rather than a silent run without peers.
export function peersFromVariables(variables = process.env) {
  const dir = variables.BENCH_PEERS;
  if (!dir) return null;
  const found = PEERS.filter((p) => existsSync(join(dir, p.name))).map((p) => ({ ...p, cmd: join(dir, p.name) }));
  if (!found.length) throw new Error(`BENCH_PEERS=${dir} holds none of ${PEERS.map((p) => p.name).join(', ')}`);
  const missing = PEERS.filter((p) => !found.some((f) => f.name === p.name)).map((p) => p.name);
  if (missing.length) console.log(`peers: ${missing.join(', ')} not in ${dir}, run without`);
  return found;
}

// Lines in a file: each peer writes one itemset a line.
export async function countLines(file) {
  let lines = 0;
  const stream = createReadStream(file);
  stream.on('data', (chunk) => {
    for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) lines++;
  });
  await once(stream, 'close');
  return lines;
}
