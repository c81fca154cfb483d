// Neighbours: top_neighbours() against a brute force on random baskets, the bundle section
// (round trip, a hostile entry), and how the scorer blends them in, by hand on eight baskets.
#include <cmath>
#include <map>
#include <random>
#include <set>

#include "bundle/bundle.hpp"
#include "mine/bundle_content.hpp"
#include "mine/mine.hpp"
#include "mine/neighbours.hpp"
#include "score/recommend.hpp"
#include "scoring_util.hpp"
#include "test_util.hpp"

namespace {

using namespace basketlift;
using Catch::Detail::Approx;

// Every basket is its own row here; the brute force counts pairs basket by basket.
std::vector<std::pair<std::uint32_t, RuleEntry>> brute_force(const TransactionDb& db,
                                                             std::uint32_t per_item) {
  std::map<std::pair<std::uint32_t, std::uint32_t>, std::uint32_t> together;
  for (std::size_t b = 0; b < db.size(); ++b)
    for (auto x : db.basket(b))
      for (auto y : db.basket(b))
        if (x != y) ++together[{x, y}];
  std::vector<std::pair<std::uint32_t, RuleEntry>> out;
  for (std::uint32_t a = 0; a < db.items.size(); ++a) {
    // cosine^2 = n^2 / (s_a s_b): for a fixed a, order by the fraction n^2 / s_b, exactly.
    std::vector<std::pair<std::uint32_t, std::uint32_t>> scored;  // (b, n)
    for (const auto& [key, n] : together)
      if (key.first == a) scored.push_back({key.second, n});
    std::sort(scored.begin(), scored.end(), [&](const auto& x, const auto& y) {
      const auto lhs = static_cast<unsigned __int128>(x.second) * x.second * db.support[y.first];
      const auto rhs = static_cast<unsigned __int128>(y.second) * y.second * db.support[x.first];
      return lhs != rhs ? lhs > rhs : x.first < y.first;
    });
    for (std::size_t k = 0; k < std::min<std::size_t>(per_item, scored.size()); ++k)
      out.push_back({a, {scored[k].first, scored[k].second}});
  }
  return out;
}

bool same(const std::vector<std::pair<std::uint32_t, RuleEntry>>& x,
          const std::vector<std::pair<std::uint32_t, RuleEntry>>& y) {
  if (x.size() != y.size()) return false;
  for (std::size_t i = 0; i < x.size(); ++i)
    if (x[i].first != y[i].first || x[i].second.consequent != y[i].second.consequent ||
        x[i].second.count != y[i].second.count)
      return false;
  return true;
}

std::unique_ptr<Bundle> load(const BundleContent& c, std::string& error) {
  return Bundle::load(encode_bundle(c), error);
}

}  // namespace

TEST_CASE("top_neighbours equals a brute force on random baskets", "[neighbours]") {
  std::mt19937 rng(5);
  for (int trial = 0; trial < 200; ++trial) {
    std::vector<std::vector<std::string>> baskets;
    // Every tenth trial has hundreds of items: several blocks of them, shared among workers.
    const bool wide = trial % 10 == 0;
    const int n = wide ? 300 : 1 + static_cast<int>(rng() % 30);
    const int items = wide ? 100 + static_cast<int>(rng() % 300) : 2 + static_cast<int>(rng() % 12);
    for (int b = 0; b < n; ++b) {
      std::vector<std::string> basket;
      const int k = 1 + static_cast<int>(rng() % 6);
      for (int i = 0; i < k; ++i) basket.push_back(std::to_string(rng() % items));
      baskets.push_back(basket);
    }
    const auto db = bltest::make_db(baskets);
    for (std::uint32_t per_item : {1u, 3u, 100u})
      for (unsigned threads : {1u, 2u, 3u})
        REQUIRE(same(top_neighbours(db, per_item, threads), brute_force(db, per_item)));
  }
}

