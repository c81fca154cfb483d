#include "wasm/session.hpp"

#include <initializer_list>
#include <string>
#include <utility>

#include "model/dates.hpp"
#include "score/complements.hpp"
#include "score/rule_list.hpp"
#include "score/upsell.hpp"

namespace basketlift::wasm {

namespace {

std::uintptr_t address(const void* p) { return reinterpret_cast<std::uintptr_t>(p); }

// Buffers up to these sizes stay between calls, so the usual requests reuse them; larger ones,
// left by a large request, go at trim().
constexpr std::size_t kKeptIds = 4096, kKeptBytes = 16384, kKeptResults = 4096;

template <class V>
void shrink(V& v, std::size_t keep) {
  if (v.capacity() > keep) V().swap(v);
}

// One push_back per value: vector::insert(end, {...}) would add an instantiation per element
// type to the wasm for the same effect.
template <class V>
void append(V& v, std::initializer_list<typename V::value_type> values) {
  for (const auto& x : values) v.push_back(x);
}

std::string megabytes(std::uint64_t bytes) { return std::to_string((bytes + (1 << 20) - 1) >> 20); }

ItemFilter filter(const std::uint32_t* categories, std::uint32_t n_categories, double min_price,
                  double max_price) {
  ItemFilter f;
  f.categories = {categories, n_categories};
  f.min_price = min_price;
  f.max_price = max_price;
  return f;
}

}  // namespace

BundleStart check_bundle_start(const std::string& start, double size) {
  BundleStart out;
  std::uint64_t declared = 0;
  const auto* bytes = reinterpret_cast<const std::uint8_t*>(start.data());
  const auto fault = basketlift::check_bundle_start(
      {bytes, start.size()}, size < 0 ? kUnknownSize : static_cast<std::uint64_t>(size), declared,
      out.message);
  out.declared = static_cast<double>(declared);
  if (fault != BundleFault::None) {
    out.status = kInvalidBundle;
    out.message = "invalid bundle: " + out.message;  // as Bundle::load() words it
  }
  return out;
}

std::int32_t Session::stage(std::uint32_t size, std::uint64_t room) {
  if (size > kMaxBundleBytes || size > room) {
    message_ = "bundle too large to load here: " + std::to_string(size) + " bytes, " +
               std::to_string(room >> 20) + " MB of memory are left (at most " +
               std::to_string(kMaxBundleBytes) + " bytes in any case)";
    return kTooLarge;
  }
  staging_.resize(size);
  return 0;
}

std::int32_t Session::load(std::uint64_t room) {
  BundleFault fault = BundleFault::None;
  bundle_ = Bundle::load(std::move(staging_), message_, &fault);
  return loaded(room, fault);
}

std::int32_t Session::load_merged(std::uint64_t room) {
  bundle_ = Bundle::load_part(std::move(staging_), message_);
  return loaded(room, BundleFault::Structure);
}

std::int32_t Session::loaded(std::uint64_t room, BundleFault fault) {
  staging_ = {};
  if (!bundle_) {
    if (message_.empty()) message_ = "unreadable bundle";
    return fault == BundleFault::Checksum ? kChecksumMismatch : kInvalidBundle;
  }
  message_ = Scorer::too_large(*bundle_, room > kCallMemoryLimit ? room - kCallMemoryLimit : 0);
  if (!message_.empty()) {
    bundle_.reset();
    return kTooLarge;
  }
  scorer_ = std::make_unique<Scorer>(*bundle_);
  return 0;
}

std::int32_t Session::reserve(std::uint32_t count, std::uint32_t bytes) {
  const std::uint64_t need = std::uint64_t{count} * sizeof(std::uint32_t) + bytes;
  if (need > kCallMemoryLimit) {
    message_ = "request too large: " + std::to_string(count) + " ids and " + std::to_string(bytes) +
               " bytes of text take " + megabytes(need) + " MB, more than the " +
               megabytes(kCallMemoryLimit) + " MB a call may use";
    return kRequestTooLarge;
  }
  if (count > input_.size()) input_.resize(count);
  if (bytes > text_.size()) text_.resize(bytes);
  publish();
  return 0;
}

bool Session::holds_extra() const {
  return input_.capacity() > kKeptIds || events_.capacity() > kKeptIds ||
         text_.capacity() > kKeptBytes || ints_.capacity() > kKeptResults ||
         numbers_.capacity() > kKeptResults || (scorer_ && scorer_->extra_call_memory() != 0);
}

void Session::trim() {
  shrink(input_, kKeptIds);
  shrink(events_, kKeptIds);
  shrink(text_, kKeptBytes);
  shrink(ints_, kKeptResults);
  shrink(numbers_, kKeptResults);
  if (scorer_) scorer_->release_call_memory();
  publish();
}

std::int32_t Session::recommend(std::uint32_t n_cart, std::uint32_t n_history,
                                std::uint32_t n_exclude, std::uint32_t n_categories,
                                std::uint32_t n, double min_price, double max_price,
                                std::uint32_t max_per_family) {
  const std::uint32_t* in = input_.data();
  RecommendRequest req;
  req.max_per_family = max_per_family;
  req.cart = {in, n_cart};
  req.history = {in + n_cart, n_history};
  req.exclude = {in + n_cart + n_history, n_exclude};
  req.n = n;
  req.filter = filter(in + n_cart + n_history + n_exclude, n_categories, min_price, max_price);
  const std::uint64_t need = scorer_->call_memory(req);
  if (need > kCallMemoryLimit) {
    message_ = "request too large: scoring a cart of " + std::to_string(n_cart) +
               " items for n = " + std::to_string(n) + " would take about " + megabytes(need) +
               " MB, more than the " + megabytes(kCallMemoryLimit) +
               " MB a call may use (ask for fewer results or pass fewer cart items)";
    header_[kTrimSlot] = holds_extra();
    return kRequestTooLarge;
  }
  auto results = scorer_->recommend(req);
  header_[kResultsSlot] = address(results.data());
  header_[kBecauseSlot] = address(scorer_->because_ids().data());
  // Carts of up to kReasonBits entries leave no extra buffers: the slot stays as reserve() set it.
  if (n_cart > kReasonBits) header_[kTrimSlot] = holds_extra();
  return static_cast<std::int32_t>(results.size());
}

std::uint32_t Session::upsell(std::uint32_t item, std::uint32_t n, double max_price_ratio,
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
    append(numbers_, {u.score, u.substitution, u.price_ratio});
  }
  publish();
  return static_cast<std::uint32_t>(results.size());
}

