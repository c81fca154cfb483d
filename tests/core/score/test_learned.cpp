// The learned sections (bundle sections 14 and 13: EASE pruned to each item's largest weights, in
// 4- or 8-byte entries): what mining puts there, their round trip and rejection when hostile,
// that both layouts score alike, that a reader which does not know them skips them, and how the
// scorer blends them with rules (scores summed, reasons kept).
#include <algorithm>
#include <cmath>
#include <cstring>
#include <map>
#include <random>

#include "bundle/bundle.hpp"
#include "kinds_util.hpp"
#include "mine/bundle_content.hpp"
#include "mine/learned.hpp"
#include "mine/mine.hpp"
#include "score/recommend.hpp"
#include "scoring_util.hpp"
#include "test_util.hpp"

namespace {

using namespace basketlift;
using kindstest::load_error;
using kindstest::reseal;

std::int32_t weight_of(const RuleEntry& e) { return static_cast<std::int32_t>(e.count); }

// Five items, no rules, no neighbours: only learned weights reach anything. Hand-set weights
// (in units of 1/kLearnedScale): a -> b 0.5, c 0.25, d -0.125; e -> c 0.5, d 1.0; b -> a 0.75.
BundleContent learned_only() {
  BundleContent c;
  c.labels = {"a", "b", "c", "d", "e"};
  c.popularity = {5, 4, 3, 2, 2};
  c.transactions = 8;
  auto w = [](double x) { return static_cast<std::uint32_t>(std::lround(x * kLearnedScale)); };
  c.learned = {{0, {1, w(0.5)}}, {0, {2, w(0.25)}}, {0, {3, w(-0.125)}},
               {4, {2, w(0.5)}}, {4, {3, w(1.0)}},  {1, {0, w(0.75)}}};
  return c;
}

std::unique_ptr<Bundle> load_ok(const BundleContent& c) {
  std::string error;
  auto b = Bundle::load(encode_bundle(c), error);
  INFO(error);
  REQUIRE(b);
  return b;
}

bool has_section(const Bundle& b, SectionId id) {
  return std::any_of(b.sections().begin(), b.sections().end(),
                     [id](const SectionInfo& s) { return s.id == id; });
}

// The bundle's section table entry `id` renumbered to `to` (the bytes stay), resealed.
std::vector<std::uint8_t> renumbered(std::vector<std::uint8_t> bytes, SectionId id,
                                     std::uint32_t to) {
  BundleHeader h;
  std::string error;
  REQUIRE(read_bundle_header(bytes, h, error));
  bool found = false;
  for (std::size_t i = 0; i < h.sections.size(); ++i)
    if (h.sections[i].id == id) {
      std::memcpy(bytes.data() + 32 + 24 * i, &to, 4);
      found = true;
    }
  REQUIRE(found);
  reseal(bytes);
  return bytes;
}

void check_same_entries(const Bundle& x, const Bundle& y) {
  REQUIRE(x.item_count() == y.item_count());
  REQUIRE(x.all_learned().size() == y.all_learned().size());
  for (std::uint32_t i = 0; i < x.item_count(); ++i) {
    const auto a = x.learned(i), b = y.learned(i);
    REQUIRE(a.size() == b.size());
    for (std::size_t r = 0; r < a.size(); ++r) {
      CHECK(a[r].consequent == b[r].consequent);
      CHECK(weight_of(a[r]) == weight_of(b[r]));
    }
  }
}

}  // namespace

