#include "ingest/order_log.hpp"

#include <algorithm>
#include <boost/container_hash/hash.hpp>
#include <boost/unordered/unordered_flat_map.hpp>
#include <boost/unordered/unordered_flat_set.hpp>
#include <charconv>
#include <cmath>
#include <condition_variable>
#include <cstring>
#include <exception>
#include <mutex>
#include <thread>

#include "ingest/input_file.hpp"
#include "model/dates.hpp"
#include "model/error.hpp"

namespace basketlift {

namespace {

constexpr std::uint32_t kNone = UINT32_MAX;

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

// The header's fields as written, for messages.
std::string header_columns(const CsvReader& header) {
  std::string names;
  for (std::size_t i = 0; i < header.size(); ++i)
    names += (i ? ", " : "") + std::string(header.field(i));
  return names;
}

// A CR not followed by LF in the first line means the file ends its lines with lone CRs
// (classic Mac): read on, its "first line" would be the whole file.
InputError lone_cr(const std::string& path, std::uint64_t line) {
  return InputError(at_line(path, line,
                            "a carriage return without a line feed: lines ending in a lone CR "
                            "(classic Mac) are not supported; convert the file to LF or CRLF "
                            "line ends"));
}

void refuse_lone_cr(const CsvReader& header, const std::string& path) {
  for (std::size_t i = 0; i < header.size(); ++i)
    if (header.field(i).find('\r') != std::string_view::npos) throw lone_cr(path, header.line());
}

// Whether the options name a column beyond the default order and item columns' defaults.
bool names_columns(const IngestOptions& o) {
  const IngestOptions defaults;
  return o.order_col != defaults.order_col || o.item_col != defaults.item_col ||
         !o.quantity_col.empty() || !o.user_col.empty() || !o.date_col.empty();
}

// Lines format detection reads past the header to tell a table from baskets.
constexpr std::uint64_t kTableSample = 100;

std::size_t column_index(const CsvReader& header, const std::string& name,
                         const std::string& option, const std::string& path) {
  for (std::size_t i = 0; i < header.size(); ++i)
    if (trim(header.field(i)) == name) return i;
  throw InputError(at_line(path, header.line(),
                           "column '" + name + "' (" + option +
                               ") not found in header; columns: " + header_columns(header)));
}

// Quantity as written in order logs: an optionally signed decimal number. "nan" and "inf",
// which from_chars reads, are not quantities: NaN would pass the "<= 0 is skipped" test.
double parse_quantity(std::string_view text, const std::string& path, std::uint64_t line,
                      const std::string& column) {
  auto t = trim(text);
  if (!t.empty() && t.front() == '+') t.remove_prefix(1);
  double value = 0;
  auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), value);
  if (t.empty() || ec != std::errc() || end != t.data() + t.size() || !std::isfinite(value)) {
    throw InputError(at_line(path, line,
                             "invalid number '" + std::string(text) + "' in column '" + column +
                                 "' (expected a finite decimal number)"));
  }
  return value;
}

using LocalIds = boost::unordered_flat_map<std::string_view, std::uint32_t, StringHash, StringEq>;

// ---------------------------------------------------------------------------------------------
// Blocks: the input after its header, cut after a record end (csv) or a line end (basket), so
// that every block parses on its own.

struct Block {
  std::vector<char> buf;  // text is buf[0, size)
  std::size_t size = 0;
  std::uint64_t first_line = 1;
  // The input's last block, ended inside a record already longer than max_record_bytes: the
  // parser reports that record (it always can: see CsvBlockParser::next).
  bool cut_short = false;
  char* begin() { return buf.data(); }
  char* end() { return buf.data() + size; }
};

class BlockSource {
 public:
  BlockSource(InputFile& in, bool csv, std::size_t block_bytes, std::uint64_t first_line)
      : in_(in),
        csv_(csv),
        block_bytes_(std::max<std::size_t>(block_bytes, 1)),
        line_(first_line) {}

