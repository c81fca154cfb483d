// Eclat over occurrence lists, the way Uno's LCM ver. 2 ("occurrence deliver", FIMI'04) and
// Borgelt's eclat (-Ao) grow a prefix: the baskets that hold it are kept as a list, one pass over
// their items counts every extension, a second deals each basket out to the lists of its
// frequent extensions. No tree is built: on sparse data, where FP-growth's conditional trees
// share little, this is the faster of the two (docs/PERFORMANCE.md).
#pragma once

#include <functional>

#include "mine/itemset_parts.hpp"
#include "model/itemsets.hpp"
#include "model/transactions.hpp"

namespace basketlift {

// The same itemsets as mine_fpgrowth_parts(), each sorted ascending, in this miner's own
// traversal order (the same row for row for any `threads`), handed over as it does.
void mine_occurrences_parts(const TransactionDb& db, const MiningParams& params, unsigned threads,
                            const std::function<void(ItemsetPart&)>& prepare,
                            const std::function<void(ItemsetPart&)>& on_part);

ItemsetTable mine_occurrences(const TransactionDb& db, const MiningParams& params,
                              unsigned threads = 1);

}  // namespace basketlift
