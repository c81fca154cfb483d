// Shared by bench sections: whole-process wall time and peak RSS of a child.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const GNU_TIME = '/usr/bin/time';

// Runs `cmd args` once under GNU time. Resolves {seconds, mib, cpuSeconds, stdout}, or
// {timeout: true}. Wall time comes from hrtime because GNU time's %e has only
// 10 ms resolution; peak RSS (%M, KiB) and CPU time (%U + %S, user and system) have
// no portable in-process equivalent for a child, so GNU time writes them to a file
// apart from the child's stderr. CPU time is what to compare on a machine busy with
// other work, where the wall time mostly measures the wait for a core.
export function measureOnce(cmd, args, { timeoutMs = 120_000 } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'bench-'));
  const out = join(dir, 'time');
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint();
    // Own process group, so a timeout kills the benchmarked process and not only GNU time.
    const child = spawn(GNU_TIME, ['-f', '%M %U %S', '-o', out, cmd, ...args], {
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => {
      timedOut = true;
      process.kill(-child.pid, 'SIGKILL');
    }, timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      const seconds = Number(process.hrtime.bigint() - start) / 1e9;
      try {
        if (timedOut) return resolve({ timeout: true });
        if (code !== 0) return reject(new Error(`${cmd} exited ${code}: ${stderr.trim()}`));
        const [kib, user, sys] = readFileSync(out, 'utf8').trim().split('\n').pop().split(' ').map(Number);
        resolve({ seconds, mib: kib / 1024, cpuSeconds: user + sys, stdout });
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });
}

// Median over `runs` runs; stops at the first timeout rather than waiting it out again.
export async function measure(cmd, args, { runs = 5, timeoutMs } = {}) {
  const samples = [];
  for (let i = 0; i < runs; i++) {
    const r = await measureOnce(cmd, args, { timeoutMs });
    if (r.timeout) return { timeout: true, runs: samples.length };
    samples.push(r);
  }
  return {
    seconds: median(samples.map((s) => s.seconds)),
    mib: median(samples.map((s) => s.mib)),
    runs: samples.length,
    stdout: samples[0].stdout,
  };
}

export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

// Plain text table, columns right-aligned (they are mostly numbers).
export function formatTable(header, rows) {
  const cells = [header, ...rows].map((r) => r.map(String));
  const widths = header.map((_, i) => Math.max(...cells.map((r) => r[i].length)));
  const line = (r) => r.map((c, i) => c.padStart(widths[i])).join('  ');
  const rule = widths.map((w) => '-'.repeat(w)).join('  ');
  return [line(cells[0]), rule, ...cells.slice(1).map(line)].join('\n');
}
