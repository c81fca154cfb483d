// The cart scorer's business filters and personalisation (recommend.hpp, filters.hpp), its
// scoring parameters on the 8-basket shop of test_recommend.cpp, and top_rules (rule_list.hpp)
// against a brute-force rule list.
#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include "kinds_util.hpp"
#include "mine/bundle_content.hpp"
#include "mine/mine.hpp"
#include "score/recommend.hpp"
#include "score/rule_list.hpp"
#include "scoring_util.hpp"
#include "test_util.hpp"

namespace {

using namespace basketlift;
using Catch::Detail::Approx;

// Counts: bread 5, butter 4, milk 4, jam 2, beer 2, chips 2, cereal 1, salsa 1.
// salsa is not in the catalog: no category, no price.
Catalog shop_catalog() {
  return kindstest::make_catalog({{"bread", "BAKERY", 2.0},
                                  {"butter", "DAIRY", 3.0},
                                  {"milk", "DAIRY", 1.0},
                                  {"jam", "SPREAD", 4.0},
                                  {"beer", "DRINK", 5.0},
                                  {"chips", "SNACK", 1.5},
                                  {"cereal", "BREAKFAST", 3.5}});
}

MineResult mined(const std::vector<bltest::Basket>& bs, std::uint32_t min_count) {
  MineResult r;
  r.data.db = bltest::make_db(bs);
  MineOptions opt;
  opt.min_count = min_count;
  mine_db(r, opt);
  return r;
}

struct Shop {
  std::unique_ptr<Bundle> bundle;
  std::uint32_t id(const std::string& l) const { return bundle->find(l); }
  std::vector<std::uint32_t> ids(const std::vector<std::string>& ls) const {
    std::vector<std::uint32_t> out;
    for (const auto& l : ls) out.push_back(id(l));
    return out;
  }
  std::uint32_t category(const std::string& l) const { return bundle->find_category(l); }
};

Shop shop(bool with_catalog = true) {
  auto r = mined(bltest::shop_baskets(), 2);
  auto cat = shop_catalog();
  return {kindstest::load(
      make_bundle_content(r, bltest::no_learned(), "shop", "now", with_catalog ? &cat : nullptr))};
}

// The parameters the hand computations below assume, independent of the tuned defaults.
ScoringParams noisy_or(double affinity_weight = 0.5) {
  ScoringParams p;
  p.aggregation = Aggregation::NoisyOr;
  p.evidence = Evidence::Confidence;
  p.pair_weight = 1.0;
  p.smoothing = 0.0;
  p.affinity_weight = affinity_weight;
  p.neighbour_weight = 0.0;
  return p;
}

using bltest::Row;

std::vector<Row> recommend(const Shop& s, const std::vector<std::string>& cart,
                           const std::vector<std::string>& history, const ItemFilter& filter,
                           const ScoringParams& params = noisy_or(), std::uint32_t n = 10) {
  Scorer scorer(*s.bundle);
  auto c = s.ids(cart), h = s.ids(history);
  auto req = bltest::request_for(c, h, {}, n);
  req.filter = filter;
  req.params = params;
  return bltest::rows_of(*s.bundle, scorer, scorer.recommend(req));
}

std::vector<std::string> items(const std::vector<Row>& rows) {
  std::vector<std::string> out;
  for (const auto& r : rows) out.push_back(r.item);
  return out;
}

using Strings = std::vector<std::string>;

}  // namespace

