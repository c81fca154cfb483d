#include "mine/category_rules.hpp"

#include <algorithm>
#include <boost/unordered/unordered_flat_map.hpp>

namespace basketlift {

void add_category_rules(BundleContent& c, const TransactionDb& db, std::uint32_t min_count) {
  const auto n_cat = static_cast<std::uint32_t>(c.categories.size());
  c.category_popularity.assign(n_cat, 0);
  c.category_rules.clear();
  boost::unordered_flat_map<std::uint64_t, std::uint32_t> pairs;
  std::vector<std::uint32_t> cats;
  for (std::size_t b = 0; b < db.size(); ++b) {
    cats.clear();
    for (auto item : db.basket(b))
      if (auto k = c.item_category[item]; k != kNoCategory) cats.push_back(k);
    std::sort(cats.begin(), cats.end());
    cats.erase(std::unique(cats.begin(), cats.end()), cats.end());
    for (std::size_t i = 0; i < cats.size(); ++i) {
      ++c.category_popularity[cats[i]];
      for (std::size_t j = i + 1; j < cats.size(); ++j)
        ++pairs[(std::uint64_t{cats[i]} << 32) | cats[j]];
    }
  }
  // Only positive associations are complements; keep each category's strongest few.
  std::vector<std::vector<RuleEntry>> by_antecedent(n_cat);
  const double n = static_cast<double>(db.size());
  auto lift = [&](std::uint32_t a, const RuleEntry& r) {
    return r.count * n /
           (static_cast<double>(c.category_popularity[a]) * c.category_popularity[r.consequent]);
  };
  // The order complementary_categories() ranks by: P(b | a) - P(b).
  auto added = [&](std::uint32_t a, const RuleEntry& r) {
    return static_cast<double>(r.count) / c.category_popularity[a] -
           c.category_popularity[r.consequent] / n;
  };
  for (const auto& [key, count] : pairs) {
    const auto a = static_cast<std::uint32_t>(key >> 32), b = static_cast<std::uint32_t>(key);
    if (count < min_count || lift(a, {b, count}) <= 1.0) continue;
    by_antecedent[a].push_back({b, count});
    by_antecedent[b].push_back({a, count});
  }
  for (std::uint32_t a = 0; a < n_cat; ++a) {
    auto& rules = by_antecedent[a];
    std::sort(rules.begin(), rules.end(), [&](const RuleEntry& x, const RuleEntry& y) {
      const double vx = added(a, x), vy = added(a, y);
      return vx != vy ? vx > vy : x.consequent < y.consequent;
    });
    if (rules.size() > kCategoryRulesKept) rules.resize(kCategoryRulesKept);
    for (const auto& r : rules) c.category_rules.push_back({a, r});
  }
}

}  // namespace basketlift
