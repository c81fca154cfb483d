// The category answer of recommend(): a cart whose items fire too few rules (here: a product
// known only from the catalog) is answered from the cart's categories, by hand on seven baskets.
#include "kinds_util.hpp"
#include "mine/bundle_content.hpp"
#include "mine/mine.hpp"
#include "score/recommend.hpp"
#include "scoring_util.hpp"
#include "test_util.hpp"

namespace {

using namespace basketlift;
using Catch::Detail::Approx;

// Seven baskets; KITCHEN = {mug1, mug2} (+ "new", in the catalog only), FOOD = {tea1, tea2},
// BAGS = {bag}. Category baskets: KITCHEN 4 (1-4), FOOD 3 (1-3), BAGS 4 (4-7); KITCHEN & FOOD 3,
// KITCHEN & BAGS 1. With min count 2 the category rules are KITCHEN -> FOOD (3/4, lift
// (3/4)/(3/7) = 1.75) and FOOD -> KITCHEN (3/3); KITCHEN -> BAGS has one basket.
std::unique_ptr<Bundle> shop(bool unsold = true) {
  MineResult r;
  r.data.db = bltest::make_db({{"mug1", "tea1"},
                               {"mug1", "tea1"},
                               {"mug2", "tea2"},
                               {"mug1", "bag"},
                               {"bag"},
                               {"bag"},
                               {"bag"}});
  MineOptions opt;
  opt.min_count = 2;
  opt.catalog_unsold_items = unsold;
  mine_db(r, opt);
  const Catalog cat = kindstest::make_catalog({{"mug1", "KITCHEN", 5},
                                               {"mug2", "KITCHEN", 6},
                                               {"new", "KITCHEN", 7},
                                               {"tea1", "FOOD", 2},
                                               {"tea2", "FOOD", 3},
                                               {"bag", "BAGS", 4}});
  return kindstest::load(make_bundle_content(r, opt, "t", "now", &cat));
}

using bltest::Row;

std::vector<Row> ask(const Bundle& b, const std::vector<std::string>& cart,
                     const std::vector<std::string>& history = {}, std::uint32_t n = 5,
                     std::vector<std::uint32_t> categories = {}) {
  const auto c = bltest::ids_of(b, cart), h = bltest::ids_of(b, history);
  Scorer scorer(b);
  auto req = bltest::request_for(c, h, {}, n);
  req.filter.categories = categories;
  return bltest::rows_of(b, scorer, scorer.recommend(req));
}

TEST_CASE("a cart of an unsold catalog item is answered from its category", "[recommend]") {
  const auto b = shop();
  REQUIRE(b->find("new") < b->item_count());
  REQUIRE(b->popularity(b->find("new")) == 0);
  const auto rows = ask(*b, {"new"});
  // P(x | KITCHEN): mug1 3/4, mug2 1/4; P(FOOD | KITCHEN) * P(x | FOOD): tea1 3/4 * 2/3 = 1/2,
  // tea2 3/4 * 1/3 = 1/4. mug2 and tea2 tie on score and popularity: by id. Then the popular
  // fill: bag (4 of 7 baskets). "new" itself is in the cart.
  REQUIRE(rows.size() == 5);
  CHECK(rows[0].item == "mug1");
  CHECK(rows[0].score == Approx(0.75));
  CHECK(rows[0].confidence == Approx(0.75));
  CHECK(rows[0].lift == Approx(0.75 * 7 / 3));
  CHECK(rows[1].item == "tea1");
  CHECK(rows[1].score == Approx(0.5));
  CHECK(rows[1].lift == Approx(0.5 * 7 / 2));
  const bool mug2_first = b->find("mug2") < b->find("tea2");
  CHECK(rows[2].item == (mug2_first ? "mug2" : "tea2"));
  CHECK(rows[3].item == (mug2_first ? "tea2" : "mug2"));
  CHECK(rows[2].score == Approx(0.25));
  CHECK(rows[3].score == Approx(0.25));
  for (int i = 0; i < 4; ++i) {
    CHECK(rows[i].kind == RecommendationKind::Category);
    CHECK(rows[i].because == std::vector<std::string>{"new"});
  }
  CHECK(rows[4].item == "bag");
  CHECK(rows[4].kind == RecommendationKind::Popular);
  CHECK(rows[4].confidence == Approx(4.0 / 7));
  CHECK(std::string(kind_name(rows[0].kind)) == "category");
}

TEST_CASE("the category answer honours history, affinity and the category filter", "[recommend]") {
  const auto b = shop();
  // History tea2: excluded, and FOOD affinity 1 doubles FOOD scores: tea1 2 * 1/2 = 1 > mug1.
  auto rows = ask(*b, {"new"}, {"tea2"}, 3);
  REQUIRE(rows.size() == 3);
  CHECK(rows[0].item == "tea1");
  CHECK(rows[0].score == Approx(1.0));
  CHECK(rows[0].confidence == Approx(0.5));  // the estimate, before the boost
  CHECK(rows[1].item == "mug1");
  CHECK(rows[1].score == Approx(0.75));
  CHECK(rows[2].item == "mug2");
  // Only FOOD: tea1, tea2 by category, and no popular item is FOOD.
  const auto food = b->find_category("FOOD");
  rows = ask(*b, {"new"}, {}, 5, {food});
  REQUIRE(rows.size() == 2);
  CHECK(rows[0].item == "tea1");
  CHECK(rows[1].item == "tea2");
}

TEST_CASE("item rules come first; categories fill before popularity", "[recommend]") {
  const auto b = shop();
  // mug1 fires mug1 -> tea1 (and its neighbours: tea1, bag); then the category answer for
  // KITCHEN (mug2) and FOOD (tea2); nothing is left for the popular fill at n = 4.
  const auto rows = ask(*b, {"mug1"}, {}, 4);
  REQUIRE(rows.size() == 4);
  std::size_t cross = 0;
  while (cross < rows.size() && rows[cross].kind == RecommendationKind::CrossSell) ++cross;
  REQUIRE(cross >= 1);
  CHECK(rows[0].item == "tea1");
  for (std::size_t i = cross; i < rows.size(); ++i) {
    CHECK(rows[i].kind == RecommendationKind::Category);
    CHECK(rows[i].because == std::vector<std::string>{"mug1"});
    CHECK(rows[i].item != "mug1");
    if (i > cross) CHECK(rows[i].score <= rows[i - 1].score);
  }
}

TEST_CASE("without unsold catalog items the new product is unknown: popular only", "[recommend]") {
  const auto b = shop(false);
  CHECK(b->find("new") == b->item_count());
  const auto rows = ask(*b, {"new"});
  REQUIRE(rows.size() == 5);  // every item of the shop: nothing is in the cart
  for (const auto& r : rows) CHECK(r.kind == RecommendationKind::Popular);
}

}  // namespace
