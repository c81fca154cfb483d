// Business filters every recommendation kind honours: never these items, only these
// categories, only within this price range.
#pragma once

#include <algorithm>
#include <cstdint>
#include <limits>
#include <span>

#include "bundle/bundle.hpp"

namespace basketlift {

struct ItemFilter {
  std::span<const std::uint32_t> categories;  // allow list of category ids; empty = any
  double min_price = -std::numeric_limits<double>::infinity();
  double max_price = std::numeric_limits<double>::infinity();

  bool price_limited() const {
    return min_price > -std::numeric_limits<double>::infinity() ||
           max_price < std::numeric_limits<double>::infinity();
  }
  // An item without a known price (or category) fails a price (or category) restriction. An item
  // the catalog marks as not merchandise fails every filter: no kind recommends it.
  bool allows(const Bundle& b, std::uint32_t item) const {
    if (!b.recommendable(item)) return false;
    if (!categories.empty() &&
        std::find(categories.begin(), categories.end(), b.item_category(item)) == categories.end())
      return false;
    if (price_limited()) {
      const double p = b.price(item);
      if (!(p >= min_price && p <= max_price)) return false;
    }
    return true;
  }
};

}  // namespace basketlift
