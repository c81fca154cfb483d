#include "recommend.hpp"

#include <algorithm>
#include <cmath>

namespace basketlift {

namespace {
constexpr std::uint32_t kNone = UINT32_MAX;
}

Scorer::Scorer(const Bundle& bundle)
    : bundle_(bundle), slots_(bundle.item_count()), affinity_(bundle.category_count(), 0.0) {}

void Scorer::prepare(const ScoringParams& p) {
  if (is_prepared_ && p.aggregation == prepared_.aggregation && p.evidence == prepared_.evidence &&
      p.pair_weight == prepared_.pair_weight && p.smoothing == prepared_.smoothing)
    return;
  const double n = static_cast<double>(bundle_.transactions());
  auto evidence = [&](const RuleEntry& r, std::uint32_t antecedent_count, double weight) {
    if (p.aggregation == Aggregation::NoisyOr)
      return std::min(1.0, weight * r.count / antecedent_count);
    // Evidence from few baskets is shrunk: confidence as if `smoothing` more baskets had held
    // the antecedent without the consequent.
    const double confidence = r.count / (antecedent_count + p.smoothing);
    const double lift = confidence * n / bundle_.popularity(r.consequent);
    return weight * (p.evidence == Evidence::Lift         ? lift
                     : p.evidence == Evidence::Confidence ? confidence
                                                          : confidence * std::sqrt(lift));
  };
  const RuleEntry* single = bundle_.all_single_rules().data();
  single_evidence_.resize(bundle_.single_rule_count());
  for (std::uint32_t a = 0; a < bundle_.item_count(); ++a)
    for (const auto& r : bundle_.single_rules(a))
      single_evidence_[&r - single] = evidence(r, bundle_.popularity(a), 1.0);
  const RuleEntry* pair = bundle_.all_pair_rules().data();
  pair_evidence_.resize(bundle_.pair_rule_count());
  for (std::uint32_t a = 0; a < bundle_.item_count(); ++a)
    bundle_.for_each_pair(
        a, [&](std::uint32_t, std::uint32_t pair_count, std::span<const RuleEntry> rules) {
          for (const auto& r : rules)
            pair_evidence_[&r - pair] = evidence(r, pair_count, p.pair_weight);
        });
  prepared_ = p;
  is_prepared_ = true;
}

// One loop per aggregation (a template, not a branch per rule): this is the hot path.
template <Aggregation kAggregation>
void Scorer::fire(std::span<const RuleEntry> rules, const double* evidence,
                  std::uint32_t antecedent_count, std::uint32_t cart_a, std::uint32_t cart_b) {
  for (std::size_t k = 0; k < rules.size(); ++k) {
    const auto c = rules[k].consequent;
    Slot& slot = slots_[c];
    if (slot.blocked == stamp_) continue;
    const double e = evidence[k];
    if (slot.seen != stamp_) {
      if (filter_ && !filter_->allows(bundle_, c)) {
        slot.blocked = stamp_;
        continue;
      }
      slot.seen = stamp_;
      slot.score = kAggregation == Aggregation::NoisyOr ? 1.0 : 0.0;
      slot.sum = 0.0;
      slot.best = -1.0;
      slot.head = kNone;
      candidates_.push_back(c);
    }
    slot.sum += e;
    if constexpr (kAggregation == Aggregation::NoisyOr) slot.score *= 1.0 - e;
    if constexpr (kAggregation == Aggregation::Sum) slot.score += e;
    if (e > slot.best) {
      slot.best = e;
      slot.rule = &rules[k];
      slot.antecedent_count = antecedent_count;
      if constexpr (kAggregation == Aggregation::Max) slot.score = e;
    }
    contributions_.push_back({cart_a, cart_b, slot.head});
    slot.head = static_cast<std::uint32_t>(contributions_.size() - 1);
  }
}

template <Aggregation kAggregation>
void Scorer::fire_cart() {
  const RuleEntry* single = bundle_.all_single_rules().data();
  const RuleEntry* pair = bundle_.all_pair_rules().data();
  const auto k = static_cast<std::uint32_t>(cart_.size());
  for (std::uint32_t i = 0; i < k; ++i) {
    auto rules = bundle_.single_rules(cart_[i]);
    fire<kAggregation>(rules, single_evidence_.data() + (rules.data() - single),
                       bundle_.popularity(cart_[i]), i, i);
  }
  for (std::uint32_t i = 0; i < k; ++i) {
    for (std::uint32_t j = i + 1; j < k; ++j) {
      std::uint32_t pair_count = 0;
      auto rules = bundle_.pair_rules(cart_[i], cart_[j], &pair_count);
      if (!rules.empty())
        fire<kAggregation>(rules, pair_evidence_.data() + (rules.data() - pair), pair_count, i, j);
    }
  }
}

std::span<const Recommendation> Scorer::recommend(const RecommendRequest& req) {
  const auto n_items = bundle_.item_count();
  if (++stamp_ == 0) {  // wrapped: forget every old mark
    for (auto& slot : slots_) slot.blocked = slot.seen = 0;
    stamp_ = 1;
  }
  cart_.clear();
  for (auto id : req.cart) {
    if (id < n_items && slots_[id].blocked != stamp_) {
      slots_[id].blocked = stamp_;
      cart_.push_back(id);
    }
  }
  for (auto list : {req.history, req.exclude})
    for (auto id : list)
      if (id < n_items) slots_[id].blocked = stamp_;

  filter_ = req.filter.categories.empty() && !req.filter.price_limited() ? nullptr : &req.filter;
  for (auto k : affinity_touched_) affinity_[k] = 0.0;
  affinity_touched_.clear();
  std::uint32_t categorised = 0;
  for (auto id : req.history) {
    const auto k = id < n_items ? bundle_.item_category(id) : kNoCategory;
    if (k == kNoCategory) continue;
    if (affinity_[k] == 0.0) affinity_touched_.push_back(k);
    affinity_[k] += 1.0;
    ++categorised;
  }
  for (auto k : affinity_touched_)
    affinity_[k] = req.params.affinity_weight * affinity_[k] / categorised;
  candidates_.clear();
  contributions_.clear();
  results_.clear();
  because_.clear();
  prepare(req.params);
  switch (req.params.aggregation) {
    case Aggregation::NoisyOr:
      fire_cart<Aggregation::NoisyOr>();
      break;
    case Aggregation::Max:
      fire_cart<Aggregation::Max>();
      break;
    case Aggregation::Sum:
      fire_cart<Aggregation::Sum>();
      break;
  }

  // The final score: the aggregate, boosted by the history's category affinity.
  const bool noisy_or = req.params.aggregation == Aggregation::NoisyOr;
  for (auto c : candidates_) {
    const auto k = bundle_.item_category(c);
    auto& score = slots_[c].score;
    score = (noisy_or ? 1.0 - score : score) * (1.0 + (k == kNoCategory ? 0.0 : affinity_[k]));
  }
  // Rank on a compact copy of the keys: the comparisons then stay in a few cache lines.
  ranked_.clear();
  for (auto c : candidates_)
    ranked_.push_back({slots_[c].score, slots_[c].sum, bundle_.popularity(c), c});
  auto better = [](const Ranked& a, const Ranked& b) {
    if (a.score != b.score) return a.score > b.score;
    if (a.sum != b.sum) return a.sum > b.sum;
    return a.popularity != b.popularity ? a.popularity > b.popularity : a.item < b.item;
  };
  const std::size_t take = std::min<std::size_t>(req.n, ranked_.size());
  const auto top = ranked_.begin() + static_cast<std::ptrdiff_t>(take);
  if (take < ranked_.size()) std::nth_element(ranked_.begin(), top, ranked_.end(), better);
  std::sort(ranked_.begin(), top, better);
  const double n = static_cast<double>(bundle_.transactions());
  for (std::size_t r = 0; r < take; ++r) {
    const auto c = ranked_[r].item;
    const auto begin = static_cast<std::uint32_t>(because_.size());
    for (auto at = slots_[c].head; at != kNone; at = contributions_[at].next) {
      because_.push_back(contributions_[at].cart_a);
      because_.push_back(contributions_[at].cart_b);
    }
    std::sort(because_.begin() + begin, because_.end());
    because_.erase(std::unique(because_.begin() + begin, because_.end()), because_.end());
    for (auto p = begin; p < because_.size(); ++p) because_[p] = cart_[because_[p]];
    const Slot& s = slots_[c];
    const double confidence = static_cast<double>(s.rule->count) / s.antecedent_count;
    results_.push_back({c, s.score, confidence, confidence * n / bundle_.popularity(c),
                        RecommendationKind::CrossSell, begin,
                        static_cast<std::uint32_t>(because_.size())});
  }
  // Fewer rules fired than asked for: fill with the most popular items the shopper lacks.
  const auto end = static_cast<std::uint32_t>(because_.size());
  for (auto c : bundle_.popular_order()) {
    if (results_.size() >= req.n) break;
    if (slots_[c].blocked == stamp_ || slots_[c].seen == stamp_ ||
        (filter_ && !filter_->allows(bundle_, c)))
      continue;
    results_.push_back(
        {c, 0.0, bundle_.popularity(c) / n, 1.0, RecommendationKind::Popular, end, end});
  }
  return results_;
}

}  // namespace basketlift
