// What the depth-first miners (FP-growth, Eclat) share: the itemsets a prefix stands for, and
// the hand-over of their rows a part at a time, in a deterministic order whatever the threads.
#pragma once

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <vector>

#include "mine/workers.hpp"
#include "model/itemsets.hpp"

namespace basketlift {

// A run of consecutive rows of a miner's table, as the *_parts() miners hand them over.
struct ItemsetPart {
  ItemsetTable table;
  std::string text;  // for `prepare` to fill
};

// A part is handed over once it holds this many rows or items: small enough to stay in cache
// and for a few to wait in memory, big enough that handing over costs nothing measurable.
inline constexpr std::size_t kPartRows = 4096;
inline constexpr std::size_t kPartItems = 1 << 16;

void append(ItemsetTable& out, const ItemsetTable& part);

// The rows a prefix stands for. Perfect extensions (Borgelt): an item in every basket that holds
// the prefix adds nothing to the prefix's count, nor to that of any itemset grown from it. The
// miners leave such items out of what they recurse on, and every itemset found below is emitted
// with each subset of them instead.
class PrefixRows {
 public:
  explicit PrefixRows(const MiningParams& params) : params_(params) {}

  // Where the rows go; `full` is called whenever `out` holds a part's worth (and may empty it).
  void route(ItemsetTable& out, const std::function<void()>& full) {
    out_ = &out;
    full_ = &full;
  }
  bool may_grow() const { return params_.max_len == 0 || prefix.size() < params_.max_len; }

  // The prefix with each subset of the perfect extensions (but not the empty itemset).
  void emit(std::uint32_t count);
  // After found_perfect changed (grown, or cut back to what an outer prefix found).
  void sort_perfect();

  std::vector<ItemId> prefix;         // in descending id order, the deepest item last
  std::vector<ItemId> found_perfect;  // the prefix's perfect extensions, as found, deepest last

 private:
  void emit_subsets(std::size_t k, std::size_t n, std::size_t room, std::uint32_t count);
  template <class It>
  void add(It begin, It end, std::uint32_t count);

  const MiningParams& params_;
  ItemsetTable* out_ = nullptr;
  const std::function<void()>* full_ = nullptr;
  std::vector<ItemId> perfect_;           // found_perfect, ascending
  std::vector<ItemId> ascending_, line_;  // the prefix, and an itemset emit() makes of it
  std::vector<std::uint32_t> before_;     // of each perfect extension: prefix items below it
};

// Hands the parts over in claim order: the pieces of work (top-level items) in the order the
// workers claim them, and each one's parts in the order they were found. The parts of the
// earliest unfinished claim go straight to on_part; those of later claims queue, and once the
// queue holds a few MiB their workers wait, so that memory stays bounded whichever claims
// finish first.
class Handover {
 public:
  Handover(std::uint32_t claims, const std::function<void(ItemsetPart&)>& prepare,
           const std::function<void(ItemsetPart&)>& on_part)
      : prepare_(prepare), on_part_(on_part), queued_(claims), done_(claims, 0) {}

  // A part of `claim` (`last`: its final one); `part` comes back empty, ready to be refilled.
  void put(std::uint32_t claim, ItemsetPart& part, bool last);
  // After a failure: the waiting workers return, and what is put from now on is dropped.
  void stop();

 private:
  ItemsetPart spare();

  const std::function<void(ItemsetPart&)>& prepare_;
  const std::function<void(ItemsetPart&)>& on_part_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<std::deque<ItemsetPart>> queued_;
  std::vector<char> done_;
  std::vector<ItemsetPart> spares_;  // emptied parts whose buffers the workers reuse
  std::uint32_t head_ = 0;           // the earliest claim not yet handed over in full
  std::size_t queued_bytes_ = 0;
  bool stopped_ = false;
};

// Mines claims 0 … claims-1 on up to `threads` workers and hands their parts over in claim
// order. The first worker mines with `main`, the others with a Miner(params, main) each;
// mine_claim(miner, k, table, full) mines claim k into `table`, calling `full` when it holds a
// part's worth.
template <class Miner, class MineClaim>
void mine_claims(Miner& main, const MiningParams& params, std::uint32_t claims, unsigned threads,
                 const std::function<void(ItemsetPart&)>& prepare,
                 const std::function<void(ItemsetPart&)>& on_part, MineClaim mine_claim) {
  Handover handover(claims, prepare, on_part);
  std::atomic<std::uint32_t> next{0};
  auto work = [&](Miner& miner) {
    ItemsetPart part;
    std::uint32_t k;
    const std::function<void()> full = [&] { handover.put(k, part, false); };
    while ((k = next.fetch_add(1, std::memory_order_relaxed)) < claims) {
      mine_claim(miner, k, part.table, full);
      handover.put(k, part, true);
    }
  };
  run_workers(
      std::max(1u, std::min(threads, claims)),
      [&](unsigned w) {
        if (w == 0) return work(main);
        Miner miner(params, main);
        work(miner);
      },
      [&] {  // the others stop early
        next.store(claims);
        handover.stop();
      });
}

}  // namespace basketlift
