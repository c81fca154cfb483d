// What a shopper sees: items the catalog marks as not merchandise are never recommended by any
// kind, a limit per family makes room for other families, and each result names the one cart
// item it is most strongly bought with. Bundles built by hand; every answer worked out below.
#include <algorithm>

#include "kinds_util.hpp"
#include "score/next_purchase.hpp"
#include "score/recommend.hpp"
#include "score/upsell.hpp"
#include "test_util.hpp"

namespace {

using namespace basketlift;

// Ids: 0 mugA, 1 mugB, 2 mugC, 3 tea, 4 fee (a charge, filed under MUG so that the category
// answer and upsell would reach it), 5 bag, 6 new (catalog only, popularity 0). 100 baskets.
// Popularity: mugA 40, mugB 30, mugC 20, tea 25, fee 50 (the most popular: the popular fill
// would offer it first), bag 10. Categories: MUG {mugA, mugB, mugC, fee}, TEA {tea}, BAG {bag}.
enum : std::uint32_t { kMugA, kMugB, kMugC, kTea, kFee, kBag, kNew };

BundleContent shop(bool flag_fee) {
  BundleContent c;
  c.labels = {"mugA", "mugB", "mugC", "tea", "fee", "bag", "new"};
  c.popularity = {40, 30, 20, 25, 50, 10, 0};
  c.transactions = 100;
  // tea -> fee 20, mugA 15, mugB 12, mugC 10, bag 2; bag -> mugB 8.
  c.single_rules = {{kTea, {kFee, 20}},  {kTea, {kMugA, 15}}, {kTea, {kMugB, 12}},
                    {kTea, {kMugC, 10}}, {kTea, {kBag, 2}},   {kBag, {kMugB, 8}}};
  // {tea, bag} -> mugA in 6 of the 6 baskets holding both.
  c.pair_rules = {{kTea, kBag, 6, {kMugA, 6}}};
  // bag's neighbour mugC: cosine 9 / sqrt(10 * 20) = 0.6364.
  c.neighbours = {{kBag, {kMugC, 9}}};
  // new resembles fee (0.9) and mugA (0.5).
  c.similar = {{kNew, {kFee, 900'000}}, {kNew, {kMugA, 500'000}}};
  c.categories = {"BAG", "MUG", "TEA"};
  c.item_category = {1, 1, 1, 2, 1, 0, 1};
  c.names = {"MUG A", "MUG B", "MUG C", "TEA", "CARD FEE", "BAG", "MUG NEW"};
  c.prices = {3, 4, 5, 2, 5.5, 6, 4.5};
  // Category baskets: MUG 80, TEA 25, BAG 10; no category rules (only "same category" answers).
  c.category_popularity = {10, 80, 25};
  if (flag_fee) c.unrecommendable = {kFee};
  return c;
}

struct Row {
  std::uint32_t item;
  RecommendationKind kind;
  std::uint32_t reason;
};

std::vector<Row> ask(const Bundle& b, std::vector<std::uint32_t> cart, std::uint32_t n = 10,
                     std::uint32_t max_per_family = 0, ScoringParams params = {}) {
  Scorer scorer(b);
  RecommendRequest req;
  req.cart = cart;
  req.n = n;
  req.max_per_family = max_per_family;
  req.params = params;
  std::vector<Row> rows;
  for (const auto& r : scorer.recommend(req)) rows.push_back({r.item, r.kind, r.reason});
  return rows;
}

std::vector<std::uint32_t> items_of(const std::vector<Row>& rows) {
  std::vector<std::uint32_t> out;
  for (const auto& r : rows) out.push_back(r.item);
  return out;
}

constexpr auto kCross = RecommendationKind::CrossSell;

TEST_CASE("the flag is stored in its own section; bundles without it mean all recommendable",
          "[shopper]") {
  const auto plain = kindstest::load(shop(false));
  const auto flagged = kindstest::load(shop(true));
  CHECK(plain->unrecommendable().empty());
  CHECK(plain->recommendable(kFee));
  CHECK(flagged->unrecommendable() == std::vector<std::uint32_t>{kFee});
  CHECK_FALSE(flagged->recommendable(kFee));
  CHECK(flagged->recommendable(kMugA));
  // Out of order or out of range ids are refused like any inconsistent section.
  auto bad = shop(true);
  bad.unrecommendable = {kBag, kFee};
  CHECK(kindstest::load_error(encode_bundle(bad)) ==
        "invalid bundle: unrecommendable section: entry 1 is out of range or out of order");
  bad.unrecommendable = {7};
  CHECK(kindstest::load_error(encode_bundle(bad)) ==
        "invalid bundle: unrecommendable section: entry 0 is out of range or out of order");
}

TEST_CASE("recommend: a non-merchandise item is neither cross-sold nor the popular fill",
          "[shopper]") {
  // Evidence confidence * sqrt(lift), confidence smoothed by 100 baskets: tea -> fee
  // 20/125 * sqrt(0.16 * 100/50) = 0.0905, mugA 0.12 * sqrt(0.3) = 0.0657, mugB
  // 0.096 * sqrt(0.32) = 0.0543, mugC 0.08 * sqrt(0.4) = 0.0506, bag 0.016 * sqrt(0.16) = 0.0064.
  // The popular fill then adds what is left: new (popularity 0).
  const auto plain = kindstest::load(shop(false));
  CHECK(items_of(ask(*plain, {kTea})) ==
        std::vector<std::uint32_t>{kFee, kMugA, kMugB, kMugC, kBag, kNew});
  const auto flagged = kindstest::load(shop(true));
  CHECK(items_of(ask(*flagged, {kTea})) ==
        std::vector<std::uint32_t>{kMugA, kMugB, kMugC, kBag, kNew});
  // A cart of mugC fires nothing; no category rules either, so the MUG items (category answer:
  // mugA, mugB; fee filed under MUG too) and then the popular fill: fee (50) first unless flagged.
  CHECK(items_of(ask(*plain, {kMugC}, 4)) == std::vector<std::uint32_t>{kFee, kMugA, kMugB, kTea});
  CHECK(items_of(ask(*flagged, {kMugC}, 4)) ==
        std::vector<std::uint32_t>{kMugA, kMugB, kTea, kBag});
  // A fee in the cart is no obstacle: the rest of the cart is answered.
  CHECK(items_of(ask(*flagged, {kFee, kTea}, 2)) == std::vector<std::uint32_t>{kMugA, kMugB});
}

TEST_CASE("recommend: a new product's similar names skip a non-merchandise item", "[shopper]") {
  const auto plain = kindstest::load(shop(false));
  const auto flagged = kindstest::load(shop(true));
  auto similar = [](const std::vector<Row>& rows) {
    std::vector<std::uint32_t> out;
    for (const auto& r : rows)
      if (r.kind == RecommendationKind::Similar) out.push_back(r.item);
    return out;
  };
  CHECK(similar(ask(*plain, {kNew})) == std::vector<std::uint32_t>{kFee, kMugA});
  CHECK(similar(ask(*flagged, {kNew})) == std::vector<std::uint32_t>{kMugA});
  for (const auto& r : ask(*flagged, {kNew})) CHECK(r.item != kFee);
}

TEST_CASE("upsell and next purchases skip a non-merchandise item", "[shopper]") {
  const auto plain = kindstest::load(shop(false));
  const auto flagged = kindstest::load(shop(true));
  // Pricier MUG items than mugA (3), at most twice its price: mugB 4, mugC 5, new 4.5, fee 5.5.
  auto upsold = [](const Bundle& b) {
    UpsellRequest req;
    req.item = kMugA;
    req.n = 5;
    std::vector<std::uint32_t> out;
    for (const auto& u : upsell(b, req)) out.push_back(u.item);
    std::sort(out.begin(), out.end());
    return out;
  };
  CHECK(upsold(*plain) == std::vector<std::uint32_t>{kMugB, kMugC, kFee, kNew});
  CHECK(upsold(*flagged) == std::vector<std::uint32_t>{kMugB, kMugC, kNew});
  // A shopper who paid the fee and bought mugA on the same three days.
  const std::vector<PurchaseEvent> history = {{kFee, 100},  {kMugA, 100}, {kFee, 110},
                                              {kMugA, 110}, {kFee, 120},  {kMugA, 120}};
  auto next = [&](const Bundle& b) {
    NextPurchaseRequest req;
    req.history = history;
    req.as_of = 125;
    std::vector<std::uint32_t> out;
    for (const auto& p : next_purchases(b, req)) out.push_back(p.item);
    std::sort(out.begin(), out.end());
    return out;
  };
  CHECK(next(*plain) == std::vector<std::uint32_t>{kMugA, kFee});
  CHECK(next(*flagged) == std::vector<std::uint32_t>{kMugA});
}

TEST_CASE("recommend: max_per_family keeps the best of each family, others fill the places",
          "[shopper]") {
  const auto b = kindstest::load(shop(true));
  // tea's candidates by score: mugA, mugB, mugC (MUG), bag (BAG). One per family: mugA, bag; no
  // other family has a candidate, and the popular fill may not add a third mug.
  CHECK(items_of(ask(*b, {kTea}, 3, 1)) == std::vector<std::uint32_t>{kMugA, kBag});
  CHECK(items_of(ask(*b, {kTea}, 3, 2)) == std::vector<std::uint32_t>{kMugA, kMugB, kBag});
  CHECK(items_of(ask(*b, {kTea}, 3, 0)) == std::vector<std::uint32_t>{kMugA, kMugB, kMugC});
  // The category answer and the fill count against the same limit: mugC's cart gets one more
  // MUG item (mugA), then tea and bag from the popular fill.
  CHECK(items_of(ask(*b, {kMugC}, 4, 1)) == std::vector<std::uint32_t>{kMugA, kTea, kBag});
  // The cart's own family does not count: a cart of mugC may still be offered one mug.
  CHECK(items_of(ask(*b, {kMugC}, 1, 1)) == std::vector<std::uint32_t>{kMugA});
}

TEST_CASE("recommend: each result names its strongest reason", "[shopper]") {
  const auto b = kindstest::load(shop(true));
  // Cart tea + bag. mugB: tea -> mugB 0.0543 beats bag -> mugB (8/110 * sqrt(0.0727 * 100/30)
  // = 0.0358): tea. mugC: bag's neighbour, 2 * 0.6364 = 1.27, outweighs tea -> mugC (0.0506):
  // bag. mugA: tea -> mugA 0.0657 beats the pair rule (0.5 * 6/106 * sqrt(0.0566 * 2.5) = 0.0106).
  const auto rows = ask(*b, {kTea, kBag});
  auto reason_of = [&](std::uint32_t item) {
    for (const auto& r : rows)
      if (r.item == item) return r.reason;
    FAIL("item not recommended");
    return kNoItem;
  };
  CHECK(reason_of(kMugA) == kTea);
  CHECK(reason_of(kMugB) == kTea);
  CHECK(reason_of(kMugC) == kBag);
  // Without smoothing the pair rule wins for mugA: 0.5 * 1 * sqrt(2.5) = 0.79 against tea ->
  // mugA 0.6 * sqrt(1.5) = 0.73. Its reason is the pair's first item in cart order.
  ScoringParams raw;
  raw.smoothing = 0;
  for (auto cart :
       {std::vector<std::uint32_t>{kTea, kBag}, std::vector<std::uint32_t>{kBag, kTea}}) {
    const auto pair_rows = ask(*b, cart, 10, 0, raw);
    const auto mug = std::find_if(pair_rows.begin(), pair_rows.end(),
                                  [](const Row& r) { return r.item == kMugA; });
    REQUIRE(mug != pair_rows.end());
    CHECK(mug->reason == cart[0]);
  }
  // 'similar': the new product; 'category': the cart item of that category; 'popular': none.
  for (const auto& r : ask(*b, {kNew}))
    CHECK(r.reason == (r.kind == RecommendationKind::Popular ? kNoItem : kNew));
  const auto answered = ask(*b, {kMugC}, 4);
  REQUIRE(answered.size() == 4);
  CHECK(answered[0].kind == RecommendationKind::Category);
  CHECK(answered[0].reason == kMugC);
  CHECK(answered[3].kind == RecommendationKind::Popular);
  CHECK(answered[3].reason == kNoItem);
  // mugA, mugB, mugC are reached by rules or neighbours; the fill (new) has no reason.
  for (const auto& r : rows)
    if (r.kind != kCross) CHECK(r.reason == kNoItem);
  CHECK(std::count_if(rows.begin(), rows.end(), [](const Row& r) { return r.kind == kCross; }) ==
        3);
}

TEST_CASE("recommend: reasons of carts longer than 64 items", "[shopper]") {
  const auto b = kindstest::load(shop(true));
  // 70 entries: unknown ids (ignored) pad the cart so its reasons are kept as ranges.
  std::vector<std::uint32_t> cart(68, 1000);
  cart.push_back(kTea);
  cart.push_back(kBag);
  const auto rows = ask(*b, cart);
  REQUIRE(rows.size() >= 3);
  for (const auto& r : rows) {
    if (r.item == kMugC) CHECK(r.reason == kBag);
    if (r.item == kMugA || r.item == kMugB) CHECK(r.reason == kTea);
  }
}

}  // namespace
