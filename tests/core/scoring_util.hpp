// Helpers for tests of the bundle and its scorers.
#pragma once

#include <span>

#include "recommend.hpp"

namespace bltest {

inline basketlift::RecommendRequest request_for(std::span<const std::uint32_t> cart,
                                                std::span<const std::uint32_t> history,
                                                std::span<const std::uint32_t> exclude,
                                                std::uint32_t n) {
  basketlift::RecommendRequest r;
  r.cart = cart;
  r.history = history;
  r.exclude = exclude;
  r.n = n;
  return r;
}

}  // namespace bltest
