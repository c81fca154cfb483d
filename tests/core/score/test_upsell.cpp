// Upsell (upsell.hpp): on hand-made baskets and a catalog, the substitute (shares co-purchase
// neighbours, never in the same basket) outranks a more popular item bought together with the
// item; scores by hand; and on random shops, the invariants: same category, strictly pricier,
// within the price ratio, never the item itself, filters respected.
#include <algorithm>
#include <cmath>
#include <random>
#include <set>

#include "kinds_util.hpp"
#include "mine/bundle_content.hpp"
#include "mine/mine.hpp"
#include "score/upsell.hpp"
#include "test_util.hpp"

namespace {

using namespace basketlift;
using Catch::Detail::Approx;

// MUG items m1 (2.00), m2 (3.00), m3 (3.50), m4 (1.50), m5 (5.00), m6 (2.00); TEA t1 (3.00);
// SPOON n1, COASTER n2; x has no catalog entry; z is a MUG without a price.
std::vector<bltest::Basket> baskets() {
  return {
      // m1 with the neighbours n1, n2
      {"m1", "n1"},
      {"m1", "n2"},
      {"m1", "n1", "n2"},
      // m2 with the same neighbours, never with m1
      {"m2", "n1"},
      {"m2", "n2"},
      {"m2", "n1", "n2"},
      // m3 bought *with* m1, and with the neighbours too
      {"m1", "m3"},
      {"m1", "m3"},
      {"m3", "n1", "n2"},
      {"m3", "n1", "n2"},
      {"m3", "t1"},
      // the rest, once
      {"m4", "m5", "m6", "t1", "x", "z"},
  };
}
Catalog catalog() {
  return kindstest::make_catalog({{"m1", "MUG", 2.0},
                                  {"m2", "MUG", 3.0},
                                  {"m3", "MUG", 3.5},
                                  {"m4", "MUG", 1.5},
                                  {"m5", "MUG", 5.0},
                                  {"m6", "MUG", 2.0},
                                  {"t1", "TEA", 3.0},
                                  {"n1", "SPOON", 1.0},
                                  {"n2", "COASTER", 1.0},
                                  {"z", "MUG", std::nan("")}});
}

std::unique_ptr<Bundle> shop() {
  MineResult r;
  r.data.db = bltest::make_db(baskets());
  MineOptions opt;
  opt.min_count = 2;
  mine_db(r, opt);
  auto cat = catalog();
  return kindstest::load(make_bundle_content(r, opt, "t", "now", &cat));
}

std::vector<std::string> labels(const Bundle& b, const std::vector<Upsell>& v) {
  std::vector<std::string> out;
  for (const auto& u : v) out.emplace_back(b.label(u.item));
  return out;
}

}  // namespace

TEST_CASE("upsell: the substitute outranks the item bought together with it; scores by hand",
          "[kinds][upsell]") {
  auto b = shop();
  UpsellRequest req;
  req.item = b->find("m1");
  auto out = upsell(*b, req);
  // Counts: m1 5 baskets, m2 3, m3 5, n1 6, n2 6. Single-item rules (count >= 2):
  //   m1 -> n1 2/5, n2 2/5, m3 2/5;  m2 -> n1 2/3, n2 2/3;  m3 -> n1 2/5, n2 2/5, m1 2/5.
  // m2: cosine = (.4*2/3 + .4*2/3) / (sqrt(3 * .4^2) * sqrt(2 * (2/3)^2)) = sqrt(2/3) = .816497,
  //     never together -> substitution .816497.
  // m3: shared neighbours n1, n2: .32 / (sqrt(.48) * sqrt(.48)) = 2/3; together: max(m1->m3,
  //     m3->m1) = .4 -> substitution 2/3 * .6 = .4.
  // Popularity share (top among candidates: m3, 5): m2 3/5, m3 1.
  // score = .7 * substitution + .3 * share: m2 .571548 + .18 = .751548; m3 .28 + .3 = .58.
  REQUIRE(labels(*b, out) == std::vector<std::string>{"m2", "m3"});
  CHECK(out[0].substitution == Approx(std::sqrt(2.0 / 3)));
  CHECK(out[0].score == Approx(0.7 * std::sqrt(2.0 / 3) + 0.3 * 0.6));
  CHECK(out[0].price_ratio == Approx(1.5));
  CHECK(out[1].substitution == Approx(0.4));
  CHECK(out[1].score == Approx(0.58));
  CHECK(out[1].price_ratio == Approx(1.75));
  // Never: m1 itself, m4 (cheaper), m6 (same price), m5 (5.00 > 2 x 2.00), t1 (other
  // category), z (no price), x (no category).

  // A wider ratio admits m5 (ratio 2.5): no rules (1 basket) -> substitution 0; the popularity
  // share is 1/5 -> score .06.
  req.max_price_ratio = 2.5;
  auto wide = upsell(*b, req);
  REQUIRE(labels(*b, wide) == std::vector<std::string>{"m2", "m3", "m5"});
  CHECK(wide[2].substitution == 0);
  CHECK(wide[2].score == Approx(0.06));
  CHECK(wide[2].price_ratio == Approx(2.5));
  req.max_price_ratio = 2.4999;
  CHECK(labels(*b, upsell(*b, req)) == std::vector<std::string>{"m2", "m3"});
  req.max_price_ratio = 1.0;  // nothing can be pricier and at most as expensive
  CHECK(upsell(*b, req).empty());
  req.max_price_ratio = 2.0;
  req.n = 1;
  CHECK(labels(*b, upsell(*b, req)) == std::vector<std::string>{"m2"});
}

