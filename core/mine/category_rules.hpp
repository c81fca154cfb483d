// Category-level association rules: every basket mapped to the set of its items' categories,
// then pairs counted, so "customers buying LUNCH BAGs also buy CAKE CASES" comes from category
// co-occurrence itself rather than from matching category names inside item rules.
#pragma once

#include "bundle/bundle.hpp"
#include "model/transactions.hpp"

namespace basketlift {

// Rules kept per antecedent category: the strongest by added value, P(b | a) - P(b).
inline constexpr std::size_t kCategoryRulesKept = 30;

// Fills content.category_popularity and content.category_rules from the baskets, given each
// item's category (content.item_category). Rules {a} -> b need count(a, b) >= min_count and
// lift > 1.
void add_category_rules(BundleContent& content, const TransactionDb& db, std::uint32_t min_count);

}  // namespace basketlift
