// The facade web/recommender.js talks to: one loaded bundle and its scorer, driven through flat
// buffers of ids so that a call moves integers, not objects. It holds no logic of its own (that
// is the core's) and no Emscripten header, so tests/wasm/test_session.cpp drives it natively;
// wasm/bindings.cpp only exposes it.
//
// The calling convention: JS writes ids into the input buffer (and dates' text into the text
// buffer), calls a method, then reads the results from the arrays whose addresses header()
// lists (wasm/layout.hpp). A call that can fail returns a count >= 0 or a Status < 0, and
// message() says why; nothing aborts, so one bad call cannot break the module other bundles
// share.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "bundle/bundle.hpp"
#include "score/filters.hpp"
#include "score/next_purchase.hpp"
#include "score/recommend.hpp"
#include "wasm/layout.hpp"

namespace basketlift::wasm {

// The counts and flags loadRecommender's `info` reports (the meta section comes as a table).
struct BundleSummary {
  std::uint32_t version = 0, items = 0, categories = 0;
  double transactions = 0, single_rules = 0, pairs = 0, pair_rules = 0, bytes = 0;
  bool catalog = false, repurchase = false, category_rules = false;
  std::string checksum;  // 16 hex digits
};

// What a bundle's first bytes say, before the rest is read or copied anywhere: status 0 and the
// size its header declares, or kInvalidBundle and why (the reader's own checks and words).
struct BundleStart {
  std::int32_t status = 0;
  double declared = 0;
  std::string message;
};
// `start`: the first min(size, kBundleHeaderBytes) bytes; `size`: the whole length, < 0 when not
// known yet (a download still arriving).
BundleStart check_bundle_start(const std::string& start, double size);

class Session {
 public:
  Session() { publish(); }
  // Loading is three calls so the bundle is copied into memory once: stage() makes room for
  // `size` bytes (kTooLarge when they would not fit in `room`, the bytes the heap has left, or
  // exceed kMaxBundleBytes: a failed allocation would abort the instance), the caller writes them
  // at staging(), then load() moves that buffer into the core's reader.
  std::int32_t stage(std::uint32_t size, std::uint64_t room);
  std::uint8_t* staging() { return staging_.data(); }

  // 0, or kInvalidBundle / kChecksumMismatch / kTooLarge. `room`: the bytes of memory left; the
  // scorer may take all of it but kCallMemoryLimit, kept for the calls (wasm memory cannot exceed
  // its maximum, and a failed allocation there aborts the instance, so a scorer that would not fit
  // is refused instead).
  std::int32_t load(std::uint64_t room);
  // The same for the merged parts of a sharded bundle (ShardSession::merge()'s bytes).
  std::int32_t load_merged(std::uint64_t room);
  const std::string& message() const { return message_; }
  // Addresses of the buffers (enum Slot); pointer-sized, so 32 bits in wasm32 (read as HEAPU32).
  const std::uintptr_t* header() const { return header_; }

  // Room for `count` ids in the input buffer and `bytes` bytes in the text buffer: 0, or
  // kRequestTooLarge when they would take more than kCallMemoryLimit.
  std::int32_t reserve(std::uint32_t count, std::uint32_t bytes);
  // Frees what a large call left (header()[kTrimSlot] says when), the input buffers included:
  // reserve() before the next call.
  void trim();

  // Input: cart, history, exclude (item ids), categories (category ids). Results: the core's
  // Recommendation array at kResultsSlot, long carts' `because` ids at kBecauseSlot. Or
  // kRequestTooLarge when the scorer would need more than kCallMemoryLimit for it.
  std::int32_t recommend(std::uint32_t n_cart, std::uint32_t n_history, std::uint32_t n_exclude,
                         std::uint32_t n_categories, std::uint32_t n, double min_price,
                         double max_price, std::uint32_t max_per_family = 0);
  // Input: exclude (item ids), categories. Results: kUpsellInts + kUpsellNumbers per entry.
  std::uint32_t upsell(std::uint32_t item, std::uint32_t n, double max_price_ratio,
                       std::uint32_t n_exclude, std::uint32_t n_categories, double min_price,
                       double max_price);
  // Input: exclude, allow (category ids). Results: kCategoryInts + kCategoryNumbers per entry.
  std::uint32_t complementary_categories(std::uint32_t category, std::uint32_t n,
                                         std::uint32_t n_exclude, std::uint32_t n_allow);
  // Input: history item ids (n_history), where each date's text ends in the text buffer
  // (n_history + 1: as-of first, then one per event), exclude (item ids), categories. Results:
  // kNextInts + kNextNumbers per entry; kBadDate when a date does not parse.
  std::int32_t next_purchases(std::uint32_t n_history, std::uint32_t n_exclude,
                              std::uint32_t n_categories, std::uint32_t n, std::int32_t window_days,
                              double min_price, double max_price);
  // Results: kRuleInts + kRuleNumbers per rule (b = kNoItem for single-item rules).
  std::uint32_t top_rules(std::uint32_t limit);
  // Results: kItemInts + kItemNumbers per item, by id.
  std::uint32_t items();

  // One table of strings (enum Table) in one crossing: UTF-8 bytes back to back and where each
  // ends. The caller decodes them once, then calls release_labels().
  std::uint32_t labels(std::uint32_t table);
  void release_labels();

  BundleSummary summary() const;
  // What the last recommend() needed of a sharded bundle that is not here: Scorer::Incomplete
  // bits, 0 when nothing.
  std::uint32_t incomplete() const { return scorer_ ? scorer_->incomplete() : 0; }

 private:
  void clear();
  std::int32_t loaded(std::uint64_t room, BundleFault fault);
  void publish();
  bool holds_extra() const;

  std::vector<std::uint8_t> staging_;
  std::unique_ptr<Bundle> bundle_;
  std::unique_ptr<Scorer> scorer_;
  std::string message_;
  std::vector<std::uint32_t> input_, ints_, label_ends_;
  std::vector<double> numbers_;
  std::vector<char> text_;
  std::vector<PurchaseEvent> events_;
  std::string label_bytes_;
  std::uintptr_t header_[kSlotCount] = {};
};

}  // namespace basketlift::wasm
