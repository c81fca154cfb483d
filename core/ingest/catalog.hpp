// Product catalogs: read one (item_id,name,category,price), or derive one from an order log
// that has descriptions and prices but no categories (Online Retail).
#pragma once

#include <boost/unordered/unordered_flat_map.hpp>
#include <cmath>
#include <string>
#include <string_view>
#include <vector>

#include "ingest/input_file.hpp"
#include "model/catalog.hpp"
#include "model/transactions.hpp"

namespace basketlift {

// Columns item_id, name, category, price (any order, extra columns ignored; name, category and
// price may be empty). Throws InputError naming file and line, also for a record longer than
// max_record_bytes.
Catalog read_catalog(const InputSource& source,
                     std::size_t max_record_bytes = kDefaultMaxRecordBytes);

struct DeriveCatalogOptions {
  std::string item_col = "StockCode", description_col = "Description", price_col = "UnitPrice",
              quantity_col = "Quantity";
  std::size_t max_record_bytes = kDefaultMaxRecordBytes;  // as IngestOptions
};

struct DerivedCatalog {
  std::vector<std::pair<std::string, CatalogEntry>> rows;  // sorted by item id
  std::size_t typed = 0;    // items whose category came from the product-type vocabulary
  std::size_t untyped = 0;  // items with no description at all: no category
};

// name = most frequent description; price = median unit price over rows with quantity > 0 and
// price > 0; category = product_type(name) under a vocabulary learned from all descriptions.
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

void write_catalog_csv(const std::string& path, const DerivedCatalog& catalog);

}  // namespace basketlift
