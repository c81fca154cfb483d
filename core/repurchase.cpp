#include "repurchase.hpp"

#include <algorithm>
#include <cmath>
#include <tuple>

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
  for (std::size_t i = 1; i < events.size(); ++i) {
    const auto &prev = events[i - 1], &e = events[i];
    // Two orders on the same day are one shopping trip, not a repurchase.
    if (prev.user == e.user && prev.item == e.item && e.day > prev.day)
      per_item[e.item].add(e.day - prev.day);
  }
  std::vector<RepurchaseStats> out(per_item.size());
  for (std::size_t i = 0; i < per_item.size(); ++i)
    out[i] = {per_item[i].n, per_item[i].mean, per_item[i].sd()};
  return out;
}

}  // namespace basketlift
