// Complementary categories (category_rules.hpp, complements.hpp): category-level rules from
// baskets mapped to categories; confidence, lift and support by hand on 20 baskets; only
// lift > 1; ordered by added value; exclude / allow lists; and agreement with a brute force
// over random shops.
#include <algorithm>
#include <map>
#include <random>
#include <set>

#include "kinds_util.hpp"
#include "mine/bundle_content.hpp"
#include "mine/category_rules.hpp"
#include "mine/mine.hpp"
#include "score/complements.hpp"
#include "test_util.hpp"

namespace {

using namespace basketlift;
using Catch::Detail::Approx;

// Items are named after their category in lower case (a and a2 are both A); u has none.
std::vector<bltest::Basket> baskets() {
  return {
      {"a", "b", "h", "c", "g"},  // 1-5: the five baskets with an A item
      {"a", "a2", "b", "h", "c", "g"},
      {"a", "b", "h", "d"},
      {"a", "b", "h", "d", "e"},
      {"a2", "h"},
      {"b", "h", "c"},  // 6-20
      {"b", "h", "d"},
      {"b", "h", "d", "e"},
      {"b", "h", "d"},
      {"b", "h"},
      {"b", "h"},
      {"b", "h"},
      {"b", "d"},
      {"b", "d"},
      {"b"},
      {"d"},
      {"u"},
      {"u"},
      {"u"},
      {"u"},
  };
}

Catalog catalog() {
  return kindstest::make_catalog({{"a", "A", 1.0},
                                  {"a2", "A", 2.0},
                                  {"b", "B", 1.0},
                                  {"c", "C", 1.0},
                                  {"d", "D", 1.0},
                                  {"e", "E", 1.0},
                                  {"g", "G", 1.0},
                                  {"h", "H", 1.0}});
}

std::unique_ptr<Bundle> bundle(const std::vector<bltest::Basket>& bs, const Catalog& cat,
                               std::uint32_t min_count) {
  MineResult r;
  r.data.db = bltest::make_db(bs);
  MineOptions opt;
  opt.min_count = min_count;
  mine_db(r, opt);
  return kindstest::load(make_bundle_content(r, opt, "t", "now", &cat));
}

std::vector<std::string> names(const Bundle& b, const std::vector<CategoryRecommendation>& v) {
  std::vector<std::string> out;
  for (const auto& r : v) out.emplace_back(b.category_label(r.category));
  return out;
}

}  // namespace

TEST_CASE("complementary categories: confidence, lift, support and order by hand",
          "[kinds][complements]") {
  auto b = bundle(baskets(), catalog(), 2);
  REQUIRE(b->transactions() == 20);
  const auto A = b->find_category("A");
  // Baskets holding each category (a basket with a and a2 counts A once):
  // A 5, B 14, C 3, D 8, E 2, G 2, H 12.
  CHECK(b->category_popularity(A) == 5);
  CHECK(b->category_popularity(b->find_category("B")) == 14);
  CHECK(b->category_popularity(b->find_category("C")) == 3);
  CHECK(b->category_popularity(b->find_category("D")) == 8);
  CHECK(b->category_popularity(b->find_category("H")) == 12);
  // With A: H 5, B 4, C 2, G 2, D 2, E 1 (N = 20).
  //   H: conf 5/5 = 1,  P(H) = .6,  lift 1.6667, support .25, added value .4
  //   G: conf 2/5 = .4, P(G) = .1,  lift 4,      support .1,  added value .3
  //   C: conf .4,       P(C) = .15, lift 2.6667, support .1,  added value .25
  //   B: conf .8,       P(B) = .7,  lift 1.1429, support .2,  added value .1
  //   D: conf .4,       P(D) = .4,  lift exactly 1: not a complement
  //   E: 1 basket < min count 2
  // By lift the order would be G C H B, by confidence H B C/G: added value gives H G C B.
  auto out = complementary_categories(*b, A, 10);
  REQUIRE(names(*b, out) == std::vector<std::string>{"H", "G", "C", "B"});
  CHECK(out[0].confidence == Approx(1.0));
  CHECK(out[0].lift == Approx(20.0 / 12));
  CHECK(out[0].support == Approx(0.25));
  CHECK(out[1].confidence == Approx(0.4));
  CHECK(out[1].lift == Approx(4.0));
  CHECK(out[1].support == Approx(0.1));
  CHECK(out[2].confidence == Approx(0.4));
  CHECK(out[2].lift == Approx(0.4 / 0.15));
  CHECK(out[2].support == Approx(0.1));
  CHECK(out[3].confidence == Approx(0.8));
  CHECK(out[3].lift == Approx(0.8 / 0.7));
  CHECK(out[3].support == Approx(0.2));
  for (const auto& r : out) CHECK(r.lift > 1.0);

  // The reverse direction: C -> A has confidence 2/3 and the same lift.
  auto from_c = complementary_categories(*b, b->find_category("C"), 10);
  auto ca = std::find_if(from_c.begin(), from_c.end(), [&](auto& r) { return r.category == A; });
  REQUIRE(ca != from_c.end());
  CHECK(ca->confidence == Approx(2.0 / 3));
  CHECK(ca->lift == Approx(20.0 * 2 / (5 * 3)));

  // n, exclude and allow (category ids).
  CHECK(names(*b, complementary_categories(*b, A, 2)) == std::vector<std::string>{"H", "G"});
  const std::uint32_t ex[] = {b->find_category("G"), b->find_category("D")};
  CHECK(names(*b, complementary_categories(*b, A, 10, ex)) ==
        std::vector<std::string>{"H", "C", "B"});
  const std::uint32_t allow[] = {b->find_category("B"), b->find_category("C"),
                                 b->find_category("D")};
  CHECK(names(*b, complementary_categories(*b, A, 10, {}, allow)) ==
        std::vector<std::string>{"C", "B"});
  CHECK(complementary_categories(*b, A, 10, allow, allow).empty());
  // Unknown category ids: nothing, no crash.
  CHECK(complementary_categories(*b, b->category_count(), 10).empty());
  CHECK(complementary_categories(*b, kNoCategory, 10).empty());

  // A higher min count drops the rules with 2 baskets.
  auto strict = bundle(baskets(), catalog(), 3);
  CHECK(names(*strict, complementary_categories(*strict, strict->find_category("A"), 10)) ==
        std::vector<std::string>{"H", "B"});
}