TEST_CASE("upsell: nothing for an item without a category or a price", "[kinds][upsell]") {
  auto b = shop();
  UpsellRequest req;
  for (const char* item : {"x", "z", "m5"}) {  // no category; no price; most expensive mug
    INFO(item);
    req.item = b->find(item);
    CHECK(upsell(*b, req).empty());
  }
  req.item = b->item_count();  // unknown id
  CHECK(upsell(*b, req).empty());
  req.item = b->find("m4");  // 1.50: m1 2.00, m6 2.00, m2 3.00 (ratio 2 -> up to 3.00)
  auto out = upsell(*b, req);
  std::set<std::string> got;
  for (const auto& u : out) got.insert(std::string(b->label(u.item)));
  CHECK(got == std::set<std::string>{"m1", "m6", "m2"});

  // Without a catalog there is nothing to upsell to.
  MineResult r;
  r.data.db = bltest::make_db(baskets());
  MineOptions opt;
  opt.min_count = 2;
  mine_db(r, opt);
  auto plain = kindstest::load(make_bundle_content(r, opt, "t", "now"));
  req.item = plain->find("m1");
  CHECK(upsell(*plain, req).empty());
}

TEST_CASE("upsell: exclude, category and price filters", "[kinds][upsell]") {
  auto b = shop();
  UpsellRequest req;
  req.item = b->find("m1");
  const std::uint32_t ex[] = {b->find("m2")};
  req.exclude = ex;
  CHECK(labels(*b, upsell(*b, req)) == std::vector<std::string>{"m3"});
  req.exclude = {};
  req.filter.min_price = 3.2;
  CHECK(labels(*b, upsell(*b, req)) == std::vector<std::string>{"m3"});
  req.filter.min_price = -INFINITY;
  req.filter.max_price = 3.2;
  CHECK(labels(*b, upsell(*b, req)) == std::vector<std::string>{"m2"});
  req.filter.max_price = INFINITY;
  const std::uint32_t tea[] = {b->find_category("TEA")};
  req.filter.categories = tea;
  CHECK(upsell(*b, req).empty());  // an upsell is always of the item's own category
  const std::uint32_t mug[] = {b->find_category("MUG")};
  req.filter.categories = mug;
  CHECK(labels(*b, upsell(*b, req)) == std::vector<std::string>{"m2", "m3"});
}

TEST_CASE("upsell invariants on random shops", "[kinds][upsell]") {
  std::mt19937 rng(99);
  int checked = 0;
  for (int shop_no = 0; shop_no < 40; ++shop_no) {
    const int n_items = 12 + static_cast<int>(rng() % 10);
    std::vector<bltest::Basket> bs;
    for (int k = 0; k < 60; ++k) {
      bltest::Basket basket;
      for (int i = 0; i < n_items; ++i)
        if (rng() % 4 == 0) basket.push_back(kindstest::tag("i", i));
      if (basket.empty()) basket.push_back("i0");
      bs.push_back(basket);
    }
    std::vector<std::tuple<std::string, std::string, double>> rows;
    for (int i = 0; i < n_items; ++i) {
      if (rng() % 8 == 0) continue;  // not in the catalog
      const double price = rng() % 6 == 0 ? std::nan("") : 0.5 * static_cast<int>(rng() % 12);
      rows.emplace_back(kindstest::tag("i", i), kindstest::tag("K", rng() % 3), price);
    }
    auto cat = kindstest::make_catalog(rows);
    MineResult r;
    r.data.db = bltest::make_db(bs);
    MineOptions opt;
    opt.min_count = 3;
    mine_db(r, opt);
    auto b = kindstest::load(make_bundle_content(r, opt, "t", "now", &cat));
    for (std::uint32_t item = 0; item < b->item_count(); ++item) {
      UpsellRequest req;
      req.item = item;
      req.n = 100;
      req.max_price_ratio = 1.0 + 0.5 * static_cast<int>(rng() % 4);
      const double base = b->price(item);
      auto out = upsell(*b, req);
      if (b->item_category(item) == kNoCategory || !(base > 0)) CHECK(out.empty());
      // Brute force: every catalogued item of the category, pricier, within the ratio.
      std::set<std::uint32_t> expected, got;
      for (std::uint32_t c = 0; c < b->item_count(); ++c)
        if (c != item && b->item_category(item) != kNoCategory && base > 0 &&
            b->item_category(c) == b->item_category(item) && b->price(c) > base &&
            b->price(c) <= base * req.max_price_ratio)
          expected.insert(c);
      for (std::size_t k = 0; k < out.size(); ++k) {
        const auto& u = out[k];
        got.insert(u.item);
        CHECK(u.item != item);
        CHECK(b->item_category(u.item) == b->item_category(item));
        CHECK(b->price(u.item) > base);
        CHECK(u.price_ratio <= req.max_price_ratio);
        CHECK(u.price_ratio == Approx(b->price(u.item) / base));
        CHECK(u.substitution >= 0.0);
        CHECK(u.substitution <= 1.0 + 1e-12);
        if (k > 0) CHECK(out[k - 1].score >= u.score);
        ++checked;
      }
      CHECK(got == expected);
    }
  }
  CHECK(checked > 100);
}
