// Mining with --threads and over weighted rows (issue 6, "Large logs"): results identical to
// one thread (itemsets and counts row for row before sort_canonical, rules, and bundle bytes
// with the same created_at) on retail.dat at several thresholds, on Online Retail (with users
// and dates, so repurchase statistics too) and on random databases; a database that stores
// identical baskets once mines exactly like the same baskets stored one by one.
#include <random>

#include "bundle/bundle.hpp"
#include "ingest/order_log.hpp"
#include "mine/bundle_content.hpp"
#include "mine/eclat.hpp"
#include "mine/fpgrowth.hpp"
#include "mine/mine.hpp"
#include "mine/occurrences.hpp"
#include "model/error.hpp"
#include "test_util.hpp"

namespace {

using namespace basketlift;

void require_identical(const ItemsetTable& a, const ItemsetTable& b) {
  REQUIRE(a.size() == b.size());
  REQUIRE(a.offsets == b.offsets);
  REQUIRE(a.items == b.items);
  REQUIRE(a.counts == b.counts);
}

void require_same_rules(const std::vector<Rule>& a, const std::vector<Rule>& b) {
  REQUIRE(a.size() == b.size());
  for (std::size_t k = 0; k < a.size(); ++k) {
    REQUIRE(a[k].antecedent == b[k].antecedent);
    REQUIRE(a[k].consequent == b[k].consequent);
    REQUIRE(a[k].itemset == b[k].itemset);
  }
}

const Ingested& retail() {
  static const Ingested in = read_transactions(bltest::data_file("fimi/retail.dat"), {});
  return in;
}

// The same baskets, each stored as its own row.
TransactionDb expanded(const TransactionDb& db) {
  TransactionDb out;
  out.items = db.items;
  out.support = db.support;
  for (std::size_t b = 0; b < db.size(); ++b) out.add_basket(db.basket(b));
  return out;
}

}  // namespace

TEST_CASE("fpgrowth: 2 and 4 threads give one thread's table on retail.dat", "[mining][large]") {
  BLTEST_SKIP_WITHOUT_DATA("fimi/retail.dat");
  const auto& db = retail().db;
  struct Case {
    std::uint32_t min_count, max_len;
  };
  for (auto c : {Case{441, 0}, Case{89, 0}, Case{45, 3}, Case{9, 0}, Case{9, 3}}) {
    CAPTURE(c.min_count, c.max_len);
    const MiningParams params{c.min_count, c.max_len};
    const auto one = mine_fpgrowth(db, params, 1);
    for (unsigned threads : {2u, 4u}) {
      CAPTURE(threads);
      require_identical(one, mine_fpgrowth(db, params, threads));  // row for row, unsorted
    }
  }
  // The known answer at min-count 9, all lengths, still holds with threads.
  CHECK(mine_itemsets(db, {9, 0}, Algorithm::FpGrowth, 2).size() == 240852);
}

TEST_CASE("fpgrowth: mushroom.dat's parts, prepared on the workers, arrive in one order",
          "[mining][large]") {
  // 576,309 itemsets, tens of MiB as parts: the parts mined ahead of the one being handed over
  // fill their queue, so workers wait for it, and the text each worker prepares must still
  // come out in one thread's order.
  BLTEST_SKIP_WITHOUT_DATA("fimi/mushroom.dat");
  const auto in = read_transactions(bltest::data_file("fimi/mushroom.dat"), {});
  auto run = [&](unsigned threads) {
    std::string all;
    std::size_t rows = 0;
    mine_fpgrowth_parts(
        in.db, {800, 0}, threads,
        [](ItemsetPart& part) {
          for (std::size_t r = 0; r < part.table.size(); ++r) {
            for (const ItemId i : part.table.itemset(r)) part.text += std::to_string(i) + ' ';
            part.text += std::to_string(part.table.counts[r]) + '\n';
          }
        },
        [&](ItemsetPart& part) {
          all += part.text;
          rows += part.table.size();
        });
    CHECK(rows == 576309);
    return all;
  };
  const auto one = run(1);
  for (unsigned threads : {2u, 4u}) {
    CAPTURE(threads);
    CHECK(run(threads) == one);
  }
}

