// FP-growth (Han, Pei, Yin 2000) over the frequency-ordered ids of a canonical TransactionDb.
#pragma once

#include <functional>

#include "mine/itemset_parts.hpp"
#include "model/itemsets.hpp"
#include "model/transactions.hpp"

namespace basketlift {

// All itemsets with count >= min_count and length <= max_len (0 = unlimited), each sorted
// ascending. Row order is the traversal order; call sort_canonical() to compare tables.
// With threads > 1, the top-level items' conditional trees are mined in parallel; the table is
// the same, row for row, as with one thread.
ItemsetTable mine_fpgrowth(const TransactionDb& db, const MiningParams& params,
                           unsigned threads = 1);

// The same rows in the same order, handed over a part at a time (at most a few thousand rows)
// instead of kept. `prepare` (may be empty) is called on each part by the thread that mined
// it, several at once; `on_part` then gets the parts in order, from one thread at a time, and
// may move their contents out. What either throws stops the mining and is rethrown. Parts
// mined ahead of one still being mined wait for it, up to a few MiB before their threads wait
// too: memory holds the trees and those, not the table.
void mine_fpgrowth_parts(const TransactionDb& db, const MiningParams& params, unsigned threads,
                         const std::function<void(ItemsetPart&)>& prepare,
                         const std::function<void(ItemsetPart&)>& on_part);

}  // namespace basketlift
