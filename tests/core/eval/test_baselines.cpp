// The EASE and session-kNN baselines against answers computed by hand or by a plain
// Gauss-Jordan inverse, and choose_on_validation against a case whose best setting is clear.
#include <cmath>
#include <initializer_list>
#include <string>
#include <vector>

#include "eval/baselines.hpp"
#include "eval/evaluate.hpp"
#include "mine/learned.hpp"
#include "test_util.hpp"

namespace {

using basketlift::Ease;
using basketlift::ItemId;
using basketlift::SessionKnn;
using basketlift::TransactionDb;
using Catch::Detail::Approx;

TransactionDb make_db(std::initializer_list<std::initializer_list<const char*>> baskets) {
  TransactionDb db;
  std::vector<ItemId> items;
  for (const auto& b : baskets) {
    items.clear();
    for (const char* label : b) items.push_back(db.items.intern(label));
    db.add_basket(items);
  }
  db.canonicalize();
  return db;
}

ItemId id(const TransactionDb& db, const char* label) { return db.items.find(label); }

// (XᵀX + λI)⁻¹ by Gauss-Jordan elimination with partial pivoting, in double: nothing shared
// with the code under test.
std::vector<std::vector<double>> inverse_of_gram(const TransactionDb& db, double lambda) {
  const std::size_t n = db.items.size();
  std::vector<std::vector<double>> a(n, std::vector<double>(2 * n, 0.0));
  for (std::size_t b = 0; b < db.size(); ++b)
    for (auto i : db.basket(b))
      for (auto j : db.basket(b)) a[i][j] += 1;
  for (std::size_t i = 0; i < n; ++i) {
    a[i][i] += lambda;
    a[i][n + i] = 1;
  }
  for (std::size_t c = 0; c < n; ++c) {
    std::size_t pivot = c;
    for (std::size_t r = c + 1; r < n; ++r)
      if (std::abs(a[r][c]) > std::abs(a[pivot][c])) pivot = r;
    std::swap(a[c], a[pivot]);
    const double d = a[c][c];
    for (auto& x : a[c]) x /= d;
    for (std::size_t r = 0; r < n; ++r)
      if (r != c) {
        const double f = a[r][c];
        for (std::size_t k = 0; k < 2 * n; ++k) a[r][k] -= f * a[c][k];
      }
  }
  std::vector<std::vector<double>> p(n, std::vector<double>(n));
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t j = 0; j < n; ++j) p[i][j] = a[i][n + j];
  return p;
}

TEST_CASE("ease: two items solved by hand", "[eval]") {
  // G = XᵀX = [[3, 2], [2, 3]]; with λ = 1, G + I = [[4, 2], [2, 4]] and
  // P = [[4, -2], [-2, 4]] / 12, so B[a][b] = -P[a][b] / P[b][b] = (2/12) / (4/12) = 0.5.
  const auto db = make_db({{"a", "b"}, {"a"}, {"a", "b"}, {"b"}});
  Ease ease(db, 100);
  REQUIRE(ease.items() == 2);
  ease.fit(1.0);
  CHECK(ease.weight(id(db, "a"), id(db, "b")) == Approx(0.5).epsilon(1e-5));
  CHECK(ease.weight(id(db, "b"), id(db, "a")) == Approx(0.5).epsilon(1e-5));
  CHECK(ease.weight(id(db, "a"), id(db, "a")) == 0.0f);  // diag B = 0
  // λ = 3: G + 3I = [[6, 2], [2, 6]], P ∝ [[6, -2], [-2, 6]]: B[a][b] = 2/6.
  ease.fit(3.0);
  CHECK(ease.weight(id(db, "a"), id(db, "b")) == Approx(1.0 / 3).epsilon(1e-5));
}

TEST_CASE("ease: B and cart scores agree with a Gauss-Jordan inverse", "[eval]") {
  const auto db = make_db({{"a", "b", "c"},
                           {"a", "b"},
                           {"b", "c", "d"},
                           {"a", "d"},
                           {"c", "d"},
                           {"a", "b", "c", "d"},
                           {"b"},
                           {"a", "c"}});
  for (double lambda : {0.5, 2.0, 10.0}) {
    CAPTURE(lambda);
    const auto p = inverse_of_gram(db, lambda);
    Ease ease(db, 100);
    REQUIRE(ease.items() == 4);
    ease.fit(lambda);
    for (ItemId i = 0; i < 4; ++i)
      for (ItemId j = 0; j < 4; ++j) {
        const double expected = i == j ? 0.0 : -p[i][j] / p[j][j];
        CHECK(ease.weight(i, j) == Approx(expected).margin(1e-5));
      }
    // A cart {a, c} (and an id EASE does not model, ignored) scores j with B[a][j] + B[c][j].
    const auto a = id(db, "a"), c = id(db, "c");
    std::vector<float> scores;
    const std::vector<std::uint32_t> cart{a, c, 99};
    REQUIRE(ease.score(cart, scores));
    REQUIRE(scores.size() == 4);
    for (ItemId j = 0; j < 4; ++j) {
      const double expected =
          (j == a ? 0.0 : -p[a][j] / p[j][j]) + (j == c ? 0.0 : -p[c][j] / p[j][j]);
      CHECK(scores[j] == Approx(expected).margin(1e-5));
    }
  }
}

