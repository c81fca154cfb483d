#include "score/next_purchase.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace basketlift {

namespace {

constexpr double kLn2 = 0.6931471805599453;

// exp from +, -, *, / and exact scaling only, so native (glibc) and wasm (musl) produce the same
// bits; the C libraries' exp and erfc differ in the last ulps and would break CLI/JS parity.
double portable_exp(double x) {
  if (x < -745.0) return 0.0;
  if (x > 709.0) return std::numeric_limits<double>::infinity();
  const double k = std::nearbyint(x / kLn2);
  const double r = x - k * kLn2;  // |r| <= ln2 / 2
  double term = 1.0, sum = 1.0;
  for (int i = 1; i < 25; ++i) {  // Taylor: 25 terms reach double precision for |r| <= 0.35
    term *= r / i;
    sum += term;
  }
  return std::ldexp(sum, static_cast<int>(k));
}

}  // namespace

// Marsaglia (2004), "Evaluating the normal distribution": Phi(x) = 1/2 + phi(x) * (x + x^3/3 +
// x^5/(3*5) + ...), with only basic arithmetic and portable_exp.
double normal_cdf(double x) {
  if (x < -9.0) return 0.0;
  if (x > 9.0) return 1.0;
  double sum = x, term = x, previous = 0.0;
  for (int i = 3; sum != previous; i += 2) {
    previous = sum;
    term *= x * x / i;
    sum += term;
  }
  return 0.5 + sum * portable_exp(-0.5 * x * x - 0.91893853320467274178);  // ln sqrt(2 pi)
}

bool next_purchases_complete(const Bundle& bundle, std::span<const PurchaseEvent> history) {
  return std::all_of(history.begin(), history.end(), [&](const PurchaseEvent& e) {
    return e.item >= bundle.item_count() || bundle.complete(e.item);
  });
}

std::vector<NextPurchase> next_purchases(const Bundle& bundle, const NextPurchaseRequest& req) {
  std::vector<PurchaseEvent> events;
  for (const auto& e : req.history)
    if (e.item < bundle.item_count() && e.day <= req.as_of) events.push_back(e);
  // By item, then day. The visit days below are sorted with it too (as events of one item), so
  // the wasm holds one instantiation of std::sort, not two.
  auto by_item_then_day = [](const PurchaseEvent& a, const PurchaseEvent& b) {
    return a.item != b.item ? a.item < b.item : a.day < b.day;
  };
  std::sort(events.begin(), events.end(), by_item_then_day);
  const auto& params = req.params;
  // Recency weights: a purchase d days before as_of counts decay^d (1 without decay).
  const double decay =
      params.half_life_days > 0 ? portable_exp(-kLn2 / params.half_life_days) : 1.0;
  auto weight = [&](std::int32_t days) {
    return params.half_life_days > 0 ? portable_exp(-kLn2 * days / params.half_life_days) : 1.0;
  };
  // The shopper's visits (days with a purchase of anything) and exposure (every day from their
  // first purchase to as_of: decay^d for d = 0 .. span - 1, or span days without decay), weighted
  // the same way.
  double visits = 0, exposure = 0;
  if (!events.empty()) {
    std::vector<PurchaseEvent> days;
    for (const auto& e : events) days.push_back({0, e.day});
    std::sort(days.begin(), days.end(), by_item_then_day);
    days.erase(
        std::unique(days.begin(), days.end(),
                    [](const PurchaseEvent& a, const PurchaseEvent& b) { return a.day == b.day; }),
        days.end());
    for (const auto& d : days) visits += weight(req.as_of - d.day);
    const std::int32_t span = req.as_of - days.front().day + 1;
    exposure = params.half_life_days > 0 ? (1.0 - weight(span)) / (1.0 - decay) : span;
  }
  const double transactions = std::max<double>(static_cast<double>(bundle.transactions()), 1.0);
  const double window = 2.0 * req.window_days;  // the window's length: as_of ± window_days
  std::vector<NextPurchase> out;
  for (std::size_t i = 0; i < events.size();) {
    const auto item = events[i].item;
    IntervalSummary own;
    std::int32_t last = events[i].day;
    double count = weight(req.as_of - last);  // recency-weighted purchase days
    for (++i; i < events.size() && events[i].item == item; ++i) {
      if (events[i].day > last) {  // same-day orders are one trip
        own.add(events[i].day - last);
        count += weight(req.as_of - events[i].day);
      }
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
      // The variance of the two-part mixture: the parts' variances plus how far their means lie
      // apart, so a shopper far from the population is not predicted with false confidence.
      const double gap = pop.mean_days - own.mean;
      var = (kPriorWeight * pop.sd_days * pop.sd_days + w * own_var) / (kPriorWeight + w) +
            kPriorWeight * w * gap * gap / ((kPriorWeight + w) * (kPriorWeight + w));
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
    const double p_timing = p_again * (normal_cdf((since + req.window_days - mean) / sd) -
                                       normal_cdf((since - req.window_days - mean) / sd));
    // The rate model: the shopper visits as a Poisson process (visits / exposure per day); a
    // visit includes the item with the share of their visits that did, shrunk toward the item's
    // share of all baskets (popularity) worth prior_visits visits. Thinned, purchases of the item
    // are Poisson too: P(at least one in the window) = 1 - exp(-share * visit rate * window).
    const double popular = bundle.popularity(item) / transactions;
    const double share = (count + params.prior_visits * popular) / (visits + params.prior_visits);
    const double p_rate = 1.0 - portable_exp(-share * (visits / exposure) * window);
    const double p = params.interval_weight * p_timing + (1.0 - params.interval_weight) * p_rate;
    out.push_back({item, p, mean - since});
  }
  const auto take = std::min<std::size_t>(req.n, out.size());
  std::partial_sort(out.begin(), out.begin() + static_cast<std::ptrdiff_t>(take), out.end(),
                    [](const NextPurchase& a, const NextPurchase& b) {
                      if (a.probability != b.probability) return a.probability > b.probability;
                      if (std::abs(a.due_in_days) != std::abs(b.due_in_days))
                        return std::abs(a.due_in_days) < std::abs(b.due_in_days);
                      return a.item < b.item;
                    });
  out.resize(take);
  return out;
}

}  // namespace basketlift
