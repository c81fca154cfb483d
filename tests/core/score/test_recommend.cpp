// The scorer: hand-computed carts (noisy-or of rule confidences), exclusions, the popularity
// fallback, and agreement with a brute-force scorer written from the mined rules on real data.
#include <algorithm>
#include <bit>
#include <cmath>
#include <map>
#include <random>
#include <set>

#include "bundle/bundle.hpp"
#include "mine/bundle_content.hpp"
#include "mine/mine.hpp"
#include "score/recommend.hpp"
#include "scoring_util.hpp"
#include "test_util.hpp"

namespace {

using namespace basketlift;

using bltest::request_for;
using Catch::Detail::Approx;

struct Fixture {
  std::unique_ptr<Bundle> bundle;
  std::vector<std::uint32_t> ids(const std::vector<std::string>& labels) const {
    return bltest::ids_of(*bundle, labels);
  }
};

Fixture load(const MineResult& r, const MineOptions& options = bltest::no_learned()) {
  std::string error;
  Fixture f{Bundle::load(encode_bundle(make_bundle_content(r, options, "t", "now")), error)};
  REQUIRE(f.bundle);
  return f;
}

using bltest::Row;

// The hand-computed cases below use the noisy-or; the shipped default has its own test.
ScoringParams noisy_or() {
  ScoringParams p;
  p.aggregation = Aggregation::NoisyOr;
  p.pair_weight = 1.0;
  p.affinity_weight = 0.0;
  p.neighbour_weight = 0.0;  // the rules alone; neighbours have their own test
  return p;
}

std::vector<Row> run(const Fixture& f, Scorer& s, const std::vector<std::string>& cart,
                     const std::vector<std::string>& history = {},
                     const std::vector<std::string>& exclude = {}, std::uint32_t n = 5,
                     ScoringParams params = noisy_or()) {
  auto c = f.ids(cart), h = f.ids(history), e = f.ids(exclude);
  auto req = request_for(c, h, e, n);
  req.params = params;
  return bltest::rows_of(*f.bundle, s, s.recommend(req));
}

// Groceries mined low enough for many single and pair rules per cart.
MineOptions groceries_options() {
  MineOptions opt;
  opt.min_support = parse_fraction("0.002", "test");
  opt.rules.min_confidence = parse_fraction("0.05", "test");
  return bltest::no_learned(opt);
}

// Groceries mined and loaded with groceries_options().
Fixture groceries_bundle() {
  return load(mine(bltest::data_file("groceries/groceries.csv"), groceries_options()),
              groceries_options());
}

}  // namespace

TEST_CASE("one cart item: rules ranked by confidence, then popular items fill", "[recommend]") {
  auto f = load(bltest::mined_shop());
  Scorer s(*f.bundle);
  auto rows = run(f, s, {"bread"});
  REQUIRE(rows.size() == 5);
  // bread is in 5 baskets: with butter 4, milk 3, jam 2.
  CHECK(rows[0].item == "butter");
  CHECK(rows[0].score == Approx(0.8));
  CHECK(rows[0].lift == Approx(0.8 / (4.0 / 8)));  // 1.6
  CHECK(rows[1].item == "milk");
  CHECK(rows[1].score == Approx(0.6));
  CHECK(rows[1].lift == Approx(1.2));
  CHECK(rows[2].item == "jam");
  CHECK(rows[2].confidence == Approx(0.4));
  CHECK(rows[2].lift == Approx(1.6));
  for (int i = 0; i < 3; ++i) {
    CHECK(rows[i].kind == RecommendationKind::CrossSell);
    CHECK(rows[i].because == std::vector<std::string>{"bread"});
  }
  // Fallback: the most popular items left, ties (count 2) by label: beer, chips.
  CHECK(rows[3].item == "beer");
  CHECK(rows[4].item == "chips");
  CHECK(rows[3].kind == RecommendationKind::Popular);
  CHECK(rows[3].confidence == Approx(2.0 / 8));
  CHECK(rows[3].because.empty());
}

