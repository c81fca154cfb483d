// Frequent itemsets in one flat table (CSR, like baskets), plus an exact-match index over it.
#pragma once

#include <boost/unordered/unordered_flat_set.hpp>
#include <cstdint>
#include <span>
#include <vector>

#include "model/transactions.hpp"

namespace basketlift {

struct MiningParams {
  std::uint32_t min_count = 1;
  std::uint32_t max_len = 3;  // 0 = unlimited
};

struct ItemsetTable {
  std::vector<std::uint64_t> offsets{0};
  std::vector<ItemId> items;  // each itemset sorted ascending
  std::vector<std::uint32_t> counts;

  std::size_t size() const { return counts.size(); }
  std::span<const ItemId> itemset(std::size_t i) const {
    return {items.data() + offsets[i], items.data() + offsets[i + 1]};
  }
  void add(std::span<const ItemId> sorted_items, std::uint32_t count);
  // Orders by length, then lexicographically by item id: the same table whatever algorithm
  // produced it.
  void sort_canonical();
};

// Finds an itemset's row by its items. Every subset of a frequent itemset is frequent, so
// rule generation always finds what it asks for.
class ItemsetIndex {
 public:
  static constexpr std::uint32_t npos = UINT32_MAX;
  // Rows of at most `max_len` items (0 = all): a caller that looks up only short itemsets need
  // not index (nor hash) the long ones.
  explicit ItemsetIndex(const ItemsetTable& table, std::size_t max_len = 0);
  std::uint32_t find(std::span<const ItemId> sorted_items) const;

 private:
  struct Hash {
    using is_transparent = void;
    const ItemsetTable* table;
    std::size_t operator()(std::uint32_t row) const noexcept;
    std::size_t operator()(std::span<const ItemId> s) const noexcept;
  };
  struct Eq {
    using is_transparent = void;
    const ItemsetTable* table;
    bool operator()(std::uint32_t a, std::uint32_t b) const noexcept { return a == b; }
    bool operator()(std::span<const ItemId> s, std::uint32_t row) const noexcept;
    bool operator()(std::uint32_t row, std::span<const ItemId> s) const noexcept {
      return (*this)(s, row);
    }
  };
  boost::unordered_flat_set<std::uint32_t, Hash, Eq> rows_;
};

}  // namespace basketlift
