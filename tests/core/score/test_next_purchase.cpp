// Next-purchase prediction (next_purchase.hpp) on a hand-built bundle whose repurchase
// statistics are set directly. P = w * timing + (1 - w) * rate. The timing model (checked alone
// with w = 1): again * (Phi((t + 7 - mu) / sigma) - Phi((t - 7 - mu) / sigma)), t = as_of - last
// purchase, where `again` is the chance of buying the item again at all: the population's
// repeat-buyer rate r = (repeat_buyers + 1) / (buyers + 2), pooled with the shopper's k own
// intervals as (k + 3 r) / (k + 3). Checked against an independent Phi (kinds_util.hpp) and
// standard normal table values. The rate model: 1 - exp(-share * V / E * 14) for a ±7-day window,
// V the shopper's visit days, E the days from their first purchase to as_of (inclusive), share =
// (visit days with the item + a * popularity / transactions) / (V + a); numbers from a separate
// calculation (Python's math.exp).
#include <algorithm>
#include <cmath>
#include <limits>
#include <random>

#include "kinds_util.hpp"
#include "score/next_purchase.hpp"
#include "test_util.hpp"

namespace {

using namespace basketlift;
using Catch::Detail::Approx;
using kindstest::phi_cdf;

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// Items A..F. Categories FOOD (0), SOAP (1); F has none, E has no price.
enum : std::uint32_t { A, B, C, D, E, F };
BundleContent content() {
  BundleContent c;
  c.labels = {"A", "B", "C", "D", "E", "F"};
  c.popularity = {5, 4, 3, 3, 2, 1};
  c.transactions = 10;
  c.categories = {"FOOD", "SOAP"};
  c.item_category = {0, 1, 0, 1, 0, kNoCategory};
  c.names = {"a", "b", "c", "d", "e", "f"};
  c.prices = {2.0, 5.0, 1.0, 3.0, kNaN, 1.0};
  // {intervals, mean, sd, buyers, repeat buyers}; repeat rate r = (repeat + 1) / (buyers + 2).
  c.repurchase = {
      {10, 30.0, 5.0, 8, 6},   // A: r = 7/10
      {5, 14.0, 0.5, 18, 17},  // B: sd below a day -> floored to 1; r = 18/20 = .9
      {2, 20.0, 3.0, 3, 1},    // C: too few population intervals (< 3); r = 2/5
      {10, 30.0, 6.0, 10, 8},  // D: r = 9/12 = .75
      {3, 10.0, 0.0, 2, 2},    // E: exactly 3 intervals, all equal (sd 0 -> 1); r = 3/4
      {0, 0.0, 0.0, 0, 0},     // F: no data; r = 1/2
  };
  return c;
}

// The timing model alone: the mixture's weight all on it.
NextPurchaseParams timing_only() {
  NextPurchaseParams p;
  p.interval_weight = 1;
  return p;
}

struct Fixture {
  std::unique_ptr<Bundle> bundle = kindstest::load(content());
  NextPurchaseParams params = timing_only();
  std::vector<NextPurchase> run(const std::vector<PurchaseEvent>& history, std::int32_t as_of,
                                std::uint32_t n = 10) const {
    NextPurchaseRequest r;
    r.history = history;
    r.as_of = as_of;
    r.n = n;
    r.params = params;
    return next_purchases(*bundle, r);
  }
};

std::vector<std::uint32_t> items(const std::vector<NextPurchase>& v) {
  std::vector<std::uint32_t> out;
  for (const auto& p : v) out.push_back(p.item);
  return out;
}

}  // namespace

TEST_CASE("the independent Phi matches standard normal table values and normal_cdf",
          "[kinds][next]") {
  // Table values (e.g. Abramowitz & Stegun 26.2): Phi(0) = .5, Phi(1) = .8413447,
  // Phi(1.8) = .9640697, Phi(3) = .9986501, Phi(-4) = .0000317.
  CHECK(phi_cdf(0) == 0.5);
  CHECK(phi_cdf(1.0) == Approx(0.8413447).epsilon(1e-7));
  CHECK(phi_cdf(-1.8) == Approx(1 - 0.9640697).epsilon(1e-6));
  CHECK(phi_cdf(1.96) == Approx(0.9750021).epsilon(1e-7));
  CHECK(phi_cdf(3.0) == Approx(0.9986501).epsilon(1e-7));
  CHECK(phi_cdf(-4.0) == Approx(3.167e-5).epsilon(1e-3));
  for (double x = -8; x <= 8; x += 0.125) {
    INFO(x);
    // Two references: the series here and the C library's erfc.
    CHECK(phi_cdf(x) == Approx(0.5 * std::erfc(-x / std::sqrt(2.0))).margin(1e-15));
    CHECK(normal_cdf(x) == Approx(phi_cdf(x)).margin(1e-14));
  }
}

