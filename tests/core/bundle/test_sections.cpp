// The bundle's optional sections (catalog, category rules, repurchase): round trip through
// encode_bundle / Bundle::load, what a bundle without them reads as, and hostile resealed
// sections that must be rejected with a message.
#include <cmath>
#include <cstring>
#include <limits>

#include "bundle/bundle.hpp"
#include "kinds_util.hpp"
#include "mine/bundle_content.hpp"
#include "mine/mine.hpp"
#include "test_util.hpp"

namespace {

using namespace basketlift;
using kindstest::load_error;
using kindstest::reseal;

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();

// Four items; categories listed out of order, one (CUP) without items.
BundleContent hand_content() {
  BundleContent c;
  c.labels = {"a", "b", "c", "d"};
  c.popularity = {3, 2, 2, 1};
  c.transactions = 4;
  c.single_rules = {{0, {1, 2}}, {1, {0, 2}}};
  c.categories = {"MUG", "BAG", "CUP"};
  c.item_category = {1, 0, kNoCategory, 1};
  c.names = {"Red bag", "Big mug, white", "", "Tote bag \"XL\""};
  c.prices = {2.5, kNaN, 0.0, 1e6};
  c.category_popularity = {2, 3, 0};  // MUG in 2 baskets, BAG in 3
  c.category_rules = {{0, {1, 1}}, {1, {0, 1}}};
  c.repurchase = {{4, 10.5, 2.25, 5, 3}, {0, 0, 0, 1, 0}, {3, 7, 0, 2, 1}, {0, 0, 0, 0, 0}};
  return c;
}

template <class T>
T get(const std::vector<std::uint8_t>& b, std::uint64_t at) {
  T v;
  std::memcpy(&v, b.data() + at, sizeof v);
  return v;
}
template <class T>
void put(std::vector<std::uint8_t>& b, std::uint64_t at, T v) {
  std::memcpy(b.data() + at, &v, sizeof v);
}

// Byte positions inside the catalog section, following the writer's layout
// (docs/bundle-format.md): n, n_cat, category offsets, category bytes, pad to 4, item
// categories, name offsets, name bytes, pad to 8, prices.
struct CatalogLayout {
  std::uint64_t start, n_items, n_cat, category_offsets, category_bytes, item_category,
      name_offsets, prices;
};
CatalogLayout catalog_layout(const std::vector<std::uint8_t>& b, const BundleContent& c) {
  CatalogLayout l{};
  l.start = kindstest::section_offset(b, SectionId::Catalog);
  l.n_items = l.start;
  l.n_cat = l.start + 4;
  l.category_offsets = l.start + 8;
  l.category_bytes = l.category_offsets + 4 * (c.categories.size() + 1);
  std::uint64_t cat_len = 0, name_len = 0;
  for (const auto& s : c.categories) cat_len += s.size();
  for (const auto& s : c.names) name_len += s.size();
  l.item_category = l.start + (l.category_bytes + cat_len - l.start + 3) / 4 * 4;
  l.name_offsets = l.item_category + 4 * c.labels.size();
  const auto name_bytes = l.name_offsets + 4 * (c.labels.size() + 1);
  l.prices = l.start + (name_bytes + name_len - l.start + 7) / 8 * 8;
  // The layout is what the writer produced.
  REQUIRE(get<std::uint32_t>(b, l.n_items) == c.labels.size());
  REQUIRE(get<std::uint32_t>(b, l.n_cat) == c.categories.size());
  for (std::size_t i = 0; i < c.labels.size(); ++i) {
    REQUIRE(get<std::uint32_t>(b, l.item_category + 4 * i) == c.item_category[i]);
    const double p = get<double>(b, l.prices + 8 * i);
    REQUIRE((p == c.prices[i] || (std::isnan(p) && std::isnan(c.prices[i]))));
  }
  return l;
}

std::vector<std::uint32_t> span_vec(std::span<const std::uint32_t> s) {
  return {s.begin(), s.end()};
}

}  // namespace

