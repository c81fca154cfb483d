// The neighbour and learned sections from pair counts (import-spark's path) against the same
// sections from the baskets (mine's): the counts are made here by enumerating every basket's
// pairs, listed in a shuffled order, and both must give identical entries.
#include <algorithm>
#include <map>
#include <random>

#include "ingest/order_log.hpp"
#include "mine/learned.hpp"
#include "mine/pair_sections.hpp"
#include "test_util.hpp"

namespace {

using namespace basketlift;

// XᵀX of the baskets as counts: the support, and each pair of a basket counted once per basket.
ItemPairCounts counts_of(const TransactionDb& db, std::mt19937& rng) {
  std::map<std::pair<ItemId, ItemId>, std::uint32_t> together;
  for (std::size_t b = 0; b < db.size(); ++b) {
    const auto basket = db.basket(b);
    for (std::size_t i = 0; i < basket.size(); ++i)
      for (std::size_t j = i + 1; j < basket.size(); ++j)
        ++together[{std::min(basket[i], basket[j]), std::max(basket[i], basket[j])}];
  }
  ItemPairCounts c;
  c.support = db.support;
  for (const auto& [pair, n] : together) c.pairs.push_back({pair.first, pair.second, n});
  std::shuffle(c.pairs.begin(), c.pairs.end(), rng);  // the sections must not depend on order
  return c;
}

void require_same(const PairSections& a, const PairSections& b) {
  REQUIRE(a.learned_items == b.learned_items);
  auto entries = [](const std::vector<std::pair<std::uint32_t, RuleEntry>>& v) {
    std::vector<std::tuple<std::uint32_t, std::uint32_t, std::uint32_t>> out;
    for (const auto& [item, e] : v) out.emplace_back(item, e.consequent, e.count);
    return out;
  };
  REQUIRE(entries(a.neighbours) == entries(b.neighbours));
  REQUIRE(entries(a.learned) == entries(b.learned));
}

}  // namespace

TEST_CASE("pair_sections: counts give what the baskets give, on random baskets",
          "[neighbours][learned]") {
  std::mt19937 rng(11);
  int with_learned = 0;
  for (int trial = 0; trial < 60; ++trial) {
    std::vector<bltest::Basket> baskets;
    const int n = 5 + static_cast<int>(rng() % 200);
    const int items = 2 + static_cast<int>(rng() % 60);
    for (int b = 0; b < n; ++b) {
      bltest::Basket basket;
      const int k = 1 + static_cast<int>(rng() % 8);
      for (int i = 0; i < k; ++i) basket.push_back(std::to_string(rng() % items));
      baskets.push_back(basket);
    }
    const auto db = bltest::make_db(baskets);
    const auto counts = counts_of(db, rng);
    PairSectionOptions o;
    o.neighbours_per_item = 1 + static_cast<std::uint32_t>(rng() % 6);
    o.learned_per_item = static_cast<std::uint32_t>(rng() % 6);
    o.learned_lambda = trial % 2 ? 2.5 : 50;
    o.learned_max_items = trial % 3 ? 1000 : 1 + static_cast<std::uint32_t>(rng() % 10);
    INFO("trial " << trial);
    const auto native = pair_sections(db, o, 1);
    require_same(pair_sections(counts, o, 1), native);
    require_same(pair_sections(counts, o, 3), native);
    with_learned += !native.learned.empty();
  }
  CHECK(with_learned > 20);  // most trials compare learned entries, not two empty sections
}

TEST_CASE("pair_sections: counts give what the baskets give, on groceries",
          "[neighbours][learned]") {
  BLTEST_SKIP_WITHOUT_DATA("groceries/groceries.csv");
  IngestOptions in;
  in.format = InputFormat::Basket;
  in.sep = ',';
  const auto data = read_transactions(bltest::data_file("groceries/groceries.csv"), in);
  REQUIRE(data.db.size() == 9835);
  std::mt19937 rng(3);
  const auto counts = counts_of(data.db, rng);
  const PairSectionOptions defaults;
  const auto native = pair_sections(data.db, defaults, 2);
  CHECK(native.neighbours.size() > 3 * 150);
  CHECK(native.learned_items == data.db.items.size());
  require_same(pair_sections(counts, defaults, 2), native);
  // The fitted weights themselves, not only the kept ones.
  Ease from_db(data.db, 60), from_counts(counts, 60);
  from_db.fit(defaults.learned_lambda);
  from_counts.fit(defaults.learned_lambda);
  for (ItemId i = 0; i < 60; ++i)
    for (ItemId j = 0; j < 60; ++j) REQUIRE(from_db.weight(i, j) == from_counts.weight(i, j));
}
