// The wasm facade (wasm/session.hpp), natively: the statuses every failing call returns, and
// that each kind's call returns exactly what the core returns for the same request, laid out as
// wasm/layout.hpp says (the layout web/recommender.js reads).
#include <catch2/catch.hpp>
#include <cmath>
#include <cstring>
#include <string>
#include <vector>

#include "../core/kinds_util.hpp"
#include "../core/test_util.hpp"
#include "mine/bundle_content.hpp"
#include "mine/mine.hpp"
#include "score/complements.hpp"
#include "score/rule_list.hpp"
#include "score/upsell.hpp"
#include "wasm/session.hpp"

namespace {

using namespace basketlift;
using namespace basketlift::wasm;

std::vector<std::uint8_t> shop_bytes() {
  MineResult r;
  r.data.db = bltest::make_db(bltest::shop_baskets());
  MineOptions opt;
  opt.min_count = 1;
  mine_db(r, opt);
  auto cat = kindstest::make_catalog({{"bread", "BAKERY", 2.0},
                                      {"butter", "DAIRY", 3.0},
                                      {"milk", "DAIRY", 1.0},
                                      {"jam", "SPREADS", 4.0},
                                      {"beer", "DRINKS", 5.0},
                                      {"chips", "SNACKS", 2.5},
                                      {"cereal", "BAKERY", 6.0},
                                      {"salsa", "SNACKS", 3.5}});
  return encode_bundle(make_bundle_content(r, opt, "shop", "now", &cat));
}

std::unique_ptr<Session> loaded(const std::vector<std::uint8_t>& bytes,
                                std::uint64_t room = std::uint64_t{1} << 30) {
  auto s = std::make_unique<Session>();
  REQUIRE(s->stage(static_cast<std::uint32_t>(bytes.size()), room) == 0);
  std::memcpy(s->staging(), bytes.data(), bytes.size());
  INFO(s->message());
  REQUIRE(s->load(room) == 0);
  return s;
}

template <typename T>
const T* slot(const Session& s, Slot which) {
  return reinterpret_cast<const T*>(s.header()[which]);
}

std::vector<std::string> labels(Session& s, Table table) {
  const auto count = s.labels(table);
  const char* bytes = slot<char>(s, kLabelBytesSlot);
  const auto* ends = slot<std::uint32_t>(s, kLabelEndsSlot);
  std::vector<std::string> out;
  for (std::uint32_t i = 0, from = 0; i < count; from = ends[i++])
    out.emplace_back(bytes + from, ends[i] - from);
  s.release_labels();
  return out;
}

std::uint32_t id_of(const Bundle& b, const std::string& label) {
  for (std::uint32_t i = 0; i < b.item_count(); ++i)
    if (b.label(i) == label) return i;
  FAIL("no item " << label);
  return kNoItem;
}

}  // namespace

TEST_CASE("session: load statuses name the failure", "[wasm]") {
  const auto good = shop_bytes();

  SECTION("not a bundle") {
    const std::string text = "<!doctype html><title>404</title>";
    Session s;
    REQUIRE(s.stage(static_cast<std::uint32_t>(text.size()), std::uint64_t{1} << 30) == 0);
    std::memcpy(s.staging(), text.data(), text.size());
    CHECK(s.load(std::uint64_t{1} << 30) == kInvalidBundle);
    CHECK_FALSE(s.message().empty());
  }
  SECTION("a damaged payload is a checksum mismatch") {
    auto bad = good;
    bad.back() ^= 0x5a;
    Session s;
    REQUIRE(s.stage(static_cast<std::uint32_t>(bad.size()), std::uint64_t{1} << 30) == 0);
    std::memcpy(s.staging(), bad.data(), bad.size());
    CHECK(s.load(std::uint64_t{1} << 30) == kChecksumMismatch);
    CHECK(bltest::contains(s.message(), "checksum"));
  }
  SECTION("a scorer that does not fit the room left is refused, not allocated") {
    Session s;
    REQUIRE(s.stage(static_cast<std::uint32_t>(good.size()), std::uint64_t{1} << 30) == 0);
    std::memcpy(s.staging(), good.data(), good.size());
    CHECK(s.load(16) == kTooLarge);
    CHECK_FALSE(s.message().empty());
  }
  SECTION("a bundle that loads reports its summary and meta") {
    auto s = loaded(good);
    const auto sum = s->summary();
    CHECK(sum.items == 8);
    CHECK(sum.transactions == 8);
    CHECK(sum.catalog);
    CHECK(sum.checksum.size() == 16);
    const auto meta = labels(*s, kMetaEntries);
    REQUIRE(meta.size() % 2 == 0);
    bool source = false;
    for (std::size_t i = 0; i < meta.size(); i += 2)
      source |= meta[i] == "source" && meta[i + 1] == "shop";
    CHECK(source);
  }
}

