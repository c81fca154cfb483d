// On Online Retail with its derived catalog: no item the catalog flags as not merchandise is ever
// recommended, by any kind, for 200 random carts drawn from real orders. The same carts on the
// same bundle without the flag do get such items (DOTCOM POSTAGE, POSTAGE…), so the check bites.
#include <algorithm>
#include <random>

#include "ingest/catalog.hpp"
#include "kinds_util.hpp"
#include "mine/bundle_content.hpp"
#include "mine/mine.hpp"
#include "score/next_purchase.hpp"
#include "score/recommend.hpp"
#include "score/upsell.hpp"
#include "test_util.hpp"

namespace {

using namespace basketlift;

TEST_CASE("Online Retail: non-merchandise is never recommended for 200 random carts",
          "[shopper][large][retail]") {
  const char* kOnlineRetail = "online-retail/online_retail.csv.gz";
  BLTEST_SKIP_WITHOUT_DATA(kOnlineRetail);
  const auto path = bltest::data_file(kOnlineRetail);
  const auto derived = derive_catalog(path, DeriveCatalogOptions{});
  Catalog catalog;
  for (const auto& [item, e] : derived.rows) catalog.by_item.emplace(item, e);
  for (const char* code :
       {"POST", "DOT", "M", "D", "S", "B", "C2", "PADS", "AMAZONFEE", "BANK CHARGES", "CRUK"}) {
    INFO(code);
    REQUIRE(catalog.find(code));
    CHECK_FALSE(catalog.find(code)->recommendable);
  }
  CHECK(catalog.find("85123A")->recommendable);  // WHITE HANGING HEART T-LIGHT HOLDER
  CHECK(catalog.find("85168B")->recommendable);  // BLACK BAROQUE CARRIAGE CLOCK

  MineOptions opt;
  bltest::online_retail_columns(opt.ingest);
  opt.min_support = parse_fraction("0.003", "--min-support");
  opt.rules.min_confidence = parse_fraction("0.01", "--min-confidence");
  opt.threads = opt.ingest.threads = 2;
  const auto mined = mine(path, opt);
  auto content = make_bundle_content(mined, opt, "online_retail.csv.gz", "T", &catalog);
  REQUIRE(content.unrecommendable.size() ==
          derived.rows.size() - static_cast<std::size_t>(std::count(
                                    derived.why.begin(), derived.why.end(), NonMerchandise::None)));
  const auto flagged = kindstest::load(content);
  content.unrecommendable.clear();
  const auto unflagged = kindstest::load(content);
  REQUIRE(flagged->item_count() == unflagged->item_count());
  auto is_merch = [&](std::uint32_t item) { return flagged->recommendable(item); };

  // Carts: 1 to 6 items of a random real order (non-merchandise included, as shoppers' carts
  // hold postage), with that customer's earlier items as history half the time.
  std::mt19937 rng(19);
  const auto& db = mined.data.db;
  Scorer with_flag(*flagged), without_flag(*unflagged);
  std::size_t offered_without_flag = 0, results = 0;
  for (int round = 0; round < 200; ++round) {
    const auto basket = db.basket(rng() % db.size());
    std::vector<std::uint32_t> cart;
    for (std::size_t k = 0, take = 1 + rng() % 6; k < take && k < basket.size(); ++k)
      cart.push_back(flagged->find(db.items.label(basket[rng() % basket.size()])));
    if (rng() % 3 == 0) cart.push_back(flagged->find("POST"));
    std::vector<std::uint32_t> history;
    if (rng() % 2)
      for (int k = 0; k < 10; ++k)
        history.push_back(
            flagged->find(db.items.label(static_cast<ItemId>(rng() % db.items.size()))));
    CAPTURE(round, cart);
    for (std::uint32_t limit : {0u, 1u, 2u}) {
      RecommendRequest req;
      req.cart = cart;
      req.history = history;
      req.n = 20;
      req.max_per_family = limit;
      for (const auto& r : with_flag.recommend(req)) {
        ++results;
        CHECK(is_merch(r.item));
      }
      for (const auto& r : without_flag.recommend(req)) offered_without_flag += !is_merch(r.item);
    }
    for (auto item : cart) {
      UpsellRequest up;
      up.item = item;
      up.n = 10;
      up.max_price_ratio = 1000;  // reaches the fees' prices
      for (const auto& u : upsell(*flagged, up)) CHECK(is_merch(u.item));
    }
    std::vector<PurchaseEvent> events;
    for (std::size_t k = 0; k < cart.size(); ++k) {
      events.push_back({cart[k], 15000});
      events.push_back({cart[k], 15010});
    }
    NextPurchaseRequest next;
    next.history = events;
    next.as_of = 15020;
    for (const auto& p : next_purchases(*flagged, next)) CHECK(is_merch(p.item));
  }
  CHECK(results >= 200 * 3 * 20);
  CHECK(offered_without_flag > 0);
}

}  // namespace