TEST_CASE("category allow list restricts cross-sell and the popular fill", "[kinds][scorer]") {
  auto s = shop();
  ItemFilter f;
  // Cart {bread}: bread -> butter .8, milk .6, jam .4 (test_recommend.cpp).
  const std::uint32_t dairy[] = {s.category("DAIRY")};
  f.categories = dairy;
  auto rows = recommend(s, {"bread"}, {}, f);
  CHECK(items(rows) == Strings{"butter", "milk"});  // no other DAIRY item to fill with
  CHECK(rows[0].score == Approx(0.8));
  CHECK(rows[1].kind == RecommendationKind::CrossSell);
  const std::uint32_t snack[] = {s.category("SNACK")};
  f.categories = snack;
  rows = recommend(s, {"bread"}, {}, f);
  // No SNACK rule fires; the fill is chips (2 baskets); salsa has no category.
  CHECK(items(rows) == Strings{"chips"});
  CHECK(rows[0].kind == RecommendationKind::Popular);
  const std::uint32_t two[] = {s.category("SPREAD"), s.category("BREAKFAST")};
  f.categories = two;
  CHECK(items(recommend(s, {"bread"}, {}, f)) == Strings{"jam", "cereal"});
}

TEST_CASE("price range restricts cross-sell and the popular fill", "[kinds][scorer]") {
  auto s = shop();
  ItemFilter f;
  f.min_price = 1.0;
  f.max_price = 3.0;
  // Cross-sell butter (3.00) .8, milk (1.00) .6; jam 4.00 out. Fill by popularity among the
  // rest: beer 5.00 out, chips 1.50 in, cereal 3.50 out, salsa (no price) out.
  auto rows = recommend(s, {"bread"}, {}, f);
  CHECK(items(rows) == Strings{"butter", "milk", "chips"});
  CHECK(rows[2].kind == RecommendationKind::Popular);
  f.min_price = 3.5;
  f.max_price = INFINITY;
  CHECK(items(recommend(s, {"bread"}, {}, f)) == Strings{"jam", "beer", "cereal"});
  f.min_price = -INFINITY;
  f.max_price = 1.0;
  CHECK(items(recommend(s, {"bread"}, {}, f)) == Strings{"milk"});
  // No restriction: salsa (no catalog entry) is an ordinary candidate.
  CHECK(items(recommend(s, {"bread"}, {}, ItemFilter{})) ==
        Strings{"butter", "milk", "jam", "beer", "chips", "cereal", "salsa"});
  // Both filters at once.
  const std::uint32_t dairy[] = {s.category("DAIRY")};
  f.categories = dairy;
  f.min_price = 2.0;
  f.max_price = 10.0;
  CHECK(items(recommend(s, {"bread"}, {}, f)) == Strings{"butter"});
}

TEST_CASE("history items are never returned, through rules or the fill", "[kinds][scorer]") {
  auto s = shop();
  for (const auto& history :
       {Strings{"butter"}, Strings{"butter", "beer"}, Strings{"milk", "jam", "chips", "salsa"}}) {
    auto rows = recommend(s, {"bread"}, history, ItemFilter{});
    std::set<std::string> seen;
    for (const auto& r : rows) {
      CHECK(std::find(history.begin(), history.end(), r.item) == history.end());
      CHECK(r.item != "bread");
      CHECK(seen.insert(r.item).second);
    }
    CHECK(rows.size() == 8 - 1 - history.size());
  }
}

