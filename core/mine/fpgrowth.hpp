// FP-growth (Han, Pei, Yin 2000) over the frequency-ordered ids of a canonical TransactionDb.
#pragma once

#include "model/itemsets.hpp"
#include "model/transactions.hpp"

namespace basketlift {

// All itemsets with count >= min_count and length <= max_len (0 = unlimited), each sorted
// ascending. Row order is the traversal order; call sort_canonical() to compare tables.
// With threads > 1, the top-level items' conditional trees are mined in parallel; the table is
// the same, row for row, as with one thread.
ItemsetTable mine_fpgrowth(const TransactionDb& db, const MiningParams& params,
                           unsigned threads = 1);

}  // namespace basketlift
