// Upsell: a pricier product of the same category that shoppers buy *instead of* this one.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "bundle/bundle.hpp"
#include "score/filters.hpp"

namespace basketlift {

struct UpsellRequest {
  std::uint32_t item = 0;
  std::uint32_t n = 5;
  double max_price_ratio = 2.0;  // candidates cost more than the item, at most this many times
  std::span<const std::uint32_t> exclude;
  ItemFilter filter;
};

struct Upsell {
  std::uint32_t item;
  double score;         // kSubstitutionWeight * substitution + (1 - it) * popularity share
  double substitution;  // in [0, 1]
  double price_ratio;   // candidate price / item price, > 1
};

// Substitution: the cosine of the two items' co-purchase neighbourhoods (their single-item rule
// confidences), times (1 - the confidence of either buying the other in the same basket): shared
// neighbours but rarely together. Empty when the item has no category or no known price.
std::vector<Upsell> upsell(const Bundle& bundle, const UpsellRequest& request);

inline constexpr double kSubstitutionWeight = 0.7;

// On a part of a sharded bundle: whether it holds all upsell() reads for `item` (the single-item
// rules of it and of every item of its category). Always true on a whole bundle.
bool upsell_complete(const Bundle& bundle, std::uint32_t item);

}  // namespace basketlift