TEST_CASE("history category affinity re-ranks candidates with equal base scores",
          "[kinds][scorer]") {
  // Cart {x}: x -> a 2/4 and x -> b 2/4, equal. a is more popular (3 baskets vs 2), so it
  // wins the tie without history.
  auto r = mined({{"x", "a"}, {"x", "a"}, {"x", "b"}, {"x", "b"}, {"a", "h"}, {"h", "k"}}, 1);
  auto cat = kindstest::make_catalog(
      {{"x", "X", 1}, {"a", "CA", 1}, {"b", "CB", 1}, {"h", "CB", 1}, {"k", "CK", 1}});
  Shop s{kindstest::load(make_bundle_content(r, bltest::no_learned(), "t", "now", &cat))};
  auto top2 = [&](const Strings& history, double weight) {
    auto rows = recommend(s, {"x"}, history, ItemFilter{}, noisy_or(weight), 2);
    REQUIRE(rows.size() == 2);
    return rows;
  };
  auto plain = top2({}, 0.5);
  CHECK(items(plain) == Strings{"a", "b"});
  CHECK(plain[0].score == Approx(0.5));
  CHECK(plain[1].score == Approx(0.5));
  // History {h}: all of it in CB -> b's score .5 * (1 + .5 * 1) = .75; a stays .5.
  auto h = top2({"h"}, 0.5);
  CHECK(items(h) == Strings{"b", "a"});
  CHECK(h[0].score == Approx(0.75));
  CHECK(h[1].score == Approx(0.5));
  // History {h, k}: half in CB -> .5 * (1 + .5 * .5) = .625.
  auto hk = top2({"h", "k"}, 0.5);
  CHECK(items(hk) == Strings{"b", "a"});
  CHECK(hk[0].score == Approx(0.625));
  // Weight 2: .5 * (1 + 2 * .5) = 1.0.
  CHECK(top2({"h", "k"}, 2.0)[0].score == Approx(1.0));
  // Weight 0: history only excludes; the tie goes back to popularity.
  CHECK(items(top2({"h", "k"}, 0.0)) == Strings{"a", "b"});
  // Without a catalog, history cannot personalise.
  Shop bare{kindstest::load(make_bundle_content(r, bltest::no_learned(), "t", "now"))};
  Scorer scorer(*bare.bundle);
  auto c = bare.ids({"x"}), hist = bare.ids({"h"});
  auto req = bltest::request_for(c, hist, {}, 2);
  req.params = noisy_or();
  auto rows = scorer.recommend(req);
  REQUIRE(rows.size() == 2);
  CHECK(bare.bundle->label(rows[0].item) == "a");
  CHECK(rows[0].score == Approx(0.5));
}

