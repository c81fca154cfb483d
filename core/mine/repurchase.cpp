#include "mine/repurchase.hpp"

#include <algorithm>
#include <cmath>
#include <tuple>

#include "model/interval_summary.hpp"

namespace basketlift {

std::vector<RepurchaseStats> repurchase_stats(const Ingested& data) {
  const auto& db = data.db;
  if (data.basket_user.size() != db.size() || data.basket_day.size() != db.size()) return {};
  struct Event {
    std::uint32_t user;
    ItemId item;
    std::int32_t day;
  };
  std::vector<Event> events;
  for (std::size_t b = 0; b < db.size(); ++b) {
    if (data.basket_user[b] == kNoUser) continue;
    for (auto item : db.basket(b))
      events.push_back({data.basket_user[b], item, data.basket_day[b]});
  }
  std::sort(events.begin(), events.end(), [](const Event& x, const Event& y) {
    return std::tie(x.user, x.item, x.day) < std::tie(y.user, y.item, y.day);
  });
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
