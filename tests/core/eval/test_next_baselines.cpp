// P-TopFreq and TIFU-KNN (eval/next_baselines.hpp) on small histories whose answers were worked
// out by hand (the arithmetic is in the comments).
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <random>
#include <vector>

#include "eval/next_baselines.hpp"
#include "kinds_util.hpp"
#include "test_util.hpp"

namespace {

using basketlift::ItemVector;
using basketlift::p_top_freq;
using basketlift::tifu_vector;
using basketlift::TifuKnn;
using Catch::Detail::Approx;
using Items = std::vector<std::uint32_t>;
using History = std::vector<Items>;

double weight(const ItemVector& v, std::uint32_t item) {
  for (const auto& [i, w] : v)
    if (i == item) return w;
  return 0;
}

}  // namespace

TEST_CASE("p-topfreq: by baskets, then recency, then id", "[eval][next]") {
  // Baskets holding each item: 1 → 2 (last in basket 2), 2 → 3, 3 → 2 (last in basket 3),
  // 4 → 1. Item 3 beats item 1 on recency.
  const History h = {{1, 2}, {2, 3}, {1, 2, 4}, {3}};
  CHECK(p_top_freq(h, 3) == Items{2, 3, 1});
  CHECK(p_top_freq(h, 10) == Items{2, 3, 1, 4});
  CHECK(p_top_freq(History{{9, 4}}, 5) == Items{4, 9});    // same basket: the smaller id
  CHECK(p_top_freq(History{{5}, {7}}, 5) == Items{7, 5});  // the later basket first
  CHECK(p_top_freq(History{}, 5).empty());
}

TEST_CASE("tifu: the decayed, grouped frequency vector", "[eval][next]") {
  // m = 2 over 5 baskets: groups [b1], [b2 b3], [b4 b5] (the oldest holds the rest).
  // G1 = {1: 1}; G2 = (0.5·{1,2} + {2}) / 2 = {1: .25, 2: .75};
  // G3 = (0.5·{3} + {1,3}) / 2 = {1: .5, 3: .75};
  // u = (0.25²·G1 + 0.25·G2 + G3) / 3 = {1: .625/3, 2: .1875/3, 3: .75/3}.
  const History h = {{1}, {1, 2}, {2}, {3}, {1, 3}};
  const auto v = tifu_vector(h, 2, 0.5, 0.25);
  REQUIRE(v.size() == 3);
  CHECK(weight(v, 1) == Approx(0.625 / 3));
  CHECK(weight(v, 2) == Approx(0.1875 / 3));
  CHECK(weight(v, 3) == Approx(0.25));
  // m at least T: one group, a plain average of within-decayed baskets: ({1}·.25 + {1,2}) / 2.
  const auto one = tifu_vector(History{{1}, {1, 2}}, 7, 0.25, 0.1);
  CHECK(weight(one, 1) == Approx(0.625));
  CHECK(weight(one, 2) == Approx(0.5));
  // No decay and m = 1: each basket its own group, the mean of the baskets.
  const auto flat = tifu_vector(h, 1, 1.0, 1.0);
  CHECK(weight(flat, 1) == Approx(3.0 / 5));
  CHECK(weight(flat, 3) == Approx(2.0 / 5));
  CHECK(tifu_vector(History{}, 3, 0.9, 0.9).empty());
}

