#include "mine/pair_sections.hpp"

#include "mine/learned.hpp"
#include "mine/neighbours.hpp"
#include "model/format.hpp"

namespace basketlift {

namespace {

// One body for both sources: top_neighbours and Ease each take a TransactionDb or counts.
template <class Source>
PairSections sections_of(const Source& source, const PairSectionOptions& options,
                         unsigned threads) {
  PairSections s;
  s.neighbours = top_neighbours(source, options.neighbours_per_item, threads);
  if (options.learned_per_item > 0 && options.learned_max_items > 0) {
    Ease ease(source, options.learned_max_items);
    ease.fit(options.learned_lambda, threads);
    s.learned = learned_weights(ease, options.learned_per_item);
    s.learned_items = ease.items();
  }
  return s;
}

}  // namespace

PairSections pair_sections(const TransactionDb& db, const PairSectionOptions& options,
                           unsigned threads) {
  return sections_of(db, options, threads);
}

PairSections pair_sections(const ItemPairCounts& counts, const PairSectionOptions& options,
                           unsigned threads) {
  return sections_of(counts, options, threads);
}

std::vector<std::pair<std::string, std::string>> pair_section_meta(
    const PairSectionOptions& options, const PairSections& sections) {
  return {
      {"neighbours_per_item", std::to_string(options.neighbours_per_item)},
      {"learned_per_item", std::to_string(options.learned_per_item)},
      {"learned_lambda", format_double(options.learned_lambda)},
      {"learned_items", std::to_string(sections.learned_items)},
  };
}

}  // namespace basketlift
