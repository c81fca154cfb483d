// Item neighbours: for each item, the few items most often bought with it relative to how often
// both are bought at all (cosine of their basket sets), counted over every basket with no
// support threshold. They reach items too rare for rules and, blended into the scorer, lift its
// hit rate (docs/EVALUATION.md).
#pragma once

#include <cstdint>
#include <utility>
#include <vector>

#include "bundle/bundle.hpp"
#include "model/pair_counts.hpp"
#include "model/transactions.hpp"

namespace basketlift {

inline constexpr std::uint32_t kDefaultNeighboursPerItem = 3;

// (item, entry) pairs: entry.consequent is a neighbour, entry.count the baskets holding both.
// At most `per_item` per item, the highest cosine n_ab / sqrt(n_a * n_b) first, ties by id;
// compared exactly in integers. Costs the sum over distinct baskets of (basket size)^2, shared
// among `threads` workers; the result is the same for any thread count.
std::vector<std::pair<std::uint32_t, RuleEntry>> top_neighbours(const TransactionDb& db,
                                                                std::uint32_t per_item,
                                                                unsigned threads = 1);

// The same from counts (import-spark): the same entries as the baskets' overload when the counts
// are theirs. Costs the number of pairs.
std::vector<std::pair<std::uint32_t, RuleEntry>> top_neighbours(const ItemPairCounts& counts,
                                                                std::uint32_t per_item,
                                                                unsigned threads = 1);

}  // namespace basketlift
