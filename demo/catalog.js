// The product grid: search, category filter, sort and paging over ~4,000 products. Filtering is
// one pass over precomputed lower-case strings and only one page of cards is in the DOM, so each
// keystroke costs well under a millisecond of script.
import { titleCase } from 'basketlift/sharded';
import { $, h, formatInt, formatPrice } from './dom.js';

const PAGE = 24;

export const sellable = (p) => typeof p.price === 'number' && p.price > 0;

export function mountCatalog(products, categories, { cart, openDetail }) {
  const haystack = new Map(products.map((p) => [p, `${p.name ?? ''} ${p.item} ${p.category ?? ''}`.toLowerCase()]));
  // Products without a name or price (a few codes in the data have none) go last in every order.
  const byName = (a, b) => !a.name - !b.name || (a.name ?? '').localeCompare(b.name ?? '') || a.item.localeCompare(b.item);
  const price = (p, missing) => (typeof p.price === 'number' && p.price > 0 ? p.price : missing);
  const sorts = {
    popularity: (a, b) => (b.popularity ?? 0) - (a.popularity ?? 0) || byName(a, b),
    name: byName,
    'price-asc': (a, b) => price(a, Infinity) - price(b, Infinity) || byName(a, b),
    'price-desc': (a, b) => price(b, -1) - price(a, -1) || byName(a, b),
  };
  const sorted = Object.fromEntries(Object.entries(sorts).map(([k, f]) => [k, [...products].sort(f)]));

  const select = $('category');
  select.append(...categories.map((c) => h('option', { value: c }, c)));

  let matches = [];
  let page = 0;

  function filter() {
    const words = $('search').value.toLowerCase().split(/\s+/).filter(Boolean);
    const category = select.value;
    matches = sorted[$('sort').value].filter(
      (p) => (!category || p.category === category) && words.every((w) => haystack.get(p).includes(w)),
    );
    page = 0;
    render();
  }

  function card(p) {
    const inCart = cart.quantity(p.item);
    return h('li', { class: 'card', 'data-item': p.item },
      h('p', { class: 'category' }, p.category || 'Uncategorised'),
      h('h3', {}, h('button', { type: 'button', class: 'link', onclick: () => openDetail(p.item) }, titleCase(p.name || p.item))),
      h('p', { class: 'card-foot' },
        h('span', { class: 'price' }, formatPrice(p.price)),
        // Without a price there is nothing to sell: no button rather than an "Add" at £0.00.
        sellable(p)
          ? h('button', { type: 'button', 'aria-label': `Add ${titleCase(p.name || p.item)} to cart`, 'data-role': 'add',
            onclick: () => cart.add(p.item) }, inCart ? `Add (${inCart} in cart)` : 'Add to cart')
          : h('span', { class: 'muted' }, 'Not for sale')));
  }

  function render() {
    // Only a pager button that had focus hands it on when it becomes disabled; on load nothing
    // has focus, and nothing should take it (nor scroll the page to the pager).
    const pagerFocused = document.activeElement === $('prev') || document.activeElement === $('next');
    const pages = Math.max(1, Math.ceil(matches.length / PAGE));
    page = Math.min(page, pages - 1);
    const focused = document.activeElement?.closest?.('#grid li');
    const focusedAt = focused ? [...$('grid').children].indexOf(focused) : -1;
    $('grid').replaceChildren(...matches.slice(page * PAGE, (page + 1) * PAGE).map(card));
    if (focusedAt >= 0) $('grid').children[focusedAt]?.querySelector('[data-role="add"]')?.focus();
    $('catalog-count').textContent = `${formatInt(matches.length)} product${matches.length === 1 ? '' : 's'}`;
    $('page-label').textContent = `Page ${page + 1} of ${formatInt(pages)}`;
    $('prev').disabled = page === 0;
    $('next').disabled = page >= pages - 1;
    // A button that just became disabled drops keyboard focus: hand it to its partner.
    if (pagerFocused && document.activeElement === document.body && $('prev').disabled !== $('next').disabled) {
      ($('prev').disabled ? $('next') : $('prev')).focus();
    }
  }

  $('catalog-filters').addEventListener('submit', (e) => e.preventDefault());
  $('search').addEventListener('input', filter);
  select.addEventListener('change', filter);
  $('sort').addEventListener('change', filter);
  $('prev').addEventListener('click', () => { page--; render(); });
  $('next').addEventListener('click', () => { page++; render(); });
  cart.subscribe(render); // "in cart" counts on the cards
  filter();
}
