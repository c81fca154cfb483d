// FP-growth, the occurrence-list Eclat and the tid-list Eclat against a brute-force enumerator
// written here: every subset of the item
// universe (as a bitmask) is counted by scanning all baskets. Hundreds of random small
// databases from a fixed seed, plus hand-picked edge cases (single basket, identical baskets,
// nested baskets that make single-path FP-trees, thresholds above every count).
#include <bit>
#include <cstdint>
#include <map>
#include <numeric>
#include <random>
#include <sstream>

#include "mine/eclat.hpp"
#include "mine/fpgrowth.hpp"
#include "mine/mine.hpp"
#include "mine/occurrences.hpp"
#include "test_util.hpp"

namespace {

using namespace basketlift;
using Mask = std::uint32_t;
using Expected = std::map<Mask, std::uint32_t>;  // itemset (bit i = item "i<i>") -> count

// Every non-empty subset of the k items with count >= min_count and size <= max_len (0: any).
Expected brute_force(const std::vector<Mask>& baskets, unsigned k, std::uint32_t min_count,
                     std::uint32_t max_len) {
  Expected out;
  for (Mask s = 1; s < (Mask{1} << k); ++s) {
    if (max_len != 0 && static_cast<unsigned>(std::popcount(s)) > max_len) continue;
    std::uint32_t count = 0;
    for (Mask b : baskets) count += (b & s) == s;
    if (count >= min_count) out.emplace(s, count);
  }
  return out;
}

std::string label(unsigned i) {
  std::string s = "i";  // not "i" + std::string: GCC 12 -Wrestrict false positive
  s += std::to_string(i);
  return s;
}

// Builds the db the way ingest does: intern (in `intern_order`, which may include items that
// never occur), add raw baskets (items in random order, some repeated), canonicalize.
TransactionDb build_db(const std::vector<Mask>& baskets, unsigned k,
                       const std::vector<unsigned>& intern_order, std::mt19937& rng,
                       bool add_duplicates) {
  TransactionDb db;
  std::vector<ItemId> id_of(k);
  for (unsigned i : intern_order) id_of[i] = db.items.intern(label(i));
  std::vector<ItemId> raw;
  for (Mask b : baskets) {
    raw.clear();
    for (unsigned i = 0; i < k; ++i)
      if (b >> i & 1) raw.push_back(id_of[i]);
    if (add_duplicates && !raw.empty() && rng() % 3 == 0) raw.push_back(raw[rng() % raw.size()]);
    std::shuffle(raw.begin(), raw.end(), rng);
    db.add_basket(raw);
  }
  db.canonicalize();
  return db;
}

// Mined table -> bitmasks over the original item numbering, via the labels.
Expected as_masks(const ItemsetTable& table, const TransactionDb& db, std::size_t& duplicates) {
  Expected out;
  duplicates = 0;
  for (std::size_t r = 0; r < table.size(); ++r) {
    Mask m = 0;
    for (ItemId id : table.itemset(r)) m |= Mask{1} << std::stoul(db.items.label(id).substr(1));
    if (!out.emplace(m, table.counts[r]).second) ++duplicates;
  }
  return out;
}

std::string describe(const std::vector<Mask>& baskets, unsigned k) {
  std::ostringstream s;
  s << baskets.size() << " baskets over " << k << " items:";
  for (Mask b : baskets) {
    s << " {";
    for (unsigned i = 0; i < k; ++i)
      if (b >> i & 1) s << i << ' ';
    s << '}';
  }
  return s.str();
}

bool canonical_order(const ItemsetTable& t) {
  for (std::size_t r = 0; r < t.size(); ++r) {
    auto x = t.itemset(r);
    if (!std::is_sorted(x.begin(), x.end()) || std::adjacent_find(x.begin(), x.end()) != x.end())
      return false;
    if (r == 0) continue;
    auto w = t.itemset(r - 1);
    if (w.size() > x.size()) return false;
    if (w.size() == x.size() &&
        !std::lexicographical_compare(w.begin(), w.end(), x.begin(), x.end()))
      return false;
  }
  return true;
}

// The canonical db's invariants, checked against the raw masks.
void check_canonical_db(const TransactionDb& db, const std::vector<Mask>& baskets, unsigned k) {
  REQUIRE(db.size() == baskets.size());
  REQUIRE(db.support.size() == db.items.size());
  for (std::size_t b = 0; b < db.size(); ++b) {
    auto items = db.basket(b);
    REQUIRE(std::is_sorted(items.begin(), items.end()));
    REQUIRE(std::adjacent_find(items.begin(), items.end()) == items.end());
    REQUIRE(items.size() == static_cast<std::size_t>(std::popcount(baskets[b])));
  }
  for (ItemId id = 0; id < db.items.size(); ++id) {
    unsigned original = static_cast<unsigned>(std::stoul(db.items.label(id).substr(1)));
    REQUIRE(original < k);
    std::uint32_t count = 0;
    for (Mask b : baskets) count += b >> original & 1;
    REQUIRE(db.support[id] == count);
    if (id > 0) REQUIRE(db.support[id - 1] >= db.support[id]);
  }
}

// Brute force, FP-growth, both Eclats and the mine_itemsets façade must agree exactly; the
// occurrence-list Eclat gives the same rows in the same order for any number of threads.
void check_all_agree(const std::vector<Mask>& baskets, unsigned k, const TransactionDb& db,
                     const MiningParams& params) {
  INFO(describe(baskets, k));
  INFO("min_count " << params.min_count << ", max_len " << params.max_len);
  const Expected expected = brute_force(baskets, k, params.min_count, params.max_len);

  ItemsetTable fp = mine_fpgrowth(db, params);
  ItemsetTable ec = mine_eclat(db, params);
  fp.sort_canonical();
  ec.sort_canonical();
  REQUIRE(canonical_order(fp));
  REQUIRE(canonical_order(ec));

  std::size_t fp_dups = 0, ec_dups = 0;
  const Expected fp_sets = as_masks(fp, db, fp_dups);
  const Expected ec_sets = as_masks(ec, db, ec_dups);
  REQUIRE(fp_dups == 0);
  REQUIRE(ec_dups == 0);
  REQUIRE(fp_sets == expected);
  REQUIRE(ec_sets == expected);
  // Identical tables, row for row, once both are canonical.
  REQUIRE(fp.offsets == ec.offsets);
  REQUIRE(fp.items == ec.items);
  REQUIRE(fp.counts == ec.counts);

  const ItemsetTable occ = mine_occurrences(db, params);
  for (unsigned threads : {2u, 3u}) {
    const ItemsetTable many = mine_occurrences(db, params, threads);
    REQUIRE(many.offsets == occ.offsets);
    REQUIRE(many.items == occ.items);
    REQUIRE(many.counts == occ.counts);
  }
  ItemsetTable occ_sorted = occ;
  occ_sorted.sort_canonical();
  std::size_t occ_dups = 0;
  REQUIRE(as_masks(occ_sorted, db, occ_dups) == expected);
  REQUIRE(occ_dups == 0);
  REQUIRE(occ_sorted.items == fp.items);
  REQUIRE(occ_sorted.counts == fp.counts);

  const ItemsetTable via_facade = mine_itemsets(db, params, Algorithm::FpGrowth);
  REQUIRE(via_facade.items == fp.items);
  REQUIRE(via_facade.counts == fp.counts);
  const ItemsetTable via_facade_eclat = mine_itemsets(db, params, Algorithm::Eclat);
  REQUIRE(via_facade_eclat.items == fp.items);
  REQUIRE(via_facade_eclat.counts == fp.counts);
  const ItemsetTable via_facade_auto = mine_itemsets(db, params, Algorithm::Auto);
  REQUIRE(via_facade_auto.items == fp.items);
  REQUIRE(via_facade_auto.counts == fp.counts);
}

std::vector<unsigned> identity(unsigned k) {
  std::vector<unsigned> v(k);
  std::iota(v.begin(), v.end(), 0u);
  return v;
}

}  // namespace

