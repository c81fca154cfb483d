// libFuzzer target: the bundle reader, and everything the wasm API does with a bundle that loads.
//
// Each input is loaded twice: as given (header, size and checksum checks), then "resealed" with
// the header's size and checksum rewritten to match, so mutations reach the section validators
// instead of dying at the checksum. A bundle that loads is then driven through every accessor
// wasm/bindings.cpp uses (tables, scorer, pair lookups, top rules, upsell, complementary
// categories, next purchases), with ids derived from the input, in range and out of it, and the
// results are checked against invariants that hold for any valid bundle.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

#include "bundle/bundle.hpp"
#include "fuzz_util.hpp"
#include "score/complements.hpp"
#include "score/next_purchase.hpp"
#include "score/recommend.hpp"
#include "score/rule_list.hpp"
#include "score/upsell.hpp"

using namespace basketlift;
using fuzzutil::Rng;

namespace {

constexpr std::uint32_t kMaxU32 = std::numeric_limits<std::uint32_t>::max();
constexpr double kInf = std::numeric_limits<double>::infinity();
// parse_day's range: 0000-01-01 .. 9999-12-31, in days since 1970-01-01.
constexpr std::int32_t kFirstDay = -719528, kLastDay = 2932896;

bool contains(std::span<const std::uint32_t> s, std::uint32_t v) {
  return std::find(s.begin(), s.end(), v) != s.end();
}

// An id for a request: mostly real items, sometimes one past the end or far out of range.
std::uint32_t some_id(Rng& rng, std::uint32_t n) {
  switch (rng.below(8)) {
    case 0:
      return n;
    case 1:
      return kMaxU32;
    default:
      return rng.below(n + 1ull);
  }
}

std::vector<std::uint32_t> some_ids(Rng& rng, std::uint32_t n, std::uint32_t max_count) {
  std::vector<std::uint32_t> ids(rng.below(max_count + 1ull));
  for (auto& id : ids) id = some_id(rng, n);
  return ids;
}

ItemFilter some_filter(Rng& rng, const Bundle& b, std::vector<std::uint32_t>& categories) {
  ItemFilter f;
  categories =
      rng.below(3) == 0 ? some_ids(rng, b.category_count(), 2) : std::vector<std::uint32_t>{};
  if (rng.below(4) == 0) categories.push_back(kNoCategory);
  f.categories = categories;
  if (rng.below(3) == 0) {
    f.min_price = static_cast<double>(rng.below(50));
    f.max_price = rng.below(2) ? kInf : f.min_price + rng.below(100);
  }
  if (rng.below(16) == 0) f.min_price = std::numeric_limits<double>::quiet_NaN();  // from JS
  return f;
}

void check_tables(const Bundle& b) {
  const auto n = b.item_count(), nc = b.category_count();
  FUZZ_CHECK(b.popular_order().size() == n);
  std::size_t learned_total = 0;
  for (std::uint32_t i = 0; i < n; ++i) {
    FUZZ_CHECK(b.find(b.label(i)) == i);
    (void)b.name(i);
    const double p = b.price(i);
    FUZZ_CHECK(std::isnan(p) || (p >= 0 && std::isfinite(p)));
    const auto k = b.item_category(i);
    FUZZ_CHECK(k == kNoCategory || k < nc);
    FUZZ_CHECK(b.popularity(i) <= b.transactions());
    // Popularity 0 (a catalog item no basket holds): nothing may start there but similar names.
    if (b.popularity(i) == 0) FUZZ_CHECK(b.single_rules(i).empty() && b.neighbours(i).empty());
    for (const auto& e : b.similar(i))
      FUZZ_CHECK(e.consequent < n && e.consequent != i && e.count >= 1 &&
                 e.count <= kSimilarityScale);
    // Learned weights, from section 13 or 14 alike: targets ascending, never the item, on the
    // int16 grid and never 0; each item's list a piece of all_learned(), in item order.
    const auto learned = b.learned(i);
    FUZZ_CHECK(learned.empty() || (learned.data() >= b.all_learned().data() &&
                                   learned.data() + learned.size() <=
                                       b.all_learned().data() + b.all_learned().size()));
    for (std::size_t x = 0; x < learned.size(); ++x) {
      const auto w = static_cast<std::int32_t>(learned[x].count);
      FUZZ_CHECK(learned[x].consequent < n && learned[x].consequent != i && w != 0 &&
                 w >= -kLearnedMax && w <= kLearnedMax &&
                 (x == 0 || learned[x].consequent > learned[x - 1].consequent));
    }
    learned_total += learned.size();
    const auto r = b.repurchase(i);
    FUZZ_CHECK(r.repeat_buyers <= r.buyers && r.mean_days >= 0 && r.sd_days >= 0);
    for (const auto& rule : b.single_rules(i))
      FUZZ_CHECK(rule.consequent < n && rule.consequent != i && rule.count >= 1 &&
                 rule.count <= b.popularity(i));
  }
  FUZZ_CHECK(learned_total == b.all_learned().size());
  for (std::uint32_t k = 0; k < nc; ++k) {
    FUZZ_CHECK(b.find_category(b.category_label(k)) == k);
    for (auto item : b.category_items(k)) FUZZ_CHECK(item < n && b.item_category(item) == k);
    FUZZ_CHECK(b.category_popularity(k) <= b.transactions());
    for (const auto& rule : b.category_rules(k)) FUZZ_CHECK(rule.consequent < nc);
  }
  FUZZ_CHECK(b.category_items(nc).empty() && b.category_rules(nc).empty());
  for (const auto& [key, value] : b.meta()) FUZZ_CHECK(b.meta_value(key).size() <= b.byte_size());

  // The pair index walked two ways: every pair for_each_pair lists is found by pair_rules.
  std::size_t pairs = 0, pair_rules = 0;
  for (std::uint32_t a = 0; a < n; ++a) {
    b.for_each_pair(a, [&](std::uint32_t other, std::uint32_t count,
                           std::span<const RuleEntry> rules) {
      FUZZ_CHECK(other > a && other < n);
      std::uint32_t found = 0;
      auto again = b.pair_rules(other, a, &found);
      FUZZ_CHECK(found == count && again.size() == rules.size() && again.data() == rules.data());
      ++pairs;
      pair_rules += rules.size();
    });
  }
  FUZZ_CHECK(pairs == b.pair_count() && pair_rules == b.pair_rule_count());
}

void check_top_rules(const Bundle& b, std::size_t limit) {
  const auto rules = top_rules(b, limit);
  FUZZ_CHECK(rules.size() <= limit && rules.size() <= b.single_rule_count() + b.pair_rule_count());
  for (std::size_t r = 0; r < rules.size(); ++r) {
    const auto& v = rules[r];
    FUZZ_CHECK(v.a < b.item_count() && v.consequent < b.item_count());
    FUZZ_CHECK(v.b == kNoItem || (v.b > v.a && v.b < b.item_count()));
    FUZZ_CHECK(v.support > 0 && v.support <= 1 && v.confidence > 0 && v.confidence <= 1);
    FUZZ_CHECK(std::isfinite(v.lift) && v.lift > 0);
    if (r) FUZZ_CHECK(rules[r - 1].lift >= v.lift);
  }
}

void check_recommend(const Bundle& b, Scorer& scorer, Rng& rng, int round) {
  const auto n = b.item_count();
  const auto cart = some_ids(rng, n, 4), history = some_ids(rng, n, 3),
             exclude = some_ids(rng, n, 2);
  std::vector<std::uint32_t> categories;
  RecommendRequest req;
  req.cart = cart;
  req.history = history;
  req.exclude = exclude;
  req.n = rng.below(8) ? rng.below(12) : kMaxU32;  // JS may ask for any count
  req.filter = some_filter(rng, b, categories);
  req.params.aggregation = static_cast<Aggregation>(round % 3);
  req.params.evidence = static_cast<Evidence>((round / 3) % 3);
  req.params.pair_weight = rng.below(2) ? 0.5 : 1.0;
  req.params.affinity_weight = static_cast<double>(rng.below(3));
  req.params.similar_weight = static_cast<double>(rng.below(3));
  req.params.learned_weight = static_cast<double>(rng.below(3)) * 4;
  const auto results = scorer.recommend(req);
  FUZZ_CHECK(results.size() <= req.n);
  std::vector<bool> listed(n, false);
  for (const auto& r : results) {
    FUZZ_CHECK(r.item < n && !listed[r.item]);
    listed[r.item] = true;
    FUZZ_CHECK(!contains(cart, r.item) && !contains(history, r.item) && !contains(exclude, r.item));
    FUZZ_CHECK(req.filter.allows(b, r.item));
    // Negative learned weights lower a candidate, below 0 when nothing else lifts it.
    FUZZ_CHECK(std::isfinite(r.score) &&
               (r.score >= 0 || (req.params.learned_weight > 0 && !b.all_learned().empty())));
    FUZZ_CHECK(std::isfinite(r.confidence) && std::isfinite(r.lift));
    for (auto because : scorer.because(r)) FUZZ_CHECK(contains(cart, because));
    // Only the popular fill comes without reasons; a similar name's reason is a new product.
    FUZZ_CHECK(r.kind != RecommendationKind::Popular || scorer.because(r).empty());
    if (r.kind == RecommendationKind::Similar)
      for (auto because : scorer.because(r)) FUZZ_CHECK(b.popularity(because) == 0);
  }
  // Pair lookups on the cart's real items, in both orders.
  for (auto x : cart) {
    for (auto y : cart) {
      if (x >= n || y >= n) continue;
      std::uint32_t c1 = 0, c2 = 0;
      auto r1 = b.pair_rules(x, y, &c1), r2 = b.pair_rules(y, x, &c2);
      FUZZ_CHECK(r1.size() == r2.size() && c1 == c2);
      if (x == y) FUZZ_CHECK(r1.empty());
    }
  }
}

void check_upsell(const Bundle& b, Rng& rng) {
  static constexpr double kRatios[] = {2.0, 1.0, 0.5, 1e300, kInf};
  const auto exclude = some_ids(rng, b.item_count(), 2);
  std::vector<std::uint32_t> categories;
  UpsellRequest req;
  req.item = some_id(rng, b.item_count());
  req.n = rng.below(8) ? rng.below(8) : kMaxU32;
  req.max_price_ratio = kRatios[rng.below(std::size(kRatios))];
  req.exclude = exclude;
  req.filter = some_filter(rng, b, categories);
  const auto out = upsell(b, req);
  FUZZ_CHECK(out.size() <= req.n);
  for (const auto& u : out) {
    FUZZ_CHECK(u.item < b.item_count() && u.item != req.item && !contains(exclude, u.item));
    FUZZ_CHECK(b.item_category(u.item) == b.item_category(req.item));
    FUZZ_CHECK(u.price_ratio > 1 && std::isfinite(u.score) && u.substitution >= 0);
  }
}

void check_categories(const Bundle& b, Rng& rng) {
  const auto nc = b.category_count();
  const auto exclude = some_ids(rng, nc, 2), allow = some_ids(rng, nc, 2);
  const auto category = some_id(rng, nc), n = rng.below(8) ? rng.below(8) : kMaxU32;
  const auto out = complementary_categories(b, category, n, exclude, allow);
  FUZZ_CHECK(out.size() <= n);
  for (const auto& c : out) {
    FUZZ_CHECK(c.category < nc && c.category != category && !contains(exclude, c.category));
    FUZZ_CHECK(allow.empty() || contains(allow, c.category));
    FUZZ_CHECK(c.lift > 1 && std::isfinite(c.lift) && c.confidence > 0 && c.confidence <= 1);
  }
}

void check_next(const Bundle& b, Rng& rng) {
  std::vector<PurchaseEvent> history(rng.below(7));
  const auto as_of = static_cast<std::int32_t>(kFirstDay + rng.below(kLastDay - kFirstDay + 1ll));
  for (auto& e : history) {
    e.item = rng.below(4) ? rng.below(std::min<std::uint64_t>(b.item_count(), 4) + 1ull)
                          : some_id(rng, b.item_count());
    e.day = std::clamp<std::int64_t>(
        as_of - static_cast<std::int64_t>(rng.below(400)) + (rng.below(8) == 0 ? 30 : 0), kFirstDay,
        kLastDay);
  }
  const auto exclude = some_ids(rng, b.item_count(), 1);
  std::vector<std::uint32_t> categories;
  NextPurchaseRequest req;
  req.history = history;
  req.as_of = as_of;
  req.n = rng.below(8) ? rng.below(8) : kMaxU32;
  req.window_days = static_cast<std::int32_t>(rng.below(60));
  req.exclude = exclude;
  req.filter = some_filter(rng, b, categories);
  const auto out = next_purchases(b, req);
  FUZZ_CHECK(out.size() <= req.n);
  for (const auto& p : out) {
    FUZZ_CHECK(p.item < b.item_count() && !contains(exclude, p.item));
    FUZZ_CHECK(p.probability >= -1e-12 && p.probability <= 1 + 1e-12);
    FUZZ_CHECK(std::isfinite(p.due_in_days));
  }
}

void exercise(const Bundle& b) {
  check_tables(b);
  check_top_rules(b, 5);
  check_top_rules(b, 0);
  if (b.single_rule_count() + b.pair_rule_count() < 256) check_top_rules(b, kMaxU32);
  Rng rng(b.checksum());
  Scorer scorer(b);
  for (int round = 0; round < 9; ++round) check_recommend(b, scorer, rng, round);
  for (int i = 0; i < 3; ++i) {
    check_upsell(b, rng);
    check_categories(b, rng);
    check_next(b, rng);
  }
}

// Rewrites the header's declared size and checksum to match the bytes (as test_bundle.cpp does).
void reseal(std::vector<std::uint8_t>& bytes) {
  const std::uint64_t size = bytes.size();
  std::memcpy(bytes.data() + 16, &size, 8);
  const auto sum = checksum64(std::span<const std::uint8_t>(bytes).subspan(32));
  std::memcpy(bytes.data() + 24, &sum, 8);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::vector<std::uint8_t> bytes(data, data + size);
  std::string error;
  BundleFault fault = BundleFault::None;
  if (auto bundle = Bundle::load(bytes, error, &fault)) {
    FUZZ_CHECK(fault == BundleFault::None);
    exercise(*bundle);
    return 0;
  }
  FUZZ_CHECK(!error.empty() && fault != BundleFault::None);
  if (size < 32) return 0;
  reseal(bytes);
  error.clear();
  fault = BundleFault::None;
  if (auto bundle = Bundle::load(std::move(bytes), error, &fault)) {
    exercise(*bundle);
  } else {
    // Size and checksum now match, so only these remain.
    FUZZ_CHECK(!error.empty() &&
               (fault == BundleFault::NotABundle || fault == BundleFault::Version ||
                fault == BundleFault::Structure));
  }
  return 0;
}
