#include "next_purchase.hpp"

#include <algorithm>
#include <cmath>

namespace basketlift {

double IntervalSummary::sd() const { return n < 2 ? 0.0 : std::sqrt(m2 / (n - 1)); }

double normal_cdf(double x) { return 0.5 * std::erfc(-x / std::sqrt(2.0)); }

std::vector<NextPurchase> next_purchases(const Bundle& bundle, const NextPurchaseRequest& req) {
  std::vector<PurchaseEvent> events;
  for (const auto& e : req.history)
    if (e.item < bundle.item_count() && e.day <= req.as_of) events.push_back(e);
  std::sort(events.begin(), events.end(), [](const PurchaseEvent& a, const PurchaseEvent& b) {
    return a.item != b.item ? a.item < b.item : a.day < b.day;
  });
  std::vector<NextPurchase> out;
  for (std::size_t i = 0; i < events.size();) {
    const auto item = events[i].item;
    IntervalSummary own;
    std::int32_t last = events[i].day;
    for (++i; i < events.size() && events[i].item == item; ++i) {
      if (events[i].day > last) own.add(events[i].day - last);  // same-day orders are one trip
      last = events[i].day;
    }
    if (std::find(req.exclude.begin(), req.exclude.end(), item) != req.exclude.end() ||
        !req.filter.allows(bundle, item))
      continue;
    const auto pop = bundle.repurchase(item);
    double mean, var;
    if (pop.intervals >= kMinPopulationIntervals) {
      // Pool the population (as kPriorWeight observations) with the shopper's own intervals.
      const double w = own.n >= 1 ? own.n : 0;
      const double own_var = own.n >= 1 ? own.m2 / own.n : 0;
      mean = (kPriorWeight * pop.mean_days + w * own.mean) / (kPriorWeight + w);
      var = (kPriorWeight * pop.sd_days * pop.sd_days + w * own_var) / (kPriorWeight + w);
    } else if (own.n >= 2) {
      mean = own.mean;
      var = own.sd() * own.sd();
    } else {
      continue;
    }
    const double sd = std::max(std::sqrt(var), 1.0);  // a day is the data's resolution
    const double since = req.as_of - last;
    // Not everyone buys an item again: the population's repeat rate (Laplace-smoothed), pooled
    // with the shopper's own repeats the same way as the intervals.
    const double repeat_rate = (pop.repeat_buyers + 1.0) / (pop.buyers + 2.0);
    const double p_again = (own.n + kPriorWeight * repeat_rate) / (own.n + kPriorWeight);
    const double p = p_again * (normal_cdf((since + req.window_days - mean) / sd) -
                                normal_cdf((since - req.window_days - mean) / sd));
    out.push_back({item, p, mean - since});
  }
  std::sort(out.begin(), out.end(), [](const NextPurchase& a, const NextPurchase& b) {
    if (a.probability != b.probability) return a.probability > b.probability;
    if (std::abs(a.due_in_days) != std::abs(b.due_in_days))
      return std::abs(a.due_in_days) < std::abs(b.due_in_days);
    return a.item < b.item;
  });
  if (out.size() > req.n) out.resize(req.n);
  return out;
}

}  // namespace basketlift
