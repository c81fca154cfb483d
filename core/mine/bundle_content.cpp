#include "mine/bundle_content.hpp"

#include <utility>

#include "bundle/builder.hpp"
#include "mine/category_rules.hpp"
#include "mine/neighbours.hpp"
#include "mine/pair_sections.hpp"
#include "mine/repurchase.hpp"
#include "mine/similar_names.hpp"
#include "model/format.hpp"

namespace basketlift {

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
  // Rules of the shapes a bundle stores, before the per-antecedent cap: the same count whether
  // the run generated every rule (--rules-out) or only these.
  std::size_t of_bundle_shape = 0;
  for (std::size_t i = 0; i < r.rules.size();) {
    const auto ante = r.rules[i].antecedent;
    auto x = t.itemset(ante);
    group.clear();
    for (; i < r.rules.size() && r.rules[i].antecedent == ante; ++i) {
      auto y = t.itemset(r.rules[i].consequent);
      if (y.size() == 1 && x.size() <= 2) group.push_back({y[0], t.counts[r.rules[i].itemset]});
    }
    of_bundle_shape += group.size();
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
  auto sections = pair_sections(db, options, options.threads);
  c.neighbours = std::move(sections.neighbours);
  c.learned = std::move(sections.learned);
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
  };
  // The keys import-spark writes too.
  for (auto& entry : pair_section_meta(options, sections)) c.meta.push_back(std::move(entry));
  c.meta.insert(c.meta.end(),
                {
                    {"unsold_catalog_items", std::to_string(c.labels.size() - db.items.size())},
                    {"similar_per_item", std::to_string(options.similar_per_item)},
                    {"algorithm", r.algorithm == Algorithm::Eclat ? "eclat" : "fpgrowth"},
                    {"frequent_itemsets", std::to_string(r.itemsets_found)},
                    {"rules_mined", std::to_string(of_bundle_shape)},
                });
  return c;
}

}  // namespace basketlift
