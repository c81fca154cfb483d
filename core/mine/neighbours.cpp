#include "mine/neighbours.hpp"

#include <algorithm>
#include <atomic>
#include <span>

#include "mine/workers.hpp"

namespace basketlift {

namespace {

// Appends a's best `per_item` neighbours among `touched` (the items with together[b] > 0, the
// baskets holding a and b) to `out`, best first, and zeroes `together` for the next item.
void keep_best(std::uint32_t a, std::vector<std::uint32_t>& touched,
               std::vector<std::uint32_t>& together, std::span<const std::uint32_t> support,
               std::uint32_t per_item, std::vector<std::pair<std::uint32_t, RuleEntry>>& out) {
  // b beats c as a neighbour of a when n_ab / sqrt(n_b) > n_ac / sqrt(n_c) (n_a is common),
  // i.e. n_ab^2 * n_c > n_ac^2 * n_b: exact in 128 bits.
  auto beats = [&](std::uint32_t b, std::uint32_t c) {
    const auto lhs = static_cast<unsigned __int128>(together[b]) * together[b] * support[c];
    const auto rhs = static_cast<unsigned __int128>(together[c]) * together[c] * support[b];
    return lhs != rhs ? lhs > rhs : b < c;
  };
  const auto keep = std::min<std::size_t>(per_item, touched.size());
  std::partial_sort(touched.begin(), touched.begin() + static_cast<std::ptrdiff_t>(keep),
                    touched.end(), beats);
  for (std::size_t k = 0; k < keep; ++k) out.push_back({a, {touched[k], together[touched[k]]}});
  for (auto b : touched) together[b] = 0;
}

}  // namespace

std::vector<std::pair<std::uint32_t, RuleEntry>> top_neighbours(const TransactionDb& db,
                                                                std::uint32_t per_item,
                                                                unsigned threads) {
  std::vector<std::pair<std::uint32_t, RuleEntry>> out;
  const auto n_items = static_cast<std::uint32_t>(db.items.size());
  if (per_item == 0 || n_items == 0) return out;
  // Rows holding each item (distinct baskets, with their weights).
  std::vector<std::uint64_t> first(n_items + 1, 0);
  for (std::size_t r = 0; r < db.rows(); ++r)
    for (auto i : db.row(r)) ++first[i + 1];
  for (std::uint32_t i = 0; i < n_items; ++i) first[i + 1] += first[i];
  std::vector<std::uint32_t> rows_of(first.back());
  {
    auto at = first;
    for (std::size_t r = 0; r < db.rows(); ++r)
      for (auto i : db.row(r)) rows_of[at[i]++] = static_cast<std::uint32_t>(r);
  }
  // Items are independent: workers claim blocks of them, each block's result goes to its own
  // slot, and the slots are joined in item order, so any thread count gives the same output.
  constexpr std::uint32_t kBlock = 64;
  constexpr std::uint64_t kAhead = 8;
  const std::uint32_t n_blocks = (n_items + kBlock - 1) / kBlock;
  std::vector<std::vector<std::pair<std::uint32_t, RuleEntry>>> parts(n_blocks);
  std::atomic<std::uint32_t> next{0};
  auto work = [&](unsigned) {
    // A pair's count is at most either item's support, a 32-bit count; the narrower array keeps
    // more of itself in cache, where the random increments below land.
    std::vector<std::uint32_t> together(n_items, 0);
    std::vector<std::uint32_t> touched;
    for (std::uint32_t block; (block = next.fetch_add(1, std::memory_order_relaxed)) < n_blocks;) {
      auto& part = parts[block];
      const std::uint32_t end = std::min(n_items, (block + 1) * kBlock);
      for (std::uint32_t a = block * kBlock; a < end; ++a) {
        touched.clear();
        const auto last = first[a + 1];
        for (auto p = first[a]; p < last; ++p) {
          // The rows holding `a` lie all over the basket arrays and reading them was where this
          // loop waited: ask for the items of a row kAhead steps on, and for its offset kAhead
          // further, so that those misses overlap with the work.
          if (p + 2 * kAhead < last) __builtin_prefetch(&db.offsets[rows_of[p + 2 * kAhead]]);
          if (p + kAhead < last)
            __builtin_prefetch(db.item_ids.data() + db.offsets[rows_of[p + kAhead]]);
          const auto r = rows_of[p];
          const std::uint32_t w = db.weight(r);
          for (auto b : db.row(r)) {
            if (b == a) continue;
            if (together[b] == 0) touched.push_back(b);
            together[b] += w;
          }
        }
        keep_best(a, touched, together, db.support, per_item, part);
      }
    }
  };
  run_workers(std::max(1u, std::min(threads, n_blocks)), work, [&] { next.store(n_blocks); });
  for (auto& part : parts) {
    out.insert(out.end(), part.begin(), part.end());
    part = {};
  }
  return out;
}

std::vector<std::pair<std::uint32_t, RuleEntry>> top_neighbours(const ItemPairCounts& counts,
                                                                std::uint32_t per_item, unsigned) {
  std::vector<std::pair<std::uint32_t, RuleEntry>> out;
  const auto n_items = static_cast<std::uint32_t>(counts.support.size());
  if (per_item == 0 || n_items == 0) return out;
  // Each pair under both of its items, as the baskets' overload meets it from either side.
  std::vector<std::uint64_t> first(n_items + 1, 0);
  for (const auto& p : counts.pairs) {
    ++first[p.a + 1];
    ++first[p.b + 1];
  }
  for (std::uint32_t i = 0; i < n_items; ++i) first[i + 1] += first[i];
  std::vector<std::pair<std::uint32_t, std::uint32_t>> with(first.back());  // (other, count)
  {
    auto at = first;
    for (const auto& p : counts.pairs) {
      with[at[p.a]++] = {p.b, p.count};
      with[at[p.b]++] = {p.a, p.count};
    }
  }
  std::vector<std::uint32_t> together(n_items, 0), touched;
  for (std::uint32_t a = 0; a < n_items; ++a) {
    touched.clear();
    for (auto k = first[a]; k < first[a + 1]; ++k) {
      const auto [b, count] = with[k];
      if (together[b] == 0) touched.push_back(b);
      together[b] += count;
    }
    keep_best(a, touched, together, counts.support, per_item, out);
  }
  return out;
}

}  // namespace basketlift