TEST_CASE("ease: only the most popular items past the cap", "[eval]") {
  // Supports: b 4, a 3, c 2, d 1. Two items modelled: b and a, solved as if c and d were absent.
  const auto db = make_db({{"a", "b", "c"}, {"a", "b"}, {"b", "c", "d"}, {"a", "b"}});
  Ease ease(db, 2);
  REQUIRE(ease.items() == 2);
  CHECK(id(db, "b") == 0);
  CHECK(id(db, "a") == 1);
  // XᵀX over {b, a}: [[4, 3], [3, 3]]; λ = 1: [[5, 3], [3, 4]], P ∝ [[4, -3], [-3, 5]]:
  // B[b][a] = 3/5, B[a][b] = 3/4.
  ease.fit(1.0);
  CHECK(ease.weight(0, 1) == Approx(3.0 / 5).epsilon(1e-5));
  CHECK(ease.weight(1, 0) == Approx(3.0 / 4).epsilon(1e-5));
  std::vector<float> scores;
  const std::vector<std::uint32_t> unmodelled{id(db, "c"), id(db, "d")};
  CHECK_FALSE(ease.score(unmodelled, scores));  // no cart item modelled: no answer
}

TEST_CASE("session-knn: nearest baskets by cosine, items by summed similarity", "[eval]") {
  const auto db = make_db({{"a", "b", "c"}, {"a", "d"}, {"b", "c"}, {"e"}, {"d", "e"}});
  SessionKnn knn(db);
  // Cart {a, b}: basket 0 shares 2 of 3 items: 2/√(2·3); baskets 1 and 2 share one of 2: 1/√4;
  // baskets 3 and 4 share nothing. The tie between 1 and 2 goes to the later basket.
  const std::vector<std::uint32_t> cart{id(db, "a"), id(db, "b")};
  std::vector<SessionKnn::Neighbour> nearest;
  knn.neighbours(cart, 10, nearest);
  REQUIRE(nearest.size() == 3);
  CHECK(nearest[0].basket == 0);
  CHECK(nearest[0].sim == Approx(2 / std::sqrt(6.0)));
  CHECK(nearest[1].basket == 2);
  CHECK(nearest[1].sim == Approx(0.5));
  CHECK(nearest[2].basket == 1);
  CHECK(nearest[2].sim == Approx(0.5));
  auto scores_at = [&](std::uint32_t k) {
    std::vector<double> s(db.items.size(), 0.0);
    knn.score(nearest, k, [&](ItemId i, double sim) { s[i] += sim; });
    return s;
  };
  // k = 2: baskets 0 and 2. c: 2/√6 + 1/2; d not reached.
  auto s = scores_at(2);
  CHECK(s[id(db, "c")] == Approx(2 / std::sqrt(6.0) + 0.5));
  CHECK(s[id(db, "d")] == 0);
  CHECK(s[id(db, "e")] == 0);
  // k = 3 adds basket 1: d gets 1/2.
  s = scores_at(3);
  CHECK(s[id(db, "d")] == Approx(0.5));
  // The same neighbours again (the per-basket counters are reset between calls), and unknown
  // cart ids are ignored.
  const std::vector<std::uint32_t> with_unknown{id(db, "a"), id(db, "b"), 1000};
  knn.neighbours(with_unknown, 2, nearest);
  REQUIRE(nearest.size() == 2);
  CHECK(nearest[0].sim == Approx(2 / std::sqrt(6.0)));
}

TEST_CASE("choose_on_validation: the best validation HR@10, ties to the earlier setting",
          "[eval]") {
  // Training part (days 0-9): x goes with y three times and with t once; t with z three times.
  // Validation (the training part's last 60 days): one basket {x, t} on day 100. Whichever
  // item is hidden, the other's nearest neighbour is y or z, a miss; its second is the hidden
  // one. So item-kNN hits with k >= 2 only: from {1, 2, 3} k = 2 wins (3 ties, later).
  basketlift::Ingested data;
  std::vector<ItemId> items;
  auto add = [&](std::initializer_list<const char*> labels, std::int32_t day) {
    items.clear();
    for (const char* l : labels) items.push_back(data.db.items.intern(l));
    data.db.add_basket(items);
    data.basket_day.push_back(day);
    data.basket_user.push_back(basketlift::kNoUser);
  };
  for (int r = 0; r < 3; ++r) {
    add({"x", "y"}, r);
    add({"t", "z"}, 3 + r);
  }
  add({"x", "t"}, 9);
  add({"x", "t"}, 100);  // validation
  add({"y", "z"}, 200);  // test
  data.db.canonicalize();

  basketlift::EvalOptions o;
  o.split = basketlift::SplitKind::Temporal;
  o.train_before = 150;
  o.mine.min_count = 2;
  o.ease_max_items = 0;
  basketlift::BaselineGrids grids;
  grids.knn_k = {1, 2, 3};
  const auto chosen = basketlift::choose_on_validation(data, o, grids, {});
  CHECK(chosen.options.knn_k == 2);
  REQUIRE(chosen.knn_hr10);
  CHECK(*chosen.knn_hr10 == 1.0);
  CHECK_FALSE(chosen.ease_hr10);  // no grid: unchanged
  CHECK(chosen.options.session_k == o.session_k);
  // k = 1 alone: it is chosen though it never hits.
  grids.knn_k = {1};
  const auto only = basketlift::choose_on_validation(data, o, grids, {});
  CHECK(only.options.knn_k == 1);
  CHECK(*only.knn_hr10 == 0.0);
}

}  // namespace
