// The mining pipeline in one call: ingest -> frequent itemsets -> rules.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "bundle/builder.hpp"
#include "bundle/bundle.hpp"
#include "ingest/catalog.hpp"
#include "ingest/order_log.hpp"
#include "mine/learned.hpp"
#include "mine/neighbours.hpp"
#include "mine/pair_sections.hpp"
#include "mine/rules.hpp"
#include "mine/similar_names.hpp"
#include "model/itemsets.hpp"
#include "model/threshold.hpp"

namespace basketlift {

class ItemsetsWriter;

// Auto: Eclat (mine/occurrences.hpp) on sparse data, FP-growth on dense, by choose_algorithm().
enum class Algorithm { Auto, FpGrowth, Eclat };

// FP-growth's trees cost the distinct paths, Eclat's occurrence lists the baskets' lengths at
// every prefix: where a basket holds a large share of the frequent items the tree shares most
// paths and wins, by 1.3-17 x on mushroom.dat and chess.dat (29-85 %); where it holds a small
// share it shares few, and Eclat wins, by about 1.7 x on retail.dat and T10I4D100K (0.1-1.7 %).
// The cut lies in the gap, measured in docs/PERFORMANCE.md.
inline constexpr double kEclatMaxDensity = 0.1;

// Eclat when the baskets hold on average under kEclatMaxDensity of the frequent items (and
// under 2^32 of them in all, which its occurrence lists address), else FP-growth.
Algorithm choose_algorithm(const TransactionDb& db, std::uint32_t min_count);

// Frequent means in at least 1 % of the baskets unless a caller says otherwise.
inline constexpr Fraction kDefaultMinSupport{1, 100};

// Which rules a mining run generates: every rule the thresholds allow (--rules-out), only the
// shapes a bundle stores (one consequent, one or two antecedent items), or none (itemsets only).
// On dense data the difference is most of the run: chess at min-count 1400 has 30.6 million rules
// at confidence 0, of which the bundle's shapes are a few thousand.
enum class RuleShapes { All, Bundle, None };

// The neighbour and learned sections' options (neighbours_per_item, learned_per_item,
// learned_lambda, learned_max_items) are the base: import-spark takes the same.
struct MineOptions : PairSectionOptions {
  IngestOptions ingest;
  std::optional<Fraction> min_support;  // fraction of baskets; used when min_count is 0
  std::uint32_t min_count = 0;
  std::uint32_t max_len = 3;  // 0 = unlimited
  Algorithm algorithm = Algorithm::Auto;
  RuleParams rules;
  RuleShapes rule_shapes = RuleShapes::All;
  // The bundle keeps at most this many rules per antecedent (its most confident); 0 = all.
  std::uint32_t max_rules_per_antecedent = kDefaultRulesPerAntecedent;
  // With a catalog: catalog items that no basket holds are kept in the bundle too (popularity 0),
  // so a cart of new products is answered from their categories.
  bool catalog_unsold_items = true;
  // Each unsold catalog item's this many most similarly named items (core/similar_names.hpp).
  std::uint32_t similar_per_item = kDefaultSimilarPerItem;
  unsigned threads = 1;  // the miner's top-level items mined in parallel; same result for any
  // When set, every frequent itemset is written here, a part at a time, in the order the miner
  // finds them (the same for any number of threads), and MineResult::itemsets keeps only the ones
  // the rules need (RuleShapes: all, up to three items for a bundle's, none): memory then grows
  // with the tree and those, not with every itemset found. The mining threads format the lines.
  ItemsetsWriter* itemsets_out = nullptr;
};

struct MineResult {
  Ingested data;
  std::uint32_t min_count = 0;
  Algorithm algorithm = Algorithm::FpGrowth;  // the one that ran (Auto resolved)
  ItemsetTable itemsets;           // canonical order; with itemsets_out only those the rules need
  std::size_t itemsets_found = 0;  // every frequent itemset, kept or not
  std::vector<Rule> rules;
};

// Throws InputError on bad options (a min-support outside (0,1]) or bad input.
MineResult mine(const std::string& path, const MineOptions& options);

// The same on baskets already in memory.
void mine_db(MineResult& result, const MineOptions& options);

ItemsetTable mine_itemsets(const TransactionDb& db, const MiningParams& params, Algorithm algorithm,
                           unsigned threads = 1);

}  // namespace basketlift
