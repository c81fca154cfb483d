// The cart: item id -> quantity, kept in localStorage. Every change notifies the page's listeners
// and dispatches the package's cart-change event, which re-renders the recommendation widgets.
import { CART_CHANGE_EVENT, titleCase } from 'basketlift/sharded';
import { $, h, formatPrice } from './dom.js';

const KEY = 'basketlift-demo-cart';

export function createCart() {
  let lines = read();
  const listeners = [];

  function read() {
    try {
      const saved = JSON.parse(localStorage.getItem(KEY) ?? '[]');
      // Accept only [[id, qty], …] with sane values: storage is user-editable.
      return new Map(saved.filter(([id, q]) => typeof id === 'string' && Number.isInteger(q) && q > 0 && q < 1000));
    } catch {
      return new Map();
    }
  }
  function changed() {
    localStorage.setItem(KEY, JSON.stringify([...lines]));
    for (const fn of listeners) fn();
    document.dispatchEvent(new CustomEvent(CART_CHANGE_EVENT));
  }
  // Another tab changed the cart.
  window.addEventListener('storage', (e) => {
    if (e.key === KEY) {
      lines = read();
      changed();
    }
  });

  return {
    ids: () => [...lines.keys()],
    lines: () => [...lines],
    quantity: (id) => lines.get(id) ?? 0,
    add(id, qty = 1) {
      lines.set(id, Math.min(999, (lines.get(id) ?? 0) + qty));
      changed();
    },
    set(id, qty) {
      if (qty > 0) lines.set(id, Math.min(999, qty));
      else lines.delete(id);
      changed();
    },
    remove(id) {
      lines.delete(id);
      changed();
    },
    clear() {
      lines.clear();
      changed();
    },
    subscribe: (fn) => listeners.push(fn),
  };
}

export function renderCart(cart, product, openDetail) {
  const list = $('cart-lines');
  const focusedId = document.activeElement?.closest?.('#cart-lines li')?.dataset.item;
  const focusedRole = document.activeElement?.dataset?.role;
  let total = 0;
  list.replaceChildren(
    ...cart.lines().map(([id, qty]) => {
      const p = product(id);
      const name = titleCase(p?.name || id);
      total += (p?.price ?? 0) * qty;
      const qtyInput = h('input', { type: 'number', min: 1, max: 999, value: qty, inputmode: 'numeric',
        'aria-label': `Quantity of ${name}`, 'data-role': 'qty',
        onchange: () => cart.set(id, Math.max(0, Math.floor(Number(qtyInput.value) || 0))) });
      return h('li', { 'data-item': id },
        h('button', { type: 'button', class: 'link', onclick: () => openDetail(id) }, name),
        h('span', { class: 'price' }, formatPrice((p?.price ?? 0) * qty)),
        h('span', { class: 'qty' },
          h('button', { type: 'button', class: 'step', 'aria-label': `One less ${name}`, 'data-role': 'dec', onclick: () => cart.set(id, qty - 1) }, '−'),
          qtyInput,
          h('button', { type: 'button', class: 'step', 'aria-label': `One more ${name}`, 'data-role': 'inc', onclick: () => cart.set(id, qty + 1) }, '+')),
        h('button', { type: 'button', class: 'remove', 'aria-label': `Remove ${name}`, 'data-role': 'remove', onclick: () => cart.remove(id) }, 'Remove'));
    }),
  );
  // Re-rendering replaced the focused control: put focus back on its twin, or on the cart heading.
  if (focusedId && focusedRole) {
    const twin = list.querySelector(`li[data-item="${CSS.escape(focusedId)}"] [data-role="${focusedRole}"]`);
    (twin ?? $('cart-title')).focus();
  }
  const count = cart.lines().reduce((n, [, q]) => n + q, 0);
  $('cart-title').textContent = count ? `Your cart (${count})` : 'Your cart';
  $('cart-empty').hidden = count > 0;
  $('cart-clear').hidden = count === 0;
  $('cart-total').textContent = formatPrice(total);
  $('cart-jump').textContent = `View cart · ${count} item${count === 1 ? '' : 's'} · ${formatPrice(total)}`;
  $('cart-jump').hidden = count === 0;
}
