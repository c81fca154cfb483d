// Embind bindings: a thin translation of the core (bundle, scorer, upsell, complementary
// categories, next purchases, rule list) for JavaScript. No logic lives here. Strings cross the
// boundary only at load time or when JS first asks for a table (labels, names, categories): the
// calls move integers. JS writes ids into a buffer this object owns (and, for next purchases, the
// dates' text into a byte buffer), calls a function, then reads the results from flat arrays
// whose addresses it finds in header(). Errors come back as values (an error string or a
// negative count), never as an abort, so one bad call cannot kill the module other bundles share.
#include <emscripten/bind.h>
#include <emscripten/emscripten.h>
#include <emscripten/heap.h>
#include <malloc.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "bundle.hpp"
#include "complements.hpp"
#include "dates.hpp"
#include "filters.hpp"
#include "next_purchase.hpp"
#include "recommend.hpp"
#include "rule_list.hpp"
#include "upsell.hpp"

using namespace basketlift;
using emscripten::val;

namespace {

std::uint32_t address(const void* p) {
  return static_cast<std::uint32_t>(reinterpret_cast<std::uintptr_t>(p));
}

// Slots of header(), read by web/recommender.js (keep the two in sync).
enum Slot { kInput, kNumbers, kInts, kBecause, kLabelBytes, kLabelEnds, kText, kResults, kSlots };

// recommend() hands JS the core's own result array (no copy on the hot path); web/recommender.js
// reads these offsets (keep the two in sync).
static_assert(sizeof(Recommendation) == 48 && offsetof(Recommendation, kind) == 4 &&
              offsetof(Recommendation, score) == 8 && offsetof(Recommendation, confidence) == 16 &&
              offsetof(Recommendation, lift) == 24 && offsetof(Recommendation, reasons) == 32 &&
              offsetof(Recommendation, because_begin) == 40 &&
              offsetof(Recommendation, because_end) == 44);

// Memory kept free for the per-call buffers of the other kinds and for JS's own copies.
constexpr std::size_t kHeadroom = std::size_t{16} << 20;

// Which strings labels() copies out.
enum Table { kItemLabels, kItemNames, kCategoryLabels };

class Recommender {
 public:
  // Loading is two calls so the bundle is copied into wasm memory once: JS writes the bytes
  // at staging(), then load() moves that buffer into the core's reader.
  explicit Recommender(std::uint32_t size) : staging_(size) { publish(); }
  std::uint32_t staging() const { return address(staging_.data()); }

  // "" on success, else the core's message.
  std::string load() {
    std::string error;
    bundle_ = Bundle::load(std::move(staging_), error, &fault_);
    if (!bundle_) return error.empty() ? "unreadable bundle" : error;
    // A failed allocation aborts the wasm instance: a scorer that cannot fit in what is left of
    // the memory's maximum is refused with a message instead.
    const std::uint64_t used = mallinfo().uordblks, max = emscripten_get_heap_max();
    error = Scorer::too_large(*bundle_, max > used + kHeadroom ? max - used - kHeadroom : 0);
    if (!error.empty()) {
      bundle_.reset();
      return error;
    }
    scorer_ = std::make_unique<Scorer>(*bundle_);
    return {};
  }

  // Which kind of failure load() reported (core BundleFault).
  std::uint32_t fault() const { return static_cast<std::uint32_t>(fault_); }

  std::uint32_t header() const { return address(header_); }
  // For basketlift_recommend below.
  std::uint32_t self() const { return address(this); }

  // Room for `count` ids in the input buffer and `bytes` bytes in the text buffer.
  void reserve(std::uint32_t count, std::uint32_t bytes) {
    if (count > input_.size()) input_.resize(count);
    if (bytes > text_.size()) text_.resize(bytes);
    publish();
  }

  // Input: cart, history, exclude (item ids), categories (category ids). Results: the core's
  // Recommendation array at header kResults, the item ids of their `because` ranges at kBecause.
  std::uint32_t recommend(std::uint32_t n_cart, std::uint32_t n_history, std::uint32_t n_exclude,
                          std::uint32_t n_categories, std::uint32_t n, double min_price,
                          double max_price) {
    const std::uint32_t* in = input_.data();
    RecommendRequest req;
    req.cart = {in, n_cart};
    req.history = {in + n_cart, n_history};
    req.exclude = {in + n_cart + n_history, n_exclude};
    req.n = n;
    req.filter = filter(in + n_cart + n_history + n_exclude, n_categories, min_price, max_price);
    auto results = scorer_->recommend(req);
    header_[kResults] = address(results.data());
    header_[kBecause] = address(scorer_->because_ids().data());
    return static_cast<std::uint32_t>(results.size());
  }