TEST_CASE("scoring parameters give the hand-computed scores on the shop", "[kinds][scorer]") {
  auto s = shop(false);
  // Cart {bread, butter}; rules that fire (N = 8, P(milk) = 4/8, P(jam) = 2/8):
  //   milk: bread->milk 3/5 (lift 1.2), butter->milk 2/4 (1.0), {bread,butter}->milk 2/4 (1.0)
  //   jam:  bread->jam 2/5 (1.6),       butter->jam 2/4 (2.0),  {bread,butter}->jam 2/4 (2.0)
  struct Case {
    const char* what;
    Aggregation aggregation;
    Evidence evidence;
    double pair_weight;
    Strings order;
    double milk, jam;
    double smoothing = 0.0;
  };
  const Case cases[] = {
      // 1 - (1 - .6)(1 - .5)(1 - .5) = .9; 1 - .6 * .5 * .5 = .85 (test_recommend.cpp)
      {"noisy-or", Aggregation::NoisyOr, Evidence::Confidence, 1.0, {"milk", "jam"}, 0.9, 0.85},
      // pair weight .5: 1 - .4 * .5 * (1 - .25) = .85; 1 - .6 * .5 * .75 = .775
      {"noisy-or, pair .5",
       Aggregation::NoisyOr,
       Evidence::Lift,
       0.5,
       {"milk", "jam"},
       0.85,
       0.775},
      {"max confidence", Aggregation::Max, Evidence::Confidence, 1.0, {"milk", "jam"}, 0.6, 0.5},
      {"sum confidence", Aggregation::Sum, Evidence::Confidence, 1.0, {"milk", "jam"}, 1.6, 1.4},
      // .6 + .5 + .5 * .5 = 1.35; .4 + .5 + .25 = 1.15
      {"sum confidence, pair .5",
       Aggregation::Sum,
       Evidence::Confidence,
       0.5,
       {"milk", "jam"},
       1.35,
       1.15},
      {"max lift", Aggregation::Max, Evidence::Lift, 1.0, {"jam", "milk"}, 1.2, 2.0},
      {"sum lift", Aggregation::Sum, Evidence::Lift, 1.0, {"jam", "milk"}, 3.2, 5.6},
      // 1.2 + 1 + .5 = 2.7; 1.6 + 2 + 1 = 4.6
      {"sum lift, pair .5", Aggregation::Sum, Evidence::Lift, 0.5, {"jam", "milk"}, 2.7, 4.6},
      // max(1.2, 1, 3 * 1) = 3; max(1.6, 2, 3 * 2) = 6
      {"max lift, pair 3", Aggregation::Max, Evidence::Lift, 3.0, {"jam", "milk"}, 3.0, 6.0},
      // pair ignored: max(1.2, 1, 0) = 1.2; max(1.6, 2, 0) = 2
      {"max lift, pair 0", Aggregation::Max, Evidence::Lift, 0.0, {"jam", "milk"}, 1.2, 2.0},
      // noisy-or caps a weighted confidence at 1: both 1; the tie goes to the larger sum of
      // evidence (milk .6 + .5 + min(1, 3 * .5) = 2.1 > jam .4 + .5 + 1 = 1.9).
      {"noisy-or, pair 3",
       Aggregation::NoisyOr,
       Evidence::Confidence,
       3.0,
       {"milk", "jam"},
       1.0,
       1.0},
      // confidence * sqrt(lift): milk .6 * sqrt(1.2) = .657267, .5 * 1, .5 * 1;
      // jam .4 * sqrt(1.6) = .505964, .5 * sqrt(2) = .707107 (single and pair).
      {"max confidence*sqrt(lift)",
       Aggregation::Max,
       Evidence::ConfidenceLift,
       1.0,
       {"jam", "milk"},
       0.6 * std::sqrt(1.2),
       0.5 * std::sqrt(2.0)},
      // pair .5: milk .657267 + .5 + .25 = 1.407267; jam .505964 + .707107 + .353553 = 1.566624
      {"sum confidence*sqrt(lift), pair .5",
       Aggregation::Sum,
       Evidence::ConfidenceLift,
       0.5,
       {"jam", "milk"},
       0.6 * std::sqrt(1.2) + 0.75,
       0.4 * std::sqrt(1.6) + 0.75 * std::sqrt(2.0)},
      // smoothing 1 (one pseudo-basket per antecedent): milk 3/6, 2/5, 2/5 -> max .5;
      // jam 2/6, 2/5, 2/5 -> max .4.
      {"max confidence, smoothing 1",
       Aggregation::Max,
       Evidence::Confidence,
       1.0,
       {"milk", "jam"},
       0.5,
       0.4,
       1.0},
      // lifts from the shrunk confidences (x 8 / 4 for milk, x 8 / 2 for jam):
      // milk 1 + .8 + .8 = 2.6; jam 4/3 + 1.6 + 1.6 = 4.5333
      {"sum lift, smoothing 1",
       Aggregation::Sum,
       Evidence::Lift,
       1.0,
       {"jam", "milk"},
       2.6,
       4.0 / 3 + 3.2,
       1.0},
      // noisy-or ignores smoothing: as without it
      {"noisy-or, smoothing 5",
       Aggregation::NoisyOr,
       Evidence::Confidence,
       1.0,
       {"milk", "jam"},
       0.9,
       0.85,
       5.0},
  };
  for (const auto& c : cases) {
    INFO(c.what);
    ScoringParams p = noisy_or();
    p.aggregation = c.aggregation;
    p.evidence = c.evidence;
    p.pair_weight = c.pair_weight;
    p.smoothing = c.smoothing;
    Scorer scorer(*s.bundle);
    auto cart = s.ids({"bread", "butter"});
    auto req = bltest::request_for(cart, {}, {}, 2);
    req.params = p;
    auto rows = scorer.recommend(req);
    REQUIRE(rows.size() == 2);
    CHECK(s.bundle->label(rows[0].item) == c.order[0]);
    CHECK(s.bundle->label(rows[1].item) == c.order[1]);
    for (const auto& r : rows) {
      const bool milk = s.bundle->label(r.item) == "milk";
      CHECK(r.score == Approx(milk ? c.milk : c.jam));
      // Confidence and lift (unsmoothed) are those of the rule with the most (weighted)
      // evidence, the first one fired on ties: bread -> milk (.6, lift 1.2) and butter -> jam
      // (.5, lift 2), except where the pair weight 3 makes the pair rules strongest
      // ({bread, butter} -> milk .5, lift 1; -> jam .5, lift 2).
      const bool pair = c.pair_weight == 3.0;
      CHECK(r.confidence == Approx(milk && !pair ? 0.6 : 0.5));
      CHECK(r.lift == Approx(milk ? (pair ? 1.0 : 1.2) : 2.0));
      CHECK(r.kind == RecommendationKind::CrossSell);
    }
  }
}

