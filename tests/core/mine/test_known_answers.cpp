// Known answers on the real data sets in ../shared/data. The itemset and rule counts come from
// five independent tools that agree exactly (issue 2); the data set sizes and item counts come
// from ../shared/data/README.md. Every test skips with a warning when the data is absent.
#include <map>

#include "ingest/order_log.hpp"
#include "mine/eclat.hpp"
#include "mine/fpgrowth.hpp"
#include "mine/mine.hpp"
#include "mine/occurrences.hpp"
#include "test_util.hpp"

namespace {

using namespace basketlift;

// Each file is read once per run.
const Ingested& load(const std::string& relative) {
  static std::map<std::string, Ingested> cache;
  auto it = cache.find(relative);
  if (it == cache.end())
    it = cache.emplace(relative, read_transactions(bltest::data_file(relative), {})).first;
  return it->second;
}

void require_same_table(ItemsetTable a, ItemsetTable b) {
  a.sort_canonical();
  b.sort_canonical();
  REQUIRE(a.size() == b.size());
  REQUIRE(a.offsets == b.offsets);
  REQUIRE(a.items == b.items);
  REQUIRE(a.counts == b.counts);
}

const char* kRetail = "fimi/retail.dat";
const char* kT10 = "fimi/T10I4D100K.dat";
const char* kGroceries = "groceries/groceries.csv";
const char* kChess = "fimi/chess.dat";
const char* kMushroom = "fimi/mushroom.dat";

}  // namespace

TEST_CASE("retail.dat: baskets and items", "[known][retail]") {
  BLTEST_SKIP_WITHOUT_DATA(kRetail);
  const auto& in = load(kRetail);
  CHECK(in.stats.format == InputFormat::Basket);
  CHECK(in.stats.lines == 88162);
  CHECK(in.db.size() == 88162);
  CHECK(in.db.items.size() == 16470);
  CHECK(in.db.item_ids.size() == 908576);  // item occurrences (README)
  CHECK(in.stats.duplicates == 0);
  CHECK(in.stats.skipped_empty == 0);
}

TEST_CASE("retail.dat: frequent itemsets at min-count 441/89/45/9", "[known][retail]") {
  BLTEST_SKIP_WITHOUT_DATA(kRetail);
  const auto& db = load(kRetail).db;
  struct Case {
    std::uint32_t min_count;
    std::size_t all_lengths, up_to_3;
  };
  const Case cases[] = {{441, 580, 560}, {89, 7589, 7171}, {45, 19242, 17535}, {9, 240852, 160328}};
  for (const auto& c : cases) {
    CAPTURE(c.min_count);
    CHECK(mine_itemsets(db, {c.min_count, 0}, Algorithm::FpGrowth).size() == c.all_lengths);
    CHECK(mine_itemsets(db, {c.min_count, 3}, Algorithm::FpGrowth).size() == c.up_to_3);
  }
}

TEST_CASE("retail.dat: rules with one-item consequent at confidence >= 0.1", "[known][retail]") {
  BLTEST_SKIP_WITHOUT_DATA(kRetail);
  const auto& db = load(kRetail).db;
  RuleParams params;
  params.min_confidence = parse_fraction("0.1", "--min-confidence");
  params.max_consequent_len = 1;
  const std::pair<std::uint32_t, std::size_t> cases[] = {{441, 553}, {89, 8249}, {45, 24021}};
  for (auto [min_count, rules] : cases) {
    CAPTURE(min_count);
    const auto table = mine_itemsets(db, {min_count, 0}, Algorithm::FpGrowth);
    const ItemsetIndex index(table);
    CHECK(generate_rules(table, index, db.size(), params).size() == rules);
  }
}

TEST_CASE("retail.dat through the mine() facade with --min-support 0.005", "[known][retail]") {
  BLTEST_SKIP_WITHOUT_DATA(kRetail);
  MineOptions opt;
  opt.min_support = parse_fraction("0.005", "--min-support");  // ceil(0.005 * 88162) = 441
  opt.max_len = 0;
  opt.rules.min_confidence = parse_fraction("0.1", "--min-confidence");
  const auto r = mine(bltest::data_file(kRetail), opt);
  CHECK(r.min_count == 441);
  CHECK(r.itemsets.size() == 580);
  CHECK(r.rules.size() == 553);
  opt.algorithm = Algorithm::Eclat;
  const auto e = mine(bltest::data_file(kRetail), opt);
  CHECK(e.itemsets.size() == 580);
  CHECK(e.rules.size() == 553);
}

