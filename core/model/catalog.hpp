// A product catalog in memory: what the store knows of each item id. Read by ingest, put into
// bundles by the bundle builder.
#pragma once

#include <boost/unordered/unordered_flat_map.hpp>
#include <cmath>
#include <string>
#include <string_view>

#include "model/transactions.hpp"

namespace basketlift {

struct CatalogEntry {
  std::string name, category;  // empty when unknown
  double price = NAN;          // NaN when unknown
  // False for what a shop charges or books but does not sell as a product (postage, fees,
  // adjustments...): stored in the bundle, never recommended by any kind.
  bool recommendable = true;
};

struct Catalog {
  boost::unordered_flat_map<std::string, CatalogEntry, StringHash, StringEq> by_item;
  const CatalogEntry* find(std::string_view item) const {
    auto it = by_item.find(item);
    return it == by_item.end() ? nullptr : &it->second;
  }
};

}  // namespace basketlift
