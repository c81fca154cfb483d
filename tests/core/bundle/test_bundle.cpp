// The bundle: round trip through encode/load, and rejection (never a crash) of truncated,
// bit-flipped, wrong-version and hostile bundles whose checksum was recomputed to match.
#include <algorithm>
#include <cstring>
#include <random>
#include <string>

#include "bundle/bundle.hpp"
#include "mine/bundle_content.hpp"
#include "mine/mine.hpp"
#include "score/recommend.hpp"
#include "scoring_util.hpp"
#include "test_util.hpp"

namespace {

using namespace basketlift;

using bltest::request_for;
MineResult mine_baskets(const std::vector<bltest::Basket>& baskets, std::uint32_t min_count) {
  MineResult r;
  r.data.db = bltest::make_db(baskets);
  MineOptions opt;
  opt.min_count = min_count;
  mine_db(r, opt);
  return r;
}

std::vector<std::uint8_t> shop_bundle() {
  auto r = mine_baskets(bltest::shop_baskets(), 2);
  return encode_bundle(make_bundle_content(r, MineOptions{}, "shop", "2026-01-01T00:00:00Z"));
}

// Re-seals a modified bundle so only the structural checks stand between it and the reader.
void reseal(std::vector<std::uint8_t>& b) {
  const std::uint64_t size = b.size();
  std::memcpy(b.data() + 16, &size, 8);
  const auto sum = checksum64(std::span(b).subspan(32));
  std::memcpy(b.data() + 24, &sum, 8);
}

std::uint64_t section_offset(const std::vector<std::uint8_t>& b, SectionId id) {
  BundleHeader h;
  std::string error;
  REQUIRE(read_bundle_header(b, h, error));
  for (const auto& s : h.sections)
    if (s.id == id) return s.offset;
  FAIL("section missing");
  return 0;
}

void put32(std::vector<std::uint8_t>& b, std::uint64_t at, std::uint32_t v) {
  std::memcpy(b.data() + at, &v, 4);
}

std::string load_error(std::vector<std::uint8_t> bytes) {
  std::string error;
  auto bundle = Bundle::load(std::move(bytes), error);
  if (bundle) return "";
  REQUIRE_FALSE(error.empty());
  return error;
}

}  // namespace

TEST_CASE("bundle round trip keeps items, counts and rules", "[bundle]") {
  auto r = mine_baskets(bltest::shop_baskets(), 2);
  auto content = make_bundle_content(r, MineOptions{}, "shop", "2026-01-01T00:00:00Z");
  std::string error;
  auto bundle = Bundle::load(encode_bundle(content), error);
  REQUIRE(bundle);
  CHECK(error.empty());
  CHECK(bundle->transactions() == 8);
  REQUIRE(bundle->item_count() == content.labels.size());
  for (std::uint32_t i = 0; i < bundle->item_count(); ++i) {
    CHECK(bundle->label(i) == content.labels[i]);
    CHECK(bundle->find(content.labels[i]) == i);
    CHECK(bundle->popularity(i) == content.popularity[i]);
  }
  CHECK(bundle->find("caviar") == bundle->item_count());
  CHECK(bundle->meta_value("source") == "shop");
  CHECK(bundle->meta_value("min_count") == "2");

  // bread (5 baskets) -> butter (4 with bread): the stored count is the joint count.
  const auto bread = bundle->find("bread"), butter = bundle->find("butter"),
             jam = bundle->find("jam"), milk = bundle->find("milk");
  bool found = false;
  for (const auto& e : bundle->single_rules(bread))
    if (e.consequent == butter) found = e.count == 4;
  CHECK(found);
  // {bread, butter} (4 baskets) -> jam (2): in the pair section, in either order.
  std::uint32_t pair_count = 0;
  auto rules = bundle->pair_rules(butter, bread, &pair_count);
  CHECK(pair_count == 4);
  found = false;
  for (const auto& e : rules)
    if (e.consequent == jam) found = e.count == 2;
  CHECK(found);
  CHECK(bundle->pair_rules(jam, milk, &pair_count).empty());  // together in one basket only
  CHECK(bundle->single_rule_count() == content.single_rules.size());
  CHECK(bundle->pair_rule_count() == content.pair_rules.size());
}