TEST_CASE("two cart items: single and pair rules combine as a noisy-or", "[recommend]") {
  auto f = load(bltest::mined_shop());
  Scorer s(*f.bundle);
  auto rows = run(f, s, {"bread", "butter"}, {}, {}, 2);
  REQUIRE(rows.size() == 2);
  // milk: bread->milk 3/5, butter->milk 2/4, {bread,butter}->milk 2/4: 1 - .4*.5*.5 = .9
  CHECK(rows[0].item == "milk");
  CHECK(rows[0].score == Approx(0.9));
  CHECK(rows[0].confidence == Approx(0.6));
  CHECK(rows[0].lift == Approx(1.2));
  CHECK(rows[0].because == std::vector<std::string>{"bread", "butter"});
  // jam: bread->jam 2/5, butter->jam 2/4, pair->jam 2/4: 1 - .6*.5*.5 = .85
  CHECK(rows[1].item == "jam");
  CHECK(rows[1].score == Approx(0.85));
  CHECK(rows[1].confidence == Approx(0.5));
  CHECK(rows[1].lift == Approx(2.0));
}

TEST_CASE("the default scorer: max of confidence * sqrt(lift), pair rules at half weight",
          "[recommend]") {
  auto f = load(bltest::mined_shop());
  Scorer s(*f.bundle);
  ScoringParams unsmoothed;
  unsmoothed.smoothing = 0;
  unsmoothed.neighbour_weight = 0;  // the rules alone here; neighbours have their own test
  auto rows = run(f, s, {"bread", "butter"}, {}, {}, 2, unsmoothed);
  REQUIRE(rows.size() == 2);
  // jam: butter->jam conf 2/4, lift .5/(2/8) = 2 -> .5*sqrt(2) = .7071 beats bread->jam
  // (.4*sqrt(1.6) = .5060) and the pair rule (.5*sqrt(2) * 0.5 = .3536).
  CHECK(rows[0].item == "jam");
  CHECK(rows[0].score == Approx(0.5 * std::sqrt(2.0)));
  CHECK(rows[0].confidence == Approx(0.5));
  CHECK(rows[0].lift == Approx(2.0));
  // milk: bread->milk .6*sqrt(1.2) = .6573 beats butter->milk .5*sqrt(1) and the pair .25.
  CHECK(rows[1].item == "milk");
  CHECK(rows[1].score == Approx(0.6 * std::sqrt(1.2)));
  CHECK(rows[1].because == std::vector<std::string>{"bread", "butter"});

  // The shipped smoothing (100 pseudo-baskets) favours evidence from more baskets: milk's rule
  // from 3 baskets now beats jam's from 2. milk: 3/(5+100) = .028571, lift' = .028571*8/4,
  // evidence .028571*sqrt(.057143) = .006830; jam: 2/(4+100) = .019231, lift' = .019231*8/2,
  // evidence .019231*sqrt(.076923) = .005334. Reported confidence and lift stay unsmoothed.
  ScoringParams smoothed;
  smoothed.neighbour_weight = 0;
  rows = run(f, s, {"bread", "butter"}, {}, {}, 2, smoothed);
  REQUIRE(rows.size() == 2);
  CHECK(rows[0].item == "milk");
  CHECK(rows[0].score == Approx(3.0 / 105 * std::sqrt(3.0 / 105 * 8 / 4)));
  CHECK(rows[0].confidence == Approx(0.6));
  CHECK(rows[1].item == "jam");
  CHECK(rows[1].score == Approx(2.0 / 104 * std::sqrt(2.0 / 104 * 8 / 2)));
}

TEST_CASE("cart, history and exclude items are never returned", "[recommend]") {
  auto f = load(bltest::mined_shop());
  Scorer s(*f.bundle);
  auto rows = run(f, s, {"bread", "butter"}, {"milk"}, {"beer"}, 10);
  std::set<std::string> seen;
  for (const auto& r : rows) {
    CHECK(r.item != "bread");
    CHECK(r.item != "butter");
    CHECK(r.item != "milk");
    CHECK(r.item != "beer");
    CHECK(seen.insert(r.item).second);
  }
  // 8 items, 4 blocked: every other item comes back, jam first by rules.
  CHECK(rows.size() == 4);
  CHECK(rows[0].item == "jam");
  CHECK(rows[0].score == Approx(0.85));
}

TEST_CASE("unknown and repeated cart ids are ignored; results are deterministic", "[recommend]") {
  auto f = load(bltest::mined_shop());
  Scorer s(*f.bundle);
  const std::uint32_t unknown = f.bundle->item_count() + 7;  // default params from here on
  std::vector<std::uint32_t> cart = {unknown, f.bundle->find("bread"), f.bundle->find("bread")};
  auto first = s.recommend(request_for(cart, {}, {}, 3));
  std::vector<std::uint32_t> items;
  for (const auto& r : first) items.push_back(r.item);
  auto again = s.recommend(request_for(cart, {}, {}, 3));
  REQUIRE(again.size() == items.size());
  for (std::size_t i = 0; i < items.size(); ++i) CHECK(again[i].item == items[i]);
  CHECK(f.bundle->label(items[0]) == "butter");
  // An empty cart is all fallback, in popularity order.
  auto empty = run(f, s, {}, {}, {}, 3);
  CHECK(empty[0].item == "bread");
  CHECK(empty[0].kind == RecommendationKind::Popular);
}