  bool next(Block& b) {
    std::swap(b.buf, carry_);  // the carried bytes start the block (already scanned)
    b.size = carry_size_;
    carry_size_ = 0;
    b.first_line = line_;
    b.cut_short = false;
    for (;;) {
      if (eof_) {
        if (b.size == 0) return false;
        line_ += static_cast<std::uint64_t>(std::count(b.begin(), b.end(), '\n'));
        return true;
      }
      // A record longer than a block (or an unterminated quote) grows the buffer geometrically.
      if (b.buf.size() < b.size + block_bytes_)
        b.buf.resize(std::max(b.size + block_bytes_, 2 * b.buf.size()));
      const std::size_t got = in_.read(b.begin() + b.size, block_bytes_);
      const char* fresh = b.begin() + b.size;
      b.size += got;
      if (got == 0) {
        eof_ = true;
        continue;
      }
      const std::size_t cut = find_cut(fresh, got);
      if (cut == CsvBoundaryScanner::npos) {
        // The block is one unfinished record. Past the limit, reading on would only grow it.
        if (unfinished_record(b) > in_.max_record_bytes()) {
          b.cut_short = true;
          eof_ = true;
          return true;
        }
        continue;  // a record longer than a block: read on
      }
      const std::size_t keep = static_cast<std::size_t>(fresh - b.begin()) + cut;
      carry_size_ = b.size - keep;
      if (carry_.size() < std::max(carry_size_, block_bytes_))
        carry_.resize(std::max(carry_size_, block_bytes_));
      std::memcpy(carry_.data(), b.begin() + keep, carry_size_);
      b.size = keep;
      line_ += static_cast<std::uint64_t>(std::count(b.begin(), b.end(), '\n'));
      return true;
    }
  }

 private:
  // Bytes of the record a block without a record end holds: a CSV record starts after any CRs
  // (CsvBlockParser skips them as blank), a basket line at once.
  std::size_t unfinished_record(const Block& b) const {
    std::size_t start = 0;
    if (csv_)
      while (start < b.size && b.buf[start] == '\r') ++start;
    return b.size - start;
  }

  std::size_t find_cut(const char* data, std::size_t n) {
    if (csv_) return scanner_.feed(data, n);
    const void* p = memrchr(data, '\n', n);
    return p ? static_cast<std::size_t>(static_cast<const char*>(p) - data) + 1
             : CsvBoundaryScanner::npos;
  }

  InputFile& in_;
  bool csv_;
  std::size_t block_bytes_;
  std::uint64_t line_;
  CsvBoundaryScanner scanner_;
  std::vector<char> carry_;
  std::size_t carry_size_ = 0;
  bool eof_ = false;
};

// Reads blocks (`fill`, one thread), parses them (`work`, threads - 1 threads, and the calling
// thread whenever it would otherwise wait; records its errors in the slot, never throws) and
// hands them over in file order (`consume`, the calling thread). With one thread, all three run
// in turn in the calling thread. At most 2 blocks per parser plus 4 are in flight, so memory does
// not grow with the input.
template <class Slot, class Fill, class Work, class Consume>
void run_blocks(unsigned threads, Fill fill, Work work, Consume consume) {
  if (threads <= 1) {
    Slot slot;
    while (fill(slot)) {
      work(slot);
      consume(slot);
    }
    return;
  }
  const unsigned workers = threads - 1;
  const std::size_t q = 2 * std::size_t{workers} + 4;
  std::vector<Slot> slots(q);
  enum class State : std::uint8_t { Free, Filled, Working, Done };
  std::vector<State> state(q, State::Free);
  std::mutex m;
  std::condition_variable cv;
  std::uint64_t filled = 0, next_work = 0;
  bool end = false, stop = false;
  std::exception_ptr reader_error;
  std::vector<std::thread> pool;

  struct Joiner {  // stops and joins the threads however the consumer leaves
    std::mutex& m;
    std::condition_variable& cv;
    bool& stop;
    std::vector<std::thread>& pool;
    ~Joiner() {
      {
        std::lock_guard lock(m);
        stop = true;
      }
      cv.notify_all();
      for (auto& t : pool) t.join();
    }
  } joiner{m, cv, stop, pool};

  pool.emplace_back([&] {
    std::unique_lock lock(m);
    for (;;) {
      const std::size_t i = filled % q;
      cv.wait(lock, [&] { return stop || state[i] == State::Free; });
      if (stop) return;
      lock.unlock();
      bool more = false;
      std::exception_ptr error;
      try {
        more = fill(slots[i]);
      } catch (...) {
        error = std::current_exception();
      }
      lock.lock();
      if (error || !more) {
        reader_error = error;
        end = true;
        cv.notify_all();
        return;
      }
      state[i] = State::Filled;
      ++filled;
      cv.notify_all();
    }
  });
  for (unsigned w = 0; w < workers; ++w) {
    pool.emplace_back([&] {
      std::unique_lock lock(m);
      for (;;) {
        cv.wait(lock, [&] { return stop || next_work < filled || end; });
        if (stop) return;
        if (next_work >= filled) return;  // end
        const std::size_t i = next_work++ % q;
        state[i] = State::Working;
        lock.unlock();
        work(slots[i]);
        lock.lock();
        state[i] = State::Done;
        cv.notify_all();
      }
    });
  }
  for (std::uint64_t seq = 0;; ++seq) {
    const std::size_t i = seq % q;
    std::unique_lock lock(m);
    for (;;) {
      if ((seq < filled && state[i] == State::Done) || (end && seq >= filled)) break;
      if (next_work < filled) {
        // A block no parser has taken (this one or a later one): parse it rather than wait.
        const std::size_t j = next_work++ % q;
        state[j] = State::Working;
        lock.unlock();
        work(slots[j]);
        lock.lock();
        state[j] = State::Done;
        cv.notify_all();
        continue;
      }
      cv.wait(lock);
    }
    if (seq >= filled) {
      if (reader_error) std::rethrow_exception(reader_error);
      return;
    }
    lock.unlock();
    consume(slots[i]);
    lock.lock();
    state[i] = State::Free;
    cv.notify_all();
  }
}

