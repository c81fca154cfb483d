// Eclat (Zaki 2000): depth-first intersection of vertical tid-lists. Independent of FP-growth
// (no shared code beyond the data model), so the two can cross-check each other in tests.
#pragma once

#include "model/itemsets.hpp"
#include "model/transactions.hpp"

namespace basketlift {

ItemsetTable mine_eclat(const TransactionDb& db, const MiningParams& params);

}  // namespace basketlift
