// Pieces of a BundleContent that every producer fills the same way, whether the rules were mined
// here (make_bundle_content) or imported from Spark (import_spark): which rules an antecedent
// keeps, and how a catalog lands in the bundle.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "bundle/bundle.hpp"
#include "model/catalog.hpp"

namespace basketlift {

// How many rules a bundle keeps per antecedent unless told otherwise: scoring takes the strongest
// evidence, and past 20 the Online Retail evaluation gains nothing while the page fires more rules
// per cart item (docs/EVALUATION.md).
inline constexpr std::uint32_t kDefaultRulesPerAntecedent = 20;

// One antecedent's rules, reduced to the `cap` strongest (0 = keep all): by joint count, i.e. by
// confidence, since the antecedent is shared; ties by consequent id. Leaves them in that order.
inline void keep_strongest_rules(std::vector<RuleEntry>& group, std::size_t cap) {
  std::sort(group.begin(), group.end(), [](const RuleEntry& a, const RuleEntry& b) {
    return a.count != b.count ? a.count > b.count : a.consequent < b.consequent;
  });
  if (cap && group.size() > cap) group.resize(cap);
}

// Names, categories (sorted, deduplicated) and prices for content.labels from a catalog; items
// the catalog lacks get no category, an empty name and a NaN price. With `unsold`, catalog items
// no basket holds are appended (by label, popularity 0): a cart holding a product too new to
// have been sold is still recognised, and its category can answer for it. Category rules are
// not touched: they need baskets.
inline void add_catalog_fields(BundleContent& c, const Catalog& catalog, bool unsold = true) {
  if (unsold) {
    std::vector<std::string> known(c.labels), extra;
    std::sort(known.begin(), known.end());
    for (const auto& [label, entry] : catalog.by_item)
      if (!std::binary_search(known.begin(), known.end(), label)) extra.push_back(label);
    std::sort(extra.begin(), extra.end());
    for (auto& label : extra) {
      c.labels.push_back(std::move(label));
      c.popularity.push_back(0);
    }
    if (!c.repurchase.empty()) c.repurchase.resize(c.labels.size());
  }
  std::vector<const CatalogEntry*> entries(c.labels.size());
  c.categories.clear();
  for (std::size_t i = 0; i < c.labels.size(); ++i) {
    entries[i] = catalog.find(c.labels[i]);
    if (entries[i] && !entries[i]->category.empty()) c.categories.push_back(entries[i]->category);
  }
  std::sort(c.categories.begin(), c.categories.end());
  c.categories.erase(std::unique(c.categories.begin(), c.categories.end()), c.categories.end());
  c.item_category.clear();
  c.names.clear();
  c.prices.clear();
  c.unrecommendable.clear();
  for (std::uint32_t i = 0; i < entries.size(); ++i)
    if (entries[i] && !entries[i]->recommendable) c.unrecommendable.push_back(i);
  for (const auto* e : entries) {
    std::uint32_t k = kNoCategory;
    if (e && !e->category.empty())
      k = static_cast<std::uint32_t>(
          std::lower_bound(c.categories.begin(), c.categories.end(), e->category) -
          c.categories.begin());
    c.item_category.push_back(k);
    c.names.push_back(e ? e->name : std::string());
    c.prices.push_back(e ? e->price : NAN);
  }
}

}  // namespace basketlift
