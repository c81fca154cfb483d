// P-TopFreq and TIFU-KNN (eval/next_baselines.hpp) on small histories whose answers were worked
// out by hand (the arithmetic is in the comments).
#include <cstdint>
#include <vector>

#include "eval/next_baselines.hpp"
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