TEST_CASE("catalog, category rules and repurchase survive encode -> load", "[kinds][bundle]") {
  const auto c = hand_content();
  auto b = kindstest::load(c);
  REQUIRE(b->has_catalog());
  CHECK(b->category_count() == 3);
  CHECK(b->category_label(0) == "MUG");
  CHECK(b->category_label(1) == "BAG");
  CHECK(b->category_label(2) == "CUP");
  CHECK(b->find_category("MUG") == 0);
  CHECK(b->find_category("BAG") == 1);
  CHECK(b->find_category("CUP") == 2);
  CHECK(b->find_category("BAGS") == 3);  // absent: category_count()
  CHECK(b->find_category("") == 3);
  CHECK(b->item_category(0) == 1);
  CHECK(b->item_category(1) == 0);
  CHECK(b->item_category(2) == kNoCategory);
  CHECK(b->item_category(3) == 1);
  CHECK(b->name(0) == "Red bag");
  CHECK(b->name(1) == "Big mug, white");
  CHECK(b->name(2).empty());
  CHECK(b->name(3) == "Tote bag \"XL\"");
  CHECK(b->price(0) == 2.5);
  CHECK(std::isnan(b->price(1)));
  CHECK(b->price(2) == 0.0);
  CHECK(b->price(3) == 1e6);
  CHECK(span_vec(b->category_items(0)) == std::vector<std::uint32_t>{1});
  CHECK(span_vec(b->category_items(1)) == std::vector<std::uint32_t>{0, 3});  // id order
  CHECK(b->category_items(2).empty());
  CHECK(b->category_items(3).empty());  // out of range: empty, not a crash

  REQUIRE(b->has_category_rules());
  CHECK(b->category_popularity(0) == 2);
  CHECK(b->category_popularity(1) == 3);
  CHECK(b->category_popularity(2) == 0);
  REQUIRE(b->category_rules(0).size() == 1);
  CHECK(b->category_rules(0)[0].consequent == 1);
  CHECK(b->category_rules(0)[0].count == 1);
  CHECK(b->category_rules(2).empty());
  CHECK(b->category_rules(7).empty());

  REQUIRE(b->has_repurchase());
  CHECK(b->repurchase(0).intervals == 4);
  CHECK(b->repurchase(0).mean_days == 10.5);
  CHECK(b->repurchase(0).sd_days == 2.25);
  CHECK(b->repurchase(0).buyers == 5);
  CHECK(b->repurchase(0).repeat_buyers == 3);
  CHECK(b->repurchase(1).buyers == 1);
  CHECK(b->repurchase(2).intervals == 3);
  CHECK(b->repurchase(2).mean_days == 7);
  CHECK(b->repurchase(2).repeat_buyers == 1);
  CHECK(b->repurchase(3).intervals == 0);
}

TEST_CASE("a bundle without the optional sections reads as no category, no name, no price",
          "[kinds][bundle]") {
  auto c = hand_content();
  c.categories.clear();
  c.item_category.clear();
  c.names.clear();
  c.prices.clear();
  c.category_popularity.clear();
  c.category_rules.clear();
  c.repurchase.clear();
  auto b = kindstest::load(c);
  CHECK_FALSE(b->has_catalog());
  CHECK_FALSE(b->has_category_rules());
  CHECK_FALSE(b->has_repurchase());
  CHECK(b->category_count() == 0);
  CHECK(b->find_category("MUG") == 0);
  for (std::uint32_t i = 0; i < 4; ++i) {
    CHECK(b->item_category(i) == kNoCategory);
    CHECK(b->name(i).empty());
    CHECK(std::isnan(b->price(i)));
    CHECK(b->repurchase(i).intervals == 0);
  }
  CHECK(b->category_items(0).empty());
  CHECK(b->category_rules(0).empty());
  CHECK(b->category_popularity(0) == 0);
}

