// The product detail view: a modal <dialog> (focus trapped, Esc closes, focus returns to the
// opener) with two widgets from the package: "Upgrade" (kind 'upsell') and what goes with it.
import { mountRecommendations } from 'basketlift';
import { $, formatPrice } from './dom.js';

export function createDetail(rec, product, cart) {
  const dialog = $('detail');
  let widgets = [];
  let current = null;

  $('detail-close').addEventListener('click', () => dialog.close());
  $('detail-add').addEventListener('click', () => cart.add(current));
  // A click on the backdrop (outside the content box) closes, as shoppers expect.
  dialog.addEventListener('click', (e) => e.target === dialog && dialog.close());
  dialog.addEventListener('close', () => {
    for (const w of widgets) w.destroy();
    widgets = [];
  });

  return function open(id) {
    for (const w of widgets) w.destroy();
    current = id;
    const p = product(id);
    $('detail-name').textContent = p?.name || id;
    $('detail-category').textContent = p?.category || '';
    $('detail-price').textContent = formatPrice(p?.price);
    $('detail-id').textContent = `Item ${id}`;
    const common = { getProduct: product, formatPrice, onAdd: (item) => cart.add(item), listen: false };
    widgets = [
      mountRecommendations($('detail-upsell'), rec, { ...common, kind: 'upsell', getItem: () => id, n: 3 }),
      mountRecommendations($('detail-with'), rec, { ...common, title: 'Often bought with this', getCart: () => [id], n: 3 }),
    ];
    if (!dialog.open) dialog.showModal();
  };
}
