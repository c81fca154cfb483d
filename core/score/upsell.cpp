#include "score/upsell.hpp"

#include <algorithm>
#include <cmath>

namespace basketlift {

namespace {

// Confidence of a -> b, or 0 when there is no such rule (rules are sorted by consequent).
double confidence(const Bundle& bundle, std::uint32_t a, std::uint32_t b) {
  auto rules = bundle.single_rules(a);
  auto it = std::lower_bound(rules.begin(), rules.end(), b,
                             [](const RuleEntry& r, std::uint32_t v) { return r.consequent < v; });
  return it != rules.end() && it->consequent == b
             ? static_cast<double>(it->count) / bundle.popularity(a)
             : 0.0;
}

double cosine(const Bundle& bundle, std::uint32_t a, std::uint32_t b) {
  auto x = bundle.single_rules(a), y = bundle.single_rules(b);
  const double ca = bundle.popularity(a), cb = bundle.popularity(b);
  double dot = 0, nx = 0, ny = 0;
  for (const auto& r : x) nx += (r.count / ca) * (r.count / ca);
  for (const auto& r : y) ny += (r.count / cb) * (r.count / cb);
  for (std::size_t i = 0, j = 0; i < x.size() && j < y.size();) {
    if (x[i].consequent < y[j].consequent) {
      ++i;
    } else if (y[j].consequent < x[i].consequent) {
      ++j;
    } else {
      dot += (x[i].count / ca) * (y[j].count / cb);
      ++i;
      ++j;
    }
  }
  return nx > 0 && ny > 0 ? dot / std::sqrt(nx * ny) : 0.0;
}

}  // namespace

bool upsell_complete(const Bundle& bundle, std::uint32_t item) {
  if (!bundle.is_part()) return true;
  if (item >= bundle.item_count()) return false;
  const auto& part = bundle.part();
  auto rules_here = [&](std::uint32_t c) { return (part.flags[c] & PartInfo::kRules) != 0; };
  if (!rules_here(item)) return false;
  const auto category = bundle.item_category(item);
  if (category == kNoCategory) return true;
  const auto items = bundle.category_items(category);
  return items.size() == part.categories[category].items &&
         std::all_of(items.begin(), items.end(), rules_here);
}

std::vector<Upsell> upsell(const Bundle& bundle, const UpsellRequest& req) {
  std::vector<Upsell> out;
  if (req.item >= bundle.item_count()) return out;
  const auto category = bundle.item_category(req.item);
  const double base = bundle.price(req.item);
  if (category == kNoCategory || !(base > 0)) return out;
  std::uint32_t top_popularity = 0;
  for (auto c : bundle.category_items(category)) {
    const double p = bundle.price(c);
    if (c == req.item || !(p > base) || p > base * req.max_price_ratio ||
        std::find(req.exclude.begin(), req.exclude.end(), c) != req.exclude.end() ||
        !req.filter.allows(bundle, c))
      continue;
    const double together =
        std::max(confidence(bundle, req.item, c), confidence(bundle, c, req.item));
    out.push_back({c, 0.0, cosine(bundle, req.item, c) * (1.0 - together), p / base});
    top_popularity = std::max(top_popularity, bundle.popularity(c));
  }
  for (auto& u : out)
    u.score = kSubstitutionWeight * u.substitution +
              (1.0 - kSubstitutionWeight) *
                  (top_popularity ? bundle.popularity(u.item) / double(top_popularity) : 0.0);
  const auto take = std::min<std::size_t>(req.n, out.size());
  std::partial_sort(out.begin(), out.begin() + static_cast<std::ptrdiff_t>(take), out.end(),
                    [](const Upsell& a, const Upsell& b) {
                      return a.score != b.score ? a.score > b.score : a.item < b.item;
                    });
  out.resize(take);
  return out;
}

}  // namespace basketlift