TEST_CASE("mine: Online Retail gives the same itemsets, rules and bundle bytes for any threads",
          "[mining][large][retail]") {
  const char* kOnlineRetail = "online-retail/online_retail.csv.gz";
  BLTEST_SKIP_WITHOUT_DATA(kOnlineRetail);
  MineOptions opt;
  bltest::online_retail_columns(opt.ingest);
  opt.min_support = parse_fraction("0.004", "--min-support");
  opt.max_len = 0;
  const auto path = bltest::data_file(kOnlineRetail);
  auto run = [&](unsigned threads) {
    opt.threads = threads;
    opt.ingest.threads = threads;
    return mine(path, opt);
  };
  const auto one = run(1);
  REQUIRE(one.itemsets.size() > 1000);
  const auto bytes = encode_bundle(make_bundle_content(one, opt, "online_retail.csv.gz", "T"));
  for (unsigned threads : {2u, 4u}) {
    CAPTURE(threads);
    const auto many = run(threads);
    CHECK(many.min_count == one.min_count);
    require_identical(one.itemsets, many.itemsets);
    require_same_rules(one.rules, many.rules);
    CHECK(encode_bundle(make_bundle_content(many, opt, "online_retail.csv.gz", "T")) == bytes);
  }
}

TEST_CASE("fpgrowth: weighted rows mine like the baskets one by one, with any threads",
          "[mining][large]") {
  // Random logs with many repeated baskets, read by ingest (which stores each distinct basket
  // once), mined as they are and expanded back to one row per basket.
  bltest::TempDir dir;
  std::mt19937 rng(4242);
  for (int round = 0; round < 60; ++round) {
    const unsigned n_items = 3 + rng() % 12, n_shapes = 1 + rng() % 12;
    std::vector<std::vector<unsigned>> shapes(n_shapes);
    for (auto& s : shapes)
      for (unsigned i = 0; i < n_items; ++i)
        if (rng() % 3 == 0) s.push_back(i);
    std::string csv = "order_id,item_id\n";
    const unsigned n_orders = 1 + rng() % 300;
    for (unsigned o = 0; o < n_orders; ++o) {
      const auto& s = shapes[rng() % n_shapes];
      for (unsigned i : s) {
        csv += "o";
        csv += std::to_string(o);
        csv += ",i";
        csv += std::to_string(i);
        csv += '\n';
      }
    }
    const auto path = dir.file("w.csv");
    bltest::write_file(path, csv);
    Ingested in;
    try {
      in = read_transactions(path, {});
    } catch (const InputError&) {
      continue;  // every order drew an empty shape
    }
    CHECK(in.db.rows() <= n_shapes);
    const auto flat = expanded(in.db);
    for (std::uint32_t min_count : {1u, 2u, 5u, 20u}) {
      for (std::uint32_t max_len : {0u, 2u}) {
        CAPTURE(round, min_count, max_len);
        const MiningParams params{min_count, max_len};
        auto want = mine_eclat(flat, params);
        want.sort_canonical();
        auto flat_fp = mine_fpgrowth(flat, params);
        flat_fp.sort_canonical();
        require_identical(want, flat_fp);
        const auto one = mine_fpgrowth(in.db, params, 1);
        auto sorted = one;
        sorted.sort_canonical();
        require_identical(want, sorted);
        for (unsigned threads : {2u, 4u})
          require_identical(one, mine_fpgrowth(in.db, params, threads));
        // The occurrence-list Eclat on the weighted rows too.
        const auto occ = mine_occurrences(in.db, params, 1);
        auto occ_sorted = occ;
        occ_sorted.sort_canonical();
        require_identical(want, occ_sorted);
        require_identical(occ, mine_occurrences(in.db, params, 2));
      }
    }
  }
}

TEST_CASE("fpgrowth and eclat: random databases mine the same with 1, 2 and 4 threads",
          "[mining][large]") {
  std::mt19937 rng(77);
  for (int round = 0; round < 200; ++round) {
    const unsigned n_items = 2 + rng() % 30, n_baskets = 1 + rng() % 200;
    std::vector<bltest::Basket> baskets(n_baskets);
    for (auto& b : baskets) {
      const unsigned len = 1 + rng() % 8;
      for (unsigned k = 0; k < len; ++k) {
        std::string label = "i";  // appended: GCC 12 -Wrestrict false positive on "i" + string
        label += std::to_string(rng() % n_items);
        b.push_back(label);
      }
    }
    const auto db = bltest::make_db(baskets);
    for (std::uint32_t min_count : {1u, 2u, 3u, 10u}) {
      CAPTURE(round, min_count);
      const MiningParams params{min_count, round % 2 ? 0u : 3u};
      const auto one = mine_fpgrowth(db, params, 1);
      for (unsigned threads : {2u, 4u}) require_identical(one, mine_fpgrowth(db, params, threads));
      const auto occ = mine_occurrences(db, params, 1);
      for (unsigned threads : {2u, 4u})
        require_identical(occ, mine_occurrences(db, params, threads));
    }
  }
}
