// Confidence and lift of a rule X -> Y from basket counts, written once for every layer that
// reports them (the scorer, the rule list, complementary categories). mine/rules.hpp builds
// mlxtend's full set of metrics on top of the same definitions.
#pragma once

namespace basketlift {

// P(Y | X): the share of the baskets holding X that also hold Y.
constexpr double confidence(double count_xy, double count_x) { return count_xy / count_x; }

// P(Y | X) / P(Y), as confidence · n / count(Y): how much more often Y comes with X than alone.
constexpr double lift(double confidence, double n, double count_y) {
  return confidence * n / count_y;
}

}  // namespace basketlift