TEST_CASE("next_purchases: population statistics only", "[kinds][next]") {
  Fixture f;
  // as_of 1028; one own purchase each, so again = r.
  //  A: last 1000, t = 28, mu 30, sigma 5: Phi((28+7-30)/5) - Phi((28-7-30)/5)
  //     = Phi(1) - Phi(-1.8) = .8413447 - .0359303 = .8054144; x .7 = .5637901; due 2.
  //  B: last 1008, t = 20, mu 14, sigma max(.5, 1) = 1: Phi(13) - Phi(-1) = .8413447;
  //     x .9 = .7572102; due -6. (Without the floor: Phi(26) - Phi(-2) = .9772499.)
  //  E: last 1025, t = 3, mu 10, sigma 1: Phi(0) - Phi(-14) = .5; x .75 = .375; due 7.
  //  C: population too thin, one own purchase: not predicted. F: no data.
  const std::vector<PurchaseEvent> history = {
      {A, 1000}, {B, 1008}, {E, 1025}, {C, 1010}, {F, 1001}};
  auto out = f.run(history, 1028);
  REQUIRE(items(out) == std::vector<std::uint32_t>{B, A, E});
  CHECK(out[0].probability == Approx(0.7572102).epsilon(1e-6));
  CHECK(out[0].probability == Approx(0.9 * (phi_cdf(13) - phi_cdf(-1))).epsilon(1e-12));
  CHECK(out[0].due_in_days == -6);
  CHECK(out[1].probability == Approx(0.5637901).epsilon(1e-6));
  CHECK(out[1].probability == Approx(0.7 * (phi_cdf(1) - phi_cdf(-1.8))).epsilon(1e-12));
  CHECK(out[1].due_in_days == 2);
  CHECK(out[2].probability == Approx(0.375).epsilon(1e-12));
  CHECK(out[2].due_in_days == 7);

  // A narrower window: A with +-3 days: Phi(.2) - Phi(-1) = .5792597 - .1586553 = .4206044,
  // x .7 = .2944231.
  NextPurchaseRequest r;
  r.history = history;
  r.as_of = 1028;
  r.window_days = 3;
  r.params = timing_only();
  auto narrow = next_purchases(*f.bundle, r);
  auto a = std::find_if(narrow.begin(), narrow.end(), [](auto& p) { return p.item == A; });
  REQUIRE(a != narrow.end());
  CHECK(a->probability == Approx(0.2944231).epsilon(1e-6));

  // n keeps the most probable.
  CHECK(items(f.run(history, 1028, 2)) == std::vector<std::uint32_t>{B, A});
  // A purchase on as_of itself: t = 0. A: Phi((7-30)/5) - Phi((-7-30)/5) = Phi(-4.6) - ~0.
  auto today = f.run({{A, 1028}}, 1028);
  REQUIRE(today.size() == 1);
  CHECK(today[0].probability == Approx(0.7 * (phi_cdf(-4.6) - phi_cdf(-7.4))).epsilon(1e-9));
  CHECK(today[0].due_in_days == 30);
}