// The fallback order, against its definition: a permutation of the ids in which each item comes
// before the next (more baskets, or as many and a lower id). Popularities of 0-4: most items tie.
TEST_CASE("popular order: descending popularity, ties by id", "[bundle]") {
  std::mt19937 rng(20261207);
  for (const std::uint32_t n : {1u, 2u, 7u, 300u}) {
    BundleContent c;
    c.transactions = 10;
    for (std::uint32_t i = 0; i < n; ++i) {
      c.labels.push_back("item" + std::to_string(n - i));  // label order is not id order
      c.popularity.push_back(std::uniform_int_distribution<std::uint32_t>(0, 4)(rng));
    }
    std::string error;
    auto b = Bundle::load(encode_bundle(c), error);
    REQUIRE(b);
    const auto& order = b->popular_order();
    REQUIRE(order.size() == n);
    std::vector<int> seen(n, 0);
    for (auto id : order) ++seen[id];
    CHECK(std::count(seen.begin(), seen.end(), 1) == static_cast<long>(n));
    for (std::uint32_t i = 0; i + 1 < n; ++i) {
      const auto x = order[i], y = order[i + 1];
      INFO("n = " << n << ", position " << i);
      CHECK((c.popularity[x] > c.popularity[y] || (c.popularity[x] == c.popularity[y] && x < y)));
    }
  }
}

TEST_CASE("every truncation of a bundle is rejected with a message", "[bundle]") {
  const auto bytes = shop_bundle();
  for (std::size_t len = 0; len < bytes.size(); ++len) {
    std::vector<std::uint8_t> cut(bytes.begin(), bytes.begin() + static_cast<std::ptrdiff_t>(len));
    INFO("length " << len);
    auto error = load_error(cut);
    CHECK_FALSE(error.empty());
    if (len >= 32) CHECK(bltest::contains(error, "truncated"));
  }
}

TEST_CASE("every single-bit flip of a bundle is rejected", "[bundle]") {
  const auto bytes = shop_bundle();
  for (std::size_t at = 0; at < bytes.size(); ++at) {
    for (int bit = 0; bit < 8; ++bit) {
      auto flipped = bytes;
      flipped[at] ^= static_cast<std::uint8_t>(1u << bit);
      INFO("byte " << at << " bit " << bit);
      CHECK_FALSE(load_error(flipped).empty());
    }
  }
}

TEST_CASE("wrong magic and version are named", "[bundle]") {
  auto bytes = shop_bundle();
  auto magic = bytes;
  magic[0] = 'X';
  CHECK(bltest::contains(load_error(magic), "magic"));
  auto version = bytes;
  put32(version, 8, 2);
  CHECK(bltest::contains(load_error(version), "version 2"));
  CHECK(bltest::contains(load_error({}), "too short"));
}

TEST_CASE("hostile bundles with a valid checksum are rejected by the structural checks",
          "[bundle]") {
  const auto good = shop_bundle();
  const auto items = section_offset(good, SectionId::Items);
  const auto single = section_offset(good, SectionId::SingleRules);
  const auto pairs = section_offset(good, SectionId::PairRules);
  std::uint32_t n_items;
  std::memcpy(&n_items, good.data() + items, 4);

  struct Case {
    const char* what;
    std::uint64_t at;
    std::uint32_t value;
    const char* message;
  };
  const Case cases[] = {
      {"item count beyond the section", items, 0x7fffffff, "items section"},
      {"label offset beyond the bytes", items + 4 + 4ull * n_items, 0xffffff, "label offset"},
      {"rule count beyond the section", single, 0x10000000, "single-item rules"},
      {"rule consequent out of range", single + 4 + 4ull * (n_items + 1), n_items + 5,
       "inconsistent"},
      {"rule count above the antecedent's", single + 8 + 4ull * (n_items + 1), 1000,
       "inconsistent"},
      {"pair count beyond the section", pairs, 0x20000000, "pair rules"},
  };
  for (const auto& c : cases) {
    auto bad = good;
    put32(bad, c.at, c.value);
    reseal(bad);
    INFO(c.what);
    CHECK(bltest::contains(load_error(bad), c.message));
  }

  // A section pointing outside the file, and one listed twice.
  auto outside = good;
  const std::uint64_t far = 1ull << 40;
  std::memcpy(outside.data() + 32 + 8, &far, 8);
  reseal(outside);
  CHECK(bltest::contains(load_error(outside), "outside the file"));
  auto twice = good;
  put32(twice, 32 + 24, 1);  // second table entry claims to be the meta section too
  reseal(twice);
  CHECK(bltest::contains(load_error(twice), "twice"));
}

