// Association rules X -> Y from frequent itemsets, with mlxtend's metric definitions.
#pragma once

#include <cstdint>
#include <vector>

#include "model/itemsets.hpp"
#include "model/threshold.hpp"

namespace basketlift {

struct RuleParams {
  Fraction min_confidence{0, 1};
  Fraction min_lift{0, 1};
  std::uint32_t max_consequent_len = 1;  // 0 = unlimited
  std::uint32_t max_antecedent_len = 0;  // 0 = unlimited
};

// Rows of the itemset table: antecedent X, consequent Y and their union.
struct Rule {
  std::uint32_t antecedent;
  std::uint32_t consequent;
  std::uint32_t itemset;
};

struct RuleMetrics {
  double antecedent_support, consequent_support, support, confidence, lift, leverage, conviction,
      zhangs_metric;
};

// Counts of X, Y and X∪Y among n baskets. conviction is +inf when confidence is 1.
RuleMetrics rule_metrics(std::uint64_t count_x, std::uint64_t count_y, std::uint64_t count_xy,
                         std::uint64_t n);

// Every rule passing the filters (compared exactly, in integers), ordered by antecedent row,
// then consequent row. `table` must be sorted canonically for the order to be stable.
std::vector<Rule> generate_rules(const ItemsetTable& table, const ItemsetIndex& index,
                                 std::uint64_t n, const RuleParams& params);

}  // namespace basketlift