// Progress every 64 Ki lines, as the lines of a block are added.
void report_progress(const IngestOptions& opt, std::uint64_t before, std::uint64_t after,
                     std::uint64_t bytes) {
  for (std::uint64_t at = (before | 0xFFFF) + 1; at <= after; at += 0x10000) {
    if (opt.progress) opt.progress(at);
    if (opt.progress_bytes) opt.progress_bytes(at, bytes);
  }
}

// ---------------------------------------------------------------------------------------------
// Order logs.

struct CsvLayout {
  const std::string& path;
  const IngestOptions& opt;
  std::size_t order_at = 0, item_at = 0, qty_at = 0, user_at = 0, date_at = 0, country_at = 0,
              needed = 0;
  bool has_qty = false, has_user = false, has_date = false, has_country = false;
};

// One block of an order log, parsed: its kept rows grouped by order, with order ids and item
// labels as views into the block.
struct CsvSlot {
  Block block;
  struct Order {
    std::string_view id, user, date, country;  // of the order's first row in the block
    std::int32_t day = 0;
    bool day_ok = true;
    std::uint64_t line = 0;             // of that row
    std::uint32_t first = 0, last = 0;  // its items: order_items[first, last)
  };
  std::vector<std::string_view> items;  // local item id -> label
  std::vector<Order> orders;            // in order of first appearance in the block
  std::vector<std::uint32_t> order_items;
  std::uint32_t last_order = kNone;  // the order of the block's last kept row
  std::uint64_t records = 0, skipped_quantity = 0, skipped_empty = 0;
  std::exception_ptr error;  // raised after `records` records; what precedes it is kept
  // scratch
  LocalIds item_ids, order_ids;
  std::vector<std::pair<std::uint32_t, std::uint32_t>> pairs;  // (local order, local item)
};