TEST_CASE("learned_weights keeps each item's K largest |B| (negatives too), on the int16 grid",
          "[learned]") {
  // Random baskets over 12 items, so B has weights of both signs and distinct magnitudes.
  // Item 3k+1 is often bought with 3k and 3k+2 never with 3k+1, so B has large positive and
  // negative weights besides the small ones of independent items.
  const std::vector<std::string> labels = {"i0", "i1", "i2", "i3", "i4",  "i5",
                                           "i6", "i7", "i8", "i9", "i10", "i11"};
  std::mt19937 rng(7);
  std::vector<bltest::Basket> baskets;
  for (int b = 0; b < 300; ++b) {
    bltest::Basket basket;
    bool previous = false;
    for (std::size_t i = 0; i < labels.size(); ++i) {
      const int chance = i % 3 == 2
                             ? (previous ? 0 : 40)
                             : 10 + 5 * static_cast<int>(i % 4) + (i % 3 == 1 && previous ? 50 : 0);
      previous = std::uniform_int_distribution<int>(0, 99)(rng) < chance;
      if (previous) basket.push_back(labels[i]);
    }
    if (!basket.empty()) baskets.push_back(basket);
  }
  const auto db = bltest::make_db(baskets);
  Ease ease(db, 100);
  ease.fit(20.0);
  const std::uint32_t n = ease.items(), k = 4;
  const auto learned = learned_weights(ease, k);
  bool negative = false;
  // Brute force per item: every other item's weight, ordered by magnitude, the top k expected.
  for (std::uint32_t i = 0; i < n; ++i) {
    std::vector<std::pair<double, std::uint32_t>> all;
    for (std::uint32_t j = 0; j < n; ++j)
      if (j != i) all.push_back({std::abs(double{ease.weight(i, j)}), j});
    std::sort(all.begin(), all.end(), [](auto x, auto y) {
      return x.first != y.first ? x.first > y.first : x.second < y.second;
    });
    std::map<std::uint32_t, std::int32_t> expected;
    for (std::uint32_t r = 0; r < k; ++r) {
      const auto q = static_cast<std::int32_t>(std::lround(ease.weight(i, all[r].second) * 4096.0));
      if (q != 0) expected[all[r].second] = q;
    }
    std::map<std::uint32_t, std::int32_t> got;
    std::uint32_t previous = 0;
    bool first = true;
    for (const auto& [a, e] : learned)
      if (a == i) {
        CHECK((first || e.consequent > previous));  // in target order
        first = false;
        previous = e.consequent;
        got[e.consequent] = weight_of(e);
        negative |= weight_of(e) < 0;
      }
    CAPTURE(i);
    CHECK(got == expected);
  }
  CHECK(negative);  // the case exercises negative weights
  CHECK(learned_weights(ease, 0).empty());
}

TEST_CASE("learned section: round trip, and mining writes it with its parameters in meta",
          "[learned][bundle]") {
  auto c = learned_only();
  const auto b = load_ok(c);
  // 5 items: 4-byte entries (section 14) and no section 13. Its bytes: n_entries, 5 u16 counts,
  // 2 bytes of padding, 6 u16 targets, 6 i16 weights.
  CHECK(has_section(*b, SectionId::LearnedCompact));
  CHECK_FALSE(has_section(*b, SectionId::Learned));
  for (const auto& s : b->sections())
    if (s.id == SectionId::LearnedCompact) CHECK(s.size == 4 + 2 * 5 + 2 + 4 * 6);
  REQUIRE(b->all_learned().size() == 6);
  REQUIRE(b->learned(0).size() == 3);
  CHECK(b->learned(0)[0].consequent == 1);
  CHECK(weight_of(b->learned(0)[2]) == -512);
  CHECK(b->learned(2).empty());
  CHECK(b->learned(4).size() == 2);
  CHECK(b->learned(4)[1].consequent == 3);
  CHECK(weight_of(b->learned(4)[1]) == 4096);
  // The int16 grid's ends survive the 16-bit weights.
  c.learned[0].second.count = static_cast<std::uint32_t>(kLearnedMax);
  c.learned[2].second.count = static_cast<std::uint32_t>(-kLearnedMax);
  const auto ends = load_ok(c);
  CHECK(weight_of(ends->learned(0)[0]) == kLearnedMax);
  CHECK(weight_of(ends->learned(0)[2]) == -kLearnedMax);
  // 8-byte entries (section 13, what bundles before section 14 hold) still read, to the same.
  c.learned_wide = true;
  const auto wide = load_ok(c);
  CHECK(has_section(*wide, SectionId::Learned));
  CHECK_FALSE(has_section(*wide, SectionId::LearnedCompact));
  check_same_entries(*ends, *wide);

  // Mined: the shop's baskets, K = 2: every modelled item has at most 2 entries, and the
  // bundle says how it was fitted.
  auto r = bltest::mined_shop();
  MineOptions o;
  o.min_count = 2;
  o.learned_per_item = 2;
  o.learned_lambda = 3;
  const auto mined = load_ok(make_bundle_content(r, o, "shop", "2026-01-01T00:00:00Z"));
  CHECK(mined->meta_value("learned_per_item") == "2");
  CHECK(mined->meta_value("learned_lambda") == "3");
  CHECK(mined->meta_value("learned_items") == "8");
  std::size_t total = 0;
  for (std::uint32_t i = 0; i < mined->item_count(); ++i) {
    CHECK(mined->learned(i).size() <= 2);
    total += mined->learned(i).size();
  }
  CHECK(total > 0);
  o.learned_per_item = 0;  // off: no section at all
  const auto off = load_ok(make_bundle_content(r, o, "shop", "2026-01-01T00:00:00Z"));
  CHECK(off->all_learned().empty());
  CHECK_FALSE(has_section(*off, SectionId::Learned));
  CHECK_FALSE(has_section(*off, SectionId::LearnedCompact));
}