TEST_CASE("complementary categories agree with a brute force on random shops",
          "[kinds][complements]") {
  std::mt19937 rng(2024);
  for (int shop = 0; shop < 25; ++shop) {
    const int n_items = 10 + static_cast<int>(rng() % 30), n_cat = 2 + static_cast<int>(rng() % 8);
    std::vector<std::tuple<std::string, std::string, double>> rows;
    std::map<std::string, std::string> category_of;
    for (int i = 0; i < n_items; ++i) {
      if (rng() % 6 == 0) continue;
      const auto k = kindstest::tag("K", rng() % n_cat);
      rows.emplace_back(kindstest::tag("i", i), k, 1.0);
      category_of[kindstest::tag("i", i)] = k;
    }
    std::vector<bltest::Basket> bs;
    const int n_baskets = 40 + static_cast<int>(rng() % 80);
    for (int k = 0; k < n_baskets; ++k) {
      bltest::Basket basket;
      const double p = 0.05 + 0.1 * (rng() % 3);
      for (int i = 0; i < n_items; ++i)
        if (std::uniform_real_distribution<double>(0, 1)(rng) < p)
          basket.push_back(kindstest::tag("i", i));
      if (basket.empty()) basket.push_back(kindstest::tag("i", rng() % n_items));
      bs.push_back(basket);
    }
    const std::uint32_t min_count = 1 + rng() % 3;
    auto b = bundle(bs, kindstest::make_catalog(rows), min_count);
    // Brute force over category labels.
    std::map<std::string, int> pop;
    std::map<std::pair<std::string, std::string>, int> pair;
    for (const auto& basket : bs) {
      std::set<std::string> cats;
      for (const auto& item : basket)
        if (category_of.count(item)) cats.insert(category_of[item]);
      for (const auto& x : cats) {
        ++pop[x];
        for (const auto& y : cats)
          if (x != y) ++pair[{x, y}];
      }
    }
    const double N = static_cast<double>(bs.size());
    for (std::uint32_t a = 0; a < b->category_count(); ++a) {
      const std::string la(b->category_label(a));
      CHECK(b->category_popularity(a) == static_cast<std::uint32_t>(pop[la]));
      struct Row {
        std::string c;
        int count;
        double added;
      };
      std::vector<Row> expected;
      for (const auto& [key, count] : pair) {
        if (key.first != la || count < static_cast<int>(min_count)) continue;
        // lift > 1 <=> count * N > pop(a) * pop(c), in integers.
        if (static_cast<long>(count) * static_cast<long>(bs.size()) <=
            static_cast<long>(pop[la]) * pop[key.second])
          continue;
        expected.push_back(
            {key.second, count, static_cast<double>(count) / pop[la] - pop[key.second] / N});
      }
      std::sort(expected.begin(), expected.end(), [](const Row& x, const Row& y) {
        return x.added != y.added ? x.added > y.added : x.c < y.c;
      });
      if (expected.size() > kCategoryRulesKept) expected.resize(kCategoryRulesKept);
      auto got = complementary_categories(*b, a, 1000);
      INFO("shop " << shop << " category " << la);
      REQUIRE(got.size() == expected.size());
      for (std::size_t k = 0; k < got.size(); ++k) {
        INFO(k);
        // (Labels K0..K9 sort like ids; equal added values are ordered by id.)
        CHECK(std::string(b->category_label(got[k].category)) == expected[k].c);
        CHECK(got[k].confidence == Approx(static_cast<double>(expected[k].count) / pop[la]));
        CHECK(got[k].support == Approx(expected[k].count / N));
        CHECK(got[k].lift > 1.0);
      }
    }
  }
}
