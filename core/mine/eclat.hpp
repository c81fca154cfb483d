// Eclat (Zaki 2000): depth-first intersection of vertical tid-lists, as plainly as it can be
// written. Independent of both miners the CLI runs (FP-growth, and the occurrence-list Eclat of
// mine/occurrences.hpp; no shared code beyond the data model), so the tests cross-check them
// with it.
#pragma once

#include "model/itemsets.hpp"
#include "model/transactions.hpp"

namespace basketlift {

ItemsetTable mine_eclat(const TransactionDb& db, const MiningParams& params);

}  // namespace basketlift
