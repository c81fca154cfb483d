// libFuzzer target: the catalog reader (read_catalog: item_id,name,category,price) and the
// catalog derived from an order log (derive_catalog with Online Retail's columns, which runs the
// product-type heuristic), on the input read in place from memory. Anything but InputError
// escaping, or a catalog with a negative or infinite price (which no bundle may hold), is a
// finding.
#include <cmath>

#include "fuzz_util.hpp"
#include "ingest/catalog.hpp"
#include "model/error.hpp"

using namespace basketlift;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto input = fuzzutil::source(data, size, "fuzz.csv");
  try {
    const auto catalog = read_catalog(input);
    for (const auto& [item, entry] : catalog.by_item) {
      FUZZ_CHECK(catalog.find(item) == &entry);
      FUZZ_CHECK(std::isnan(entry.price) || (entry.price >= 0 && std::isfinite(entry.price)));
    }
  } catch (const InputError&) {
  }
  try {
    const auto derived = derive_catalog(input, {});
    for (std::size_t i = 0; i < derived.rows.size(); ++i) {
      FUZZ_CHECK(i == 0 || derived.rows[i - 1].first < derived.rows[i].first);
      const double price = derived.rows[i].second.price;
      FUZZ_CHECK(std::isnan(price) || (price > 0 && std::isfinite(price)));
    }
    FUZZ_CHECK(derived.typed + derived.untyped <= derived.rows.size());
  } catch (const InputError&) {
  }
  return 0;
}