TEST_CASE("make_bundle_content stores the catalog by item label; absent items still work",
          "[kinds][bundle]") {
  MineResult r;
  r.data.db =
      bltest::make_db({{"mug", "tea"}, {"mug", "tea"}, {"mug", "bag"}, {"tea", "bag"}, {"gift"}});
  MineOptions opt;
  opt.min_count = 2;
  mine_db(r, opt);
  Catalog cat = kindstest::make_catalog(
      {{"mug", "KITCHEN", 3.0}, {"tea", "FOOD", 1.25}, {"bag", "", 2.0}, {"ghost", "X", 9.0}});
  auto b = kindstest::load(make_bundle_content(r, opt, "t", "now", &cat));
  REQUIRE(b->has_catalog());
  // Categories: the distinct non-empty ones of the bundle's items, sorted. "ghost" was never
  // ordered: it is kept with popularity 0 (after the ordered items), and so is its category.
  REQUIRE(b->category_count() == 3);
  CHECK(b->category_label(0) == "FOOD");
  CHECK(b->category_label(1) == "KITCHEN");
  CHECK(b->category_label(2) == "X");
  REQUIRE(b->item_count() == 5);
  const auto ghost = b->find("ghost");
  CHECK(ghost == 4);
  CHECK(b->popularity(ghost) == 0);
  CHECK(b->item_category(ghost) == 2);
  CHECK(b->price(ghost) == 9.0);
  CHECK(b->category_popularity(2) == 0);
  CHECK(b->single_rules(ghost).empty());
  CHECK(b->popular_order().back() == ghost);
  const auto mug = b->find("mug"), tea = b->find("tea"), bag = b->find("bag"),
             gift = b->find("gift");
  CHECK(b->item_category(mug) == 1);
  CHECK(b->item_category(tea) == 0);
  CHECK(b->item_category(bag) == kNoCategory);  // in the catalog, empty category
  CHECK(b->price(bag) == 2.0);
  CHECK(b->name(mug) == "name of mug");
  CHECK(b->price(tea) == 1.25);
  CHECK(b->item_category(gift) == kNoCategory);  // absent from the catalog
  CHECK(std::isnan(b->price(gift)));
  CHECK(b->name(gift).empty());
  // Category popularity: baskets holding a KITCHEN item (mug: 3), a FOOD item (tea: 3).
  CHECK(b->category_popularity(1) == 3);
  CHECK(b->category_popularity(0) == 3);
  // No repurchase data without users and dates.
  CHECK_FALSE(b->has_repurchase());

  // --catalog-items sold: only the ordered items, and only their categories.
  opt.catalog_unsold_items = false;
  auto sold = kindstest::load(make_bundle_content(r, opt, "t", "now", &cat));
  CHECK(sold->item_count() == 4);
  CHECK(sold->find("ghost") == sold->item_count());
  REQUIRE(sold->category_count() == 2);
  CHECK(sold->category_label(1) == "KITCHEN");
}

TEST_CASE("hostile catalog sections with a valid checksum are rejected with a message",
          "[kinds][bundle]") {
  auto c = hand_content();
  c.categories = {"AAB", "AAA", "CUP"};  // so that one byte can make two labels equal
  const auto good = encode_bundle(c);
  REQUIRE(load_error(good).empty());
  const auto l = catalog_layout(good, c);

  auto rejected = [&](auto&& edit, const char* message) {
    auto bad = good;
    edit(bad);
    reseal(bad);
    const auto error = load_error(bad);
    INFO(message << " / got: " << error);
    CHECK(bltest::contains(error, message));
  };
  rejected([&](auto& b) { put<std::uint32_t>(b, l.item_category, 3); }, "no such category");
  rejected([&](auto& b) { put<std::uint32_t>(b, l.item_category + 4, 0x7fffffff); },
           "no such category");
  rejected([&](auto& b) { put<double>(b, l.prices, -1.0); }, "invalid price");
  rejected([&](auto& b) { put<double>(b, l.prices + 8, -0.01); }, "invalid price");
  rejected([&](auto& b) { put<double>(b, l.prices, -kInf); }, "invalid price");
  rejected([&](auto& b) { put<double>(b, l.prices + 24, kInf); }, "infinite price");
  rejected([&](auto& b) { put<std::uint32_t>(b, l.n_items, 5); }, "item count differs");
  rejected([&](auto& b) { put<std::uint32_t>(b, l.n_cat, 0x40000000); }, "category count");
  // Category label offsets that decrease, or that point past the label bytes.
  rejected([&](auto& b) { put<std::uint32_t>(b, l.category_offsets + 4, 7); },
           "bad category labels");
  rejected([&](auto& b) { put<std::uint32_t>(b, l.category_offsets + 12, 0xffff); }, "category");
  rejected([&](auto& b) { put<std::uint32_t>(b, l.name_offsets + 4, 0xffffff); }, "names");
  // "AAB" -> "AAA": two categories with one label.
  rejected([&](auto& b) { b[l.category_bytes + 2] = 'A'; }, "duplicate category");

  // A NaN price is "unknown" and loads.
  auto nan_price = good;
  put<double>(nan_price, l.prices + 16, kNaN);
  reseal(nan_price);
  CHECK(load_error(nan_price).empty());
}