void parse_csv_block(CsvSlot& s, const CsvLayout& l) {
  s.items.clear();
  s.orders.clear();
  s.order_items.clear();
  s.item_ids.clear();
  s.order_ids.clear();
  s.pairs.clear();
  s.last_order = kNone;
  s.records = s.skipped_quantity = s.skipped_empty = 0;
  s.error = nullptr;
  std::string_view current;  // the previous kept row's order: the common case needs no lookup
  try {
    CsvBlockParser csv(s.block.begin(), s.block.end(), s.block.first_line, l.path,
                       l.opt.max_record_bytes);
    while (csv.next(l.needed)) {
      ++s.records;
      if (csv.size() < l.needed) {
        throw InputError(at_line(l.path, csv.line(),
                                 "row has " + std::to_string(csv.size()) +
                                     " fields, expected at least " + std::to_string(l.needed)));
      }
      if (l.has_qty &&
          parse_quantity(csv.field(l.qty_at), l.path, csv.line(), l.opt.quantity_col) <= 0) {
        ++s.skipped_quantity;
        continue;
      }
      const auto order = trim(csv.field(l.order_at));
      const auto item = trim(csv.field(l.item_at));
      if (order.empty() || item.empty()) {
        ++s.skipped_empty;
        continue;
      }
      if (s.last_order == kNone || order != current) {
        auto [it, fresh] =
            s.order_ids.try_emplace(order, static_cast<std::uint32_t>(s.orders.size()));
        if (fresh) {
          CsvSlot::Order o;
          o.id = order;
          o.line = csv.line();
          if (l.has_user) o.user = trim(csv.field(l.user_at));
          if (l.has_country) o.country = trim(csv.field(l.country_at));
          if (l.has_date) {
            o.date = csv.field(l.date_at);
            o.day_ok = parse_day(trim(o.date), o.day);
          }
          s.orders.push_back(o);
        }
        s.last_order = it->second;
        current = order;
      }
      auto [jt, fresh_item] =
          s.item_ids.try_emplace(item, static_cast<std::uint32_t>(s.items.size()));
      if (fresh_item) s.items.push_back(item);
      s.pairs.emplace_back(s.last_order, jt->second);
    }
    if (s.block.cut_short)
      throw record_too_long(l.path, s.block.first_line, l.opt.max_record_bytes);
  } catch (...) {
    s.error = std::current_exception();
  }
  // Group by order (counting sort; rows of one order keep their file order).
  for (auto& o : s.orders) o.first = o.last = 0;
  for (auto [o, i] : s.pairs) ++s.orders[o].last;
  std::uint32_t at = 0;
  for (auto& o : s.orders) {
    o.first = at;
    at += o.last;
    o.last = o.first;
  }
  s.order_items.resize(s.pairs.size());
  for (auto [o, i] : s.pairs) s.order_items[s.orders[o].last++] = i;
}

// Distinct item lists stored once each in a TransactionDb's rows, with weights.
class RowSet {
 public:
  explicit RowSet(TransactionDb& db) : db_(db), set_(0, Hash{&db}, Eq{&db}) {}

  std::uint32_t add(std::span<const ItemId> items) {
    auto it = set_.find(items);
    if (it != set_.end()) {
      if (db_.row_weight[*it]++ == 0) dead_ -= items.size();
      return *it;
    }
    const auto r = static_cast<std::uint32_t>(db_.rows());
    db_.item_ids.insert(db_.item_ids.end(), items.begin(), items.end());
    db_.offsets.push_back(db_.item_ids.size());
    db_.row_weight.push_back(1);
    set_.insert(r);
    return r;
  }
  void release(std::uint32_t r) {
    if (--db_.row_weight[r] == 0) dead_ += db_.row(r).size();
  }
  // Items in rows no basket holds (left by orders that came back after they were stored).
  std::uint64_t dead_items() const { return dead_; }
  // Drops dead rows and numbers the others by the first basket that holds them; baskets with
  // `skip_bit` set (still being assembled) hold no row.
  void compact(std::uint32_t skip_bit) {
    std::vector<std::uint32_t> new_id(db_.rows(), kNone);
    std::vector<std::uint64_t> offsets{0};
    std::vector<ItemId> item_ids;
    std::vector<std::uint32_t> weight;
    item_ids.reserve(db_.item_ids.size() - dead_);
    for (auto& r : db_.basket_row) {
      if (r & skip_bit) continue;
      if (new_id[r] == kNone) {
        new_id[r] = static_cast<std::uint32_t>(weight.size());
        weight.push_back(db_.row_weight[r]);
        auto items = db_.row(r);
        item_ids.insert(item_ids.end(), items.begin(), items.end());
        offsets.push_back(item_ids.size());
      }
      r = new_id[r];
    }
    db_.offsets = std::move(offsets);
    db_.item_ids = std::move(item_ids);
    db_.row_weight = std::move(weight);
    set_.clear();
    for (std::uint32_t r = 0; r < db_.rows(); ++r) set_.insert(r);
    dead_ = 0;
  }

