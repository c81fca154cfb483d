#include "mine/learned.hpp"

#include <Eigen/Cholesky>
#include <Eigen/Core>
#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace basketlift {

namespace {
using Matrix = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic>;
}

Ease::Ease(const TransactionDb& db, std::uint32_t max_items)
    : n_(static_cast<std::uint32_t>(std::min<std::size_t>(max_items, db.items.size()))) {
  gram_.assign(std::size_t{n_} * n_, 0.0f);
  for (std::size_t b = 0; b < db.size(); ++b) {
    const auto basket = db.basket(b);
    // Canonical baskets are sorted, so the modelled items are a prefix.
    const auto end = std::lower_bound(basket.begin(), basket.end(), n_);
    for (auto i = basket.begin(); i != end; ++i)
      for (auto j = basket.begin(); j != end; ++j) gram_[std::size_t{*i} * n_ + *j] += 1.0f;
  }
}

Ease::Ease(const ItemPairCounts& counts, std::uint32_t max_items)
    : n_(static_cast<std::uint32_t>(std::min<std::size_t>(max_items, counts.support.size()))) {
  gram_.assign(std::size_t{n_} * n_, 0.0f);
  for (std::uint32_t i = 0; i < n_; ++i)
    gram_[std::size_t{i} * n_ + i] = static_cast<float>(counts.support[i]);
  for (const auto& p : counts.pairs) {
    if (p.a >= n_ || p.b >= n_) continue;
    gram_[std::size_t{p.a} * n_ + p.b] = gram_[std::size_t{p.b} * n_ + p.a] =
        static_cast<float>(p.count);
  }
}

void Ease::fit(double lambda, unsigned threads) {
  if (!(lambda > 0)) throw std::invalid_argument("ease: lambda must be positive");
  const auto n = static_cast<Eigen::Index>(n_);
  b_.assign(gram_.begin(), gram_.end());
  Eigen::Map<Matrix> g(b_.data(), n, n);
  g.diagonal().array() += static_cast<float>(lambda);
  // G is symmetric positive definite (a Gram matrix plus λI): Cholesky, factorised in place.
  Eigen::LLT<Eigen::Ref<Matrix>> llt(g);
  if (llt.info() != Eigen::Success)
    throw std::runtime_error("ease: the Cholesky factorisation failed at lambda " +
                             std::to_string(lambda));
  // P = G⁻¹ column by column: the two triangular solves per column are most of the time, and
  // columns are independent, so each thread takes a contiguous share of them.
  Matrix p = Matrix::Identity(n, n);
  const auto parts = static_cast<Eigen::Index>(std::clamp<unsigned>(threads, 1, n_ ? n_ : 1));
  std::vector<std::thread> workers;
  for (Eigen::Index t = 1; t < parts; ++t)
    workers.emplace_back([&, t] {
      const auto begin = n * t / parts, end = n * (t + 1) / parts;
      auto block = p.middleCols(begin, end - begin);
      llt.solveInPlace(block);
    });
  auto first = p.leftCols(n / parts);
  llt.solveInPlace(first);
  for (auto& w : workers) w.join();
  // B[i][j] = −P[i][j] / P[j][j]; P is symmetric, so row j of P scaled gives column j of B,
  // and b_ stores Bᵀ: b_(j, i) = B[i][j] = −P(j, i) / P(j, j).
  const Eigen::VectorXf inv = p.diagonal().cwiseInverse();
  g = -(inv.asDiagonal() * p);
  g.diagonal().setZero();
}

float Ease::weight(ItemId from, ItemId to) const { return b_[std::size_t{from} * n_ + to]; }

bool Ease::score(std::span<const std::uint32_t> cart, std::vector<float>& scores) const {
  scores.assign(n_, 0.0f);
  bool any = false;
  for (auto i : cart) {
    if (i >= n_) continue;
    any = true;
    const float* column = b_.data() + std::size_t{i} * n_;
    for (std::uint32_t j = 0; j < n_; ++j) scores[j] += column[j];
  }
  return any;
}

std::vector<std::pair<std::uint32_t, RuleEntry>> learned_weights(const Ease& ease,
                                                                 std::uint32_t per_item) {
  std::vector<std::pair<std::uint32_t, RuleEntry>> out;
  const auto n = ease.items();
  if (per_item == 0) return out;
  std::vector<std::pair<float, std::uint32_t>> row;
  std::vector<std::uint32_t> kept;
  for (std::uint32_t i = 0; i < n; ++i) {
    row.clear();
    for (std::uint32_t j = 0; j < n; ++j)
      if (j != i) row.push_back({std::abs(ease.weight(i, j)), j});
    const auto k = std::min<std::size_t>(per_item, row.size());
    std::partial_sort(row.begin(), row.begin() + static_cast<std::ptrdiff_t>(k), row.end(),
                      [](const auto& x, const auto& y) {
                        return x.first != y.first ? x.first > y.first : x.second < y.second;
                      });
    kept.clear();
    for (std::size_t r = 0; r < k; ++r) kept.push_back(row[r].second);
    std::sort(kept.begin(), kept.end());
    for (auto j : kept) {
      const double q = std::round(ease.weight(i, j) * kLearnedScale);
      const auto w = static_cast<std::int32_t>(
          std::clamp<double>(q, -double{kLearnedMax}, double{kLearnedMax}));
      if (w != 0) out.push_back({i, {j, static_cast<std::uint32_t>(w)}});
    }
  }
  return out;
}

}  // namespace basketlift
