// Helpers for tests of the bundle and its scorers.
#pragma once

#include <span>

#include "mine.hpp"
#include "recommend.hpp"
#include "test_util.hpp"

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

// shop_baskets() mined at min count 2 (and the other defaults).
inline basketlift::MineResult mined_shop() {
  basketlift::MineResult r;
  r.data.db = make_db(shop_baskets());
  basketlift::MineOptions opt;
  opt.min_count = 2;
  basketlift::mine_db(r, opt);
  return r;
}

}  // namespace bltest