TEST_CASE("hostile category-rule and repurchase sections are rejected with a message",
          "[kinds][bundle]") {
  const auto c = hand_content();
  const auto good = encode_bundle(c);
  const auto cr = kindstest::section_offset(good, SectionId::CategoryRules);
  // n_cat, n_rules, popularity[3], offsets[4], rules (consequent, count)...
  const auto pop = cr + 8, offsets = pop + 12, rules = offsets + 16;
  REQUIRE(get<std::uint32_t>(good, rules) == 1);      // MUG -> BAG
  REQUIRE(get<std::uint32_t>(good, rules + 4) == 1);  // in one basket
  auto rejected = [&](auto&& edit, const char* message) {
    auto bad = good;
    edit(bad);
    reseal(bad);
    const auto error = load_error(bad);
    INFO(message << " / got: " << error);
    CHECK(bltest::contains(error, message));
  };
  rejected([&](auto& b) { put<std::uint32_t>(b, cr, 2); }, "category count differs");
  rejected([&](auto& b) { put<std::uint32_t>(b, rules, 3); }, "inconsistent");  // no such
  rejected([&](auto& b) { put<std::uint32_t>(b, rules, 0); }, "inconsistent");  // itself
  rejected([&](auto& b) { put<std::uint32_t>(b, rules + 4, 0); }, "inconsistent");
  rejected([&](auto& b) { put<std::uint32_t>(b, rules + 4, 3); }, "inconsistent");  // > 2
  rejected([&](auto& b) { put<std::uint32_t>(b, pop, 5); }, "above the baskets");
  // MUG in 1 basket, though its item b is in 2 (fuzz_bundle's finding: P(item | category) > 1,
  // or infinite at 0, reached the category answer's scores).
  rejected([&](auto& b) { put<std::uint32_t>(b, pop, 1); }, "more baskets than its category");
  rejected([&](auto& b) { put<std::uint32_t>(b, offsets + 4, 3); }, "bad offsets");

  // Repurchase: n, pad, then one fixed-size entry per item that starts with the interval count
  // and ends with the mean and the sd (f64 each); the entry size follows from the section size.
  BundleHeader h;
  std::string error;
  REQUIRE(read_bundle_header(good, h, error));
  std::uint64_t rp = 0, rp_size = 0;
  for (const auto& s : h.sections)
    if (s.id == SectionId::Repurchase) rp = s.offset, rp_size = s.size;
  REQUIRE(rp_size > 8);
  const auto entry = (rp_size - 8) / c.labels.size();
  const auto stats = rp + 8, mean = stats + entry - 16, sd = stats + entry - 8;
  REQUIRE(get<std::uint32_t>(good, stats) == 4);
  REQUIRE(get<double>(good, mean) == 10.5);
  REQUIRE(get<double>(good, sd) == 2.25);
  rejected([&](auto& b) { put<double>(b, mean, -1.0); }, "invalid statistics");
  rejected([&](auto& b) { put<double>(b, sd, kNaN); }, "invalid statistics");
  rejected([&](auto& b) { put<double>(b, mean + entry, 1e300); }, "invalid statistics");
  rejected([&](auto& b) { put<double>(b, sd, kInf); }, "invalid statistics");
  rejected([&](auto& b) { put<std::uint32_t>(b, rp, 3); }, "item count differs");
  // More repeat buyers than buyers (entry: intervals, buyers, repeat buyers, pad, mean, sd).
  REQUIRE(get<std::uint32_t>(good, stats + 4) == 5);
  REQUIRE(get<std::uint32_t>(good, stats + 8) == 3);
  rejected([&](auto& b) { put<std::uint32_t>(b, stats + 8, 6); }, "invalid statistics");
  auto equal = good;  // as many repeat buyers as buyers is fine
  put<std::uint32_t>(equal, stats + 8, 5);
  reseal(equal);
  CHECK(load_error(equal).empty());

  // Category rules with no catalog at all.
  auto orphan = c;
  orphan.item_category.clear();
  orphan.categories.clear();
  orphan.names.clear();
  orphan.prices.clear();
  CHECK(bltest::contains(load_error(encode_bundle(orphan)), "without a catalog"));
}
