// Complementary categories: which categories are bought together with a given one, from the
// bundle's category-level rules.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "bundle/bundle.hpp"

namespace basketlift {

struct CategoryRecommendation {
  std::uint32_t category;
  double confidence, lift, support;
};

// How many complementary categories a caller gets unless it asks for another number.
inline constexpr std::uint32_t kDefaultCategoryResults = 10;

// Rules {category} -> other with lift > 1, by added value P(other | category) - P(other), then
// id. `exclude` and `allow` (when non-empty) are category ids.
std::vector<CategoryRecommendation> complementary_categories(
    const Bundle& bundle, std::uint32_t category, std::uint32_t n,
    std::span<const std::uint32_t> exclude = {}, std::span<const std::uint32_t> allow = {});

}  // namespace basketlift