 private:
  struct Hash {
    using is_transparent = void;
    const TransactionDb* db;
    std::size_t operator()(std::uint32_t r) const noexcept { return (*this)(db->row(r)); }
    std::size_t operator()(std::span<const ItemId> s) const noexcept {
      return boost::hash_range(s.begin(), s.end());
    }
  };
  struct Eq {
    using is_transparent = void;
    const TransactionDb* db;
    bool operator()(std::uint32_t a, std::uint32_t b) const noexcept { return a == b; }
    bool operator()(std::span<const ItemId> s, std::uint32_t r) const noexcept {
      auto x = db->row(r);
      return std::equal(s.begin(), s.end(), x.begin(), x.end());
    }
    bool operator()(std::uint32_t r, std::span<const ItemId> s) const noexcept {
      return (*this)(s, r);
    }
  };
  TransactionDb& db_;
  boost::unordered_flat_set<std::uint32_t, Hash, Eq> set_;
  std::uint64_t dead_ = 0;
};

// Order ids, each stored once in one arena: far smaller than a string per order.
class OrderIds {
 public:
  OrderIds() : set_(0, Hash{this}, Eq{this}) {}
  OrderIds(const OrderIds&) = delete;
  OrderIds& operator=(const OrderIds&) = delete;

  // The order's index, and whether it is new.
  std::pair<std::uint32_t, bool> intern(std::string_view id) {
    auto it = set_.find(id);
    if (it != set_.end()) return {*it, false};
    const auto k = static_cast<std::uint32_t>(starts_.size() - 1);
    arena_.insert(arena_.end(), id.begin(), id.end());
    starts_.push_back(arena_.size());
    set_.insert(k);
    return {k, true};
  }

 private:
  std::string_view get(std::uint32_t k) const {
    return {arena_.data() + starts_[k], static_cast<std::size_t>(starts_[k + 1] - starts_[k])};
  }
  struct Hash {
    using is_transparent = void;
    const OrderIds* ids;
    std::size_t operator()(std::uint32_t k) const noexcept { return StringHash{}(ids->get(k)); }
    std::size_t operator()(std::string_view s) const noexcept { return StringHash{}(s); }
  };
  struct Eq {
    using is_transparent = void;
    const OrderIds* ids;
    bool operator()(std::uint32_t a, std::uint32_t b) const noexcept { return a == b; }
    bool operator()(std::string_view s, std::uint32_t k) const noexcept { return s == ids->get(k); }
    bool operator()(std::uint32_t k, std::string_view s) const noexcept { return s == ids->get(k); }
  };
  std::vector<char> arena_;
  std::vector<std::uint64_t> starts_{0};
  boost::unordered_flat_set<std::uint32_t, Hash, Eq> set_;
};

// Turns parsed blocks, in file order, into baskets. An order stays open (its items pending)
// while its rows keep coming; at the end of each block every open order but the block's last
// is stored as a sorted, deduplicated row, shared with identical baskets. An order that comes
// back later is reopened from its row. So memory holds one block's worth of pending items, the
// distinct baskets, 4 bytes per order plus its id, and the item dictionary.
class OrderAssembler {
 public:
  OrderAssembler(Ingested& out, const CsvLayout& layout)
      : out_(out), db_(out.db), layout_(layout), rows_(db_) {}

  void add(const CsvSlot& s) {
    item_map_.resize(s.items.size());
    for (std::size_t k = 0; k < s.items.size(); ++k) item_map_[k] = db_.items.intern(s.items[k]);
    std::uint32_t keep_open = kNone;
    for (std::uint32_t k = 0; k < s.orders.size(); ++k) {
      const auto& o = s.orders[k];
      auto [b, fresh] = orders_.intern(o.id);
      if (fresh) {
        if (b >= kOpen) throw InputError(layout_.path + ": more than 2^31 orders");
        db_.basket_row.push_back(kOpen | open_slot(b));
        if (layout_.has_user || layout_.has_date) new_order_details(o);
      } else if (!(db_.basket_row[b] & kOpen)) {
        const auto r = db_.basket_row[b];
        const auto slot = open_slot(b);
        auto row = db_.row(r);
        pending_[slot].assign(row.begin(), row.end());
        pending_distinct_[slot] = row.size();
        rows_.release(r);
        db_.basket_row[b] = kOpen | slot;
      }
      const auto slot = db_.basket_row[b] & ~kOpen;
      auto& items = pending_[slot];
      for (auto i = o.first; i < o.last; ++i) items.push_back(item_map_[s.order_items[i]]);
      // An order that stays open block after block (millions of rows of one order) would keep
      // every row: deduplicated as it grows, it keeps about twice its distinct items.
      if (items.size() >= 2 * pending_distinct_[slot] + kDedupeSlack) dedupe(slot);
      if (k == s.last_order) keep_open = b;
    }
    if (s.error) std::rethrow_exception(s.error);
    close_open(keep_open);
    if (rows_.dead_items() > std::max<std::uint64_t>(db_.item_ids.size() / 2, 1 << 20))
      rows_.compact(kOpen);
  }

