// Customers whose histories show repurchases: "the ones who bought the most items again and
// again". A storefront demo or a support tool wants a few real shoppers whose histories exercise
// next-purchase prediction; picking them from the ingested log keeps the row rules (quantities,
// empty fields, one date per order) the same as mining's.
#pragma once

#include <cstdint>
#include <vector>

#include "ingest/order_log.hpp"

namespace basketlift {

struct RepeatCustomerOptions {
  std::size_t top = 10;
  // An item counts as bought again and again once a customer bought it on this many days.
  std::uint32_t repeat_days = 3;
  // Customers with more purchases are left out (0: no limit): wholesale accounts dwarf shoppers
  // and make an export large.
  std::uint64_t max_purchases = 0;
};

// One line of a history: the item bought on a day. Several orders of the item on one day are one
// purchase, as in repurchase_stats.
struct CustomerPurchase {
  ItemId item;
  std::int32_t day;  // days since 1970-01-01
};

struct RepeatCustomer {
  std::uint32_t user = 0;                 // in Ingested::users
  std::uint32_t orders = 0;               // baskets of this customer
  std::uint32_t repeated_items = 0;       // items bought on at least repeat_days days
  std::vector<CustomerPurchase> history;  // by day, then item label
};

// Ranked by repeated_items (most first), ties by customer id (byte order). Empty when the log had
// no user or date column.
std::vector<RepeatCustomer> top_repeat_customers(const Ingested& data,
                                                 const RepeatCustomerOptions& options);

}  // namespace basketlift
