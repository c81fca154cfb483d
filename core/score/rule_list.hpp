// The bundle's rules as a flat, ranked list: what a rules explorer shows.
#pragma once

#include <cstdint>
#include <vector>

#include "bundle/bundle.hpp"
#include "model/ids.hpp"

namespace basketlift {

struct RuleView {
  std::uint32_t a, b;  // antecedent: {a} when b == kNoItem, else {a, b}
  std::uint32_t consequent;
  double support, confidence, lift;
};

// How many rules a rules explorer lists unless it asks for another number.
inline constexpr std::size_t kDefaultRuleListLimit = 500;

// The `limit` rules with the highest lift (ties: confidence, then support, then ids).
std::vector<RuleView> top_rules(const Bundle& bundle, std::size_t limit);

}  // namespace basketlift