TEST_CASE("FP-growth and Eclat equal brute force on random small databases", "[crosscheck]") {
  std::mt19937 rng(20240521);
  const double densities[] = {0.05, 0.15, 0.3, 0.5, 0.7, 0.9};
  int databases = 0, runs = 0;
  std::size_t itemsets_compared = 0;
  for (int round = 0; round < 420; ++round) {
    const unsigned k = 1 + rng() % 14;  // 1..14 items
    const std::size_t n_baskets = 1 + rng() % (round % 4 == 0 ? 8 : 60);
    const double density = densities[rng() % std::size(densities)];
    // Items with different probabilities, so the frequency order is non-trivial.
    std::vector<double> p(k);
    for (auto& pi : p)
      pi = std::min(1.0, density * std::uniform_real_distribution<double>(0.3, 1.7)(rng));
    std::vector<Mask> baskets(n_baskets);
    for (auto& b : baskets)
      for (unsigned i = 0; i < k; ++i)
        if (std::bernoulli_distribution(p[i])(rng)) b |= Mask{1} << i;
    // Sometimes repeat a basket many times (long shared prefixes in the FP-tree).
    if (round % 5 == 1 && n_baskets > 2) {
      for (std::size_t b = 1; b < n_baskets; b += 2) baskets[b] = baskets[0];
    }
    std::vector<unsigned> order = identity(k);
    std::shuffle(order.begin(), order.end(), rng);
    const TransactionDb db = build_db(baskets, k, order, rng, /*add_duplicates=*/true);
    check_canonical_db(db, baskets, k);
    ++databases;

    const auto n = static_cast<std::uint32_t>(n_baskets);
    std::vector<std::uint32_t> min_counts = {1, 1 + static_cast<std::uint32_t>(rng() % n),
                                             1 + static_cast<std::uint32_t>(rng() % (n / 4 + 1))};
    if (round % 7 == 0) min_counts.push_back(n);
    if (round % 11 == 0) min_counts.push_back(n + 1);
    for (auto min_count : min_counts) {
      const std::uint32_t max_len = rng() % 5;  // 0 = unlimited, 1..4
      check_all_agree(baskets, k, db, MiningParams{min_count, max_len});
      itemsets_compared += brute_force(baskets, k, min_count, max_len).size();
      ++runs;
    }
  }
  CHECK(databases == 420);
  CHECK(runs >= 3 * databases);
  CHECK(itemsets_compared > 10000);  // the comparisons were not all trivially empty
}

