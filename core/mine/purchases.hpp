// The purchases of identified customers as (customer, item, day) events: what repurchase
// statistics and the repeat-customer export both read from an order log.
#pragma once

#include <algorithm>
#include <cstdint>
#include <tuple>
#include <vector>

#include "ingest/order_log.hpp"

namespace basketlift {

struct PurchaseRecord {
  std::uint32_t user;
  ItemId item;
  std::int32_t day;
  bool operator==(const PurchaseRecord&) const = default;
};

// Every distinct (customer, item, day) of the baskets with a customer, ordered by customer, item
// and day; empty when the log has no customer or date column.
inline std::vector<PurchaseRecord> purchase_records(const Ingested& data) {
  const auto& db = data.db;
  std::vector<PurchaseRecord> events;
  if (data.basket_user.size() != db.size() || data.basket_day.size() != db.size()) return events;
  for (std::size_t b = 0; b < db.size(); ++b) {
    if (data.basket_user[b] == kNoUser) continue;
    for (auto item : db.basket(b))
      events.push_back({data.basket_user[b], item, data.basket_day[b]});
  }
  std::sort(events.begin(), events.end(), [](const PurchaseRecord& x, const PurchaseRecord& y) {
    return std::tie(x.user, x.item, x.day) < std::tie(y.user, y.item, y.day);
  });
  events.erase(std::unique(events.begin(), events.end()), events.end());
  return events;
}

}  // namespace basketlift