TEST_CASE("next_purchases: the shopper's own intervals refine the population's", "[kinds][next]") {
  Fixture f;
  // D: population mu 30, sigma 6 (as 3 observations); own purchases 900, 920, 944 -> intervals
  // 20, 24: n 2, mean 22, variance (4 + 4) / 2 = 4 (divided by n, as the code pools).
  // Pooled mean = (3*30 + 2*22) / 5 = 134/5 = 26.8; mixture variance = (3*36 + 2*4) / 5 + the
  // gap between the means, 3*2*(30-22)^2 / 5^2 = 23.2 + 15.36 = 38.56, sigma = 6.20967.
  // as_of 969, t = 25: Phi((32-26.8)/6.20967) - Phi((18-26.8)/6.20967) = Phi(.83740) -
  // Phi(-1.41714) = .798817 - .078220 = .720597; again = (2 + 3 * .75) / 5 = .85 -> .612507.
  auto d = f.run({{D, 944}, {D, 900}, {D, 920}}, 969);
  REQUIRE(d.size() == 1);
  const double sigma = std::sqrt(38.56);
  CHECK(d[0].probability == Approx(0.612507).epsilon(1e-5));
  CHECK(
      d[0].probability ==
      Approx(0.85 * (phi_cdf((32 - 26.8) / sigma) - phi_cdf((18 - 26.8) / sigma))).epsilon(1e-12));
  CHECK(d[0].due_in_days == Approx(1.8));

  // Two purchases = one own interval (20): mean (90 + 20) / 4 = 27.5, variance 3*25 / 4 +
  // 3*1*(30-20)^2 / 4^2 = 18.75 + 18.75 = 37.5, sigma 6.12372; t = 25:
  // Phi(4.5/6.12372) - Phi(-9.5/6.12372) = Phi(.73485) - Phi(-1.55134) = .768784 - .060410 =
  // .708374; again = (1 + 3 * .7) / 4 = .775 -> .548990.
  auto a = f.run({{A, 970}, {A, 990}}, 1015);
  REQUIRE(a.size() == 1);
  CHECK(a[0].probability == Approx(0.548990).epsilon(1e-5));
  CHECK(a[0].due_in_days == Approx(2.5));

  // C: population too thin (2 intervals), own intervals 10, 12, 8 (same-day repeats are one
  // trip): mean 10, sample variance (0 + 4 + 4) / 2 = 4, sigma 2. as_of 139, t = 9:
  // Phi((9+7-10)/2) - Phi((9-7-10)/2) = Phi(3) - Phi(-4) = .9986501 - .0000317 = .9986184;
  // again = (3 + 3 * .4) / (3 + 3) = .7 -> .6990329.
  auto c = f.run({{C, 100}, {C, 100}, {C, 110}, {C, 122}, {C, 122}, {C, 130}}, 139);
  REQUIRE(c.size() == 1);
  CHECK(c[0].probability == Approx(0.6990329).epsilon(1e-6));
  CHECK(c[0].due_in_days == Approx(1.0));
  // Only two own purchases of C (one interval) and a thin population: nothing.
  CHECK(f.run({{C, 100}, {C, 110}}, 120).empty());
  // F: own intervals 10, 10 -> sample sd 0 -> floored to 1; t = 10: Phi(7) - Phi(-7) ~ 1;
  // again = (2 + 3 * .5) / 5 = .7.
  auto flat = f.run({{F, 100}, {F, 110}, {F, 120}}, 130);
  REQUIRE(flat.size() == 1);
  CHECK(flat[0].probability == Approx(0.7 * (phi_cdf(7) - phi_cdf(-7))).epsilon(1e-12));
}

TEST_CASE("next_purchases: events after as_of are ignored; order of history is irrelevant",
          "[kinds][next]") {
  Fixture f;
  std::vector<PurchaseEvent> history = {{A, 1000}, {B, 1008}, {E, 1025}, {D, 900},
                                        {D, 920},  {D, 944},  {C, 100},  {C, 110},
                                        {C, 122},  {C, 130},  {F, 1001}};
  const auto base = f.run(history, 1028);
  REQUIRE(base.size() == 5);
  auto same = [&](const std::vector<NextPurchase>& x) {
    REQUIRE(x.size() == base.size());
    for (std::size_t i = 0; i < x.size(); ++i) {
      CHECK(x[i].item == base[i].item);
      CHECK(x[i].probability == base[i].probability);  // bit for bit
      CHECK(x[i].due_in_days == base[i].due_in_days);
    }
  };
  same(f.run(history, 1028));  // deterministic
  auto later = history;
  later.push_back({A, 1029});  // after as_of
  later.push_back({B, 5000});
  later.push_back({F, 1100});
  later.push_back({C, 1029});
  later.push_back({999, 1000});  // unknown item id
  same(f.run(later, 1028));
  std::mt19937 rng(7);
  for (int k = 0; k < 20; ++k) {
    std::shuffle(later.begin(), later.end(), rng);
    same(f.run(later, 1028));
  }
  // A different as_of gives different numbers (the clock is never read; as_of is all).
  CHECK(f.run(history, 1030)[0].probability != base[0].probability);
}