  // Input: exclude (item ids), categories. Results: ints_ item; numbers_ score, substitution,
  // price ratio.
  std::uint32_t upsell(std::uint32_t item, std::uint32_t n, double max_price_ratio,
                       std::uint32_t n_exclude, std::uint32_t n_categories, double min_price,
                       double max_price) {
    const std::uint32_t* in = input_.data();
    UpsellRequest req;
    req.item = item;
    req.n = n;
    req.max_price_ratio = max_price_ratio;
    req.exclude = {in, n_exclude};
    req.filter = filter(in + n_exclude, n_categories, min_price, max_price);
    auto results = basketlift::upsell(*bundle_, req);
    clear();
    for (const auto& u : results) {
      ints_.push_back(u.item);
      numbers_.insert(numbers_.end(), {u.score, u.substitution, u.price_ratio});
    }
    publish();
    return static_cast<std::uint32_t>(results.size());
  }

  // Input: exclude, allow (category ids). Results: ints_ category; numbers_ confidence, lift,
  // support.
  std::uint32_t complementaryCategories(std::uint32_t category, std::uint32_t n,
                                        std::uint32_t n_exclude, std::uint32_t n_allow) {
    const std::uint32_t* in = input_.data();
    auto results =
        complementary_categories(*bundle_, category, n, {in, n_exclude}, {in + n_exclude, n_allow});
    clear();
    for (const auto& c : results) {
      ints_.push_back(c.category);
      numbers_.insert(numbers_.end(), {c.confidence, c.lift, c.support});
    }
    publish();
    return static_cast<std::uint32_t>(results.size());
  }

  // Input: history item ids (n_history), where each date's text ends in text_ (n_history + 1:
  // as-of first, then one per history event), exclude (item ids), categories. Dates are parsed
  // by the core's parse_day. Results: ints_ item; numbers_ probability, due in days. Returns the
  // count, or -1 - i when date i (0 = as-of) is not a date.
  std::int32_t nextPurchases(std::uint32_t n_history, std::uint32_t n_exclude,
                             std::uint32_t n_categories, std::uint32_t n, std::int32_t window_days,
                             double min_price, double max_price) {
    const std::uint32_t* in = input_.data();
    const std::uint32_t* ends = in + n_history;
    NextPurchaseRequest req;
    events_.resize(n_history);
    for (std::uint32_t i = 0, from = 0; i <= n_history; from = ends[i++]) {
      std::int32_t day;
      if (!parse_day({text_.data() + from, ends[i] - from}, day))
        return -1 - static_cast<std::int32_t>(i);
      if (i == 0)
        req.as_of = day;
      else
        events_[i - 1] = {in[i - 1], day};
    }
    const std::uint32_t* rest = ends + n_history + 1;
    req.history = events_;
    req.n = n;
    req.window_days = window_days;
    req.exclude = {rest, n_exclude};
    req.filter = filter(rest + n_exclude, n_categories, min_price, max_price);
    auto results = next_purchases(*bundle_, req);
    clear();
    for (const auto& r : results) {
      ints_.push_back(r.item);
      numbers_.insert(numbers_.end(), {r.probability, r.due_in_days});
    }
    publish();
    return static_cast<std::int32_t>(results.size());
  }

  // Results: ints_ antecedent a, b (kNoItem for single-item rules), consequent; numbers_
  // support, confidence, lift.
  std::uint32_t topRules(std::uint32_t limit) {
    auto rules = top_rules(*bundle_, limit);
    clear();
    for (const auto& r : rules) {
      ints_.insert(ints_.end(), {r.a, r.b, r.consequent});
      numbers_.insert(numbers_.end(), {r.support, r.confidence, r.lift});
    }
    publish();
    return static_cast<std::uint32_t>(rules.size());
  }