TEST_CASE("session: every kind returns what the core returns, in the layout's places", "[wasm]") {
  const auto bytes = shop_bytes();
  auto s = loaded(bytes);
  std::string error;
  auto bundle = Bundle::load(bytes, error);
  REQUIRE(bundle);
  const auto item_labels = labels(*s, kItemLabels);
  REQUIRE(item_labels.size() == bundle->item_count());
  for (std::uint32_t i = 0; i < bundle->item_count(); ++i)
    CHECK(item_labels[i] == bundle->label(i));

  SECTION("recommend: the core's Recommendation array, read through the layout offsets") {
    const std::vector<std::uint32_t> cart = {id_of(*bundle, "bread"), kNoItem,
                                             id_of(*bundle, "jam")};
    s->reserve(static_cast<std::uint32_t>(cart.size()), 0);
    auto* in = reinterpret_cast<std::uint32_t*>(s->header()[kInputSlot]);
    std::copy(cart.begin(), cart.end(), in);
    const auto found = static_cast<std::size_t>(s->recommend(3, 0, 0, 0, 4, -INFINITY, INFINITY));

    Scorer scorer(*bundle);
    RecommendRequest req;
    req.cart = cart;
    req.n = 4;
    const auto expected = scorer.recommend(req);
    REQUIRE(found == expected.size());
    REQUIRE(found > 0);
    const auto* base = reinterpret_cast<const std::uint8_t*>(s->header()[kResultsSlot]);
    for (std::size_t r = 0; r < found; ++r) {
      const auto* at = base + r * kResultBytes;
      std::uint32_t item;
      double score, lift;
      std::uint64_t reasons;
      std::memcpy(&item, at + kResultItem, 4);
      std::memcpy(&score, at + kResultScore, 8);
      std::memcpy(&lift, at + kResultLift, 8);
      std::memcpy(&reasons, at + kResultReasons, 8);
      std::uint32_t reason;
      std::memcpy(&reason, at + kResultReason, 4);
      CHECK(reason == expected[r].reason);
      CHECK(item == expected[r].item);
      CHECK(at[kResultKind] == static_cast<std::uint8_t>(expected[r].kind));
      CHECK(score == expected[r].score);
      CHECK(lift == expected[r].lift);
      CHECK(reasons == expected[r].reasons);
      CHECK((reasons & 0b010) == 0);  // the unknown id at cart[1] is never a reason
    }
    // The family limit reaches the core: the same items as a Scorer asked with it.
    const auto limited = s->recommend(3, 0, 0, 0, 4, -INFINITY, INFINITY, 1);
    req.max_per_family = 1;
    const auto expected_limited = scorer.recommend(req);
    REQUIRE(limited >= 0);
    REQUIRE(static_cast<std::size_t>(limited) == expected_limited.size());
    base = reinterpret_cast<const std::uint8_t*>(s->header()[kResultsSlot]);
    for (std::size_t r = 0; r < expected_limited.size(); ++r) {
      std::uint32_t item;
      std::memcpy(&item, base + r * kResultBytes + kResultItem, 4);
      CHECK(item == expected_limited[r].item);
    }
  }
  SECTION("upsell") {
    const auto item = id_of(*bundle, "milk");
    const auto found = s->upsell(item, 5, 4.0, 0, 0, -INFINITY, INFINITY);
    UpsellRequest req;
    req.item = item;
    req.n = 5;
    req.max_price_ratio = 4.0;
    const auto expected = basketlift::upsell(*bundle, req);
    REQUIRE(found == expected.size());
    REQUIRE(found > 0);  // butter: DAIRY, 3.00 vs 1.00
    const auto* ints = slot<std::uint32_t>(*s, kIntsSlot);
    const auto* numbers = slot<double>(*s, kNumbersSlot);
    for (std::uint32_t r = 0; r < found; ++r) {
      CHECK(ints[r * kUpsellInts] == expected[r].item);
      CHECK(numbers[r * kUpsellNumbers] == expected[r].score);
      CHECK(numbers[r * kUpsellNumbers + 2] == expected[r].price_ratio);
    }
  }
  SECTION("complementary categories and the rule list") {
    const auto found = s->complementary_categories(0, kDefaultCategoryResults, 0, 0);
    CHECK(found ==
          basketlift::complementary_categories(*bundle, 0, kDefaultCategoryResults).size());
    const auto rules = s->top_rules(3);
    const auto expected = basketlift::top_rules(*bundle, 3);
    REQUIRE(rules == expected.size());
    const auto* ints = slot<std::uint32_t>(*s, kIntsSlot);
    for (std::uint32_t r = 0; r < rules; ++r) {
      CHECK(ints[r * kRuleInts] == expected[r].a);
      CHECK(ints[r * kRuleInts + 1] == expected[r].b);
      CHECK(ints[r * kRuleInts + 2] == expected[r].consequent);
    }
  }
  SECTION("items: category, popularity and price per id") {
    REQUIRE(s->items() == bundle->item_count());
    const auto* ints = slot<std::uint32_t>(*s, kIntsSlot);
    const auto* numbers = slot<double>(*s, kNumbersSlot);
    const auto bread = id_of(*bundle, "bread");
    CHECK(ints[bread * kItemInts] == bundle->item_category(bread));
    CHECK(ints[bread * kItemInts + 1] == 5);  // bread is in 5 of the 8 baskets
    CHECK(ints[bread * kItemInts + 2] == 1);  // recommendable: the bundle marks nothing
    CHECK(numbers[bread * kItemNumbers] == 2.0);
  }
  SECTION("next purchases: a bad date is kBadDate with its index, a good one parses") {
    const std::string dates = "2011-12-012011-13-40";  // as-of, then one event's date
    s->reserve(1 + 2, static_cast<std::uint32_t>(dates.size()));
    auto* in = reinterpret_cast<std::uint32_t*>(s->header()[kInputSlot]);
    std::memcpy(reinterpret_cast<char*>(s->header()[kTextSlot]), dates.data(), dates.size());
    in[0] = id_of(*bundle, "bread");
    in[1] = 10;  // as-of ends at 10
    in[2] = 20;  // the event's date ends at 20
    CHECK(s->next_purchases(1, 0, 0, 10, 7, -INFINITY, INFINITY) == kBadDate);
    CHECK(s->header()[kDetailSlot] == 1);
    in[2] = 10;  // an empty date
    CHECK(s->next_purchases(1, 0, 0, 10, 7, -INFINITY, INFINITY) == kBadDate);
    in[1] = 99;  // past the text buffer: refused, not read
    CHECK(s->next_purchases(1, 0, 0, 10, 7, -INFINITY, INFINITY) == kBadDate);
    CHECK(s->header()[kDetailSlot] == 0);
    in[0] = 10;  // no history: the as-of date's end comes first
    CHECK(s->next_purchases(0, 0, 0, 10, 7, -INFINITY, INFINITY) == 0);  // no repurchase stats
  }
}

