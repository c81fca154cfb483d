#include "eval/baselines.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace basketlift {

SessionKnn::SessionKnn(const TransactionDb& db)
    : db_(db), offsets_(db.items.size() + 1, 0), overlap_(db.size(), 0) {
  for (std::size_t b = 0; b < db.size(); ++b)
    for (auto i : db.basket(b)) ++offsets_[i + 1];
  for (std::size_t i = 1; i < offsets_.size(); ++i) offsets_[i] += offsets_[i - 1];
  postings_.resize(offsets_.back());
  auto fill = offsets_;
  for (std::size_t b = 0; b < db.size(); ++b)
    for (auto i : db.basket(b)) postings_[fill[i]++] = static_cast<std::uint32_t>(b);
}

void SessionKnn::neighbours(std::span<const std::uint32_t> cart, std::uint32_t max_k,
                            std::vector<Neighbour>& out) {
  out.clear();
  std::uint32_t known = 0;
  for (auto i : cart) {
    if (i >= db_.items.size()) continue;
    ++known;
    for (auto p = offsets_[i]; p < offsets_[i + 1]; ++p)
      if (overlap_[postings_[p]]++ == 0) touched_.push_back(postings_[p]);
  }
  for (auto b : touched_) {
    const double size = static_cast<double>(db_.basket(b).size());
    out.push_back({b, overlap_[b] / std::sqrt(static_cast<double>(known) * size)});
    overlap_[b] = 0;
  }
  touched_.clear();
  auto better = [](const Neighbour& x, const Neighbour& y) {
    return x.sim != y.sim ? x.sim > y.sim : x.basket > y.basket;
  };
  const auto k = std::min<std::size_t>(max_k, out.size());
  std::partial_sort(out.begin(), out.begin() + static_cast<std::ptrdiff_t>(k), out.end(), better);
  out.resize(k);
}

}  // namespace basketlift
