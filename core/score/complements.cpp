#include "score/complements.hpp"

#include <algorithm>

#include "model/metrics.hpp"

namespace basketlift {

std::vector<CategoryRecommendation> complementary_categories(const Bundle& bundle,
                                                             std::uint32_t category,
                                                             std::uint32_t n,
                                                             std::span<const std::uint32_t> exclude,
                                                             std::span<const std::uint32_t> allow) {
  std::vector<CategoryRecommendation> out;
  if (category >= bundle.category_count()) return out;
  const double N = static_cast<double>(bundle.transactions());
  const double pa = bundle.category_popularity(category);
  for (const auto& r : bundle.category_rules(category)) {
    const auto c = r.consequent;
    if (std::find(exclude.begin(), exclude.end(), c) != exclude.end()) continue;
    if (!allow.empty() && std::find(allow.begin(), allow.end(), c) == allow.end()) continue;
    const double conf = confidence(r.count, pa);
    const double l = lift(conf, N, bundle.category_popularity(c));
    if (l > 1.0) out.push_back({c, conf, l, r.count / N});
  }
  // Added value, P(c | category) - P(c): lift alone crowns rare categories, confidence alone
  // the ubiquitous ones.
  auto added = [&](const CategoryRecommendation& r) {
    return r.confidence - bundle.category_popularity(r.category) / N;
  };
  const auto take = std::min<std::size_t>(n, out.size());
  std::partial_sort(out.begin(), out.begin() + static_cast<std::ptrdiff_t>(take), out.end(),
                    [&](const auto& a, const auto& b) {
                      const double x = added(a), y = added(b);
                      if (x != y) return x > y;
                      return a.category < b.category;
                    });
  out.resize(take);
  return out;
}

}  // namespace basketlift