TEST_CASE("next_purchases: exclude, category and price filters", "[kinds][next]") {
  Fixture f;
  const std::vector<PurchaseEvent> history = {{A, 1000}, {B, 1008}, {E, 1025},
                                              {D, 1000}, {C, 1010}, {F, 1001}};
  auto run = [&](auto&& setup) {
    NextPurchaseRequest r;
    r.history = history;
    r.as_of = 1028;
    r.params = timing_only();
    setup(r);
    return items(next_purchases(*f.bundle, r));
  };
  // Unfiltered: B .7572, A .5638, D (t 28, mu 30, sigma 6: Phi(5/6) - Phi(-9/6) = .7309,
  // x .75 = .5482), E .375.
  CHECK(run([](auto&) {}) == std::vector<std::uint32_t>{B, A, D, E});
  const std::uint32_t ex[] = {A, E};
  CHECK(run([&](auto& r) { r.exclude = ex; }) == std::vector<std::uint32_t>{B, D});
  const std::uint32_t soap[] = {1};
  CHECK(run([&](auto& r) { r.filter.categories = soap; }) == std::vector<std::uint32_t>{B, D});
  const std::uint32_t food[] = {0};
  CHECK(run([&](auto& r) { r.filter.categories = food; }) == std::vector<std::uint32_t>{A, E});
  // Prices A 2, B 5, D 3, E unknown (fails any price restriction).
  CHECK(run([](auto& r) { r.filter.min_price = 2.5; }) == std::vector<std::uint32_t>{B, D});
  CHECK(run([](auto& r) { r.filter.max_price = 3.0; }) == std::vector<std::uint32_t>{A, D});
  CHECK(run([](auto& r) {
          r.filter.min_price = 2.0;
          r.filter.max_price = 2.0;
        }) == std::vector<std::uint32_t>{A});
  CHECK(run([&](auto& r) {
          r.filter.categories = food;
          r.filter.min_price = 3.0;
        }).empty());
}

TEST_CASE("next_purchases on a bundle without repurchase data uses own history only",
          "[kinds][next]") {
  auto c = content();
  c.repurchase.clear();
  auto b = kindstest::load(c);
  NextPurchaseRequest r;
  const std::vector<PurchaseEvent> h = {{A, 0}, {A, 10}, {A, 20}, {B, 0}, {B, 30}};
  r.history = h;
  r.as_of = 25;
  r.params = timing_only();
  auto out = next_purchases(*b, r);
  // A: own intervals 10, 10 -> mean 10, sd 0 -> 1; t = 5: Phi(2) - Phi(-12) = .9772499;
  // no repeat-buyer data: r = 1/2, again = (2 + 1.5) / 5 = .7 -> .6840749.
  // B: one interval only -> nothing.
  REQUIRE(out.size() == 1);
  CHECK(out[0].item == A);
  CHECK(out[0].probability == Approx(0.6840749).epsilon(1e-6));
  CHECK(out[0].due_in_days == 5);
}

