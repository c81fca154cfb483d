// Embind bindings: a thin translation of core/bundle.hpp and core/recommend.hpp for JavaScript.
// No logic lives here. Strings cross the boundary only at load time; the hot call moves integers:
// JS writes item ids into a buffer this object owns, calls recommend(), then reads the results
// from flat arrays whose addresses it finds in header(). Errors come back as values (an error
// string), never as an abort, so one bad bundle cannot kill the module other bundles share.
#include <emscripten/bind.h>
#include <malloc.h>

#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "bundle.hpp"
#include "recommend.hpp"

using namespace basketlift;
using emscripten::val;

namespace {

std::uint32_t address(const void* p) { return static_cast<std::uint32_t>(reinterpret_cast<std::uintptr_t>(p)); }

// Slots of header(), read by web/recommender.js (keep the two in sync).
enum Slot { kInput, kNumbers, kInts, kBecause, kLabelBytes, kLabelEnds, kSlots };

class Recommender {
 public:
  // Loading is two calls so the bundle is copied into wasm memory once: JS writes the bytes
  // at staging(), then load() moves that buffer into the core's reader.
  explicit Recommender(std::uint32_t size) : staging_(size) { publish(); }
  std::uint32_t staging() const { return address(staging_.data()); }

  // "" on success, else the core's message.
  std::string load() {
    std::string error;
    bundle_ = Bundle::load(std::move(staging_), error);
    if (!bundle_) return error.empty() ? "unreadable bundle" : error;
    scorer_ = std::make_unique<Scorer>(*bundle_);
    return {};
  }

  std::uint32_t header() const { return address(header_); }

  // Room for `count` ids in the input buffer (cart, then history, then exclude).
  void reserve(std::uint32_t count) {
    if (count > input_.size()) input_.resize(count);
    publish();
  }

  // Results flattened for JS: per result, numbers_ holds score, confidence, lift and ints_ holds
  // item, kind, end of its ids in because_.
  std::uint32_t recommend(std::uint32_t n_cart, std::uint32_t n_history, std::uint32_t n_exclude,
                          std::uint32_t n) {
    const std::uint32_t* in = input_.data();
    auto results = scorer_->recommend({{in, n_cart}, {in + n_cart, n_history},
                                       {in + n_cart + n_history, n_exclude}, n});
    numbers_.clear();
    ints_.clear();
    because_.clear();
    for (const auto& r : results) {
      numbers_.insert(numbers_.end(), {r.score, r.confidence, r.lift});
      for (auto id : scorer_->because(r)) because_.push_back(id);
      ints_.insert(ints_.end(), {r.item, static_cast<std::uint32_t>(r.kind),
                                 static_cast<std::uint32_t>(because_.size())});
    }
    publish();
    return static_cast<std::uint32_t>(results.size());
  }

  // Every label in one crossing: UTF-8 bytes back to back, and where each ends. JS decodes them
  // once at load, then calls releaseLabels().
  std::uint32_t labels() {
    for (std::uint32_t i = 0; i < bundle_->item_count(); ++i) {
      label_bytes_.append(bundle_->label(i));
      label_ends_.push_back(static_cast<std::uint32_t>(label_bytes_.size()));
    }
    publish();
    return bundle_->item_count();
  }
  void releaseLabels() {
    std::string().swap(label_bytes_);
    std::vector<std::uint32_t>().swap(label_ends_);
    publish();
  }

  val info() const {
    val o = val::object();
    o.set("version", bundle_->version());
    o.set("items", bundle_->item_count());
    o.set("transactions", static_cast<double>(bundle_->transactions()));
    o.set("singleRules", static_cast<double>(bundle_->single_rule_count()));
    o.set("pairs", static_cast<double>(bundle_->pair_count()));
    o.set("pairRules", static_cast<double>(bundle_->pair_rule_count()));
    o.set("bytes", static_cast<double>(bundle_->byte_size()));
    char hex[17];
    std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(bundle_->checksum()));
    o.set("checksum", std::string(hex));
    val meta = val::object();
    for (const auto& [key, value] : bundle_->meta()) meta.set(key, value);
    o.set("meta", meta);
    return o;
  }

 private:
  void publish() {
    header_[kInput] = address(input_.data());
    header_[kNumbers] = address(numbers_.data());
    header_[kInts] = address(ints_.data());
    header_[kBecause] = address(because_.data());
    header_[kLabelBytes] = address(label_bytes_.data());
    header_[kLabelEnds] = address(label_ends_.data());
  }

  std::vector<std::uint8_t> staging_;
  std::unique_ptr<Bundle> bundle_;
  std::unique_ptr<Scorer> scorer_;
  std::vector<std::uint32_t> input_, ints_, because_, label_ends_;
  std::vector<double> numbers_;
  std::string label_bytes_;
  std::uint32_t header_[kSlots] = {};
};

// Bytes malloc holds right now: lets tests (and curious callers) see that dispose() frees.
std::uint32_t allocated_bytes() { return static_cast<std::uint32_t>(mallinfo().uordblks); }

}  // namespace

EMSCRIPTEN_BINDINGS(basketlift) {
  emscripten::class_<Recommender>("Recommender")
      .constructor<std::uint32_t>()
      .function("staging", &Recommender::staging)
      .function("load", &Recommender::load)
      .function("header", &Recommender::header)
      .function("reserve", &Recommender::reserve)
      .function("recommend", &Recommender::recommend)
      .function("labels", &Recommender::labels)
      .function("releaseLabels", &Recommender::releaseLabels)
      .function("info", &Recommender::info);
  emscripten::function("allocatedBytes", &allocated_bytes);
}
