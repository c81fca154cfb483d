// Picks a few demo customers for "Time to restock" from the Online Retail order log: the ones who
// bought the most items again and again. Their histories are the shopper data a storefront would
// hold; the page hands them to rec.nextPurchases() unchanged.
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';

// RFC 4180 rows (quoted fields, doubled quotes, newlines inside quotes) from a whole text.
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

export function exportCustomers(csvGzPath, { count = 6, maxEvents = 1500 } = {}) {
  const rows = csvRows(gunzipSync(readFileSync(csvGzPath)).toString('utf8'));
  const header = rows.next().value;
  const col = (name) => {
    const at = header.indexOf(name);
    if (at < 0) throw new Error(`${csvGzPath}: no ${name} column`);
    return at;
  };
  const [inv, code, qty, date, cust, country] = ['InvoiceNo', 'StockCode', 'Quantity', 'InvoiceDate', 'CustomerID', 'Country'].map(col);

  // customer -> { country, orders: Set, events: Map<item, Set<day>> }
  const customers = new Map();
  for (const r of rows) {
    if (r.length <= cust || !r[cust] || r[inv].startsWith('C') || !(Number(r[qty]) > 0)) continue;
    const id = r[cust].replace(/\.0$/, ''); // "17850.0" in this copy of the data
    let c = customers.get(id);
    if (!c) customers.set(id, (c = { country: r[country], orders: new Set(), events: new Map() }));
    c.orders.add(r[inv]);
    const day = r[date].slice(0, 10);
    let days = c.events.get(r[code]);
    if (!days) c.events.set(r[code], (days = new Set()));
    days.add(day);
  }

  // "Many repeat purchases": items bought on 3 or more different days. Very large accounts
  // (wholesalers) are left out so the JSON the page loads stays small.
  const ranked = [];
  for (const [id, c] of customers) {
    let events = 0;
    let repeated = 0;
    for (const days of c.events.values()) {
      events += days.size;
      if (days.size >= 3) repeated++;
    }
    if (events <= maxEvents) ranked.push({ id, c, events, repeated });
  }
  ranked.sort((a, b) => b.repeated - a.repeated || a.id.localeCompare(b.id));

  return ranked.slice(0, count).map(({ id, c, repeated }) => {
    const history = [];
    for (const [item, days] of c.events) for (const d of days) history.push({ item, date: d });
    history.sort((a, b) => a.date.localeCompare(b.date) || a.item.localeCompare(b.item));
    return {
      id,
      country: c.country,
      orders: c.orders.size,
      repeatedItems: repeated,
      first: history[0].date,
      last: history[history.length - 1].date,
      history,
    };
  });
}