TEST_CASE("layout: the fingerprint covers the layout", "[wasm]") {
  // Two builds agree only if every fact agrees; a constant fingerprint would hide a mismatch.
  static_assert(fingerprint() != 0);
  CHECK(kResultBytes == sizeof(Recommendation));
}

namespace {

// `items` items, each in baskets with its neighbours: rules, pairs and neighbours for every one.
std::vector<std::uint8_t> wide_bytes(int items) {
  std::vector<bltest::Basket> baskets;
  auto label = [&](int i) {
    std::string s = "i";  // not "i" + to_string(): GCC 12 warns (-Wrestrict) on that
    return s += std::to_string(i % items);
  };
  for (int i = 0; i < items; ++i) {
    baskets.push_back({label(i), label(i + 1), label(i + 2)});
    baskets.push_back({label(i), label(i + 1), label(i + 2)});  // twice: pair rules
    baskets.push_back({label(i), label(i + 1), label(i * 7 + 3)});
  }
  MineResult r;
  r.data.db = bltest::make_db(baskets);
  MineOptions opt;
  opt.min_count = 2;
  mine_db(r, opt);
  return encode_bundle(make_bundle_content(r, opt, "wide", "now"));
}

std::uint32_t* input(Session& s) {
  return reinterpret_cast<std::uint32_t*>(s.header()[kInputSlot]);
}

}  // namespace