TEST_CASE("scorer agrees with a brute-force scorer over the mined rules (groceries)",
          "[recommend][data]") {
  BLTEST_SKIP_WITHOUT_DATA("groceries/groceries.csv");
  MineOptions opt = groceries_options();
  auto r = mine(bltest::data_file("groceries/groceries.csv"), opt);
  opt.max_rules_per_antecedent = 0;  // the bundle keeps every rule the brute force sees
  auto f = load(r, opt);
  Scorer s(*f.bundle);
  const auto& db = r.data.db;
  const auto& t = r.itemsets;
  // Bundle ids equal db ids (the writer keeps the canonical numbering).
  for (std::uint32_t i = 0; i < db.items.size(); ++i)
    REQUIRE(f.bundle->label(i) == db.items.label(i));

  std::mt19937 rng(7);
  for (int trial = 0; trial < 300; ++trial) {
    std::set<std::uint32_t> cart, blocked;
    const int k = 1 + static_cast<int>(rng() % 6);
    while (static_cast<int>(cart.size()) < k) cart.insert(rng() % 60);  // frequent-ish items
    blocked = cart;
    if (rng() % 2) blocked.insert(rng() % 169);
    // Brute force: every mined rule X -> {c}, |X| <= 2, X within the cart.
    std::map<std::uint32_t, double> miss;
    for (const auto& rule : r.rules) {
      auto x = t.itemset(rule.antecedent), y = t.itemset(rule.consequent);
      if (y.size() != 1 || x.size() > 2 || blocked.count(y[0])) continue;
      bool inside = true;
      for (auto i : x) inside &= cart.count(i) > 0;
      if (!inside) continue;
      double conf = static_cast<double>(t.counts[rule.itemset]) / t.counts[rule.antecedent];
      auto it = miss.emplace(y[0], 1.0).first;
      it->second *= 1.0 - conf;
    }
    std::vector<std::uint32_t> c(cart.begin(), cart.end());
    std::vector<std::uint32_t> extra(blocked.begin(), blocked.end());
    const std::uint32_t n = 10;
    auto req = request_for(c, {}, extra, n);
    req.params = noisy_or();
    auto results = s.recommend(req);
    REQUIRE(results.size() == n);
    double lowest = 2;
    std::size_t cross = 0;
    for (const auto& res : results) {
      REQUIRE_FALSE(blocked.count(res.item));
      if (res.kind != RecommendationKind::CrossSell) continue;
      ++cross;
      REQUIRE(miss.count(res.item));
      CHECK(res.score == Approx(1.0 - miss[res.item]).epsilon(1e-12));
      lowest = std::min(lowest, res.score);
    }
    CHECK(cross == std::min<std::size_t>(n, miss.size()));
    // Nothing left out scores higher than what was returned.
    std::set<std::uint32_t> returned;
    for (const auto& res : results) returned.insert(res.item);
    for (const auto& [item, m] : miss)
      if (!returned.count(item)) CHECK(1.0 - m <= lowest + 1e-12);
  }
}

