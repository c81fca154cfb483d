#include "mine.hpp"

#include <algorithm>
#include <cmath>

#include "bundle_parts.hpp"
#include "category_rules.hpp"
#include "eclat.hpp"
#include "error.hpp"
#include "fpgrowth.hpp"
#include "output.hpp"
#include "repurchase.hpp"
#include "similar_names.hpp"

namespace basketlift {

ItemsetTable mine_itemsets(const TransactionDb& db, const MiningParams& params, Algorithm algorithm,
                           unsigned threads) {
  auto table =
      algorithm == Algorithm::Eclat ? mine_eclat(db, params) : mine_fpgrowth(db, params, threads);
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
    Fraction f = options.min_support.value_or(Fraction{1, 100});
    if (f.num == 0 || f.num > f.den)
      throw InputError("--min-support: must be in (0, 1], got " + format_double(f.value()));
    result.min_count = min_count_for_support(f, n);
  }
  result.itemsets = mine_itemsets(result.data.db, MiningParams{result.min_count, options.max_len},
                                  options.algorithm, options.threads);
  ItemsetIndex index(result.itemsets);
  result.rules = generate_rules(result.itemsets, index, n, options.rules);
}

BundleContent make_bundle_content(const MineResult& r, const MineOptions& options,
                                  const std::string& source, const std::string& created_at,
                                  const Catalog* catalog) {
  BundleContent c;
  const auto& db = r.data.db;
  c.labels = db.items.labels();
  c.popularity = db.support;
  c.transactions = db.size();
  const auto& t = r.itemsets;
  // Rules arrive grouped by antecedent row; keep each antecedent's strongest (by confidence,
  // i.e. joint count) so the page fires a bounded number of rules per cart item.
  std::vector<RuleEntry> group;
  for (std::size_t i = 0; i < r.rules.size();) {
    const auto ante = r.rules[i].antecedent;
    auto x = t.itemset(ante);
    group.clear();
    for (; i < r.rules.size() && r.rules[i].antecedent == ante; ++i) {
      auto y = t.itemset(r.rules[i].consequent);
      if (y.size() == 1 && x.size() <= 2) group.push_back({y[0], t.counts[r.rules[i].itemset]});
    }
    keep_strongest_rules(group, options.max_rules_per_antecedent);
    for (const auto& entry : group) {
      if (x.size() == 1) {
        c.single_rules.emplace_back(x[0], entry);
      } else {
        c.pair_rules.push_back({x[0], x[1], t.counts[ante], entry});
      }
    }
  }
  c.repurchase = repurchase_stats(r.data);
  if (catalog) {
    add_catalog_fields(c, *catalog, options.catalog_unsold_items);
    add_category_rules(c, db, r.min_count);
    c.similar = similar_names(c, options.similar_per_item);
  }
  c.neighbours = top_neighbours(db, options.neighbours_per_item);
  auto fraction = [](Fraction f) { return format_double(f.value()); };
  c.meta = {
      {"created_at", created_at},
      {"source", source},
      {"transactions", std::to_string(db.size())},
      {"items", std::to_string(db.items.size())},
      {"min_count", std::to_string(r.min_count)},
      {"min_support", format_double(static_cast<double>(r.min_count) / db.size())},
      {"max_len", std::to_string(options.max_len)},
      {"min_confidence", fraction(options.rules.min_confidence)},
      {"min_lift", fraction(options.rules.min_lift)},
      {"max_rules_per_antecedent", std::to_string(options.max_rules_per_antecedent)},
      {"neighbours_per_item", std::to_string(options.neighbours_per_item)},
      {"unsold_catalog_items", std::to_string(c.labels.size() - db.items.size())},
      {"similar_per_item", std::to_string(options.similar_per_item)},
      {"algorithm", options.algorithm == Algorithm::Eclat ? "eclat" : "fpgrowth"},
      {"frequent_itemsets", std::to_string(t.size())},
      {"rules_mined", std::to_string(r.rules.size())},
  };
  return c;
}

MineResult mine(const std::string& path, const MineOptions& options) {
  MineResult result;
  result.data = read_transactions(path, options.ingest);
  mine_db(result, options);
  return result;
}

}  // namespace basketlift