std::uint32_t Session::complementary_categories(std::uint32_t category, std::uint32_t n,
                                                std::uint32_t n_exclude, std::uint32_t n_allow) {
  const std::uint32_t* in = input_.data();
  auto results = basketlift::complementary_categories(*bundle_, category, n, {in, n_exclude},
                                                      {in + n_exclude, n_allow});
  clear();
  for (const auto& c : results) {
    ints_.push_back(c.category);
    append(numbers_, {c.confidence, c.lift, c.support});
  }
  publish();
  return static_cast<std::uint32_t>(results.size());
}

std::int32_t Session::next_purchases(std::uint32_t n_history, std::uint32_t n_exclude,
                                     std::uint32_t n_categories, std::uint32_t n,
                                     std::int32_t window_days, double min_price, double max_price) {
  const std::uint32_t* in = input_.data();
  const std::uint32_t* ends = in + n_history;
  NextPurchaseRequest req;
  events_.resize(n_history);
  for (std::uint32_t i = 0, from = 0; i <= n_history; from = ends[i++]) {
    std::int32_t day;
    if (ends[i] < from || ends[i] > text_.size() ||
        !parse_day({text_.data() + from, ends[i] - from}, day)) {
      header_[kDetailSlot] = i;
      message_ = "not a date (expected YYYY-MM-DD)";
      return kBadDate;
    }
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
  auto results = basketlift::next_purchases(*bundle_, req);
  clear();
  for (const auto& r : results) {
    ints_.push_back(r.item);
    append(numbers_, {r.probability, r.due_in_days});
  }
  publish();
  return static_cast<std::int32_t>(results.size());
}

std::uint32_t Session::top_rules(std::uint32_t limit) {
  auto rules = basketlift::top_rules(*bundle_, limit);
  clear();
  for (const auto& r : rules) {
    append(ints_, {r.a, r.b, r.consequent});
    append(numbers_, {r.support, r.confidence, r.lift});
  }
  publish();
  return static_cast<std::uint32_t>(rules.size());
}

std::uint32_t Session::items() {
  clear();
  for (std::uint32_t i = 0; i < bundle_->item_count(); ++i) {
    append(ints_, {bundle_->item_category(i), bundle_->popularity(i),
                   static_cast<std::uint32_t>(bundle_->recommendable(i))});
    numbers_.push_back(bundle_->price(i));
  }
  publish();
  return bundle_->item_count();
}

std::uint32_t Session::labels(std::uint32_t table) {
  auto add = [this](std::string_view s) {
    label_bytes_.append(s);
    label_ends_.push_back(static_cast<std::uint32_t>(label_bytes_.size()));
  };
  std::uint32_t count = 0;
  if (table == kMetaEntries) {
    for (const auto& [key, value] : bundle_->meta()) {
      add(key);
      add(value);
      count += 2;
    }
  } else if (table == kCategoryLabels) {
    count = bundle_->category_count();
    for (std::uint32_t i = 0; i < count; ++i) add(bundle_->category_label(i));
  } else if (table == kItemNames || table == kItemLabels) {
    count = bundle_->item_count();
    for (std::uint32_t i = 0; i < count; ++i)
      add(table == kItemNames ? bundle_->name(i) : bundle_->label(i));
  }
  publish();
  return count;
}

void Session::release_labels() {
  std::string().swap(label_bytes_);
  std::vector<std::uint32_t>().swap(label_ends_);
  publish();
}

BundleSummary Session::summary() const {
  BundleSummary s;
  s.version = bundle_->version();
  s.items = bundle_->item_count();
  s.categories = bundle_->category_count();
  s.transactions = static_cast<double>(bundle_->transactions());
  s.single_rules = static_cast<double>(bundle_->single_rule_count());
  s.pairs = static_cast<double>(bundle_->pair_count());
  s.pair_rules = static_cast<double>(bundle_->pair_rule_count());
  s.bytes = static_cast<double>(bundle_->byte_size());
  s.catalog = bundle_->has_catalog();
  s.repurchase = bundle_->has_repurchase();
  s.category_rules = bundle_->has_category_rules();
  // 16 hex digits by hand: snprintf would bring printf's formatter into the wasm (package size).
  s.checksum.assign(16, '0');
  for (std::uint64_t v = bundle_->checksum(), i = 16; i-- > 0; v >>= 4)
    s.checksum[i] = "0123456789abcdef"[v & 15];
  return s;
}

void Session::clear() {
  numbers_.clear();
  ints_.clear();
}

void Session::publish() {
  header_[kInputSlot] = address(input_.data());
  header_[kNumbersSlot] = address(numbers_.data());
  header_[kIntsSlot] = address(ints_.data());
  header_[kLabelBytesSlot] = address(label_bytes_.data());
  header_[kLabelEndsSlot] = address(label_ends_.data());
  header_[kTextSlot] = address(text_.data());
  header_[kTrimSlot] = holds_extra();
}

}  // namespace basketlift::wasm