TEST_CASE("session: a request past kCallMemoryLimit is refused, a large one is trimmed after",
          "[wasm]") {
  const std::uint32_t items = 20000;
  auto s = loaded(wide_bytes(static_cast<int>(items)));

  SECTION("inputs that alone exceed the limit are refused before anything is allocated") {
    CHECK(s->reserve(kMaxInputIds + 1, 0) == kRequestTooLarge);
    CHECK(bltest::contains(s->message(), "more than the 64 MB a call may use"));
    CHECK(s->reserve(kMaxInputIds / 2, kCallMemoryLimit / 2 + 1) == kRequestTooLarge);
    CHECK(s->header()[kTrimSlot] == 0);
  }
  SECTION("a long cart with a large n: the scorer would need more than the limit") {
    REQUIRE(s->reserve(items, 0) == 0);
    for (std::uint32_t i = 0; i < items; ++i) input(*s)[i] = i;
    CHECK(s->recommend(items, 0, 0, 0, items, -INFINITY, INFINITY) == kRequestTooLarge);
    CHECK(bltest::contains(s->message(), "request too large: scoring a cart of 20000 items"));
    CHECK(bltest::contains(s->message(), "more than the 64 MB a call may use"));
    // Refused before scoring: the session still answers, and a small request needs no trim.
    input(*s)[0] = 5;
    CHECK(s->recommend(1, 0, 0, 0, 10, -INFINITY, INFINITY) == 10);
  }
  SECTION("a large request within the limit is answered, then trim() frees what it left") {
    const std::uint32_t k = 2000;
    REQUIRE(s->reserve(k, 0) == 0);
    for (std::uint32_t i = 0; i < k; ++i) input(*s)[i] = 3 * i;
    CHECK(s->recommend(k, 0, 0, 0, k, -INFINITY, INFINITY) == static_cast<std::int32_t>(k));
    CHECK(s->header()[kTrimSlot] != 0);
    s->trim();
    CHECK(s->header()[kTrimSlot] == 0);
    // The input buffer went too: reserve again before the next call.
    REQUIRE(s->reserve(1, 0) == 0);
    input(*s)[0] = 5;
    CHECK(s->recommend(1, 0, 0, 0, 10, -INFINITY, INFINITY) == 10);
    CHECK(s->header()[kTrimSlot] == 0);
  }
}

TEST_CASE("session: stage() refuses a bundle that would not fit", "[wasm]") {
  Session s;
  CHECK(s.stage(1000, 999) == kTooLarge);
  CHECK(bltest::contains(s.message(), "bundle too large to load here: 1000 bytes"));
  CHECK(s.stage(kMaxBundleBytes + 1, ~std::uint64_t{0}) == kTooLarge);
  CHECK(s.stage(1000, 1000) == 0);
}

TEST_CASE("check_bundle_start: the reader's verdict on a bundle's first 32 bytes", "[wasm]") {
  const auto good = shop_bytes();
  const std::string start(good.begin(), good.begin() + kBundleHeaderBytes);
  const double size = static_cast<double>(good.size());

  auto ok = check_bundle_start(start, size);
  CHECK(ok.status == 0);
  CHECK(ok.declared == size);
  ok = check_bundle_start(start, -1);  // length not known yet
  CHECK(ok.status == 0);
  CHECK(ok.declared == size);

  // Every failure with the words Bundle::load() uses for the whole file.
  auto same_as_load = [](const std::string& bytes, const BundleStart& r) {
    std::string error;
    CHECK(Bundle::load(std::vector<std::uint8_t>(bytes.begin(), bytes.end()), error) == nullptr);
    CHECK(r.status == kInvalidBundle);
    CHECK(r.message == error);
  };
  const std::string html = "<!doctype html><title>404</title><p>not here</p>";
  same_as_load(html, check_bundle_start(html.substr(0, 32), static_cast<double>(html.size())));
  CHECK(bltest::contains(check_bundle_start(html.substr(0, 32), -1).message, "bad magic"));
  same_as_load("BLBUNDLE", check_bundle_start("BLBUNDLE", 8));
  std::string whole(good.begin(), good.end());
  same_as_load(whole.substr(0, 100), check_bundle_start(start, 100));
  same_as_load(whole + "x", check_bundle_start(start, size + 1));
  auto other = whole;
  other[8] = 2;  // version 2
  same_as_load(other, check_bundle_start(other.substr(0, 32), size));
  CHECK(check_bundle_start(other.substr(0, 32), -1).status == kInvalidBundle);
}