TEST_CASE("top_rules equals a brute-force rule list sorted by lift", "[kinds][rules]") {
  auto bs = bltest::shop_baskets();
  auto s = shop(false);
  // Every rule X -> c with |X| in {1, 2}, c not in X, count(X + c) >= 2 (the mining threshold;
  // min confidence and lift 0), counted over the baskets here.
  struct Brute {
    std::string a, b, c;  // b empty for one antecedent item
    long count, ante;
  };
  auto count = [&](const std::set<std::string>& need) {
    long n = 0;
    for (const auto& basket : bs) {
      std::set<std::string> have(basket.begin(), basket.end());
      n += std::includes(have.begin(), have.end(), need.begin(), need.end());
    }
    return n;
  };
  std::set<std::string> all;
  for (const auto& basket : bs) all.insert(basket.begin(), basket.end());
  std::vector<Brute> brute;
  for (const auto& a : all)
    for (const auto& c : all) {
      if (c == a) continue;
      if (auto n = count({a, c}); n >= 2) brute.push_back({a, "", c, n, count({a})});
      for (const auto& b : all)
        if (a < b && b != c && c != a)
          if (auto n = count({a, b, c}); n >= 2) brute.push_back({a, b, c, n, count({a, b})});
    }
  const long N = static_cast<long>(bs.size());
  auto pop = [&](const std::string& x) { return count({x}); };
  // Exact comparison with integers: lift = count * N / (ante * pop(c)); confidence =
  // count / ante; support = count / N; then ids as top_rules orders them.
  auto ids = [&](const Brute& r) {
    const auto a = s.id(r.a), b = r.b.empty() ? kNoItem : s.id(r.b);
    return std::tuple{std::min(a, b), r.b.empty() ? kNoItem : std::max(a, b), s.id(r.c)};
  };
  std::sort(brute.begin(), brute.end(), [&](const Brute& x, const Brute& y) {
    const long lx = x.count * N * y.ante * pop(y.c), ly = y.count * N * x.ante * pop(x.c);
    if (lx != ly) return lx > ly;
    if (x.count * y.ante != y.count * x.ante) return x.count * y.ante > y.count * x.ante;
    if (x.count != y.count) return x.count > y.count;
    return ids(x) < ids(y);
  });
  for (std::size_t limit : {brute.size(), std::size_t{5}, std::size_t{1}, std::size_t{0}}) {
    auto got = top_rules(*s.bundle, limit);
    INFO("limit " << limit);
    REQUIRE(got.size() == std::min(limit, brute.size()));
    for (std::size_t k = 0; k < got.size(); ++k) {
      const auto& e = brute[k];
      INFO(k << ": " << e.a << "," << e.b << " -> " << e.c);
      const auto [a, b, c] = ids(e);
      CHECK(got[k].a == a);
      CHECK(got[k].b == b);
      CHECK(got[k].consequent == c);
      CHECK(got[k].support == Approx(static_cast<double>(e.count) / N));
      CHECK(got[k].confidence == Approx(static_cast<double>(e.count) / e.ante));
      CHECK(got[k].lift ==
            Approx(static_cast<double>(e.count) * N / (static_cast<double>(e.ante) * pop(e.c))));
    }
  }
  CHECK(top_rules(*s.bundle, 1000).size() == brute.size());
}
