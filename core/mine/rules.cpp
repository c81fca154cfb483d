#include "mine/rules.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "model/metrics.hpp"

namespace basketlift {

RuleMetrics rule_metrics(std::uint64_t count_x, std::uint64_t count_y, std::uint64_t count_xy,
                         std::uint64_t n) {
  const double N = static_cast<double>(n);
  RuleMetrics m{};
  m.antecedent_support = static_cast<double>(count_x) / N;
  m.consequent_support = static_cast<double>(count_y) / N;
  m.support = static_cast<double>(count_xy) / N;
  m.confidence = confidence(static_cast<double>(count_xy), static_cast<double>(count_x));
  m.lift = m.confidence / m.consequent_support;
  m.leverage = m.support - m.antecedent_support * m.consequent_support;
  m.conviction = count_xy == count_x ? std::numeric_limits<double>::infinity()
                                     : (1.0 - m.consequent_support) / (1.0 - m.confidence);
  const double denom = std::max(m.support * (1.0 - m.antecedent_support),
                                m.antecedent_support * (m.consequent_support - m.support));
  m.zhangs_metric = denom == 0.0 ? 0.0 : m.leverage / denom;
  return m;
}

namespace {

// Calls f(consequent) for every non-empty proper subset of `items` of size <= max_len,
// in lexicographic order of positions.
template <class F>
void for_each_consequent(std::span<const ItemId> items, std::size_t max_len,
                         std::vector<ItemId>& buf, std::size_t start, F&& f) {
  for (std::size_t i = start; i < items.size(); ++i) {
    buf.push_back(items[i]);
    if (buf.size() < items.size()) {
      f(std::span<const ItemId>(buf));
      if (buf.size() < max_len) for_each_consequent(items, max_len, buf, i + 1, f);
    }
    buf.pop_back();
  }
}

}  // namespace

std::vector<Rule> generate_rules(const ItemsetTable& table, const ItemsetIndex& index,
                                 std::uint64_t n, const RuleParams& params) {
  std::vector<Rule> rules;
  std::vector<ItemId> consequent, antecedent;
  const std::size_t max_c = params.max_consequent_len == 0 ? SIZE_MAX : params.max_consequent_len;
  const std::size_t max_a = params.max_antecedent_len == 0 ? SIZE_MAX : params.max_antecedent_len;
  for (std::uint32_t row = 0; row < table.size(); ++row) {
    auto items = table.itemset(row);
    // An itemset longer than the longest antecedent plus the longest consequent makes no rule:
    // on dense data most itemsets are, and they are skipped without a look-up.
    if (items.size() < 2 || items.size() - std::min(items.size(), max_c) > max_a) continue;
    const std::uint64_t c_xy = table.counts[row];
    for_each_consequent(items, max_c, consequent, 0, [&](std::span<const ItemId> y) {
      if (items.size() - y.size() > max_a) return;
      antecedent.clear();
      std::set_difference(items.begin(), items.end(), y.begin(), y.end(),
                          std::back_inserter(antecedent));
      auto rx = index.find(antecedent), ry = index.find(y);
      const std::uint64_t c_x = table.counts[rx], c_y = table.counts[ry];
      if (!ratio_at_least(c_xy, c_x, params.min_confidence)) return;
      // lift = c_xy * n / (c_x * c_y)
      if (!ratio_at_least(static_cast<unsigned __int128>(c_xy) * n,
                          static_cast<unsigned __int128>(c_x) * c_y, params.min_lift))
        return;
      rules.push_back({rx, ry, row});
    });
  }
  std::sort(rules.begin(), rules.end(), [](const Rule& a, const Rule& b) {
    if (a.antecedent != b.antecedent) return a.antecedent < b.antecedent;
    return a.consequent < b.consequent;
  });
  return rules;
}

}  // namespace basketlift