TEST_CASE("because lists every cart item whose rules fired, in cart order, for carts past 64",
          "[recommend][data]") {
  BLTEST_SKIP_WITHOUT_DATA("groceries/groceries.csv");
  MineOptions opt = groceries_options();
  auto f = load(mine(bltest::data_file("groceries/groceries.csv"), opt), opt);
  const Bundle& b = *f.bundle;
  Scorer s(b);
  std::mt19937 rng(11);
  std::size_t long_carts = 0, bits_past_32 = 0;
  for (int trial = 0; trial < 60; ++trial) {
    // Carts of 1 to 150 entries in random order (one, two and three 64-bit words of reasons;
    // up to 64 entries the results carry them as bits of cart positions), some of them unknown
    // ids or repeats of an earlier entry, which take a position but are no reason.
    std::vector<std::uint32_t> cart;
    const std::size_t k = trial % 6 == 0 ? 60 + rng() % 8 : 1 + rng() % 150;
    while (cart.size() < k) {
      const auto roll = rng() % 10;
      if (roll == 0)
        cart.push_back(b.item_count() + static_cast<std::uint32_t>(rng() % 5));
      else if (roll == 1 && !cart.empty())
        cart.push_back(cart[rng() % cart.size()]);
      else
        cart.push_back(static_cast<std::uint32_t>(rng() % b.item_count()));
    }
    long_carts += k > 64;
    auto req = request_for(cart, {}, {}, 25);
    for (const auto& res : s.recommend(req)) {
      if (res.kind != RecommendationKind::CrossSell) continue;
      bits_past_32 += (res.reasons >> 32) != 0;
      // Brute force from the bundle: the first entry of an item is a reason when a rule or a
      // neighbour entry of it, or a rule of a pair holding it, has the result as consequent.
      std::vector<std::uint32_t> expected;
      for (std::size_t p = 0; p < cart.size(); ++p) {
        if (cart[p] >= b.item_count() ||
            std::find(cart.begin(), cart.begin() + p, cart[p]) != cart.begin() + p)
          continue;
        bool fired = false;
        for (const auto& r : b.single_rules(cart[p])) fired |= r.consequent == res.item;
        for (const auto& r : b.neighbours(cart[p])) fired |= r.consequent == res.item;
        for (std::size_t q = 0; q < cart.size() && !fired; ++q) {
          std::uint32_t count = 0;
          if (cart[q] != cart[p] && cart[q] < b.item_count())
            for (const auto& r : b.pair_rules(cart[p], cart[q], &count))
              fired |= r.consequent == res.item;
        }
        if (fired) expected.push_back(cart[p]);
      }
      REQUIRE(s.because(res) == expected);
      // The two forms: bits for carts of up to 64 entries, ids past that.
      if (cart.size() <= 64) {
        CHECK(res.because_begin == res.because_end);
        for (auto bits = res.reasons; bits != 0; bits &= bits - 1)
          CHECK(std::find(expected.begin(), expected.end(), cart[std::countr_zero(bits)]) !=
                expected.end());
      } else {
        CHECK(res.reasons == 0);
      }
    }
  }
  CHECK(long_carts > 10);
  CHECK(bits_past_32 > 0);  // the upper word of `reasons` was exercised
}

TEST_CASE("the best n are the first n of the full ranking, for every n (groceries)",
          "[recommend][data]") {
  // recommend(n) keeps a few more than n by a coarse score, then sorts; asking for every item
  // sorts all candidates. Both must agree, ties at the n-th score included.
  BLTEST_SKIP_WITHOUT_DATA("groceries/groceries.csv");
  auto f = groceries_bundle();
  Scorer s(*f.bundle);
  const std::uint32_t all = f.bundle->item_count();
  std::mt19937 rng(11);
  std::size_t compared = 0, tied = 0;
  for (int trial = 0; trial < 200; ++trial) {
    std::vector<std::uint32_t> cart, history;
    const int k = 1 + static_cast<int>(rng() % 8);
    for (int i = 0; i < k; ++i) cart.push_back(rng() % 80);
    for (int i = 0; i < static_cast<int>(rng() % 4); ++i) history.push_back(rng() % all);
    ScoringParams params;
    if (trial % 3 == 2) params = noisy_or();
    auto full_req = request_for(cart, history, {}, all);
    full_req.params = params;
    const auto full = bltest::rows_of(*f.bundle, s, s.recommend(full_req));
    std::size_t ranked = 0;  // the candidates: everything before the category and popular fill
    while (ranked < full.size() && (full[ranked].kind == RecommendationKind::CrossSell ||
                                    full[ranked].kind == RecommendationKind::Similar))
      ++ranked;
    for (std::size_t i = 1; i < ranked; ++i) tied += full[i].score == full[i - 1].score;
    for (std::uint32_t n = 1; n <= 25; ++n) {
      auto req = request_for(cart, history, {}, n);
      req.params = params;
      auto top = bltest::rows_of(*f.bundle, s, s.recommend(req));
      const std::size_t expect = std::min<std::size_t>(n, ranked);
      REQUIRE(top.size() >= expect);
      top.resize(expect);
      REQUIRE(top == std::vector<bltest::Row>(full.begin(), full.begin() + expect));
      ++compared;
    }
  }
  CHECK(compared == 200 * 25);
  CHECK(tied > 0);  // the data has equal scores, so the tie-breaking order is exercised
}

