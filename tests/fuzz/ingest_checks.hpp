// What read_transactions promises for any input it accepts: a canonical TransactionDb (dense
// ids by descending support, sorted duplicate-free non-empty baskets, support that matches the
// baskets), trimmed non-empty labels, and one user/day per basket when those columns were read.
#pragma once

#include <vector>

#include "fuzz_util.hpp"
#include "ingest.hpp"

namespace fuzzutil {

inline void check_ingested(const basketlift::Ingested& in, bool per_basket_columns) {
  const auto& db = in.db;
  const auto n = db.items.size();
  FUZZ_CHECK(db.size() >= 1 && db.offsets.front() == 0 && db.offsets.back() == db.item_ids.size());
  FUZZ_CHECK(db.support.size() == n);
  std::vector<std::uint32_t> count(n, 0);
  for (std::size_t b = 0; b < db.size(); ++b) {
    const auto basket = db.basket(b);
    FUZZ_CHECK(!basket.empty());
    for (std::size_t i = 0; i < basket.size(); ++i) {
      FUZZ_CHECK(basket[i] < n && (i == 0 || basket[i - 1] < basket[i]));
      ++count[basket[i]];
    }
  }
  for (std::size_t i = 0; i < n; ++i) {
    FUZZ_CHECK(count[i] == db.support[i] && count[i] >= 1);
    FUZZ_CHECK(i == 0 || db.support[i - 1] >= db.support[i]);
    const auto& label = db.items.label(static_cast<basketlift::ItemId>(i));
    FUZZ_CHECK(!label.empty() && db.items.find(label) == i);
    for (char edge : {label.front(), label.back()})
      FUZZ_CHECK(edge != ' ' && edge != '\t' && edge != '\r');
  }
  if (per_basket_columns) {
    FUZZ_CHECK(in.basket_user.size() == db.size() && in.basket_day.size() == db.size());
    for (auto u : in.basket_user) FUZZ_CHECK(u == basketlift::kNoUser || u < in.users.size());
  } else {
    FUZZ_CHECK(in.basket_user.empty() && in.basket_day.empty());
  }
  FUZZ_CHECK(in.stats.lines >= db.size());
}

}  // namespace fuzzutil
