// The sentinels every layer shares: the one value of each id type that means "none". They cross
// the wasm boundary as well (wasm/layout.hpp), so they are defined here once.
#pragma once

#include <cstdint>

namespace basketlift {

// An item id nothing holds: an unknown label in a request, the second antecedent of a
// single-item rule (score/rule_list.hpp).
inline constexpr std::uint32_t kNoItem = UINT32_MAX;
// An item without a category (bundle/bundle.hpp).
inline constexpr std::uint32_t kNoCategory = UINT32_MAX;
// A basket whose order row named no customer (ingest/order_log.hpp).
inline constexpr std::uint32_t kNoUser = UINT32_MAX;

}  // namespace basketlift
