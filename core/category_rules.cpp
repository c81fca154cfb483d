#include "category_rules.hpp"

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
  for (const auto& [key, count] : pairs) {
    if (count < min_count) continue;
    const auto a = static_cast<std::uint32_t>(key >> 32), b = static_cast<std::uint32_t>(key);
    c.category_rules.push_back({a, {b, count}});
    c.category_rules.push_back({b, {a, count}});
  }
}

}  // namespace basketlift
