// The scorer's paths for carts of more than 64 items and the accounting of per-call memory, apart
// from the single pass in recommend.cpp that storefront carts take (and built for size in the
// wasm, like the other cold parts of the scorer).
#include <algorithm>
#include <cstdint>
#include <vector>

#include "score/recommend.hpp"

namespace basketlift {

// Carts of more than 64 entries.
std::uint64_t Scorer::long_call_memory(const RecommendRequest& req) const {
  using u64 = std::uint64_t;
  const u64 items = bundle_.item_count();
  u64 cart = 0;  // ids that can enter cart_: known ones (repeats too, an upper bound)
  for (auto id : req.cart) cart += id < items;
  // cart_, reason_at_ and paired_ grow by doubling: up to twice the cart each.
  u64 bytes = 2 * 3 * sizeof(std::uint32_t) * cart;
  // Results name their cart items by id ranges (because_).
  bytes += std::min<u64>(req.n, items) * cart * sizeof(std::uint32_t);
  // More than 64 cart items: a row of bits per candidate, and each item is one at most.
  if (cart > 64) bytes += items * ((cart + 63) / 64) * sizeof(std::uint64_t);
  return bytes;
}

std::size_t Scorer::extra_call_memory() const {
  std::size_t bytes = because_bits_.capacity() * sizeof(std::uint64_t) +
                      because_.capacity() * sizeof(std::uint32_t);
  for (const auto* v : {&cart_, &reason_at_, &paired_})
    if (v->capacity() > std::size(request_cart_)) bytes += v->capacity() * sizeof(std::uint32_t);
  return bytes;
}

void Scorer::release_call_memory() {
  std::vector<std::uint64_t>().swap(because_bits_);
  std::vector<std::uint32_t>().swap(because_);
  for (auto* v : {&cart_, &reason_at_, &paired_})
    if (v->capacity() > std::size(request_cart_)) {
      std::vector<std::uint32_t>().swap(*v);
      v->reserve(std::size(request_cart_));  // as the constructor leaves them
    }
}

std::uint32_t Scorer::collect_pairs(std::uint32_t& next_x, std::uint32_t& next_y) {
  pair_hits_.clear();
  std::uint32_t touched = 0, x = next_x, y = next_y;  // in registers, not through references
  const auto count = static_cast<std::uint32_t>(paired_.size());
  for (; x < count; ++x, y = x + 1)
    for (; y < count; ++y) {
      const std::uint32_t a = cart_[paired_[x]], b = cart_[paired_[y]];
      const auto [word, mask] = pair_hash(a, b);
      if ((pair_filter_[word] & mask) != mask) continue;
      const auto at = pair_slot(std::min(a, b), std::max(a, b));
      touched += pair_slots_[at].a;
      pair_hits_.push_back({paired_[x], paired_[y], static_cast<std::uint32_t>(at), 0, 0});
      if (pair_hits_.size() == kPairChunk) {  // full: go on after this pair next time
        next_x = x, next_y = y + 1;
        return touched;
      }
    }
  next_x = x, next_y = y;
  return touched;
}

std::uint32_t Scorer::resolve_pairs() {
  std::uint32_t touched = 0;
  const std::size_t slot_mask = pair_slots_.size() - 1;
  for (auto& hit : pair_hits_) {
    const std::uint32_t a = std::min(cart_[hit.i], cart_[hit.j]),
                        b = std::max(cart_[hit.i], cart_[hit.j]);
    auto at = std::size_t{hit.slot};
    while (pair_slots_[at].a != kNoItem && (pair_slots_[at].a != a || pair_slots_[at].b != b))
      at = (at + 1) & slot_mask;
    // A false hit of the filter finds an empty slot: no rules.
    hit.first = pair_slots_[at].first;
    hit.count = pair_slots_[at].a == kNoItem ? 0 : pair_slots_[at].count;
    if (hit.count) touched += rules_[hit.first].consequent;
  }
  return touched;
}

// fire_cart() for more than 64 cart items in pairs: the same reads and firing order, with the
// pairs collected in chunks. A path of its own so the usual carts keep their single pass.
void Scorer::fire_long_cart() {
  const auto k = static_cast<std::uint32_t>(cart_.size());
  std::uint32_t x = 0, y = 1;
  std::uint32_t touched = collect_pairs(x, y);
  // Every cart item's lists, then the pairs' rules, then the slots of all their items are read
  // before any list is walked: the cache misses overlap instead of coming one after another as
  // the walk reaches them.
  const std::size_t last = rules_.size() - 1;
  for (std::uint32_t i = 0; i < k && !rules_.empty(); ++i) {
    const Lists& l = lists_[cart_[i]];
    touched += rules_[std::min<std::size_t>(l.single_first, last)].consequent +
               rules_[std::min<std::size_t>(l.near_first, last)].consequent;
  }
  touched += resolve_pairs();
  fire_lists(k, touched);
  // Carts of more than 64 items: the rest of their pairs, chunk by chunk, in the same order.
  while (x < paired_.size()) {
    touched = collect_pairs(x, y);
    touched += resolve_pairs();
    fire_lists(0, touched);  // only this chunk's pair rules
  }
}

// Each cart item's neighbours add their (weighted) cosine to the candidate's score; a candidate
// no rule reached enters with that alone and reports the neighbour's confidence and lift. Cart
// items no basket holds have no neighbours but may have similar names: the same, with the name
// cosine.
}  // namespace basketlift