TEST_CASE("random resealed mutations either load or fail cleanly, and loaded ones score safely",
          "[bundle]") {
  const auto good = shop_bundle();
  std::mt19937_64 rng(12345);
  int loaded = 0, rejected = 0;
  for (int iter = 0; iter < 20000; ++iter) {
    auto bad = good;
    const int edits = 1 + static_cast<int>(rng() % 4);
    for (int e = 0; e < edits; ++e) {
      const auto at = 32 + rng() % (bad.size() - 32);
      bad[at] = static_cast<std::uint8_t>(rng() % 3 == 0 ? 0xff : rng());
    }
    reseal(bad);
    std::string error;
    auto bundle = Bundle::load(bad, error);
    if (!bundle) {
      ++rejected;
      REQUIRE_FALSE(error.empty());
      continue;
    }
    ++loaded;
    Scorer scorer(*bundle);
    std::vector<std::uint32_t> cart;
    for (std::uint32_t i = 0; i < bundle->item_count() + 2; ++i) cart.push_back(i);
    auto results = scorer.recommend(request_for(cart, {}, {}, 5));
    for (const auto& r : results) CHECK(r.item < bundle->item_count());
  }
  CHECK(rejected > 0);
  CHECK(loaded + rejected == 20000);
}

TEST_CASE("load reports which kind of failure it was", "[bundle]") {
  const auto good = shop_bundle();
  auto fault_of = [](std::vector<std::uint8_t> bytes) {
    std::string error;
    BundleFault fault = BundleFault::None;
    Bundle::load(std::move(bytes), error, &fault);
    return fault;
  };
  CHECK(fault_of(good) == BundleFault::None);
  CHECK(fault_of({}) == BundleFault::NotABundle);
  auto version = good;
  put32(version, 8, 9);
  CHECK(fault_of(version) == BundleFault::Version);
  CHECK(fault_of(std::vector<std::uint8_t>(good.begin(), good.end() - 1)) ==
        BundleFault::Truncated);
  auto flipped = good;
  flipped[good.size() - 3] ^= 0x10;
  CHECK(fault_of(flipped) == BundleFault::Checksum);
  auto hostile = good;
  put32(hostile, section_offset(good, SectionId::Items), 0x7fffffff);
  reseal(hostile);
  CHECK(fault_of(hostile) == BundleFault::Structure);
}

TEST_CASE("check_bundle_start: the header's verdict, in load()'s words, from 32 bytes",
          "[bundle]") {
  const auto good = shop_bundle();
  const std::span start(good.data(), kBundleHeaderBytes);
  std::uint64_t declared = 0;
  std::string error;
  CHECK(check_bundle_start(start, good.size(), declared, error) == BundleFault::None);
  CHECK(declared == good.size());
  CHECK(check_bundle_start(start, kUnknownSize, declared, error) == BundleFault::None);
  CHECK(declared == good.size());

  // Each failure the header can show, with the fault and message load() gives the whole file.
  auto same_as_load = [&](std::vector<std::uint8_t> whole, BundleFault expected) {
    const auto head = std::span(whole).first(std::min<std::size_t>(whole.size(), 32));
    std::string said;
    CHECK(check_bundle_start(head, whole.size(), declared, said) == expected);
    BundleFault fault = BundleFault::None;
    std::string loaded;
    CHECK(Bundle::load(whole, loaded, &fault) == nullptr);
    CHECK(fault == expected);
    CHECK(loaded == "invalid bundle: " + said);
  };
  same_as_load({'B', 'L', 'B'}, BundleFault::NotABundle);
  auto html = good;
  std::memcpy(html.data(), "<!doctype", 9);
  same_as_load(html, BundleFault::NotABundle);
  auto version = good;
  put32(version, 8, 2);
  same_as_load(version, BundleFault::Version);
  same_as_load({good.begin(), good.end() - 1}, BundleFault::Truncated);
  auto longer = good;
  longer.push_back(0);
  same_as_load(longer, BundleFault::Truncated);
  // Without the length, only the size the header declares: the caller compares.
  auto declares = good;
  const std::uint64_t huge = std::uint64_t{1} << 40;
  std::memcpy(declares.data() + 16, &huge, 8);
  CHECK(check_bundle_start(std::span(declares).first(32), kUnknownSize, declared, error) ==
        BundleFault::None);
  CHECK(declared == huge);
}
