// Running mean and variance (Welford) of the days between repurchases: summed over the
// population when mining (mine/repurchase.cpp), over one shopper when scoring
// (score/next_purchase.cpp).
#pragma once

#include <cmath>
#include <cstdint>

namespace basketlift {

struct IntervalSummary {
  std::uint32_t n = 0;
  double mean = 0, m2 = 0;
  void add(double x) {
    ++n;
    const double d = x - mean;
    mean += d / n;
    m2 += d * (x - mean);
  }
  // Sample standard deviation; 0 below two observations.
  double sd() const { return n < 2 ? 0.0 : std::sqrt(m2 / (n - 1)); }
};

}  // namespace basketlift
