#include "mine/customers.hpp"

#include <algorithm>
#include <tuple>

#include "mine/purchases.hpp"

namespace basketlift {

std::vector<RepeatCustomer> top_repeat_customers(const Ingested& data,
                                                 const RepeatCustomerOptions& options) {
  const auto& db = data.db;
  if (data.basket_user.size() != db.size() || data.basket_day.size() != db.size()) return {};
  std::vector<std::uint32_t> orders(data.users.size(), 0);
  for (std::size_t b = 0; b < db.size(); ++b)
    if (data.basket_user[b] != kNoUser) ++orders[data.basket_user[b]];
  const auto events = purchase_records(data);

  struct Candidate {
    std::uint32_t user, repeated;
    std::size_t first, last;  // its events: events[first, last)
  };
  std::vector<Candidate> ranked;
  for (std::size_t i = 0; i < events.size();) {  // one user at a time
    Candidate c{events[i].user, 0, i, i};
    while (c.last < events.size() && events[c.last].user == c.user) {
      std::size_t end = c.last;  // one (user, item) group: its distinct days
      while (end < events.size() && events[end].user == c.user &&
             events[end].item == events[c.last].item)
        ++end;
      c.repeated += end - c.last >= options.repeat_days;
      c.last = end;
    }
    i = c.last;
    if (options.max_purchases == 0 || c.last - c.first <= options.max_purchases)
      ranked.push_back(c);
  }
  const auto& users = data.users;
  const auto count = std::min(options.top, ranked.size());
  std::partial_sort(ranked.begin(), ranked.begin() + static_cast<std::ptrdiff_t>(count),
                    ranked.end(), [&](const Candidate& x, const Candidate& y) {
                      if (x.repeated != y.repeated) return x.repeated > y.repeated;
                      return users.label(x.user) < users.label(y.user);
                    });

  std::vector<RepeatCustomer> out(count);
  for (std::size_t k = 0; k < count; ++k) {
    const auto& c = ranked[k];
    auto& r = out[k];
    r.user = c.user;
    r.orders = orders[c.user];
    r.repeated_items = c.repeated;
    for (auto i = c.first; i < c.last; ++i) r.history.push_back({events[i].item, events[i].day});
    std::sort(r.history.begin(), r.history.end(),
              [&](const CustomerPurchase& x, const CustomerPurchase& y) {
                if (x.day != y.day) return x.day < y.day;
                return db.items.label(x.item) < db.items.label(y.item);
              });
  }
  return out;
}

}  // namespace basketlift