  // Per item: ints_ category (kNoCategory when none), popularity; numbers_ price (NaN when
  // unknown). Names come from labels(kItemNames).
  std::uint32_t items() {
    clear();
    for (std::uint32_t i = 0; i < bundle_->item_count(); ++i) {
      ints_.insert(ints_.end(), {bundle_->item_category(i), bundle_->popularity(i)});
      numbers_.push_back(bundle_->price(i));
    }
    publish();
    return bundle_->item_count();
  }

  // One table of strings in one crossing: UTF-8 bytes back to back, and where each ends. JS
  // decodes them once, then calls releaseLabels().
  std::uint32_t labels(std::uint32_t table) {
    const bool categories = table == kCategoryLabels;
    const std::uint32_t count = categories ? bundle_->category_count() : bundle_->item_count();
    for (std::uint32_t i = 0; i < count; ++i) {
      label_bytes_.append(categories            ? bundle_->category_label(i)
                          : table == kItemNames ? bundle_->name(i)
                                                : bundle_->label(i));
      label_ends_.push_back(static_cast<std::uint32_t>(label_bytes_.size()));
    }
    publish();
    return count;
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
    o.set("catalog", bundle_->has_catalog());
    o.set("categories", bundle_->category_count());
    o.set("repurchase", bundle_->has_repurchase());
    o.set("categoryRules", bundle_->has_category_rules());
    char hex[17];
    std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(bundle_->checksum()));
    o.set("checksum", std::string(hex));
    val meta = val::object();
    for (const auto& [key, value] : bundle_->meta()) meta.set(key, value);
    o.set("meta", meta);
    return o;
  }

 private:
  static ItemFilter filter(const std::uint32_t* categories, std::uint32_t n_categories,
                           double min_price, double max_price) {
    ItemFilter f;
    f.categories = {categories, n_categories};
    f.min_price = min_price;
    f.max_price = max_price;
    return f;
  }

  void clear() {
    numbers_.clear();
    ints_.clear();
  }

  void publish() {
    header_[kInput] = address(input_.data());
    header_[kNumbers] = address(numbers_.data());
    header_[kInts] = address(ints_.data());
    header_[kLabelBytes] = address(label_bytes_.data());
    header_[kLabelEnds] = address(label_ends_.data());
    header_[kText] = address(text_.data());
  }

  std::vector<std::uint8_t> staging_;
  std::unique_ptr<Bundle> bundle_;
  BundleFault fault_ = BundleFault::None;
  std::unique_ptr<Scorer> scorer_;
  std::vector<std::uint32_t> input_, ints_, label_ends_;
  std::vector<double> numbers_;
  std::vector<char> text_;
  std::vector<PurchaseEvent> events_;
  std::string label_bytes_;
  std::uint32_t header_[kSlots] = {};
};

// Bytes malloc holds right now: lets tests (and curious callers) see that dispose() frees.
std::uint32_t allocated_bytes() { return static_cast<std::uint32_t>(mallinfo().uordblks); }

}  // namespace

// The hot call without Embind: a plain wasm export costs tens of nanoseconds per call where an
// Embind method call (arguments converted in JS; no generated invokers under
// -sDYNAMIC_EXECUTION=0) costs about half a microsecond. JS calls it as
// Module._basketlift_recommend(recommender.self(), ...).
extern "C" EMSCRIPTEN_KEEPALIVE std::uint32_t basketlift_recommend(
    Recommender* r, std::uint32_t n_cart, std::uint32_t n_history, std::uint32_t n_exclude,
    std::uint32_t n_categories, std::uint32_t n, double min_price, double max_price) {
  return r->recommend(n_cart, n_history, n_exclude, n_categories, n, min_price, max_price);
}

EMSCRIPTEN_BINDINGS(basketlift) {
  emscripten::class_<Recommender>("Recommender")
      .constructor<std::uint32_t>()
      .function("staging", &Recommender::staging)
      .function("load", &Recommender::load)
      .function("fault", &Recommender::fault)
      .function("header", &Recommender::header)
      .function("reserve", &Recommender::reserve)
      .function("self", &Recommender::self)
      .function("upsell", &Recommender::upsell)
      .function("complementaryCategories", &Recommender::complementaryCategories)
      .function("nextPurchases", &Recommender::nextPurchases)
      .function("topRules", &Recommender::topRules)
      .function("items", &Recommender::items)
      .function("labels", &Recommender::labels)
      .function("releaseLabels", &Recommender::releaseLabels)
      .function("info", &Recommender::info);
  emscripten::function("allocatedBytes", &allocated_bytes);
}
