// The product detail view: a modal <dialog> (focus trapped, Esc closes, focus returns to the
// opener) with two widgets from the package: a bundle block ("Frequently bought together": the
// item and its best complements, checkboxes and one button) and "A step up" (kind 'upsell').
// Each hides itself when it has nothing to show; neither suggests what is in the cart already.
import { mountRecommendations, titleCase } from 'basketlift/sharded';
import { sellable } from './catalog.js';
import { $, formatPrice } from './dom.js';

export function createDetail(product, cart) {
  const dialog = $('detail');
  let rec = null;
  let widgets = [];
  let current = null;
  let feedback;

  const added = (text) => {
    const button = $('detail-add');
    button.textContent = text;
    clearTimeout(feedback);
    feedback = setTimeout(() => (button.textContent = 'Add to cart'), 1500);
  };
  $('detail-close').addEventListener('click', () => dialog.close());
  $('detail-add').addEventListener('click', () => {
    cart.add(current);
    added(`Added ✓ (${cart.quantity(current)} in cart)`);
  });
  // A click on the backdrop (outside the content box) closes, as shoppers expect.
  dialog.addEventListener('click', (e) => e.target === dialog && dialog.close());
  dialog.addEventListener('close', () => {
    for (const w of widgets) w.destroy();
    widgets = [];
  });

  function mount() {
    for (const w of widgets) w.destroy();
    widgets = [];
    if (!rec || current === null) return;
    const common = { getProduct: product, formatPrice, getCart: cart.ids, getExclude: cart.ids, listen: false };
    widgets = [
      mountRecommendations($('detail-with'), rec, {
        ...common, kind: 'bundle', getItem: () => current, n: 2,
        onAddAll: (items) => {
          for (const item of items) cart.add(item);
          added(`Added ${items.length} ✓`);
          for (const w of widgets) w.update();
        },
      }),
      mountRecommendations($('detail-upsell'), rec, {
        ...common, kind: 'upsell', getItem: () => current, n: 3, onAdd: (item) => cart.add(item),
      }),
    ];
  }

  function open(id) {
    current = id;
    const p = product(id);
    $('detail-name').textContent = titleCase(p?.name || id);
    $('detail-category').textContent = p?.category || '';
    $('detail-price').textContent = formatPrice(p?.price);
    $('detail-id').textContent = `Item ${id}`;
    $('detail-add').hidden = !p || !sellable(p);
    $('detail-add').textContent = 'Add to cart';
    mount();
    if (!dialog.open) dialog.showModal();
  }

  return {
    open,
    // The bundle arrived: the dialog's widgets can score from now on.
    attach(recommender) {
      rec = recommender;
      if (dialog.open) mount();
    },
  };
}
