// Embind bindings of wasm/session.hpp: one line per call, no logic. What Emscripten alone knows
// (how much of the heap is left, what malloc holds) is read here and handed to the session.
#include <emscripten/bind.h>
#include <emscripten/emscripten.h>
#include <emscripten/heap.h>
#include <malloc.h>

#include <cstdint>

#include "wasm/session.hpp"
#include "wasm/shard_session.hpp"

using basketlift::wasm::BundleStart;
using basketlift::wasm::BundleSummary;
using basketlift::wasm::Session;
using basketlift::wasm::ShardSession;

namespace {

// Memory kept free for the per-call buffers of the other kinds and for JS's own copies.
constexpr std::uint64_t kHeadroom = std::uint64_t{16} << 20;

std::uintptr_t address(const void* p) { return reinterpret_cast<std::uintptr_t>(p); }

std::uint64_t heap_room() {
  const std::uint64_t used = mallinfo().uordblks, max = emscripten_get_heap_max();
  return max > used + kHeadroom ? max - used - kHeadroom : 0;
}

}  // namespace

// The hot call without Embind: a plain wasm export costs tens of nanoseconds per call where an
// Embind method call (arguments converted in JS; no generated invokers under
// -sDYNAMIC_EXECUTION=0) costs about half a microsecond.
extern "C" EMSCRIPTEN_KEEPALIVE std::int32_t basketlift_recommend(
    Session* s, std::uint32_t n_cart, std::uint32_t n_history, std::uint32_t n_exclude,
    std::uint32_t n_categories, std::uint32_t n, double min_price, double max_price,
    std::uint32_t max_per_family) {
  return s->recommend(n_cart, n_history, n_exclude, n_categories, n, min_price, max_price,
                      max_per_family);
}

EMSCRIPTEN_BINDINGS(basketlift) {
  emscripten::value_object<BundleSummary>("BundleSummary")
      .field("version", &BundleSummary::version)
      .field("items", &BundleSummary::items)
      .field("categories", &BundleSummary::categories)
      .field("transactions", &BundleSummary::transactions)
      .field("singleRules", &BundleSummary::single_rules)
      .field("pairs", &BundleSummary::pairs)
      .field("pairRules", &BundleSummary::pair_rules)
      .field("bytes", &BundleSummary::bytes)
      .field("catalog", &BundleSummary::catalog)
      .field("repurchase", &BundleSummary::repurchase)
      .field("categoryRules", &BundleSummary::category_rules)
      .field("checksum", &BundleSummary::checksum);
  emscripten::value_object<BundleStart>("BundleStart")
      .field("status", &BundleStart::status)
      .field("declared", &BundleStart::declared)
      .field("message", &BundleStart::message);
  emscripten::function("checkBundleStart", &basketlift::wasm::check_bundle_start);
  emscripten::class_<Session>("Session")
      .constructor<>()
      .function(
          "stage", +[](Session& s, std::uint32_t size) { return s.stage(size, heap_room()); })
      .function(
          "staging", +[](Session& s) { return address(s.staging()); })
      .function(
          "load", +[](Session& s) { return s.load(heap_room()); })
#ifdef BASKETLIFT_SHARDS
      .function(
          "loadMerged", +[](Session& s) { return s.load_merged(heap_room()); })
#endif
      .function("message", &Session::message)
      .function(
          "header", +[](const Session& s) { return address(s.header()); })
      .function(
          "self", +[](const Session& s) { return address(&s); })
      .function("reserve", &Session::reserve)
      .function("trim", &Session::trim)
      .function("upsell", &Session::upsell)
      .function("complementaryCategories", &Session::complementary_categories)
      .function("nextPurchases", &Session::next_purchases)
      .function("topRules", &Session::top_rules)
      .function("items", &Session::items)
      .function("labels", &Session::labels)
      .function("releaseLabels", &Session::release_labels)
      .function("summary", &Session::summary)
      .function("incomplete", &Session::incomplete);
#ifdef BASKETLIFT_SHARDS
  emscripten::class_<ShardSession>("ShardSession")
      .constructor<>()
      .class_function("shardPath", &ShardSession::shard_path)
      .function("open", &ShardSession::open)
      .function("message", &ShardSession::message)
      .function("shardCount", &ShardSession::shard_count)
      .function("items", &ShardSession::items)
      .function("shardOf", &ShardSession::shard_of)
      .function("has", &ShardSession::has)
      .function("path", &ShardSession::path)
      .function("add", &ShardSession::add)
      .function("remove", &ShardSession::remove)
      .function("categoryNeeds", &ShardSession::category_needs)
      .function("needKind", &ShardSession::need_kind)
      .function("needIndex", &ShardSession::need_index)
      .function("nextPopularPage", &ShardSession::next_popular_page)
      .function("merge", &ShardSession::merge)
      .function(
          "mergedData", +[](const ShardSession& s) { return address(s.merged_data()); });
#endif
  // Bytes malloc holds right now: lets tests (and curious callers) see that dispose() frees.
  emscripten::function(
      "allocatedBytes", +[] { return static_cast<std::uint32_t>(mallinfo().uordblks); });
  // web/recommender.js compares it with build/wasm/layout.js's before using the module.
  emscripten::constant("layoutFingerprint", basketlift::wasm::fingerprint());
}