TEST_CASE("neighbours: the bundle keeps them; a hostile entry is refused", "[neighbours]") {
  auto r = bltest::mined_shop();
  auto content = make_bundle_content(r, bltest::no_learned(), "shop", "now");
  std::string error;
  auto b = load(content, error);
  REQUIRE(b);
  REQUIRE(b->all_neighbours().size() == content.neighbours.size());
  // milk's: bread (3 of milk's 4 baskets, cosine 3/sqrt(20) = .671), then butter and cereal tie
  // at .5 (2/sqrt(16), 1/sqrt(4)) and butter has the lower id (more baskets); jam (.354) is out.
  const auto milk = b->find("milk");
  std::vector<std::string> got;
  for (const auto& e : b->neighbours(milk)) got.emplace_back(b->label(e.consequent));
  std::sort(got.begin(), got.end());
  CHECK(got == std::vector<std::string>{"bread", "butter", "cereal"});

  auto no_section = content;
  no_section.neighbours.clear();
  auto plain = load(no_section, error);
  REQUIRE(plain);
  CHECK(plain->neighbours(milk).empty());
  // Still a sub-span of all_neighbours(): the scorer takes list offsets from data().
  CHECK(plain->neighbours(milk).data() == plain->all_neighbours().data());
  CHECK(plain->similar(milk).data() == plain->all_similar().data());

  auto hostile = content;
  hostile.neighbours[0].second.consequent = hostile.neighbours[0].first;  // itself
  CHECK_FALSE(load(hostile, error));
  CHECK_THAT(error, Catch::StartsWith("invalid bundle: neighbours section: rule 0 of item"));
  hostile = content;
  hostile.neighbours[0].second.count = 1000;  // more baskets than the item has
  CHECK_FALSE(load(hostile, error));
  CHECK_THAT(error, Catch::StartsWith("invalid bundle: neighbours section:"));
}

TEST_CASE("the scorer adds weight * cosine of the cart items' neighbours", "[neighbours]") {
  auto r = bltest::mined_shop();
  std::string error;
  auto b = load(make_bundle_content(r, bltest::no_learned(), "shop", "now"), error);
  REQUIRE(b);
  Scorer s(*b);
  const std::vector<std::uint32_t> cart{b->find("milk")};
  auto req = bltest::request_for(cart, {}, {}, 5);
  req.params.evidence = Evidence::Confidence;
  req.params.smoothing = 0;
  req.params.neighbour_weight = 1.0;
  const auto results = s.recommend(req);
  REQUIRE(results.size() == 5);
  auto label = [&](std::size_t i) { return std::string(b->label(results[i].item)); };
  // bread: rule milk->bread 3/4 plus cosine 3/sqrt(4*5); butter: 2/4 plus 2/sqrt(4*4).
  CHECK(label(0) == "bread");
  CHECK(results[0].score == Approx(0.75 + 3 / std::sqrt(20.0)));
  CHECK(label(1) == "butter");
  CHECK(results[1].score == Approx(0.5 + 0.5));
  // cereal: in one basket with milk, too rare for a rule (min count 2); the neighbour alone
  // brings it, with that pair's confidence 1/4 and lift (1/4) / (1/8) = 2.
  CHECK(label(2) == "cereal");
  CHECK(results[2].kind == RecommendationKind::CrossSell);
  CHECK(results[2].score == Approx(1 / std::sqrt(4.0)));
  CHECK(results[2].confidence == Approx(0.25));
  CHECK(results[2].lift == Approx(2.0));
  CHECK(s.because(results[2]).size() == 1);
  CHECK(s.because(results[2])[0] == cart[0]);
  // Then the popular fill: beer and chips (2 baskets each; jam has 2 too but a higher id).
  CHECK(results[3].kind == RecommendationKind::Popular);
  CHECK(label(3) == "beer");
  CHECK(label(4) == "chips");

  req.params.neighbour_weight = 0;  // the rules alone: cereal is gone
  const auto plain = s.recommend(req);
  REQUIRE(plain.size() == 5);
  CHECK(plain[0].score == Approx(0.75));
  CHECK(std::string(b->label(plain[2].item)) != "cereal");
  CHECK(plain[2].kind == RecommendationKind::Popular);
}