TEST_CASE("learned section: past 65,535 items the writer keeps 8-byte entries",
          "[learned][bundle]") {
  BundleContent c;
  const std::uint32_t n = kCompactLearnedMaxItems + 1;
  for (std::uint32_t i = 0; i < n; ++i) {
    c.labels.push_back(kindstest::tag("i", i));
    c.popularity.push_back(1);
  }
  c.transactions = n;
  // Targets past the 16-bit range, which 4-byte entries could not hold.
  c.learned = {{0, {n - 1, 100}}, {n - 1, {0, static_cast<std::uint32_t>(-7)}}, {n / 2, {1, 3}}};
  const auto bytes = encode_bundle(c);
  std::string error;
  const auto b = Bundle::load(bytes, error);
  INFO(error);
  REQUIRE(b);
  CHECK(has_section(*b, SectionId::Learned));
  CHECK_FALSE(has_section(*b, SectionId::LearnedCompact));
  REQUIRE(b->learned(0).size() == 1);
  CHECK(b->learned(0)[0].consequent == n - 1);
  CHECK(weight_of(b->learned(n - 1)[0]) == -7);
  // Section 13's bytes relabelled 14 in a bundle this large: refused for its size, before its
  // bytes are read.
  const auto error14 = load_error(renumbered(bytes, SectionId::Learned, 14));
  CHECK(bltest::contains(error14, "learned weights (4-byte entries)"));
  CHECK(bltest::contains(error14, "beyond its 16-bit ids"));
}

TEST_CASE("learned section: 4-byte and 8-byte entries score alike", "[learned][scorer]") {
  // The shop mined with learned weights, written both ways: the same entries, and every cart's
  // every result (item, score, kind, reason) the same.
  auto r = bltest::mined_shop();
  MineOptions o;
  o.min_count = 2;
  auto content = make_bundle_content(r, o, "shop", "");
  REQUIRE_FALSE(content.learned.empty());
  const auto compact = load_ok(content);
  content.learned_wide = true;
  const auto wide = load_ok(content);
  REQUIRE(compact->byte_size() < wide->byte_size());
  check_same_entries(*compact, *wide);
  Scorer cs(*compact), ws(*wide);
  for (std::uint32_t i = 0; i < compact->item_count(); ++i)
    for (std::uint32_t j = i; j < compact->item_count(); ++j) {
      const std::vector<std::uint32_t> cart =
          i == j ? std::vector<std::uint32_t>{i} : std::vector<std::uint32_t>{i, j};
      CAPTURE(cart);
      const auto x = cs.recommend(bltest::request_for(cart, {}, {}, 10));
      const auto y = ws.recommend(bltest::request_for(cart, {}, {}, 10));
      REQUIRE(x.size() == y.size());
      for (std::size_t k = 0; k < x.size(); ++k) {
        CHECK(x[k].item == y[k].item);
        CHECK(x[k].score == y[k].score);
        CHECK(x[k].kind == y[k].kind);
        CHECK(x[k].reason == y[k].reason);
      }
    }
}