  // Stores the orders still open; rows end up numbered by their first basket.
  std::uint64_t finish() {
    close_open(kNone);
    rows_.compact(kOpen);
    return duplicates_;
  }

 private:
  static constexpr std::uint32_t kOpen = 1u << 31;
  // Pending items an open order may gain beyond twice its distinct ones before they are sorted
  // and deduplicated: small orders never pay for it.
  static constexpr std::size_t kDedupeSlack = 4096;

  std::uint32_t open_slot(std::uint32_t basket) {
    open_.push_back(basket);
    if (free_.empty()) {
      pending_.emplace_back();
      pending_distinct_.push_back(0);
      return static_cast<std::uint32_t>(pending_.size() - 1);
    }
    const auto slot = free_.back();
    free_.pop_back();
    pending_distinct_[slot] = 0;
    return slot;
  }

  // Sorts and deduplicates an open order's pending items, counting what it drops.
  void dedupe(std::uint32_t slot) {
    auto& items = pending_[slot];
    std::sort(items.begin(), items.end());
    const auto end = std::unique(items.begin(), items.end());
    duplicates_ += static_cast<std::uint64_t>(items.end() - end);
    items.erase(end, items.end());
    pending_distinct_[slot] = items.size();
  }

  void close_open(std::uint32_t keep) {
    bool kept = false;
    for (auto b : open_) {
      if (b == keep) {
        kept = true;
        continue;
      }
      const auto slot = db_.basket_row[b] & ~kOpen;
      auto& items = pending_[slot];
      dedupe(slot);
      db_.basket_row[b] = rows_.add(items);
      items.clear();
      free_.push_back(slot);
    }
    open_.clear();
    if (kept) open_.push_back(keep);
  }

  void new_order_details(const CsvSlot::Order& o) {
    std::uint32_t user = kNoUser;
    if (!o.user.empty()) {
      const auto known = out_.users.size();
      user = out_.users.intern(o.user);
      if (layout_.has_country && user == known) out_.user_country.emplace_back(o.country);
    }
    out_.basket_user.push_back(user);
    if (!o.day_ok) {
      throw InputError(at_line(layout_.path, o.line,
                               "invalid date '" + std::string(o.date) + "' in column '" +
                                   layout_.opt.date_col + "' (expected " + kDayForms + ")"));
    }
    out_.basket_day.push_back(o.day);
  }

  Ingested& out_;
  TransactionDb& db_;
  const CsvLayout& layout_;
  OrderIds orders_;
  RowSet rows_;
  std::vector<std::vector<ItemId>> pending_;
  std::vector<std::size_t> pending_distinct_;  // per slot: its items at its last dedupe
  std::vector<std::uint32_t> free_, open_;
  std::vector<ItemId> item_map_;
  std::uint64_t duplicates_ = 0;
};

