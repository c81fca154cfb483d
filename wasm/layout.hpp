// The contract between the wasm module and web/recommender.js: every number both sides must
// agree on. It is defined here once; scripts/build.sh runs wasm/layout_js.cpp (natively) to write
// build/wasm/layout.js from it, and the module exports the same fingerprint, so a JS wrapper and
// a wasm file from different builds refuse each other instead of misreading memory.
#pragma once

#include <cstddef>
#include <cstdint>
#include <type_traits>

#include "bundle/shards.hpp"
#include "model/ids.hpp"
#include "score/complements.hpp"
#include "score/next_purchase.hpp"
#include "score/recommend.hpp"
#include "score/rule_list.hpp"
#include "score/upsell.hpp"

namespace basketlift::wasm {

// Slots of Session::header(): where the session's buffers are right now (a call may move them).
enum Slot : std::uint32_t {
  kInputSlot,       // u32 ids the caller writes before a call
  kNumbersSlot,     // f64 results of the last call (all kinds but recommend)
  kIntsSlot,        // u32 results of the last call
  kBecauseSlot,     // u32 item ids of recommend's long-cart `because` ranges
  kLabelBytesSlot,  // UTF-8 bytes of the last labels() table
  kLabelEndsSlot,   // u32 end of each label
  kTextSlot,        // bytes the caller writes (next purchases' dates)
  kResultsSlot,     // recommend's Recommendation array
  kDetailSlot,      // what the last failing call points at (the index of a bad date)
  kTrimSlot,        // non-zero: the last call left buffers larger than usual; trim() them once
                    // its results are read
  kSlotCount
};

// Tables of Session::labels().
enum Table : std::uint32_t {
  kItemLabels,      // item ids as the bundle stores them
  kItemNames,       // catalog names ("" when none)
  kCategoryLabels,  // category names
  kMetaEntries,     // the meta section: key, value, key, value…
  kTableCount
};

// Every call that can fail returns a count >= 0 or one of these; Session::message() says why.
enum Status : std::int32_t {
  kInvalidBundle = -1,     // the bytes are not a bundle this reader accepts
  kChecksumMismatch = -2,  // the payload does not match its checksum (damaged in transfer)
  kTooLarge = -3,          // the scorer would not fit in the memory the module may still use
  kBadDate = -4,           // a date is not YYYY-MM-DD; header()[kDetailSlot]: which (0 = as-of)
  kRequestTooLarge = -5,   // the call would take more than kCallMemoryLimit; nothing was done
};

// The most memory one call may take for what grows with its arguments (the ids passed in, the
// scorer's per-call buffers), beyond what the bundle and its scorer hold. Past it a call returns
// kRequestTooLarge instead of growing the heap, which never shrinks, or aborting the instance
// when the heap runs out. Every load leaves this much room, so a call within it always fits.
inline constexpr std::uint32_t kCallMemoryLimit = std::uint32_t{64} << 20;
// The ids one call can pass (its lists together), a consequence of the limit above.
inline constexpr std::uint32_t kMaxInputIds = kCallMemoryLimit / sizeof(std::uint32_t);

// Bundle sizes: wasm32 memory ends at 2 GiB, and a bundle is held once while its scorer is built,
// so no instance loads more than kMaxBundleBytes. Downloads and file reads stop at the loader's
// maxBundleBytes option, kDefaultMaxBundleBytes unless raised (up to kMaxBundleBytes).
inline constexpr std::uint32_t kMaxBundleBytes = std::uint32_t{1} << 30;
inline constexpr std::uint32_t kDefaultMaxBundleBytes = std::uint32_t{256} << 20;

// recommend() hands JS the core's own Recommendation array; these are its byte offsets.
static_assert(std::is_standard_layout_v<Recommendation>);
inline constexpr std::uint32_t kResultBytes = sizeof(Recommendation);
inline constexpr std::uint32_t kResultItem = offsetof(Recommendation, item);
inline constexpr std::uint32_t kResultKind = offsetof(Recommendation, kind);
inline constexpr std::uint32_t kResultScore = offsetof(Recommendation, score);
inline constexpr std::uint32_t kResultConfidence = offsetof(Recommendation, confidence);
inline constexpr std::uint32_t kResultLift = offsetof(Recommendation, lift);
inline constexpr std::uint32_t kResultReasons = offsetof(Recommendation, reasons);
inline constexpr std::uint32_t kResultBecauseBegin = offsetof(Recommendation, because_begin);
inline constexpr std::uint32_t kResultBecauseEnd = offsetof(Recommendation, because_end);
// For carts of up to kReasonBits entries bit i of a result's reasons is the request's cart[i]
// (JS names them from its copy of the cart); longer carts' results carry id ranges instead.
inline constexpr std::uint32_t kReasonBits = 8 * sizeof(Recommendation::reasons);
inline constexpr std::uint32_t kResultReason = offsetof(Recommendation, reason);
// The JS reader loads u32/f64 halves: every field must sit on its element size.
static_assert(kResultBytes % 8 == 0 && kResultItem % 4 == 0 && kResultScore % 8 == 0 &&
              kResultConfidence % 8 == 0 && kResultLift % 8 == 0 && kResultReasons % 8 == 0 &&
              kResultBecauseBegin % 4 == 0 && kResultBecauseEnd % 4 == 0 && kResultReason % 4 == 0);

// Results per entry of the other kinds: how many u32 and f64 each occupies.
inline constexpr std::uint32_t kUpsellInts = 1, kUpsellNumbers = 3;  // item; score, subst., ratio
inline constexpr std::uint32_t kCategoryInts = 1,
                               kCategoryNumbers = 3;             // category; conf, lift, supp
inline constexpr std::uint32_t kNextInts = 1, kNextNumbers = 2;  // item; probability, due in days
inline constexpr std::uint32_t kRuleInts = 3,
                               kRuleNumbers = 3;  // a, b, consequent; supp, conf, lift
inline constexpr std::uint32_t kItemInts = 3,
                               kItemNumbers = 1;  // category, popularity, recommendable; price

// Every number above and the sentinels, folded into one value. Computed by the compiler of each
// side (wasm32 and the native generator), so any difference in layout shows as a mismatch.
constexpr std::uint32_t fingerprint() {
  const std::uint32_t facts[] = {kSlotCount,
                                 kTableCount,
                                 static_cast<std::uint32_t>(-kBadDate),
                                 static_cast<std::uint32_t>(-kRequestTooLarge),
                                 kCallMemoryLimit,
                                 kMaxBundleBytes,
                                 kResultBytes,
                                 kResultItem,
                                 kResultKind,
                                 kResultScore,
                                 kResultConfidence,
                                 kResultLift,
                                 kResultReasons,
                                 kResultBecauseBegin,
                                 kResultBecauseEnd,
                                 kReasonBits,
                                 kResultReason,
                                 kUpsellInts,
                                 kUpsellNumbers,
                                 kCategoryInts,
                                 kCategoryNumbers,
                                 kNextInts,
                                 kNextNumbers,
                                 kRuleInts,
                                 kRuleNumbers,
                                 kItemInts,
                                 kItemNumbers,
                                 kNoItem,
                                 kNoCategory,
                                 static_cast<std::uint32_t>(RecommendationKind::Similar),
                                 static_cast<std::uint32_t>(PartKind::Shard),
                                 static_cast<std::uint32_t>(PartKind::Category),
                                 static_cast<std::uint32_t>(PartKind::Popular)};
  std::uint32_t h = 2166136261u;  // FNV-1a over the facts' bytes
  for (std::uint32_t f : facts)
    for (int b = 0; b < 4; ++b) h = (h ^ ((f >> (8 * b)) & 0xff)) * 16777619u;
  return h;
}

}  // namespace basketlift::wasm