TEST_CASE("hostile learned sections are rejected with a message; unknown sections are skipped",
          "[learned][bundle]") {
  auto content = learned_only();
  content.learned_wide = true;
  const auto good = encode_bundle(content);
  REQUIRE(load_error(good).empty());
  {
    // Section 13: count, offsets[6], then entries (target, weight); item a's three come first.
    const auto at = kindstest::section_offset(good, SectionId::Learned);
    const auto entries = at + 4 + 4 * 6;
    auto rejected = [&](std::uint64_t where, std::uint32_t value, const char* message) {
      auto bad = good;
      std::memcpy(bad.data() + where, &value, 4);
      reseal(bad);
      const auto error = load_error(bad);
      INFO(message << " / got: " << error);
      CHECK(bltest::contains(error, "learned weights section"));
      CHECK(bltest::contains(error, message));
    };
    rejected(entries, 5, "inconsistent");               // no such item
    rejected(entries, 0, "inconsistent");               // itself
    rejected(entries + 8, 1, "inconsistent");           // twice (and out of order)
    rejected(entries + 4, 0, "inconsistent");           // a weight of 0 is never stored
    rejected(entries + 4, 32768, "inconsistent");       // beyond int16
    rejected(entries + 4, 0xFFFF7FFF, "inconsistent");  // -32769
    rejected(at, 1000, "counts exceed the section");
    rejected(at + 8, 7, "bad offsets");
  }
  {
    // Section 14 of the same entries: E 6; counts a 3, b 1, c 0, d 0, e 2; 2 bytes of padding;
    // then planes of 6 bytes: target steps' low bytes 1 1 1 | 0 | 2 1 and high bytes (all 0),
    // weights' low bytes (all 0) and high bytes 0x08 0x04 0xFE | 0x0C | 0x08 0x10 (2048 1024
    // -512 | 3072 | 2048 4096).
    const auto compact = encode_bundle(learned_only());
    REQUIRE(load_error(compact).empty());
    const auto at = kindstest::section_offset(compact, SectionId::LearnedCompact);
    const auto counts = at + 4, steps = at + 16, steps_high = at + 22, weights_high = at + 34;
    const std::vector<std::uint8_t> expected_planes = {
        1, 1, 1, 0, 2, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x08, 0x04, 0xFE, 0x0C, 0x08, 0x10};
    REQUIRE(std::vector<std::uint8_t>(compact.begin() + static_cast<std::ptrdiff_t>(steps),
                                      compact.begin() + static_cast<std::ptrdiff_t>(steps + 24)) ==
            expected_planes);
    auto rejected = [&](std::uint64_t where, std::uint32_t value, std::size_t width,
                        const char* message) {
      auto bad = compact;
      std::memcpy(bad.data() + where, &value, width);  // little-endian: the low bytes
      reseal(bad);
      const auto error = load_error(bad);
      INFO(message << " / got: " << error);
      CHECK(bltest::contains(error, "learned weights (4-byte entries) section"));
      CHECK(bltest::contains(error, message));
    };
    rejected(steps, 5, 1, "entry 0 of item 0 is inconsistent");      // no such item
    rejected(steps, 0, 1, "entry 0 of item 0 is inconsistent");      // itself
    rejected(steps + 1, 0, 1, "entry 1 of item 0 is inconsistent");  // twice
    rejected(steps + 5, 3, 1, "entry 1 of item 4 is inconsistent");  // stepped past the last item
    rejected(steps_high + 3, 1, 1, "entry 0 of item 1 is inconsistent");       // 256: no such item
    rejected(weights_high, 0, 1, "entry 0 of item 0 is inconsistent");         // 0 is never stored
    rejected(weights_high + 1, 0x80, 1, "entry 1 of item 0 is inconsistent");  // -32768
    rejected(counts + 2 * 4, 3, 2, "item counts exceed its entries");
    rejected(counts + 2 * 4, 1, 2, "item counts fall short of its entries");
    rejected(at, 7, 4, "its size does not match its counts");  // entries past the section
    rejected(at, 5, 4, "its size does not match its counts");  // bytes left over
    // Both layouts in one bundle: section 13 plus a section numbered 14 (here the similar-names
    // section's bytes) is refused rather than one silently preferred.
    auto both = content;
    both.similar = {{2, {3, 1000}}};
    const auto error = load_error(renumbered(encode_bundle(both), SectionId::Similar, 14));
    CHECK(bltest::contains(error, "section 13 too"));
  }

  // An item no basket holds (popularity 0: a catalog item never sold) has no learned weights and
  // is no target of one, in either layout: a result's lift would divide by its popularity.
  for (const bool wide : {false, true}) {
    for (const std::uint32_t unsold : {3u, 4u}) {  // d: a target of a and e; e: lists c and d
      auto c = learned_only();
      c.learned_wide = wide;
      c.popularity[unsold] = 0;
      CAPTURE(wide, unsold);
      const auto error = load_error(encode_bundle(c));
      CHECK(bltest::contains(error, wide ? "learned weights section" : "(4-byte entries) section"));
      CHECK(bltest::contains(error, unsold == 3 ? "entry 2 of item 0 is inconsistent"
                                                : "entry 0 of item 4 is inconsistent"));
    }
  }

  // A reader that does not know a section id skips it: either layout renumbered past every known
  // id is ignored and the bundle loads without learned weights.
  for (const auto& [bytes, id] :
       {std::pair{good, SectionId::Learned},
        std::pair{encode_bundle(learned_only()), SectionId::LearnedCompact}}) {
    std::string error;
    auto skipped = Bundle::load(renumbered(bytes, id, 200), error);
    INFO(error);
    REQUIRE(skipped);
    CHECK(skipped->all_learned().empty());
    CHECK(skipped->learned(0).empty());
  }
}