void read_csv(const InputSource& source, const IngestOptions& opt, Ingested& out) {
  const std::string& path = source.name;
  InputFile in(source, opt.max_record_bytes);
  CsvReader header(in);
  if (!header.next()) throw InputError(path + ": empty file (no header line)");
  refuse_lone_cr(header, path);
  CsvLayout l{path, opt};
  l.order_at = column_index(header, opt.order_col, "--order-col", path);
  l.item_at = column_index(header, opt.item_col, "--item-col", path);
  l.has_qty = !opt.quantity_col.empty();
  l.qty_at = l.has_qty ? column_index(header, opt.quantity_col, "--quantity-col", path) : 0;
  l.has_user = !opt.user_col.empty();
  l.has_date = !opt.date_col.empty();
  l.user_at = l.has_user ? column_index(header, opt.user_col, "--user-col", path) : 0;
  l.date_at = l.has_date ? column_index(header, opt.date_col, "--date-col", path) : 0;
  l.has_country = l.has_user && !opt.country_col.empty();
  l.country_at = l.has_country ? column_index(header, opt.country_col, "--country-col", path) : 0;
  l.needed = std::max({l.order_at, l.item_at, l.qty_at, l.user_at, l.date_at, l.country_at}) + 1;

  auto& st = out.stats;
  std::uint64_t bytes = in.bytes_read();
  BlockSource blocks(in, true, opt.block_bytes, header.next_line());
  OrderAssembler assembler(out, l);
  run_blocks<CsvSlot>(
      opt.threads, [&](CsvSlot& s) { return blocks.next(s.block); },
      [&](CsvSlot& s) { parse_csv_block(s, l); },
      [&](CsvSlot& s) {
        const auto before = st.lines;
        st.lines += s.records;
        st.skipped_quantity += s.skipped_quantity;
        st.skipped_empty += s.skipped_empty;
        bytes += s.block.size;
        report_progress(opt, before, st.lines, bytes);
        assembler.add(s);
      });
  st.duplicates = assembler.finish();
  st.bytes = in.bytes_read();
}

// ---------------------------------------------------------------------------------------------
// One basket per line.

struct BasketSlot {
  Block block;
  std::vector<std::string_view> items;   // local item id -> label
  std::vector<std::uint32_t> ends, ids;  // baskets (non-empty lines) as local ids, CSR
  std::uint64_t records = 0, skipped_empty = 0;
  std::exception_ptr error;  // raised at line first_line + records - 1; the baskets before it kept
  LocalIds item_ids;
};

void parse_basket_block(BasketSlot& s, const IngestOptions& opt, const std::string& path) {
  s.items.clear();
  s.ends.clear();
  s.ids.clear();
  s.item_ids.clear();
  s.records = s.skipped_empty = 0;
  s.error = nullptr;
  const char sep = opt.sep;
  auto is_sep = [&](char c) {
    return sep ? c == sep : (c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v');
  };
  try {
    std::string_view text(s.block.begin(), s.block.size);
    while (!text.empty()) {
      const auto nl = text.find('\n');
      std::string_view line = text.substr(0, nl);
      text.remove_prefix(nl == std::string_view::npos ? text.size() : nl + 1);
      ++s.records;
      const std::uint64_t line_no = s.block.first_line + s.records - 1;
      if (line.size() > opt.max_record_bytes)
        throw record_too_long(path, line_no, opt.max_record_bytes);
      if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
      if (line_no == 1 && line.find('\r') != std::string_view::npos) throw lone_cr(path, 1);
      const auto before = s.ids.size();
      while (!line.empty()) {
        std::size_t k = 0;
        while (k < line.size() && !is_sep(line[k])) ++k;
        auto item = trim(line.substr(0, k));
        if (!item.empty()) {
          auto [it, fresh] =
              s.item_ids.try_emplace(item, static_cast<std::uint32_t>(s.items.size()));
          if (fresh) s.items.push_back(item);
          s.ids.push_back(it->second);
        }
        line.remove_prefix(std::min(k + 1, line.size()));
      }
      if (s.ids.size() == before) {
        ++s.skipped_empty;
      } else {
        s.ends.push_back(static_cast<std::uint32_t>(s.ids.size()));
      }
    }
    if (s.block.cut_short) throw record_too_long(path, s.block.first_line, opt.max_record_bytes);
  } catch (...) {
    // Parsers run in worker threads: even bad_alloc goes to the consumer, in file order.
    s.error = std::current_exception();
  }
}

void read_baskets(const InputSource& source, const IngestOptions& opt, Ingested& out) {
  const std::string& path = source.name;
  InputFile in(source, opt.max_record_bytes);
  auto& st = out.stats;
  std::uint64_t bytes = 0;
  std::vector<ItemId> item_map, basket;
  BlockSource blocks(in, false, opt.block_bytes, 1);
  run_blocks<BasketSlot>(
      opt.threads, [&](BasketSlot& s) { return blocks.next(s.block); },
      [&](BasketSlot& s) { parse_basket_block(s, opt, path); },
      [&](BasketSlot& s) {
        const auto before = st.lines;
        st.lines += s.records;
        st.skipped_empty += s.skipped_empty;
        bytes += s.block.size;
        report_progress(opt, before, st.lines, bytes);
        item_map.resize(s.items.size());
        for (std::size_t k = 0; k < s.items.size(); ++k)
          item_map[k] = out.db.items.intern(s.items[k]);
        std::uint32_t first = 0;
        for (auto last : s.ends) {
          basket.clear();
          for (auto i = first; i < last; ++i) basket.push_back(item_map[s.ids[i]]);
          out.db.add_basket(basket);
          first = last;
        }
        if (s.error) std::rethrow_exception(s.error);
      });
  st.bytes = in.bytes_read();
  if (st.lines == 0) throw InputError(path + ": empty file (no baskets)");
}

}  // namespace

