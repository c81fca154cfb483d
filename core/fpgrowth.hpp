// FP-growth (Han, Pei, Yin 2000) over the frequency-ordered ids of a canonical TransactionDb.
#pragma once

#include "itemsets.hpp"
#include "transactions.hpp"

namespace basketlift {

// All itemsets with count >= min_count and length <= max_len (0 = unlimited), each sorted
// ascending. Row order is the traversal order; call sort_canonical() to compare tables.
ItemsetTable mine_fpgrowth(const TransactionDb& db, const MiningParams& params);

}  // namespace basketlift