TEST_CASE("every max_len on dense random databases", "[crosscheck]") {
  std::mt19937 rng(7);
  for (int round = 0; round < 40; ++round) {
    const unsigned k = 8 + rng() % 7;  // 8..14
    std::vector<Mask> baskets(10 + rng() % 30);
    for (auto& b : baskets) b = static_cast<Mask>(rng()) & ((Mask{1} << k) - 1);
    const TransactionDb db = build_db(baskets, k, identity(k), rng, false);
    const auto min_count = 1 + static_cast<std::uint32_t>(rng() % 4);
    for (std::uint32_t max_len = 0; max_len <= 5; ++max_len)
      check_all_agree(baskets, k, db, MiningParams{min_count, max_len});
  }
}

TEST_CASE("edge cases: single basket", "[crosscheck]") {
  std::mt19937 rng(1);
  const unsigned k = 10;
  const std::vector<Mask> one = {(Mask{1} << k) - 1};
  const TransactionDb db = build_db(one, k, identity(k), rng, false);
  check_all_agree(one, k, db, MiningParams{1, 0});
  check_all_agree(one, k, db, MiningParams{1, 3});
  check_all_agree(one, k, db, MiningParams{2, 0});
  // Every non-empty subset of 10 items: 2^10 - 1; up to 3 items: C(10,1)+C(10,2)+C(10,3).
  CHECK(mine_fpgrowth(db, MiningParams{1, 0}).size() == 1023);
  CHECK(mine_fpgrowth(db, MiningParams{1, 3}).size() == 10 + 45 + 120);
  CHECK(mine_eclat(db, MiningParams{1, 3}).size() == 10 + 45 + 120);
  CHECK(mine_fpgrowth(db, MiningParams{2, 0}).size() == 0);

  const std::vector<Mask> single_item = {Mask{1}};
  const TransactionDb db1 = build_db(single_item, 1, identity(1), rng, false);
  check_all_agree(single_item, 1, db1, MiningParams{1, 0});
  CHECK(mine_fpgrowth(db1, MiningParams{1, 0}).size() == 1);
}

TEST_CASE("edge cases: identical baskets make a single-path tree", "[crosscheck]") {
  std::mt19937 rng(2);
  const unsigned k = 8;
  const std::vector<Mask> same(7, (Mask{1} << k) - 1);
  const TransactionDb db = build_db(same, k, identity(k), rng, false);
  for (std::uint32_t max_len : {0u, 1u, 2u, 4u}) {
    check_all_agree(same, k, db, MiningParams{1, max_len});
    check_all_agree(same, k, db, MiningParams{7, max_len});
    check_all_agree(same, k, db, MiningParams{8, max_len});
  }
  const auto all = mine_fpgrowth(db, MiningParams{7, 0});
  CHECK(all.size() == 255);  // 2^8 - 1, each with count 7
  CHECK(std::all_of(all.counts.begin(), all.counts.end(), [](auto c) { return c == 7; }));

  // Nested baskets {0}, {0,1}, {0,1,2}, ...: one path with decreasing counts, cut by min_count
  // in the middle of the path.
  std::vector<Mask> nested;
  for (unsigned j = 1; j <= 9; ++j) nested.push_back((Mask{1} << j) - 1);
  const TransactionDb chain = build_db(nested, 9, identity(9), rng, false);
  for (std::uint32_t min_count = 1; min_count <= 10; ++min_count)
    for (std::uint32_t max_len : {0u, 2u, 3u})
      check_all_agree(nested, 9, chain, {min_count, max_len});

  // A single path below a conditional prefix: identical baskets plus one outlier.
  std::vector<Mask> almost = same;
  almost.push_back(0b10000001);
  const TransactionDb db2 = build_db(almost, k, identity(k), rng, false);
  for (std::uint32_t min_count : {1u, 2u, 7u, 8u}) check_all_agree(almost, k, db2, {min_count, 0});
}

