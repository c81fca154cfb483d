// What a mining run puts into a bundle: the mined rules reduced to the shapes the scorer fires,
// plus popularity, neighbours, repurchase statistics and, with a catalog, its fields.
#pragma once

#include <string>

#include "bundle/bundle.hpp"
#include "mine/mine.hpp"
#include "model/catalog.hpp"

namespace basketlift {

// The bundle's view of a mining run: rules with one consequent and one or two antecedent items,
// popularity, and the parameters it was mined with (meta), stamped with `created_at`. With a
// catalog: names, categories, prices and category rules; with users and dates in the order
// log: repurchase statistics.
BundleContent make_bundle_content(const MineResult& result, const MineOptions& options,
                                  const std::string& source, const std::string& created_at,
                                  const Catalog* catalog = nullptr);

}  // namespace basketlift
