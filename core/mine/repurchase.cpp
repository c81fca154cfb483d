#include "mine/repurchase.hpp"

#include <algorithm>
#include <cmath>
#include <tuple>

#include "mine/purchases.hpp"
#include "model/interval_summary.hpp"

namespace basketlift {

std::vector<RepurchaseStats> repurchase_stats(const Ingested& data) {
  const auto& db = data.db;
  if (data.basket_user.size() != db.size() || data.basket_day.size() != db.size()) return {};
  const auto events = purchase_records(data);
  std::vector<IntervalSummary> per_item(db.items.size());
  std::vector<RepurchaseStats> out(per_item.size());
  for (std::size_t i = 0; i < events.size();) {  // one (user, item) group at a time
    const auto user = events[i].user, item = events[i].item;
    ++out[item].buyers;
    bool repeated = false;
    for (++i; i < events.size() && events[i].user == user && events[i].item == item; ++i) {
      // Two orders on the same day are one shopping trip, not a repurchase.
      if (events[i].day == events[i - 1].day) continue;
      per_item[item].add(events[i].day - events[i - 1].day);
      repeated = true;
    }
    out[item].repeat_buyers += repeated;
  }
  for (std::size_t i = 0; i < per_item.size(); ++i) {
    out[i].intervals = per_item[i].n;
    out[i].mean_days = per_item[i].mean;
    out[i].sd_days = per_item[i].sd();
  }
  return out;
}

}  // namespace basketlift
