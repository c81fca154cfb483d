// Product catalogs: read one (item_id,name,category,price), or derive one from an order log
// that has descriptions and prices but no categories (Online Retail).
#pragma once

#include <boost/unordered/unordered_flat_map.hpp>
#include <cmath>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "ingest/input_file.hpp"
#include "model/catalog.hpp"
#include "model/transactions.hpp"

namespace basketlift {

// Columns item_id, name, category, price, recommendable (any order, extra columns ignored; all
// but item_id may be absent or empty; recommendable is 1/0, true/false or yes/no, empty = true).
// Throws InputError naming file and line, also for a record longer than max_record_bytes.
Catalog read_catalog(const InputSource& source,
                     std::size_t max_record_bytes = kDefaultMaxRecordBytes);

struct DeriveCatalogOptions {
  std::string item_col = "StockCode", description_col = "Description", price_col = "UnitPrice",
              quantity_col = "Quantity";
  std::size_t max_record_bytes = kDefaultMaxRecordBytes;  // as IngestOptions
};

// Why derive_catalog took an item for something other than merchandise (docs/catalog.md).
enum class NonMerchandise : std::uint8_t {
  None = 0,
  Description,  // its name ends in a service word (POSTAGE, FEE, DISCOUNT...) or is a voucher
  Code,         // a short code (<= 4 characters) without a digit where nearly every code has one
  Price,        // its median price is a token (< 0.01) or 100 x the median item's or more
  Unpriced,     // never sold at a positive price: nothing a shop could offer it at
};
const char* non_merchandise_name(NonMerchandise why);

struct DerivedCatalog {
  std::vector<std::pair<std::string, CatalogEntry>> rows;  // sorted by item id
  std::vector<NonMerchandise> why;                         // per row; first rule that held
  std::size_t typed = 0;    // items whose category came from the product-type vocabulary
  std::size_t untyped = 0;  // items with no description at all: no category
};

// name = most frequent description; price = median unit price over rows with quantity > 0 and
// price > 0; category = product_type(name) under a vocabulary learned from all descriptions;
// recommendable = false for what the rules of non_merchandise() catch.
DerivedCatalog derive_catalog(const InputSource& source, const DeriveCatalogOptions& options);

// "WHITE HANGING HEART T-LIGHT HOLDER" -> "T-LIGHT HOLDER", "LUNCH BAG RED RETROSPOT" ->
// "LUNCH BAG": the rightmost head noun that is not a colour, pattern or size word, joined with
// the word before it when that two-word phrase is common. See docs/catalog.md.
class ProductTyper {
 public:
  explicit ProductTyper(const std::vector<std::string>& descriptions);
  struct Type {
    std::string name;              // empty only for an empty description
    bool from_vocabulary = false;  // false: fell back to the last word that is not a modifier
  };
  Type type_of(std::string_view description) const;

 private:
  std::string singular(const std::string& word) const;
  boost::unordered_flat_map<std::string, int, StringHash, StringEq> heads_, compounds_;
};

// The rules derive_catalog applies to one item: `code_digits` says whether nearly every code in
// the log has a digit (then one without is a special code), `typical_price` is the median item's
// median price (NaN when unknown).
NonMerchandise non_merchandise(std::string_view code, std::string_view name, double price,
                               bool code_digits, double typical_price);

void write_catalog_csv(const std::string& path, const DerivedCatalog& catalog);

}  // namespace basketlift
