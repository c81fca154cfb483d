// The rules explorer: rec.topRules() as a scatter plot (support on a log axis, confidence, colour =
// lift) drawn on a canvas, and a sortable table. Filters apply to both.
import { $, h, formatInt, formatPercent } from './dom.js';

const ROWS = 100; // table rows shown; the plot shows every filtered rule
// Viridis stops: perceptually even and readable by colour-blind viewers.
const PALETTE = [[68, 1, 84], [59, 82, 139], [33, 145, 140], [94, 201, 98], [253, 231, 37]];

function colour(t) {
  const x = Math.min(1, Math.max(0, t)) * (PALETTE.length - 1);
  const i = Math.min(PALETTE.length - 2, Math.floor(x));
  const f = x - i;
  const [r, g, b] = PALETTE[i].map((v, k) => Math.round(v + (PALETTE[i + 1][k] - v) * f));
  return `rgb(${r},${g},${b})`;
}

// `whole`: loads the whole bundle (every rule), called once, when the view is first shown.
export function mountRules(whole, { product, openDetail }) {
  let rec = null;
  let rules = [];
  let shown = [];
  let sort = { key: 'lift', dir: -1 };
  let highlight = null;
  const canvas = $('scatter');
  const name = (id) => product(id)?.name || id;

  async function load() {
    rec ??= await whole();
    rules = rec.topRules({ limit: Number($('rules-limit').value) }).map((r) => ({
      ...r,
      text: [...r.antecedent, r.consequent].flatMap((id) => [id, name(id)]).join(' ').toLowerCase(),
    }));
    apply();
  }

  function apply() {
    const minConf = Number($('rules-conf').value) || 0;
    const minLift = Number($('rules-lift').value) || 0;
    const words = $('rules-item').value.toLowerCase().split(/\s+/).filter(Boolean);
    shown = rules.filter((r) => r.confidence >= minConf && r.lift >= minLift && words.every((w) => r.text.includes(w)));
    shown.sort((a, b) => sort.dir * (a[sort.key] - b[sort.key]) || b.lift - a.lift);
    $('rules-count').textContent = `${formatInt(shown.length)} of ${formatInt(rules.length)} rules` +
      (shown.length > ROWS ? `; the table shows the first ${ROWS}` : '');
    for (const th of $('rules-table').querySelectorAll('th[aria-sort]')) {
      th.setAttribute('aria-sort', th.querySelector('button').dataset.sort === sort.key ? (sort.dir < 0 ? 'descending' : 'ascending') : 'none');
    }
    $('rules-rows').replaceChildren(...shown.slice(0, ROWS).map((r) =>
      h('tr', { onmouseenter: () => mark(r), onfocusin: () => mark(r) },
        h('td', {}, r.antecedent.map(name).join(' + ')),
        h('td', {}, h('button', { type: 'button', class: 'link', onclick: () => openDetail(r.consequent) }, name(r.consequent))),
        h('td', { class: 'num' }, formatPercent(r.support)),
        h('td', { class: 'num' }, formatPercent(r.confidence)),
        h('td', { class: 'num' }, r.lift.toFixed(1)))));
    draw();
  }

  function mark(r) {
    highlight = r;
    draw();
  }

  function draw() {
    const dpr = window.devicePixelRatio || 1;
    const width = canvas.clientWidth;
    const height = canvas.clientHeight;
    if (!width) return; // hidden tab: drawn when shown
    canvas.width = Math.round(width * dpr);
    canvas.height = Math.round(height * dpr);
    const g = canvas.getContext('2d');
    g.scale(dpr, dpr);
    g.font = '12px system-ui, sans-serif';
    const m = { left: 48, right: 70, top: 12, bottom: 36 };
    const w = width - m.left - m.right;
    const hgt = height - m.top - m.bottom;
    const data = rules.length ? rules : [{ support: 0.001, confidence: 0, lift: 1 }];
    const lo = Math.log10(Math.min(...data.map((r) => r.support)));
    const hi = Math.log10(Math.max(...data.map((r) => r.support)));
    const span = Math.max(hi - lo, 0.3);
    const x = (s) => m.left + ((Math.log10(s) - lo) / span) * w;
    const y = (c) => m.top + (1 - c) * hgt;
    const lifts = data.map((r) => Math.log(r.lift));
    const lMin = Math.min(...lifts);
    const lMax = Math.max(...lifts, lMin + 1e-9);
    const t = (lift) => (Math.log(lift) - lMin) / (lMax - lMin);

    // Axes and grid
    g.strokeStyle = '#e3e6ea';
    g.fillStyle = '#5b6472';
    g.textAlign = 'right';
    g.textBaseline = 'middle';
    for (const c of [0, 0.25, 0.5, 0.75, 1]) {
      g.beginPath(); g.moveTo(m.left, y(c)); g.lineTo(m.left + w, y(c)); g.stroke();
      g.fillText(`${c * 100}%`, m.left - 6, y(c));
    }
    g.textAlign = 'center';
    g.textBaseline = 'top';
    for (let e = Math.floor(lo); e <= Math.ceil(hi); e++) {
      for (const k of [1, 2, 3, 5]) {
        const s = k * 10 ** e;
        if (Math.log10(s) < lo - 1e-9 || Math.log10(s) > lo + span + 1e-9) continue;
        g.beginPath(); g.moveTo(x(s), m.top); g.lineTo(x(s), m.top + hgt); g.stroke();
        g.fillText(`${+(s * 100).toPrecision(2)}%`, x(s), m.top + hgt + 4);
      }
    }
    g.fillText('support (share of baskets)', m.left + w / 2, m.top + hgt + 20);

    // Points, lowest lift first so the interesting ones are on top
    for (const r of [...shown].sort((a, b) => a.lift - b.lift)) {
      g.fillStyle = colour(t(r.lift));
      g.beginPath(); g.arc(x(r.support), y(r.confidence), 3, 0, 2 * Math.PI); g.fill();
    }
    if (highlight) {
      g.strokeStyle = '#d0021b';
      g.lineWidth = 2;
      g.beginPath(); g.arc(x(highlight.support), y(highlight.confidence), 7, 0, 2 * Math.PI); g.stroke();
      g.lineWidth = 1;
    }

    // Colour bar for lift
    const bx = m.left + w + 18;
    for (let i = 0; i < hgt; i++) {
      g.fillStyle = colour(1 - i / hgt);
      g.fillRect(bx, m.top + i, 12, 1);
    }
    g.fillStyle = '#5b6472';
    g.textAlign = 'left';
    g.textBaseline = 'middle';
    g.fillText(`${Math.exp(lMax).toFixed(0)}`, bx + 16, m.top + 4);
    g.fillText(`${Math.exp(lMin).toFixed(1)}`, bx + 16, m.top + hgt - 4);
    g.fillText('lift', bx + 16, m.top + hgt / 2);
    canvas.setAttribute('aria-label', `Scatter plot of ${shown.length} rules: support against confidence, coloured by lift from ` +
      `${Math.exp(lMin).toFixed(1)} to ${Math.exp(lMax).toFixed(0)}. The table below lists the same rules.`);
  }

  $('rules-form').addEventListener('submit', (e) => e.preventDefault());
  $('rules-limit').addEventListener('change', load);
  for (const id of ['rules-conf', 'rules-lift', 'rules-item']) $(id).addEventListener('input', apply);
  for (const button of $('rules-table').querySelectorAll('th button')) {
    button.addEventListener('click', () => {
      const key = button.dataset.sort;
      sort = { key, dir: sort.key === key ? -sort.dir : -1 };
      apply();
    });
  }
  new ResizeObserver(() => draw()).observe(canvas);

  let loading = null;
  return async function show() {
    loading ??= load().catch((e) => {
      loading = null; // a failed download may work next time
      $('rules-count').textContent = `Could not load the rules: ${e.message}`;
    });
    await loading;
    draw();
  };
}