TEST_CASE("next_purchases: the shipped mixture of timing and purchase rate", "[kinds][next]") {
  Fixture f;
  f.params = NextPurchaseParams{};
  REQUIRE(f.params.interval_weight == 0.25);
  REQUIRE(f.params.half_life_days == 0);
  REQUIRE(f.params.prior_visits == 30);
  // History of the first test: A 1000, B 1008, E 1025 (C, F: not predicted); as_of 1028.
  // Visit days: 1000, 1001, 1008, 1010, 1025 -> V = 5; E = 1028 - 1000 + 1 = 29 days.
  // Popularity shares: A 5/10, B 4/10, E 2/10; each item bought on one day.
  //  A: share (1 + 30 * .5) / 35 = 16/35; rate 16/35 * 5/29 = 16/203 = .0788177;
  //     1 - exp(-14 * 16/203) = 1 - exp(-1.1034483) = 1 - .3317252 = .6682748;
  //     P = .25 * .5637901 + .75 * .6682748 = .1409475 + .5012061 = .6421536.
  //  B: share 13/35; rate 13/203; 1 - exp(-.8965517) = 1 - .4079740 = .5920260;
  //     P = .25 * .7572103 + .75 * .5920260 = .6333220.
  //  E: share 7/35; rate 7/203; 1 - exp(-.4827586) = 1 - .6170788 = .3829212;
  //     P = .25 * .375 + .75 * .3829212 = .3809409.
  // The rate model moves A (bought by half of all baskets) above B, which is closer to due.
  const std::vector<PurchaseEvent> history = {
      {A, 1000}, {B, 1008}, {E, 1025}, {C, 1010}, {F, 1001}};
  auto out = f.run(history, 1028);
  REQUIRE(items(out) == std::vector<std::uint32_t>{A, B, E});
  CHECK(out[0].probability == Approx(0.6421536).epsilon(1e-6));
  CHECK(out[1].probability == Approx(0.6333220).epsilon(1e-6));
  CHECK(out[2].probability == Approx(0.3809409).epsilon(1e-6));
  CHECK(out[0].due_in_days == 2);  // due dates still come from the timing model
  CHECK(out[1].due_in_days == -6);
  CHECK(out[2].due_in_days == 7);

  // No window, no chance: both parts are 0 exactly.
  NextPurchaseRequest r;
  r.history = history;
  r.as_of = 1028;
  r.window_days = 0;
  for (const auto& p : next_purchases(*f.bundle, r)) CHECK(p.probability == 0);

  // The rate model alone (w = 0), without the prior (a = 0): the shopper's own share. Same
  // history with a second purchase of B on 1020 (a new visit day): V = 6, E = 29.
  //  B: share 2/6; rate 2/29; 1 - exp(-14 * 2/29) = 1 - exp(-.9655172) = 1 - .3807862 = .6192138.
  //  A, E: share 1/6; rate 1/29; 1 - exp(-.4827586) = .3829212 each (tie: closer due first:
  //  A due 2, E due 7).
  f.params.interval_weight = 0;
  f.params.prior_visits = 0;
  auto own = f.run({{A, 1000}, {B, 1008}, {B, 1020}, {E, 1025}, {C, 1010}, {F, 1001}}, 1028);
  REQUIRE(items(own) == std::vector<std::uint32_t>{B, A, E});
  CHECK(own[0].probability == Approx(0.6192138).epsilon(1e-6));
  CHECK(own[1].probability == Approx(0.3829212).epsilon(1e-6));
  CHECK(own[2].probability == own[1].probability);
}

TEST_CASE("next_purchases: recency-weighted purchase rate", "[kinds][next]") {
  Fixture f;
  f.params.interval_weight = 0;
  f.params.half_life_days = 10;
  f.params.prior_visits = 0;
  // as_of 1020; A on 1000 and 1010, B on 1010. Weights 2^(-d/10): 1000 -> .25, 1010 -> .5.
  // V = .75; E = sum of 2^(-d/10) for d = 0..20 = (1 - 2^-2.1) / (1 - 2^-.1) = .7667418 /
  // .0669670 = 11.449545. A: share .75/.75 = 1, rate .75 / 11.449545 = .0655048,
  // P = 1 - exp(-.9170670) = 1 - .3996896 = .6003104. B: share .5/.75, rate .0436699,
  // P = 1 - exp(-.6113780) = .4573974.
  auto out = f.run({{A, 1000}, {A, 1010}, {B, 1010}}, 1020);
  REQUIRE(items(out) == std::vector<std::uint32_t>{A, B});
  CHECK(out[0].probability == Approx(0.6003104).epsilon(1e-6));
  CHECK(out[1].probability == Approx(0.4573974).epsilon(1e-6));
  // With the popularity prior (a = 30 visits; A .5, B .4): A share (.75 + 15) / 30.75, P =
  // .3748210; B share (.5 + 12) / 30.75, P = .3111912.
  f.params.prior_visits = 30;
  out = f.run({{A, 1000}, {A, 1010}, {B, 1010}}, 1020);
  REQUIRE(items(out) == std::vector<std::uint32_t>{A, B});
  CHECK(out[0].probability == Approx(0.3748210).epsilon(1e-6));
  CHECK(out[1].probability == Approx(0.3111912).epsilon(1e-6));
}
