// Mines one data set with node-fpgrowth in its own process, so the parent can
// time it and read its peak RSS exactly as it does for the basketlift CLI.
// usage: node node_fpgrowth_worker.mjs FILE MIN_COUNT [MAX_LEN]
// prints {"transactions","threshold","itemsets"} as JSON on stdout.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const { FPGrowth } = createRequire(import.meta.url)('node-fpgrowth');
const [file, minCountArg, maxLenArg = '0'] = process.argv.slice(2);
const minCount = Number(minCountArg);
const maxLen = Number(maxLenArg);

const transactions = readFileSync(file, 'utf8')
  .split('\n')
  .filter((line) => line.trim() !== '')
  .map((line) => line.trim().split(/\s+/).map(Number));

// node-fpgrowth takes a fraction and uses ceil(fraction * N) as its count.
// Half a transaction below minCount lands strictly inside (minCount-1, minCount],
// so floating-point rounding cannot move the ceiling to a neighbouring count.
const n = transactions.length;
const fraction = (minCount - 0.5) / n;
const threshold = Math.ceil(fraction * n);
if (threshold !== minCount) throw new Error(`threshold ${threshold} != min-count ${minCount}`);

const itemsets = await new FPGrowth(fraction).exec(transactions);
// It has no max-len option: it mines every length and we count only the short ones.
const counted = maxLen > 0 ? itemsets.filter((s) => s.items.length <= maxLen).length : itemsets.length;
process.stdout.write(JSON.stringify({ transactions: n, threshold, itemsets: counted }) + '\n');