TEST_CASE("retail.dat: Eclat equals FP-growth at min-count 441 and 89", "[known][retail]") {
  BLTEST_SKIP_WITHOUT_DATA(kRetail);
  const auto& db = load(kRetail).db;
  for (std::uint32_t min_count : {441u, 89u}) {
    CAPTURE(min_count);
    const MiningParams params{min_count, 0};
    require_same_table(mine_fpgrowth(db, params), mine_eclat(db, params));
  }
}

// The occurrence-list Eclat (the miner --algorithm auto picks on sparse data) against FP-growth
// on real data of every shape, at thresholds from hundreds to hundreds of thousands of
// itemsets, and row for row the same with 1 and 2 threads.
TEST_CASE("FIMI data: occurrence-list Eclat equals FP-growth", "[known][fimi]") {
  BLTEST_SKIP_WITHOUT_DATA(kRetail);
  BLTEST_SKIP_WITHOUT_DATA(kT10);
  BLTEST_SKIP_WITHOUT_DATA(kChess);
  BLTEST_SKIP_WITHOUT_DATA(kMushroom);
  const std::pair<const char*, std::uint32_t> cases[] = {
      {kRetail, 441}, {kRetail, 45},  {kRetail, 9},     {kT10, 500},      {kT10, 10},
      {kChess, 2500}, {kChess, 2000}, {kMushroom, 800}, {kMushroom, 2000}};
  for (auto [file, min_count] : cases) {
    CAPTURE(file, min_count);
    const auto& db = load(file).db;
    const MiningParams params{min_count, 0};
    const auto occ = mine_occurrences(db, params, 1);
    const auto two = mine_occurrences(db, params, 2);
    REQUIRE(two.offsets == occ.offsets);
    REQUIRE(two.items == occ.items);
    REQUIRE(two.counts == occ.counts);
    require_same_table(mine_fpgrowth(db, params, 2), occ);
  }
  // The choice by density: Eclat on the sparse files, FP-growth on the dense ones.
  CHECK(choose_algorithm(load(kRetail).db, 9) == Algorithm::Eclat);
  CHECK(choose_algorithm(load(kT10).db, 500) == Algorithm::Eclat);
  CHECK(choose_algorithm(load(kChess).db, 1400) == Algorithm::FpGrowth);
  CHECK(choose_algorithm(load(kMushroom).db, 300) == Algorithm::FpGrowth);
}

TEST_CASE("T10I4D100K: frequent itemsets at min-count 500/100/50", "[known][t10]") {
  BLTEST_SKIP_WITHOUT_DATA(kT10);
  const auto& in = load(kT10);
  CHECK(in.db.size() == 100000);
  CHECK(in.db.items.size() == 870);
  CHECK(in.db.item_ids.size() == 1010228);
  const std::pair<std::uint32_t, std::size_t> cases[] = {{500, 1073}, {100, 27532}, {50, 53385}};
  for (auto [min_count, itemsets] : cases) {
    CAPTURE(min_count);
    CHECK(mine_itemsets(in.db, {min_count, 0}, Algorithm::FpGrowth).size() == itemsets);
  }
  require_same_table(mine_fpgrowth(in.db, {500, 0}), mine_eclat(in.db, {500, 0}));
}

