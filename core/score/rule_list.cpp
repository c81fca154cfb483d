#include "score/rule_list.hpp"

#include <algorithm>
#include <tuple>

#include "model/metrics.hpp"

namespace basketlift {

std::vector<RuleView> top_rules(const Bundle& bundle, std::size_t limit) {
  std::vector<RuleView> all;
  const double n = static_cast<double>(bundle.transactions());
  auto add = [&](std::uint32_t a, std::uint32_t b, std::uint32_t ante, const RuleEntry& r) {
    const double c = confidence(r.count, ante);
    all.push_back(
        {a, b, r.consequent, r.count / n, c, lift(c, n, bundle.popularity(r.consequent))});
  };
  for (std::uint32_t a = 0; a < bundle.item_count(); ++a) {
    for (const auto& r : bundle.single_rules(a)) add(a, kNoItem, bundle.popularity(a), r);
    bundle.for_each_pair(
        a, [&](std::uint32_t b, std::uint32_t pair_count, std::span<const RuleEntry> rules) {
          for (const auto& r : rules) add(a, b, pair_count, r);
        });
  }
  auto better = [](const RuleView& x, const RuleView& y) {
    if (x.lift != y.lift) return x.lift > y.lift;
    if (x.confidence != y.confidence) return x.confidence > y.confidence;
    if (x.support != y.support) return x.support > y.support;
    return std::tie(x.a, x.b, x.consequent) < std::tie(y.a, y.b, y.consequent);
  };
  limit = std::min(limit, all.size());
  std::partial_sort(all.begin(), all.begin() + static_cast<std::ptrdiff_t>(limit), all.end(),
                    better);
  all.resize(limit);
  return all;
}

}  // namespace basketlift
