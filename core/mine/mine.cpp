#include "mine/mine.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "bundle/builder.hpp"
#include "mine/category_rules.hpp"
#include "mine/fpgrowth.hpp"
#include "mine/occurrences.hpp"
#include "mine/repurchase.hpp"
#include "mine/similar_names.hpp"
#include "mine/writers.hpp"
#include "model/error.hpp"
#include "model/format.hpp"

namespace basketlift {

Algorithm choose_algorithm(const TransactionDb& db, std::uint32_t min_count) {
  std::uint32_t n_frequent = 0;
  while (n_frequent < db.support.size() && db.support[n_frequent] >= min_count) ++n_frequent;
  if (n_frequent == 0 || db.size() == 0) return Algorithm::FpGrowth;
  double held = 0;  // frequent items in all baskets
  for (std::uint32_t i = 0; i < n_frequent; ++i) held += db.support[i];
  // The Eclat addresses the frequent items of the baskets in 32 bits.
  if (held >= static_cast<double>(std::numeric_limits<std::uint32_t>::max()))
    return Algorithm::FpGrowth;
  const double mean_length = held / static_cast<double>(db.size());
  return mean_length < kEclatMaxDensity * n_frequent ? Algorithm::Eclat : Algorithm::FpGrowth;
}

ItemsetTable mine_itemsets(const TransactionDb& db, const MiningParams& params, Algorithm algorithm,
                           unsigned threads) {
  if (algorithm == Algorithm::Auto) algorithm = choose_algorithm(db, params.min_count);
  auto table = algorithm == Algorithm::Eclat ? mine_occurrences(db, params, threads)
                                             : mine_fpgrowth(db, params, threads);
  table.sort_canonical();
  return table;
}

void mine_db(MineResult& result, const MineOptions& options) {
  const auto n = result.data.db.size();
  if (options.rules.min_confidence.num > options.rules.min_confidence.den)
    throw InputError("--min-confidence: must be in [0, 1], got " +
                     format_double(options.rules.min_confidence.value()));
  if (options.min_count > 0) {
    result.min_count = options.min_count;
  } else {
    Fraction f = options.min_support.value_or(kDefaultMinSupport);
    if (f.num == 0 || f.num > f.den)
      throw InputError("--min-support: must be in (0, 1], got " + format_double(f.value()));
    result.min_count = min_count_for_support(f, n);
  }
  const MiningParams mining{result.min_count, options.max_len};
  result.algorithm = options.algorithm == Algorithm::Auto
                         ? choose_algorithm(result.data.db, result.min_count)
                         : options.algorithm;
  if (!options.itemsets_out) {
    result.itemsets = mine_itemsets(result.data.db, mining, result.algorithm, options.threads);
    result.itemsets_found = result.itemsets.size();
  } else {
    // Rules of a bundle's shapes (one or two items => one) look up itemsets of up to three.
    const std::size_t keep = options.rule_shapes == RuleShapes::All      ? SIZE_MAX
                             : options.rule_shapes == RuleShapes::Bundle ? 3
                                                                         : 0;
    auto take = [&](const ItemsetTable& part) {
      result.itemsets_found += part.size();
      if (keep == 0) return;
      for (std::size_t r = 0; r < part.size(); ++r)
        if (part.itemset(r).size() <= keep) result.itemsets.add(part.itemset(r), part.counts[r]);
    };
    auto& out = *options.itemsets_out;
    const auto miner =
        result.algorithm == Algorithm::Eclat ? mine_occurrences_parts : mine_fpgrowth_parts;
    miner(
        result.data.db, mining, options.threads,
        [&](ItemsetPart& part) { out.format(part.table, part.text); },
        [&](ItemsetPart& part) {
          out.write(part.text);
          take(part.table);
        });
    result.itemsets.sort_canonical();
  }
  if (options.rule_shapes == RuleShapes::None) return;
  RuleParams params = options.rules;
  std::size_t indexed = 0;  // every itemset
  if (options.rule_shapes == RuleShapes::Bundle) {
    params.max_consequent_len = 1;
    params.max_antecedent_len = 2;
    indexed = 2;  // the rules look up antecedents of one or two items and single consequents
  }
  ItemsetIndex index(result.itemsets, indexed);
  result.rules = generate_rules(result.itemsets, index, n, params);
}

MineResult mine(const std::string& path, const MineOptions& options) {
  MineResult result;
  result.data = read_transactions(path, options.ingest);
  mine_db(result, options);
  return result;
}

}  // namespace basketlift