TEST_CASE("tifu-knn: Euclidean neighbours and the blend", "[eval][next]") {
  // Squared distances from A = {1: 1}: to B = {1: .9, 2: .5} 0.01 + 0.25 = 0.26, to C = {3: 1}
  // 1 + 1 = 2, to D = {1: 1, 4: .2} 0.04. E is empty and never a neighbour.
  TifuKnn knn({{{1, 1.0}}, {{1, 0.9}, {2, 0.5}}, {{3, 1.0}}, {{1, 1.0}, {4, 0.2}}, {}});
  const auto nearest = knn.neighbours(0, 10);
  CHECK(nearest == Items{3, 1, 2});
  CHECK(knn.neighbours(0, 2) == Items{3, 1});
  // α = 0.5, k = 2: 0.5·A + 0.25·(D + B): item 1 = .5 + .25 + .225, item 2 = .125, item 4 = .05.
  CHECK(knn.recommend(0, nearest, 2, 0.5, 3) == Items{1, 2, 4});
  // k = 1: 0.5·A + 0.5·D: item 1 = 1, item 4 = 0.1; item 2 is not reached.
  CHECK(knn.recommend(0, nearest, 1, 0.5, 3) == Items{1, 4});
  // α = 1: the shopper's own vector alone.
  CHECK(knn.recommend(1, knn.neighbours(1, 3), 3, 1.0, 5) == Items{1, 2});
  // α = 0: the neighbours alone; C's nearest (E excluded) are A (2), D (2.04), B (2.06).
  CHECK(knn.neighbours(2, 4) == Items{0, 3, 1});
  CHECK(knn.recommend(2, knn.neighbours(2, 4), 1, 0.0, 5) == Items{1});
}

TEST_CASE("tifu-knn: neighbours and rankings agree with a dense brute force", "[eval][next]") {
  // Random histories (fixed seed) over 12 items; the brute force builds every vector densely from
  // the definition, compares every pair of shoppers, and sorts every item: nothing shared with
  // the sparse code under test but the inputs.
  std::mt19937 rng(2020);
  const std::uint32_t items = 12, m = 3;
  const double rb = 0.8, rg = 0.6;
  std::vector<History> histories(40);
  std::vector<ItemVector> pool;
  std::vector<std::vector<double>> dense;
  for (auto& h : histories) {
    h.resize(1 + rng() % 8);
    for (auto& basket : h) {
      for (std::uint32_t i = 0; i < items; ++i)
        if (rng() % 4 == 0) basket.push_back(i);
      if (basket.empty()) basket.push_back(static_cast<std::uint32_t>(rng() % items));
    }
    pool.push_back(tifu_vector(h, m, rb, rg));
    // Dense: basket t (0-based, oldest first) of T lies in group K-1-(T-1-t)/m counted from the
    // oldest; its position from its group's end is (T-1-t)%m; the oldest group holds T-(K-1)m.
    const std::size_t t_count = h.size(), k_groups = (t_count + m - 1) / m;
    std::vector<double> v(items, 0.0);
    for (std::size_t t = 0; t < t_count; ++t) {
      const std::size_t back = t_count - 1 - t, group_from_end = back / m;
      const std::size_t size = group_from_end == k_groups - 1 ? t_count - (k_groups - 1) * m : m;
      const double w = std::pow(rg, static_cast<double>(group_from_end)) *
                       std::pow(rb, static_cast<double>(back % m)) / static_cast<double>(size) /
                       static_cast<double>(k_groups);
      for (auto i : h[t]) v[i] += w;
    }
    for (std::uint32_t i = 0; i < items; ++i) CHECK(weight(pool.back(), i) == Approx(v[i]));
    dense.push_back(v);
  }
  TifuKnn knn(pool);
  for (std::uint32_t self = 0; self < dense.size(); ++self) {
    std::vector<std::pair<double, std::uint32_t>> dist;
    for (std::uint32_t u = 0; u < dense.size(); ++u) {
      if (u == self) continue;
      double d = 0;
      for (std::uint32_t i = 0; i < items; ++i)
        d += (dense[self][i] - dense[u][i]) * (dense[self][i] - dense[u][i]);
      dist.push_back({d, u});
    }
    std::sort(dist.begin(), dist.end());
    const auto nearest = knn.neighbours(self, 7);
    REQUIRE(nearest.size() == 7);
    // Equal up to rounding: compare distances, not indices, so near-ties cannot flip the check.
    for (std::size_t r = 0; r < 7; ++r) {
      double d = 0;
      for (std::uint32_t i = 0; i < items; ++i)
        d += (dense[self][i] - dense[nearest[r]][i]) * (dense[self][i] - dense[nearest[r]][i]);
      CHECK(d == Approx(dist[r].first).margin(1e-12));
    }
    // The blend over those neighbours, ranked densely.
    const double alpha = 0.6;
    std::vector<std::pair<double, std::uint32_t>> score;
    for (std::uint32_t i = 0; i < items; ++i) {
      double s = alpha * dense[self][i];
      for (std::size_t r = 0; r < 5; ++r) s += (1 - alpha) / 5 * dense[nearest[r]][i];
      if (s > 0) score.push_back({-s, i});
    }
    std::sort(score.begin(), score.end());
    const auto top = knn.recommend(self, nearest, 5, alpha, 4);
    REQUIRE(top.size() == std::min<std::size_t>(4, score.size()));
    for (std::size_t r = 0; r < top.size(); ++r) {
      double s = alpha * dense[self][top[r]];
      for (std::size_t q = 0; q < 5; ++q) s += (1 - alpha) / 5 * dense[nearest[q]][top[r]];
      CHECK(-s == Approx(score[r].first).margin(1e-12));
    }
  }
}