// Dense data. The counts are those of Christian Borgelt's eclat/fpgrowth and Uno's LCM as
// reported in issue 20 (all lengths).
TEST_CASE("chess.dat and mushroom.dat: frequent itemsets at min-count 2000 and 800",
          "[known][dense]") {
  BLTEST_SKIP_WITHOUT_DATA(kChess);
  BLTEST_SKIP_WITHOUT_DATA(kMushroom);
  const auto& chess = load(kChess).db;
  CHECK(chess.size() == 3196);
  CHECK(chess.items.size() == 75);
  CHECK(mine_itemsets(chess, {2000, 0}, Algorithm::FpGrowth, 2).size() == 166580);
  require_same_table(mine_fpgrowth(chess, {2000, 0}), mine_eclat(chess, {2000, 0}));

  const auto& mushroom = load(kMushroom).db;
  CHECK(mushroom.size() == 8124);
  CHECK(mushroom.items.size() == 119);
  // One item is in every basket (as LCM reports): the most frequent item's support is all.
  CHECK(mushroom.support[0] == mushroom.size());
  CHECK(mine_itemsets(mushroom, {800, 0}, Algorithm::FpGrowth, 2).size() == 576309);
}

// The itemsets of each length, counted as they stream out (millions of them: none is kept).
// The counts are those of Uno's LCM 5.3 (`lcm Ff -l 1 FILE N`), which prints them by length;
// Borgelt's eclat and fpgrowth 2019 agree on chess and report one itemset fewer on mushroom:
// they leave out {85} alone, the item in every basket, whose count is the number of baskets.
static std::vector<std::size_t> itemsets_by_length(const TransactionDb& db,
                                                   std::uint32_t min_count) {
  std::vector<std::size_t> by_length;
  mine_fpgrowth_parts(db, {min_count, 0}, 2, {}, [&](ItemsetPart& part) {
    for (std::size_t r = 0; r < part.table.size(); ++r) {
      const auto len = part.table.itemset(r).size();
      if (by_length.size() <= len) by_length.resize(len + 1, 0);
      ++by_length[len];
    }
  });
  return by_length;
}

TEST_CASE("chess.dat at min-count 1400 and mushroom.dat at 300: itemsets of each length",
          "[known][dense]") {
  BLTEST_SKIP_WITHOUT_DATA(kChess);
  BLTEST_SKIP_WITHOUT_DATA(kMushroom);
  CHECK(itemsets_by_length(load(kChess).db, 1400) ==
        std::vector<std::size_t>{0, 39, 616, 5243, 27483, 97342, 246013, 460046, 652131, 709845,
                                 595581, 383951, 188431, 69124, 18299, 3256, 333, 13});
  CHECK(itemsets_by_length(load(kMushroom).db, 300) ==
        std::vector<std::size_t>{0, 79, 1495, 12736, 61521, 193374, 432739, 730972, 964796, 1011617,
                                 845560, 559956, 289682, 114411, 33266, 6700, 833, 48});
}

TEST_CASE("groceries.csv: baskets, items and the most frequent items", "[known][groceries]") {
  BLTEST_SKIP_WITHOUT_DATA(kGroceries);
  const auto& in = load(kGroceries);
  CHECK(in.stats.format == InputFormat::Basket);  // a .csv without order/item header
  CHECK(in.db.size() == 9835);
  CHECK(in.db.items.size() == 169);
  CHECK(in.db.item_ids.size() == 43367);
  // README: whole milk 2,513; other vegetables 1,903; rolls/buns 1,809; soda 1,715; yogurt 1,372.
  const std::pair<const char*, std::uint32_t> top[] = {{"whole milk", 2513},
                                                       {"other vegetables", 1903},
                                                       {"rolls/buns", 1809},
                                                       {"soda", 1715},
                                                       {"yogurt", 1372}};
  for (std::size_t rank = 0; rank < std::size(top); ++rank) {
    CAPTURE(top[rank].first);
    const ItemId id = in.db.items.find(top[rank].first);
    REQUIRE(id < in.db.items.size());
    CHECK(id == rank);  // canonical ids: id 0 is the most frequent item
    CHECK(in.db.support[id] == top[rank].second);
  }
  // The 1-itemsets mined at min-count 1 carry the same counts.
  const auto table = mine_itemsets(in.db, {1, 1}, Algorithm::FpGrowth);
  REQUIRE(table.size() == 169);
  const ItemsetIndex index(table);
  const ItemId milk = in.db.items.find("whole milk");
  const auto row = index.find(std::span<const ItemId>(&milk, 1));
  REQUIRE(row != ItemsetIndex::npos);
  CHECK(table.counts[row] == 2513);
}
