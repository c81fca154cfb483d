// Shared plumbing for the browser tests: prepare the demo site (cached; never builds), start the
// real demo server on a free port, launch Debian's chromium through playwright-core, and watch a
// page for console errors and Content-Security-Policy violations.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const dataFile = join(root, '../shared/data/online-retail/online_retail.csv.gz');
export const cliPath = join(root, 'build/native/basketlift');
export const bundlePath = join(root, 'build/demo-data/rules.blb');
export const siteDir = join(root, 'build/demo-site');
export const screenshots = join(root, 'tests/e2e/screenshots');

// Why the suite cannot run here, or null. ../shared/data missing is a skip, not a failure.
export function skipReason() {
  if (!existsSync(dataFile)) return `${dataFile} is absent (../shared/data must sit beside this checkout)`;
  if (!existsSync('/usr/bin/chromium')) return '/usr/bin/chromium is not installed (scripts/setup.sh installs it)';
  return null;
}

// The same step as `npm start` after its build: mines only when the inputs changed.
export function prepareSite() {
  const r = spawnSync(process.execPath, [join(root, 'demo/prepare.mjs')], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`demo/prepare.mjs failed (${r.status}):\n${r.stdout}${r.stderr}`);
  return r.stdout;
}

// The CLI's JSON answer, to compare the page with.
export function cli(...args) {
  return JSON.parse(execFileSync(cliPath, [...args, '--json'], { encoding: 'utf8' }));
}

// RFC 4180 rows (quoted fields, doubled quotes, newlines inside quotes) from a whole text: the
// CLI's catalog.csv, to compare the page's names and prices with.
export function* csvRows(text) {
  let row = [];
  let i = 0;
  const n = text.length;
  while (i < n) {
    let field;
    if (text[i] === '"') {
      let value = '';
      i++;
      for (;;) {
        const q = text.indexOf('"', i);
        if (q < 0) throw new Error('csv: unterminated quote');
        value += text.slice(i, q);
        if (text[q + 1] === '"') {
          value += '"';
          i = q + 2;
        } else {
          i = q + 1;
          break;
        }
      }
      field = value;
    } else {
      let end = i;
      while (end < n && text[end] !== ',' && text[end] !== '\n' && text[end] !== '\r') end++;
      field = text.slice(i, end);
      i = end;
    }
    row.push(field);
    if (text[i] === ',') {
      i++;
      continue;
    }
    if (text[i] === '\r') i++;
    if (text[i] === '\n' || i >= n) {
      i++;
      yield row;
      row = [];
    }
  }
}

// demo/server.mjs with PORT=0; resolves once it prints its URL.
export function startServer(...roots) {
  return serve(roots);
}

// The same with more environment (HOST), for the server's own tests.
export function serve(roots, env = {}) {
  const child = spawn(process.execPath, [join(root, 'demo/server.mjs'), ...roots], {
    env: { ...process.env, PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (chunk) => {
      out += chunk;
      const m = out.match(/http:\/\/(\S+):(\d+)\//);
      if (m) {
        resolve({ url: m[0], host: m[1], port: Number(m[2]), child,
          stop: (signal = 'SIGINT') => (child.kill(signal), exited) });
      }
    });
    exited.then(({ code }) => reject(new Error(`demo server exited (${code}) before listening: ${out}`)));
  });
}

export async function launchBrowser() {
  const { chromium } = await import('playwright-core');
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
      '--disable-sync', '--no-first-run'],
  });
}

// Collects everything that should never happen on the page.
export async function watch(page) {
  const problems = [];
  page.on('console', (m) => m.type() === 'error' && problems.push(`console error: ${m.text()}`));
  page.on('pageerror', (e) => problems.push(`uncaught: ${e.message}`));
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      console.error(`CSP violation: ${e.violatedDirective} blocked ${e.blockedURI || 'inline code'}`);
    });
  });
  return problems;
}
