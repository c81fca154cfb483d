// Repurchase intervals: how many days pass between a customer's consecutive purchases of an
// item, summarised per item over the whole population. Computed at mining time; stored in the
// bundle; the basis of next-purchase prediction (next_purchase.hpp).
#pragma once

#include <vector>

#include "bundle/bundle.hpp"
#include "ingest/order_log.hpp"

namespace basketlift {

// Per item of data.db. Empty when the order log had no user or date column.
std::vector<RepurchaseStats> repurchase_stats(const Ingested& data);

}  // namespace basketlift