TEST_CASE("eval --next-only: both baselines on a hand-made log", "[eval][next]") {
  // Before 2011-03-01: u1 {a b} {a c} {b d}; u2 {a e} {e}; u3 {c d e}. One as-of day, 03-01
  // (the log ends 03-14, so the 14 days fit), and what follows: u1 {a d y} (y is unknown), u2 {e
  // b}, u3 {c} {c}. Cases: u1 and u2 (u3 has one earlier order). P-TopFreq: u1 b a d c (a and b in
  // 2 orders, b later; then d, later than c): a and d hit, 2/5; u2 e a: e hits, 1/5. Mean 0.3.
  // TIFU-KNN (defaults: the mean of the baskets, alpha 0.7, every other shopper a neighbour):
  // u1 = {a 2/3, b 2/3, c 1/3, d 1/3}, u2 = {a 1/2, e 1}, u3 = {c 1, d 1, e 1}; u1 scores
  // 0.7 u1 + 0.15 (u2 + u3): a .54, b .47, c .38, d .38, e .3: all five, a and d hit, 2/5; u2
  // scores every item too (e .85, a .45, c .2, d .2, b .1): e and b hit, 2/5. Mean 0.4.
  bltest::TempDir dir;
  bltest::write_file(dir.file("orders.csv"),
                     "order,item,qty,customer,date\n"
                     "1,a,1,u1,2011-01-10\n1,b,1,u1,2011-01-10\n"
                     "2,a,1,u1,2011-01-20\n2,c,1,u1,2011-01-20\n"
                     "3,b,1,u1,2011-02-01\n3,d,1,u1,2011-02-01\n"
                     "4,a,1,u2,2011-01-12\n4,e,1,u2,2011-01-12\n"
                     "5,e,1,u2,2011-02-05\n"
                     "6,c,1,u3,2011-01-15\n6,d,1,u3,2011-01-15\n6,e,1,u3,2011-01-15\n"
                     "7,a,1,u1,2011-03-02\n7,d,1,u1,2011-03-02\n7,y,1,u1,2011-03-02\n"
                     "8,e,1,u2,2011-03-03\n8,b,1,u2,2011-03-03\n"
                     "9,c,1,u3,2011-03-04\n10,c,1,u3,2011-03-14\n");
  auto args = bltest::eval_hand_log(dir.file("orders.csv"), "1");
  args.insert(args.end(), {"--next-only", "--json"});
  const auto r = kindstest::run_cli(args);
  REQUIRE(r.status == 0);
  const auto j = kindstest::parse_json(r.out).at("next_purchase");
  CHECK(j.at("cases").number() == 2);
  CHECK(j.at("p_top_freq_p@5").number() == Approx(0.3));
  CHECK(j.at("tifu_knn_p@5").number() == Approx(0.4));
  const double own = j.at("basketlift_p@5").number();
  // It predicts only items of the shopper's history: at most a and d for u1, e for u2.
  CHECK((own >= 0 && own <= 0.3 + 1e-12));
}