InputFormat detect_format(const InputSource& source, const IngestOptions& options) {
  const std::string& path = source.name;
  if (options.format != InputFormat::Auto) return options.format;
  // A column the user named can only be in an order log: never fall back to baskets then.
  if (names_columns(options)) return InputFormat::Csv;
  std::string_view p = path;
  if (ends_with(p, ".gz")) p.remove_suffix(3);
  if (ends_with(p, ".dat") || ends_with(p, ".txt") || ends_with(p, ".basket"))
    return InputFormat::Basket;
  InputFile in(source, options.max_record_bytes);
  CsvReader csv(in);
  if (!csv.next()) throw InputError(path + ": empty file (no header line)");
  refuse_lone_cr(csv, path);
  bool has_order = false, has_item = false;
  for (std::size_t i = 0; i < csv.size(); ++i) {
    has_order |= trim(csv.field(i)) == options.order_col;
    has_item |= trim(csv.field(i)) == options.item_col;
  }
  if (has_order && has_item) return InputFormat::Csv;
  const std::string hint =
      "; columns: " + header_columns(csv) +
      " (name the order and item columns with --order-col and --item-col, or pass --format "
      "basket if every line is a basket)";
  if (has_order || has_item) {
    throw InputError(at_line(
        path, csv.line(),
        "the header names '" + (has_order ? options.order_col : options.item_col) + "' but not '" +
            (has_order ? options.item_col : options.order_col) + "'" + hint));
  }
  // Baskets hold as many items as they hold; a table has as many fields on every line. So
  // lines that all have the same number (two or more) of fields are a table whose columns were
  // not named, and reading its rows as baskets would be silently wrong.
  const std::size_t width = csv.size();
  std::uint64_t records = 1;
  try {
    while (width >= 2 && records < kTableSample && csv.next()) {
      if (csv.size() != width) return InputFormat::Basket;
      ++records;
    }
  } catch (const InputError&) {
    return InputFormat::Basket;  // not CSV at all (a quote in a label, say): baskets it is
  }
  if (width < 2 || records < 2) return InputFormat::Basket;
  throw InputError(path + ": looks like a table, not baskets: its first " +
                   std::to_string(records) + " lines all have " + std::to_string(width) +
                   " fields, but the header names neither '" + options.order_col + "' nor '" +
                   options.item_col + "'" + hint);
}

Ingested read_transactions(const InputSource& source, const IngestOptions& options) {
  const std::string& path = source.name;
  if (!options.country_col.empty() && options.user_col.empty())
    throw InputError(path + ": --country-col needs --user-col (a country belongs to a customer)");
  Ingested out;
  out.stats.format = detect_format(source, options);
  if (out.stats.format == InputFormat::Csv) {
    read_csv(source, options, out);
  } else if (names_columns(options)) {
    throw InputError(path +
                     ": --order-col, --item-col, --quantity-col, --user-col and --date-col name "
                     "columns of an order log (--format csv), not of baskets");
  } else {
    IngestOptions basket_opt = options;
    // A .csv of baskets (groceries.csv) separates items with commas.
    if (options.format == InputFormat::Auto && !basket_opt.sep) {
      std::string_view p = path;
      if (ends_with(p, ".gz")) p.remove_suffix(3);
      if (ends_with(p, ".csv")) basket_opt.sep = ',';
    }
    read_baskets(source, basket_opt, out);
  }
  if (out.db.size() == 0) {
    throw InputError(path + ": no baskets (" + std::to_string(out.stats.lines) + " rows, " +
                     std::to_string(out.stats.skipped_quantity + out.stats.skipped_empty) +
                     " skipped)");
  }
  out.stats.duplicates += out.db.canonicalize();
  return out;
}

}  // namespace basketlift
