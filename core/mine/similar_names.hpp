// Similar names: the one link a catalog item no basket holds yet (a new product) has to the rest
// of the store. For each such item, the catalog items whose names share its rarer words (cosine
// of TF-IDF word vectors), so a cart of new products gets answers from the products it resembles
// ("LANDMARK FRAME LONDON BRIDGE" -> "LANDMARK FRAME BAKER STREET", other frames).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "bundle/bundle.hpp"

namespace basketlift {

inline constexpr std::uint32_t kDefaultSimilarPerItem = 5;

// The words of a name: maximal runs of ASCII letters and digits, upper-cased; other bytes
// separate them.
std::vector<std::string> name_words(std::string_view name);

// (item, {similar item, cosine * kSimilarityScale}) for every item of `c` with popularity 0 and
// a name: at most `per_item`, by cosine (rounded as stored), then popularity, then id; items
// sharing no word are not listed. A word's weight is log(named items / items naming it), each
// word counted once per name. Words in more than kMaxWordItems names carry little weight and
// are left out of the search (not of the norms), so the cost stays bounded on large catalogs.
std::vector<std::pair<std::uint32_t, RuleEntry>> similar_names(const BundleContent& c,
                                                               std::uint32_t per_item);
inline constexpr std::size_t kMaxWordItems = 5000;

}  // namespace basketlift
