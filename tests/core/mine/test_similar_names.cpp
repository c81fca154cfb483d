// Similar names: the TF-IDF cosine by hand on seven names, the bundle section (round trip, hostile
// entries), and the scorer's 'similar' answers for a cart holding a product no basket holds.
#include <cmath>

#include "kinds_util.hpp"
#include "mine/bundle_content.hpp"
#include "mine/mine.hpp"
#include "mine/similar_names.hpp"
#include "score/recommend.hpp"
#include "test_util.hpp"

namespace {

using namespace basketlift;
using Catch::Detail::Approx;

std::uint32_t stored(double cosine) {
  return static_cast<std::uint32_t>(std::lround(cosine * kSimilarityScale));
}

BundleContent seven_names() {
  BundleContent c;
  c.labels = {"m", "b", "t", "f", "new-mug", "nameless", "new-frame"};
  c.popularity = {3, 2, 1, 2, 0, 0, 0};
  c.transactions = 5;
  c.names = {"RED MUG",
             "BLUE MUG",
             "red tray",
             "LANDMARK FRAME",
             "RED-MUG new! red",
             "",
             "LANDMARK FRAME BRIDGE"};
  return c;
}

TEST_CASE("name_words: upper-cased runs of letters and digits, each once", "[similar]") {
  CHECK(name_words("RED-MUG new! red") == std::vector<std::string>{"MUG", "NEW", "RED"});
  CHECK(name_words("  set of 3 ") == std::vector<std::string>{"3", "OF", "SET"});
  CHECK(name_words("").empty());
  CHECK(name_words("caf\xC3\xA9") == std::vector<std::string>{"CAF"});  // non-ASCII separates
}

TEST_CASE("similar_names: TF-IDF cosine by hand, for unsold named items only", "[similar]") {
  // Six named items. Items naming a word: RED 3 (m, t, new-mug), MUG 3, LANDMARK 2, FRAME 2,
  // BLUE, TRAY, NEW, BRIDGE 1. Weight log(6 / that).
  const double l2 = std::log(2.0), l3 = std::log(3.0), l6 = std::log(6.0);
  const auto got = similar_names(seven_names(), 10);
  // new-mug {MUG, NEW, RED}: m {RED, MUG} shares both; b {BLUE, MUG} and t {RED, TRAY} one
  // each with the same norm: tied, so the more popular b first.
  const double new_mug = std::sqrt(2 * l2 * l2 + l6 * l6);
  const double to_m = 2 * l2 * l2 / (new_mug * std::sqrt(2 * l2 * l2));
  const double to_b = l2 * l2 / (new_mug * std::sqrt(l2 * l2 + l6 * l6));
  // new-frame {BRIDGE, FRAME, LANDMARK}: f {LANDMARK, FRAME}.
  const double to_f = std::sqrt(2 * l3 * l3 / (2 * l3 * l3 + l6 * l6));
  const std::vector<std::pair<std::uint32_t, RuleEntry>> expected = {{4, {0, stored(to_m)}},
                                                                     {4, {1, stored(to_b)}},
                                                                     {4, {2, stored(to_b)}},
                                                                     {6, {3, stored(to_f)}}};
  REQUIRE(got.size() == expected.size());
  for (std::size_t i = 0; i < got.size(); ++i) {
    INFO(i);
    CHECK(got[i].first == expected[i].first);
    CHECK(got[i].second.consequent == expected[i].second.consequent);
    CHECK(got[i].second.count == expected[i].second.count);
  }
  // per_item caps each list; 0 turns it off; without names there is nothing to compare.
  const auto two = similar_names(seven_names(), 2);
  CHECK(two.size() == 3);
  CHECK(two[1].second.consequent == 1);
  CHECK(similar_names(seven_names(), 0).empty());
  auto unnamed = seven_names();
  unnamed.names.clear();
  CHECK(similar_names(unnamed, 10).empty());
}

TEST_CASE("similar names: the bundle keeps them; hostile entries are refused", "[similar]") {
  auto c = seven_names();
  c.similar = similar_names(c, 10);
  auto b = kindstest::load(c);
  REQUIRE(b->similar(4).size() == 3);
  CHECK(b->similar(4)[0].consequent == 0);  // stored in id order
  CHECK(b->similar(6).size() == 1);
  CHECK(b->similar(0).empty());
  CHECK(b->all_similar().size() == 4);

  auto hostile = c;
  hostile.similar[0].second.consequent = 4;  // itself
  CHECK_THAT(kindstest::load_error(encode_bundle(hostile)),
             Catch::Matchers::Contains("similar names section"));
  hostile = c;
  hostile.similar[0].second.count = kSimilarityScale + 1;
  CHECK_FALSE(kindstest::load_error(encode_bundle(hostile)).empty());
  hostile = c;
  hostile.similar[0].second.consequent = 7;  // no such item
  CHECK_FALSE(kindstest::load_error(encode_bundle(hostile)).empty());
}

// Five baskets; the catalog names every item and adds "new", a frame nobody has bought yet.
std::unique_ptr<Bundle> frame_shop() {
  MineResult r;
  r.data.db = bltest::make_db({{"mug1", "tea1"},
                               {"mug1", "tea1"},
                               {"mug2", "tea2"},
                               {"frame1", "card"},
                               {"frame1", "card"}});
  MineOptions opt;
  opt.min_count = 2;
  mine_db(r, opt);
  Catalog cat;
  for (auto [item, name] : {std::pair{"mug1", "RED MUG"},
                            {"mug2", "BLUE MUG"},
                            {"tea1", "GREEN TEA"},
                            {"tea2", "BLACK TEA"},
                            {"frame1", "LANDMARK FRAME BRIDGE"},
                            {"card", "GREETING CARD"},
                            {"new", "LANDMARK FRAME TOWER"}})
    cat.by_item.emplace(item, CatalogEntry{name, "", 1.0});
  return kindstest::load(make_bundle_content(r, opt, "t", "now", &cat));
}

TEST_CASE("recommend: a new product in the cart reaches items by name ('similar')",
          "[similar][recommend]") {
  const auto b = frame_shop();
  const auto fresh = b->find("new"), frame = b->find("frame1"), mug = b->find("mug1");
  REQUIRE(fresh < b->item_count());
  // Seven named items; LANDMARK and FRAME name two, TOWER and BRIDGE one.
  const double shared = std::log(7.0 / 2), own = std::log(7.0);
  const double cosine = 2 * shared * shared / (2 * shared * shared + own * own);
  REQUIRE(b->similar(fresh).size() == 1);
  CHECK(b->similar(fresh)[0].count == stored(cosine));

  Scorer scorer(*b);
  std::vector<std::uint32_t> cart = {fresh};
  RecommendRequest req;
  req.cart = cart;
  req.n = 2;
  auto rows = scorer.recommend(req);
  REQUIRE(rows.size() == 2);
  CHECK(rows[0].item == frame);
  CHECK(rows[0].kind == RecommendationKind::Similar);
  CHECK(rows[0].score == Approx(cosine).epsilon(1e-6));
  CHECK(rows[0].confidence == Approx(cosine).epsilon(1e-6));
  CHECK(rows[0].lift == 1.0);
  CHECK(scorer.because(rows[0]) == cart);
  CHECK(rows[1].kind == RecommendationKind::Popular);
  CHECK(std::string(kind_name(rows[0].kind)) == "similar");

  // With weight 0 the name link is off: nothing but the popular fill.
  req.params.similar_weight = 0;
  rows = scorer.recommend(req);
  REQUIRE(rows.size() == 2);
  CHECK(rows[0].kind == RecommendationKind::Popular);

  // Next to a sold item, its rules report cross-sell; the frame still comes by name. A frame that
  // a rule also reaches (the cart holds card) reports the rule: cross-sell.
  req.params = {};
  req.n = 10;
  cart = {fresh, mug};
  req.cart = cart;
  bool saw_frame = false;
  for (const auto& r : scorer.recommend(req)) {
    if (r.item == b->find("tea1")) CHECK(r.kind == RecommendationKind::CrossSell);
    if (r.item == frame) saw_frame = r.kind == RecommendationKind::Similar;
  }
  CHECK(saw_frame);
  cart = {fresh, b->find("card")};
  req.cart = cart;
  const auto with_card = scorer.recommend(req);
  REQUIRE_FALSE(with_card.empty());
  CHECK(with_card[0].item == frame);
  CHECK(with_card[0].kind == RecommendationKind::CrossSell);
  CHECK(scorer.because(with_card[0]).size() == 2);  // card's rule and new's name
}

}  // namespace