TEST_CASE("edge cases: thresholds above every count, min_count 1, empty baskets", "[crosscheck]") {
  std::mt19937 rng(3);
  const unsigned k = 6;
  std::vector<Mask> baskets = {0b000111, 0b000011, 0b110000, 0b101010, 0b000001};
  const TransactionDb db = build_db(baskets, k, identity(k), rng, false);
  check_all_agree(baskets, k, db, MiningParams{6, 0});
  CHECK(mine_fpgrowth(db, MiningParams{6, 0}).size() == 0);
  CHECK(mine_eclat(db, MiningParams{6, 0}).size() == 0);
  check_all_agree(baskets, k, db, MiningParams{1000000, 0});
  check_all_agree(baskets, k, db, MiningParams{1, 0});
  // min_count 1: exactly the distinct non-empty subsets of the baskets, counted by hand:
  // {0,1,2}: 7 (covers {0,1} and {0}); {4,5}: 3; {1,3,5}: 7 minus {1} and {5}, already counted.
  CHECK(mine_fpgrowth(db, MiningParams{1, 0}).size() == 7 + 3 + 5);

  // Empty baskets count towards N but hold nothing.
  std::vector<Mask> with_empty = {0, 0b11, 0, 0b01, 0};
  const TransactionDb db2 = build_db(with_empty, 2, identity(2), rng, false);
  REQUIRE(db2.size() == 5);
  check_all_agree(with_empty, 2, db2, MiningParams{1, 0});
  check_all_agree(with_empty, 2, db2, MiningParams{2, 0});
  std::vector<Mask> all_empty = {0, 0, 0};
  const TransactionDb db3 = build_db(all_empty, 3, identity(3), rng, false);
  check_all_agree(all_empty, 3, db3, MiningParams{1, 0});
  CHECK(mine_fpgrowth(db3, MiningParams{1, 0}).size() == 0);
}

TEST_CASE("perfect extensions: items in every basket, items always bought together",
          "[crosscheck]") {
  // Item 0 is in every basket (the empty prefix's perfect extension, like mushroom's veil
  // type); 1, 2 and 3 always come together; 4 always brings 5 and 6, which also come alone;
  // 7..11 are random. FP-growth leaves such items out of its conditional trees and adds them
  // back to every itemset found below, which must give brute force's itemsets and counts.
  std::mt19937 rng(2020);
  const unsigned k = 12;
  for (int round = 0; round < 30; ++round) {
    std::vector<Mask> baskets(5 + rng() % 40);
    for (auto& b : baskets) {
      b = Mask{1} | (static_cast<Mask>(rng()) & 0b111110000000);
      if (rng() % 2) b |= 0b1110;
      if (rng() % 3 == 0) b |= 0b1110000;
      if (rng() % 3 == 0) b |= 0b1100000;
    }
    if (round % 3 == 0) baskets.push_back(0b1);  // item 0 alone too
    const TransactionDb db = build_db(baskets, k, identity(k), rng, false);
    const auto n = static_cast<std::uint32_t>(baskets.size());
    for (std::uint32_t min_count : {1u, 2u, n / 3 + 1, n / 2 + 1, n}) {
      for (std::uint32_t max_len : {0u, 1u, 2u, 3u, 5u}) {
        const MiningParams params{min_count, max_len};
        check_all_agree(baskets, k, db, params);
        // Row for row the same with threads: the order of the itemsets added back is fixed.
        const auto one = mine_fpgrowth(db, params, 1);
        for (unsigned threads : {2u, 4u}) {
          const auto many = mine_fpgrowth(db, params, threads);
          REQUIRE(many.offsets == one.offsets);
          REQUIRE(many.items == one.items);
          REQUIRE(many.counts == one.counts);
        }
      }
    }
  }
  // Every item in every basket: nothing is left for the tree.
  const std::vector<Mask> all(5, 0b111);
  const TransactionDb db = build_db(all, 3, identity(3), rng, false);
  for (std::uint32_t max_len : {0u, 1u, 2u}) check_all_agree(all, 3, db, {5, max_len});
  CHECK(mine_fpgrowth(db, {5, 0}, 2).size() == 7);
}
