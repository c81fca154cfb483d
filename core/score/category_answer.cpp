// The category answer of Scorer::recommend, in a file of its own so that the wasm build can
// optimise it for size: it runs only for carts whose items fire too few rules.
#include <algorithm>

#include "score/recommend.hpp"

namespace basketlift {

// by_category_ and category_first_ (see recommend.hpp), once per bundle.
void Scorer::group_categories() {
  if (!bundle_.has_category_rules()) return;
  const auto n_cat = bundle_.category_count();
  category_weight_.assign(n_cat, 0.0);
  category_first_.assign(n_cat + 1, 0);
  // Non-merchandise is left out: the category answer never offers it.
  auto offered = [&](std::uint32_t i) {
    return category_[i] != kNoCategory && popularity_[i] > 0 && bundle_.recommendable(i) &&
           (!bundle_.is_part() || (bundle_.part().flags[i] & PartInfo::kCategoryHead));
  };
  for (std::uint32_t i = 0; i < bundle_.item_count(); ++i)
    if (offered(i)) ++category_first_[category_[i] + 1];
  for (std::uint32_t k = 0; k < n_cat; ++k) category_first_[k + 1] += category_first_[k];
  by_category_.resize(category_first_[n_cat]);
  auto next = category_first_;
  for (auto i : bundle_.popular_order())  // descending popularity, ties by id
    if (offered(i)) by_category_[next[category_[i]]++] = i;
}

// Too few item rules fired: the cart's categories answer next. An item x of category B scores
// P(x | A) for a cart item's category A, estimated as P(B | A) · P(x | B): P(B | A) from the
// bundle's category rules (1 when B = A), P(x | B) = count(x) / count(B); the best over the
// cart's categories, boosted by the history's affinity like a rule's score.
void Scorer::add_category_results(std::uint32_t n, std::uint32_t& because_end) {
  if (category_first_.empty()) return;
  for (auto k : weighted_) category_weight_[k] = 0.0;
  weighted_.clear();
  auto weigh = [&](std::uint32_t k, double w) {
    if (category_weight_[k] == 0.0) weighted_.push_back(k);
    category_weight_[k] = std::max(category_weight_[k], w);
  };
  for (auto item : cart_) {
    const auto a = category_[item];
    if (a == kNoCategory) continue;
    if (!bundle_.category_complete(a)) {  // a part of a sharded bundle without a's rules
      incomplete_ |= kMoreCategory;
      continue;
    }
    weigh(a, 1.0);
    const double count_a = bundle_.category_popularity(a);
    for (const auto& r : bundle_.category_rules(a)) weigh(r.consequent, r.count / count_a);
  }
  // Each item belongs to one category, so the best `need` overall are among each category's
  // first `need` eligible items.
  const std::size_t need = n - results_.size();
  category_pool_.clear();
  for (auto b : weighted_) {
    // A full family is a full category: none of its items could be taken below.
    if (max_per_family_ && family_count_[b] >= max_per_family_) continue;
    std::size_t taken = 0;
    for (auto at = category_first_[b]; at < category_first_[b + 1] && taken < need; ++at) {
      const auto x = by_category_[at];
      const Slot& slot = slots_[x];
      if (slot.state - stamp_ < 2 ||  // a candidate or blocked
          (filter_ && !filter_->allows(bundle_, x)))
        continue;
      const double p = category_weight_[b] * popularity_[x] / bundle_.category_popularity(b);
      category_pool_.push_back({p * (1.0 + affinity_[b]), p, popularity_[x], x});
      ++taken;
    }
    // A part of a sharded bundle holds each category's head only: past it, the whole bundle
    // has items this one lacks.
    if (taken < need && bundle_.is_part() &&
        category_first_[b + 1] - category_first_[b] < bundle_.part().categories[b].offered)
      incomplete_ |= kMoreCategory;
  }
  // Ranked by the boosted score, then the estimate, popularity and id.
  rank(category_pool_.data(), category_pool_.size());
  const double transactions = static_cast<double>(bundle_.transactions());
  for (std::size_t i = 0, taken = 0; i < category_pool_.size() && taken < need; ++i) {
    const Ranked& r = category_pool_[i];
    if (max_per_family_) {
      if (family_full(r.item)) continue;
      count_family(r.item);
    }
    ++taken;
    const auto b = category_[r.item];
    slots_[r.item].state = stamp_;  // a candidate now: the popular fill skips it
    // `because`: the cart items whose category reached b (as bits, or ids for long carts).
    const std::uint32_t begin = because_end;
    if (!reasons_out_ && because_.size() < because_end + cart_.size())
      because_.resize(because_end + cart_.size());
    std::uint64_t reasons = 0;
    std::uint32_t reason = kNoItem;
    double strongest = 0;
    for (std::uint32_t i = 0; i < cart_.size(); ++i) {
      const auto a = category_[cart_[i]];
      if (a == kNoCategory) continue;
      const auto rules = bundle_.category_rules(a);
      const auto rule = std::find_if(rules.begin(), rules.end(),
                                     [&](const RuleEntry& e) { return e.consequent == b; });
      if (a != b && rule == rules.end()) continue;
      // The same weight as in weigh() above: 1 for b itself, else P(b | a).
      const double w = a == b ? 1.0 : rule->count / double(bundle_.category_popularity(a));
      if (w > strongest) {
        strongest = w;
        reason = cart_[i];
      }
      if (reasons_out_)
        reasons |= std::uint64_t{1} << reason_at_[i];
      else
        because_[because_end++] = cart_[i];
    }
    results_.push_back({r.item, RecommendationKind::Category, r.score, r.sum,
                        r.sum * transactions / r.popularity, reasons, begin, because_end, reason});
  }
}

}  // namespace basketlift
