// "Time to restock": a demo customer's real order history (exported from the data set by
// `basketlift customers`, see demo/prepare.mjs) goes to rec.nextPurchases() with the chosen date.
// The core ignores purchases after asOf and never reads the clock, so the answer depends only on
// these inputs.
import { titleCase } from 'basketlift/sharded';
import { $, h, formatInt, formatPercent, note, timeMicros } from './dom.js';

export function mountRestock(rec, customers, { product, cart, onTimed }) {
  const select = $('customer');
  select.replaceChildren(...customers.map((c, i) =>
    h('option', { value: i }, `Customer ${c.id} · ${c.country} · ${c.orders} orders`)));

  async function render() {
    const c = customers[select.value];
    const asOf = $('as-of').value;
    if (!c) return note($('restock-note'), 'No demo customers were exported.');
    const before = c.history.filter((e) => e.date <= asOf);
    $('customer-summary').textContent = `${formatInt(before.length)} purchases of ${formatInt(new Set(before.map((e) => e.item)).size)} items ` +
      `before ${asOf || '…'} (history ${c.first} to ${c.last}; ${c.repeatedItems} items bought on 3 or more days).`;
    const table = $('restock-table');
    if (!/^\d{4}-\d{2}-\d{2}$/.test(asOf)) {
      table.hidden = true;
      return note($('restock-note'), 'Pick a date.');
    }
    let results;
    try {
      // The parts the history needs first; then timed on them (fetching is not scoring).
      results = await rec.nextPurchases(c.history, { asOf, n: 10 });
      onTimed?.(timeMicros(() => rec.loaded().nextPurchases(c.history, { asOf, n: 10 })));
    } catch (e) {
      table.hidden = true;
      return note($('restock-note'), `Could not score: ${e.message}`);
    }
    note($('restock-note'), results.length ? '' : 'Nothing is due around this date.');
    table.hidden = !results.length;
    $('restock-rows').replaceChildren(...results.map((r) => {
      const p = product(r.item);
      const due = Math.round(r.dueInDays);
      return h('tr', { 'data-item': r.item },
        h('th', { scope: 'row' }, titleCase(p?.name || r.item)),
        h('td', { class: 'wide-only' }, p?.category || ''),
        h('td', { class: 'num' }, formatPercent(r.probability)),
        h('td', { class: 'num' }, due === 0 ? 'today' : due > 0 ? `in ${due} d` : `${-due} d ago`),
        h('td', {}, h('button', { type: 'button', 'aria-label': `Add ${titleCase(p?.name || r.item)} to cart`, onclick: () => cart.add(r.item) }, 'Add')));
    }));
  }

  $('restock-form').addEventListener('submit', (e) => e.preventDefault());
  select.addEventListener('change', render);
  $('as-of').addEventListener('change', render);
  return render;
}
