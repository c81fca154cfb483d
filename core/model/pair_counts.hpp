// Item pair counts, the sparse Gram matrix XᵀX of a basket set: what the neighbour and learned
// sections are made of (mine/pair_sections.hpp), for callers that have the counts without the
// baskets (import-spark).
#pragma once

#include <cstdint>
#include <vector>

#include "model/transactions.hpp"

namespace basketlift {

// Each item's basket count and every pair of items bought together, in the miner's item ids
// (descending count, ties by label). That is all of XᵀX that the sections read: the neighbours
// of an item can be any item it was ever bought with (no support threshold), so no pair can be
// left out; EASE reads the block of the most popular `learned_max_items` items.
struct ItemPairCount {
  ItemId a, b;  // a < b
  std::uint32_t count;
};
struct ItemPairCounts {
  std::vector<std::uint32_t> support;  // per item: the baskets holding it (XᵀX's diagonal)
  std::vector<ItemPairCount> pairs;    // each pair once, any order; count >= 1
};

}  // namespace basketlift
