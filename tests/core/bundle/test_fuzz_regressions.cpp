// Inputs that broke an invariant of the libFuzzer targets (tests/fuzz), replayed here so the fix
// stays fixed under the plain and the sanitizer builds. Each input is also in the target's seed
// corpus as tests/fuzz/corpus/<target>/regress-*.
#include <cmath>
#include <limits>

#include "bundle/bundle.hpp"
#include "ingest/catalog.hpp"
#include "kinds_util.hpp"
#include "score/recommend.hpp"
#include "test_util.hpp"

namespace {

using namespace basketlift;

}  // namespace

// fuzz_catalog, corpus/catalog/regress-median-overflow.csv: the median of two prices near
// DBL_MAX was (a + b) / 2 = inf, so `basketlift catalog` wrote a price of "inf" that read_catalog
// (and the bundle loader) then rejected.
TEST_CASE("fuzz regression: derive_catalog's median price never overflows to infinity",
          "[fuzz][catalog]") {
  bltest::TempDir dir;
  const auto orders = dir.file("orders.csv");
  bltest::write_file(orders,
                     "StockCode,Description,UnitPrice,Quantity\n"
                     "A,MUG,1e308,1\n"
                     "A,MUG,1e308,1\n"
                     "B,BIG MUG,1.7976931348623157e308,1\n"
                     "B,BIG MUG,1.7976931348623157e308,1\n"
                     "C,CUP,2.5,1\n"
                     "C,CUP,3.5,1\n");
  const auto derived = derive_catalog(orders, {});
  REQUIRE(derived.rows.size() == 3);
  CHECK(derived.rows[0].second.price == 1e308);
  CHECK(derived.rows[1].second.price == std::numeric_limits<double>::max());
  CHECK(derived.rows[2].second.price == 3.0);  // ordinary prices: (a + b) / 2 as before

  // What the CLI does with it: write the catalog, read it back for mine --catalog.
  const auto catalog_csv = dir.file("catalog.csv");
  write_catalog_csv(catalog_csv, derived);
  const auto catalog = read_catalog(catalog_csv);
  REQUIRE(catalog.find("B") != nullptr);
  CHECK(std::isfinite(catalog.find("B")->price));
}

// fuzz_bundle, corpus/bundle/regress-category-popularity: a resealed bundle whose category
// popularity was below the popularity of an item in that category (here 0 under an item in
// 1,380,009,288 baskets). The category answer divides by it, and a noisy-or call returned a
// 'category' result with score, confidence and lift infinite. The reader now rejects it.
TEST_CASE("fuzz regression: an item in more baskets than its category is rejected",
          "[fuzz][bundle]") {
  const auto text = bltest::read_file(std::string(BASKETLIFT_FUZZ_CORPUS) +
                                      "/bundle/regress-category-popularity");
  std::vector<std::uint8_t> bytes(text.begin(), text.end());
  kindstest::reseal(bytes);  // as the target does when the input itself does not load
  const auto error = kindstest::load_error(bytes);
  INFO(error);
  CHECK(bltest::contains(error, "more baskets than its category"));
}

// fuzz_bundle, corpus/bundle/regress-learned-unsold-target: a resealed bundle whose learned
// weights (section 14) named an item no basket holds (popularity 0) as a target. A candidate
// reached only that way got lift 0 * N / (x * 0), NaN. Section 13 had the same hole (its corpus
// held no learned weights before section 14). Both readers now reject such entries.
TEST_CASE("fuzz regression: learned weights to or from an unsold item are rejected",
          "[fuzz][bundle][learned]") {
  const auto text = bltest::read_file(std::string(BASKETLIFT_FUZZ_CORPUS) +
                                      "/bundle/regress-learned-unsold-target");
  std::vector<std::uint8_t> bytes(text.begin(), text.end());
  kindstest::reseal(bytes);
  const auto error = kindstest::load_error(bytes);
  INFO(error);
  CHECK(bltest::contains(error, "learned weights (4-byte entries) section: entry 3 of item 5"));
}
