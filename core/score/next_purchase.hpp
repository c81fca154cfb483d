// Repeat-purchase prediction: which items a shopper is due to buy again around a given day.
// Deterministic: the day is an argument, the clock is never read.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "bundle/bundle.hpp"
#include "model/interval_summary.hpp"
#include "score/filters.hpp"

namespace basketlift {

struct PurchaseEvent {
  std::uint32_t item;
  std::int32_t day;  // days since 1970-01-01
};

// The model's settings; the defaults were chosen on a validation split (docs/EVALUATION.md).
struct NextPurchaseParams {
  // Share of the interval (timing) model in the mixture; the rest is the rate model.
  double interval_weight = 0.25;
  double half_life_days = 0;  // recency: a purchase this many days old counts half; 0 = no decay
  double prior_visits = 30;   // the item's popularity counts as this many of the shopper's visits
};

struct NextPurchaseRequest {
  std::span<const PurchaseEvent> history;  // any order; events after as_of are ignored
  std::int32_t as_of = 0;
  std::uint32_t n = 10;
  std::int32_t window_days = 7;  // "within ±window of as_of"
  std::span<const std::uint32_t> exclude;
  ItemFilter filter;
  NextPurchaseParams params;
};

struct NextPurchase {
  std::uint32_t item;
  double probability;  // P(buys again, and within ±window days of as_of)
  double due_in_days;  // expected next purchase minus as_of (negative: overdue)
};

// The model, per item the shopper bought, is a mixture of two probabilities that the shopper buys
// it within ±window days of as_of: interval_weight × the timing model + the rest × the rate model.
// Timing: the next interval is normal with the population's mean and standard deviation (bundle
// repurchase section), refined by the shopper's own intervals when they bought the item at least
// twice (the mixture of the two, where the population counts as kPriorWeight observations:
// pooled mean, and a variance that includes the gap between the two means); that probability is
// multiplied by the chance the shopper buys the item again at all: the population's share of
// repeat buyers (Laplace-smoothed), pooled with the shopper's own repeats.
// Rate ("what they buy most"): the shopper's visits (days with any purchase) are a Poisson process
// at visits / days since their first purchase; a visit includes the item with probability
// (visits with the item + prior_visits × its share of all baskets) / (visits + prior_visits);
// so the item's purchases are Poisson at that share × the visit rate, and P(at least one in the
// 2 × window days) = 1 - exp(-share × visit rate × 2 × window). Counts may be recency-weighted
// (half_life_days). Items with neither enough population intervals (kMinPopulationIntervals) nor
// two own intervals are not predicted; due_in_days comes from the timing model.
std::vector<NextPurchase> next_purchases(const Bundle& bundle, const NextPurchaseRequest& request);
// On a part of a sharded bundle: whether it holds all next_purchases() reads (the statistics of
// every item of the history). Always true on a whole bundle.
bool next_purchases_complete(const Bundle& bundle, std::span<const PurchaseEvent> history);

inline constexpr double kPriorWeight = 3.0;
inline constexpr std::uint32_t kMinPopulationIntervals = 3;

// Standard normal CDF.
double normal_cdf(double x);

}  // namespace basketlift
