// FP-growth (Han, Pei, Yin 2000) over the frequency-ordered ids of a canonical TransactionDb.
#pragma once

#include <functional>

#include "model/itemsets.hpp"
#include "model/transactions.hpp"

namespace basketlift {

// All itemsets with count >= min_count and length <= max_len (0 = unlimited), each sorted
// ascending. Row order is the traversal order; call sort_canonical() to compare tables.
// With threads > 1, the top-level items' conditional trees are mined in parallel; the table is
// the same, row for row, as with one thread.
ItemsetTable mine_fpgrowth(const TransactionDb& db, const MiningParams& params,
                           unsigned threads = 1);

// The same rows in the same order, handed over a part at a time (a top-level item's itemsets)
// instead of kept: memory holds the parts being mined, and those mined ahead of one still being
// mined, not the whole table. `on_part` is called from one thread at a time and may move the
// rows out of the part; what it throws stops the mining and is rethrown.
void mine_fpgrowth_parts(const TransactionDb& db, const MiningParams& params, unsigned threads,
                         const std::function<void(ItemsetTable&)>& on_part);

}  // namespace basketlift