TEST_CASE("scorer: learned weights are summed over the cart, each result keeps its reason",
          "[learned][scorer]") {
  const auto b = load_ok(learned_only());
  Scorer scorer(*b);
  const double w = ScoringParams{}.learned_weight;
  REQUIRE(w > 0);

  // Cart {a}: b 0.5, c 0.25, then the popular fill (e); d's weight is negative: it is a
  // candidate below the others.
  const std::vector<std::uint32_t> a{0};
  auto rows = bltest::rows_of(*b, scorer, scorer.recommend(bltest::request_for(a, {}, {}, 4)));
  REQUIRE(rows.size() == 4);
  CHECK(rows[0].item == "b");
  CHECK(rows[0].score == Approx(0.5 * w));
  CHECK(rows[0].kind == RecommendationKind::CrossSell);
  CHECK(rows[0].confidence == 0.0);  // no rule to report
  CHECK(rows[0].lift == 0.0);
  CHECK(rows[0].because == std::vector<std::string>{"a"});
  CHECK(rows[1].item == "c");
  CHECK(rows[1].score == Approx(0.25 * w));
  CHECK(rows[2].item == "d");
  CHECK(rows[2].score == Approx(-0.125 * w));
  CHECK(rows[3].kind == RecommendationKind::Popular);

  // Cart {a, e}: c = 0.25 + 0.5, d = -0.125 + 1.0, b = 0.5 (brute-force sums of the table);
  // the reason is the cart item that adds the most: e for c and d, a for b.
  const std::vector<std::uint32_t> ae{0, 4};
  const auto results = scorer.recommend(bltest::request_for(ae, {}, {}, 3));
  rows = bltest::rows_of(*b, scorer, results);
  REQUIRE(rows.size() == 3);
  CHECK(rows[0].item == "d");
  CHECK(rows[0].score == Approx(0.875 * w));
  CHECK(rows[1].item == "c");
  CHECK(rows[1].score == Approx(0.75 * w));
  CHECK(rows[2].item == "b");
  CHECK(rows[2].score == Approx(0.5 * w));
  CHECK(b->label(results[0].reason) == "e");
  CHECK(b->label(results[1].reason) == "e");
  CHECK(b->label(results[2].reason) == "a");
  CHECK(rows[0].because == std::vector<std::string>{"a", "e"});

  // learned_weight 0 turns them off: only the popular fill is left.
  auto request = bltest::request_for(a, {}, {}, 2);
  request.params.learned_weight = 0;
  for (const auto& r : scorer.recommend(request)) CHECK(r.kind == RecommendationKind::Popular);
}

TEST_CASE("scorer: learned weights add to rule evidence, the strongest piece names the reason",
          "[learned][scorer]") {
  // The shop's bundle with and without its learned section: a cart's every candidate scores
  // what it scored without, plus the sum of the learned weights that reach it.
  auto r = bltest::mined_shop();
  MineOptions with;
  with.min_count = 2;
  MineOptions without = with;
  without.learned_per_item = 0;
  const auto wb = load_ok(make_bundle_content(r, with, "shop", ""));
  const auto nb = load_ok(make_bundle_content(r, without, "shop", ""));
  REQUIRE(!wb->all_learned().empty());
  Scorer ws(*wb), ns(*nb);
  for (const auto& labels : std::vector<std::vector<std::string>>{
           {"bread"}, {"milk", "jam"}, {"beer"}, {"butter", "chips", "cereal"}}) {
    CAPTURE(labels);
    const auto cart = bltest::ids_of(*wb, labels);
    std::map<std::uint32_t, double> expected;
    for (const auto& x : ns.recommend(bltest::request_for(cart, {}, {}, 100)))
      if (x.kind == RecommendationKind::CrossSell) expected[x.item] = x.score;
    const double w = ScoringParams{}.learned_weight;
    for (auto i : cart)
      for (const auto& e : wb->learned(i))
        if (std::find(cart.begin(), cart.end(), e.consequent) == cart.end())
          expected[e.consequent] += w * weight_of(e) / kLearnedScale;
    std::map<std::uint32_t, double> got;
    for (const auto& x : ws.recommend(bltest::request_for(cart, {}, {}, 100))) {
      if (x.kind != RecommendationKind::CrossSell) continue;
      got[x.item] = x.score;
      // Every result keeps a "because" cart item.
      CHECK(std::find(cart.begin(), cart.end(), x.reason) != cart.end());
    }
    REQUIRE(got.size() == expected.size());
    for (const auto& [item, score] : expected) CHECK(got[item] == Approx(score).margin(1e-12));
  }
}
