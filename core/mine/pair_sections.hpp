// The bundle sections that come from item pair counts (the Gram matrix XᵀX): neighbours (top-K
// cosine) and learned weights (EASE). `mine` counts the pairs from its baskets; `import-spark`
// reads counts a Spark job wrote. Both build the sections with pair_sections(), so the options,
// their defaults, the selection, the fit and the quantisation exist once.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "bundle/bundle.hpp"
#include "mine/learned.hpp"
#include "mine/neighbours.hpp"
#include "model/pair_counts.hpp"
#include "model/transactions.hpp"

namespace basketlift {

struct PairSectionOptions {
  // Each item's this many top neighbours (mine/neighbours.hpp); 0 = none.
  std::uint32_t neighbours_per_item = kDefaultNeighboursPerItem;
  // Each modelled item's this many largest EASE weights (mine/learned.hpp; 0 = no section),
  // fitted at this λ on the `learned_max_items` most popular items.
  std::uint32_t learned_per_item = kDefaultLearnedPerItem;
  double learned_lambda = kDefaultLearnedLambda;
  std::uint32_t learned_max_items = kLearnedMaxItems;
};

struct PairSections {
  std::vector<std::pair<std::uint32_t, RuleEntry>> neighbours, learned;
  std::uint32_t learned_items = 0;  // items EASE modelled (0: no learned section)
};

// The same sections from either source when the counts agree; the result does not depend on
// `threads`.
PairSections pair_sections(const TransactionDb& db, const PairSectionOptions& options,
                           unsigned threads = 1);
PairSections pair_sections(const ItemPairCounts& counts, const PairSectionOptions& options,
                           unsigned threads = 1);

// The bundle's meta entries recording how the sections were made.
std::vector<std::pair<std::string, std::string>> pair_section_meta(
    const PairSectionOptions& options, const PairSections& sections);

}  // namespace basketlift
