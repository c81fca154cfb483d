// Helpers for tests of the bundle and its scorers.
#pragma once

#include <span>
#include <string>
#include <vector>

#include "mine/mine.hpp"
#include "score/recommend.hpp"
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

// Labels to ids (item_count() for a label the bundle lacks).
inline std::vector<std::uint32_t> ids_of(const basketlift::Bundle& bundle,
                                         const std::vector<std::string>& labels) {
  std::vector<std::uint32_t> out;
  for (const auto& l : labels) out.push_back(bundle.find(l));
  return out;
}

// Mining options without the learned section: for the cases whose scores were computed by hand
// from rules and neighbours (tests/core/score/test_learned.cpp tests the learned weights).
inline basketlift::MineOptions no_learned(basketlift::MineOptions options = {}) {
  options.learned_per_item = 0;
  return options;
}

// A recommendation with labels instead of ids, for assertions.
struct Row {
  std::string item;
  double score, confidence, lift;
  basketlift::RecommendationKind kind;
  std::vector<std::string> because;
  bool operator==(const Row&) const = default;
};

inline std::vector<Row> rows_of(const basketlift::Bundle& bundle, const basketlift::Scorer& scorer,
                                std::span<const basketlift::Recommendation> results) {
  std::vector<Row> rows;
  for (const auto& r : results) {
    Row row{std::string(bundle.label(r.item)), r.score, r.confidence, r.lift, r.kind, {}};
    for (auto b : scorer.because(r)) row.because.emplace_back(bundle.label(b));
    rows.push_back(row);
  }
  return rows;
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