TEST_CASE("a scorer holds no more memory than memory_needed() foresees", "[recommend][data]") {
  // The wasm module refuses a bundle whose scorer would not fit by this estimate (an allocation
  // that fails there aborts the instance), so it must not fall short of what a scorer holds.
  BLTEST_SKIP_WITHOUT_DATA("groceries/groceries.csv");
  auto f = groceries_bundle();
  Scorer s(*f.bundle);
  const std::uint32_t all = f.bundle->item_count();
  std::mt19937 rng(5);
  for (int trial = 0; trial < 100; ++trial) {
    std::vector<std::uint32_t> cart, history;
    const int k = trial % 10 == 0 ? 64 : 1 + static_cast<int>(rng() % 20);
    for (int i = 0; i < k; ++i) cart.push_back(rng() % all);
    for (int i = 0; i < static_cast<int>(rng() % 10); ++i) history.push_back(rng() % all);
    auto req = request_for(cart, history, {}, trial % 2 ? all : 10);
    if (trial % 3 == 2) req.params = noisy_or();
    s.recommend(req);
  }
  const std::uint64_t used = s.memory_used(), needed = Scorer::memory_needed(*f.bundle);
  INFO("used " << used << " bytes, foreseen " << needed);
  CHECK(used <= needed);
  CHECK(needed <= 4 * used);  // and not so far above that bundles that fit are refused
  // What the wasm module asks before it builds a scorer.
  CHECK(Scorer::too_large(*f.bundle, needed).empty());
  CHECK(bltest::contains(Scorer::too_large(*f.bundle, needed - 1), "bundle too large to score"));
}

namespace {

// `m` items of which every pair has a rule (to one of ten more items): a cart of them has
// m(m-1)/2 pairs with rules, the most a cart can have, and never more than ten candidates.
Fixture every_pair(std::uint32_t m) {
  BundleContent c;
  for (std::uint32_t i = 0; i < m + 10; ++i) {
    c.labels.push_back(std::to_string(i));
    c.popularity.push_back(100);
  }
  c.transactions = 1000;
  for (std::uint32_t a = 0; a < m; ++a) {
    c.single_rules.push_back({a, {m + a % 10, 10}});
    for (std::uint32_t b = a + 1; b < m; ++b)
      c.pair_rules.push_back({a, b, 20, {m + (a + b) % 10, 5}});
  }
  std::string error;
  Fixture f{Bundle::load(encode_bundle(c), error)};
  INFO(error);
  REQUIRE(f.bundle);
  return f;
}

}  // namespace

TEST_CASE("a call grows the scorer by at most call_memory(); release_call_memory() undoes it",
          "[recommend]") {
  const std::uint32_t m = 400;
  const auto f = every_pair(m);
  const std::uint32_t all = f.bundle->item_count();
  REQUIRE(f.bundle->pair_count() == m * (m - 1) / 2);
  Scorer s(*f.bundle);
  auto cart_of = [](std::uint32_t k) {
    std::vector<std::uint32_t> cart(k);
    for (std::uint32_t i = 0; i < k; ++i) cart[i] = i;
    return cart;
  };
  // Warm: a 64-item cart reaches every candidate; n = all sizes the result buffers for good.
  const auto warm = cart_of(64);
  s.recommend(request_for(warm, {}, {}, all));
  CHECK(s.extra_call_memory() == 0);
  const auto usual = s.memory_used();
  for (std::uint32_t k : {65u, 200u, m}) {
    for (std::uint32_t n : {10u, all}) {
      auto cart = cart_of(k);
      cart.insert(cart.end(), 100, all + 1);  // unknown ids take no memory
      const auto req = request_for(cart, {}, {}, n);
      const auto need = s.call_memory(req);
      const auto results = s.recommend(req);
      CHECK(results.size() == std::min(n, all - k));
      CHECK(results[0].kind == RecommendationKind::CrossSell);
      INFO("cart " << k << ", n " << n << ": grew " << s.memory_used() - usual
                   << " bytes, call_memory() " << need);
      CHECK(s.memory_used() - usual <= need);
      CHECK(s.extra_call_memory() > 0);
      s.release_call_memory();
      CHECK(s.extra_call_memory() == 0);
      CHECK(s.memory_used() == usual);
    }
  }
  // Short carts take nothing beyond what the scorer holds already.
  CHECK(s.call_memory(request_for(warm, {}, {}, all)) <= 64 * 6 * sizeof(std::uint32_t));
}
