// What read_transactions promises for any input it accepts: a canonical TransactionDb (dense
// ids by descending support, sorted duplicate-free non-empty baskets, support that matches the
// baskets, rows and weights that add up), trimmed non-empty labels, and one user/day per basket
// when those columns were read. And that any thread count and block size reads a file exactly
// as one thread with the default block does: same baskets, users, days, counts, or same error.
#pragma once

#include <string>
#include <vector>

#include "fuzz_util.hpp"
#include "ingest/order_log.hpp"
#include "model/error.hpp"

namespace fuzzutil {

inline void check_ingested(const basketlift::Ingested& in, bool per_basket_columns) {
  const auto& db = in.db;
  const auto n = db.items.size();
  FUZZ_CHECK(db.size() >= 1 && db.offsets.front() == 0 && db.offsets.back() == db.item_ids.size());
  FUZZ_CHECK(db.support.size() == n);
  for (std::size_t r = 0; r < db.rows(); ++r) {
    const auto row = db.row(r);
    FUZZ_CHECK(db.offsets[r] <= db.offsets[r + 1] && !row.empty());
    for (std::size_t i = 1; i < row.size(); ++i) FUZZ_CHECK(row[i - 1] < row[i]);
  }
  if (db.basket_row.empty()) {
    FUZZ_CHECK(db.row_weight.empty());
  } else {
    std::vector<std::uint32_t> weight(db.rows(), 0);
    for (auto r : db.basket_row) {
      FUZZ_CHECK(r < db.rows());
      ++weight[r];
    }
    FUZZ_CHECK(db.row_weight.empty() || db.row_weight == weight);
  }
  std::vector<std::uint32_t> count(n, 0);
  for (std::size_t b = 0; b < db.size(); ++b) {
    const auto basket = db.basket(b);
    FUZZ_CHECK(!basket.empty());
    for (std::size_t i = 0; i < basket.size(); ++i) {
      FUZZ_CHECK(basket[i] < n && (i == 0 || basket[i - 1] < basket[i]));
      ++count[basket[i]];
    }
  }
  for (std::size_t i = 0; i < n; ++i) {
    FUZZ_CHECK(count[i] == db.support[i] && count[i] >= 1);
    FUZZ_CHECK(i == 0 || db.support[i - 1] >= db.support[i]);
    const auto& label = db.items.label(static_cast<basketlift::ItemId>(i));
    FUZZ_CHECK(!label.empty() && db.items.find(label) == i);
    for (char edge : {label.front(), label.back()})
      FUZZ_CHECK(edge != ' ' && edge != '\t' && edge != '\r');
  }
  if (per_basket_columns) {
    FUZZ_CHECK(in.basket_user.size() == db.size() && in.basket_day.size() == db.size());
    for (auto u : in.basket_user) FUZZ_CHECK(u == basketlift::kNoUser || u < in.users.size());
  } else {
    FUZZ_CHECK(in.basket_user.empty() && in.basket_day.empty());
  }
  FUZZ_CHECK(in.stats.lines >= db.size());
}

// A read as labels, comparable across thread counts and block sizes.
struct ReadResult {
  std::string error;  // InputError's message; empty when the read succeeded
  std::vector<std::vector<std::string>> baskets;
  std::vector<std::string> users;
  std::vector<std::int32_t> days;
  std::uint64_t lines = 0, skipped_quantity = 0, skipped_empty = 0, duplicates = 0;
  bool operator==(const ReadResult&) const = default;
};

// Reads, checks the invariants of a successful read, and returns it as labels.
inline ReadResult read_checked(const basketlift::InputSource& input,
                               const basketlift::IngestOptions& options) {
  ReadResult out;
  try {
    const auto in = basketlift::read_transactions(input, options);
    check_ingested(in, !options.user_col.empty() || !options.date_col.empty());
    for (std::size_t b = 0; b < in.db.size(); ++b) {
      auto& labels = out.baskets.emplace_back();
      for (auto id : in.db.basket(b)) labels.push_back(in.db.items.label(id));
    }
    for (auto u : in.basket_user)
      out.users.push_back(u == basketlift::kNoUser ? "\x01none" : in.users.label(u));
    out.days = in.basket_day;
    out.lines = in.stats.lines;
    out.skipped_quantity = in.stats.skipped_quantity;
    out.skipped_empty = in.stats.skipped_empty;
    out.duplicates = in.stats.duplicates;
  } catch (const basketlift::InputError& e) {
    out.error = e.what();
    FUZZ_CHECK(!out.error.empty());
  }
  return out;
}

inline std::uint64_t fnv1a(const std::uint8_t* data, std::size_t size) {
  std::uint64_t h = 0xcbf29ce484222325ull;
  for (std::size_t i = 0; i < size; ++i) h = (h ^ data[i]) * 0x100000001b3ull;
  return h;
}

// Reads with one thread and one block larger than the input (sized to it: the default 256 KiB
// would cost a fresh zeroed block per read), then again with 1 or 2 threads and a small block
// size picked by the input's hash, and requires the same result.
// One input in four is read under a record limit of 1 to 64 bytes (both times), so records
// past the limit meet it wherever the blocks cut them.
inline ReadResult read_both_ways(const basketlift::InputSource& input,
                                 basketlift::IngestOptions options, std::uint64_t hash) {
  static constexpr std::size_t kBlocks[] = {1, 2, 3, 7, 16, 64, 255, 4096};
  if ((hash >> 4) % 4 == 0) options.max_record_bytes = 1 + (hash >> 6) % 64;
  options.threads = 1;
  options.block_bytes = input.bytes->size() + 1;
  const auto want = read_checked(input, options);
  options.threads = 1 + (hash & 1);
  options.block_bytes = kBlocks[(hash >> 1) % std::size(kBlocks)];
  const auto got = read_checked(input, options);
  if (!(got == want)) {
    std::fprintf(stderr,
                 "threads %u, block %zu read differently: error '%s' vs '%s', %zu vs %zu baskets\n",
                 options.threads, options.block_bytes, got.error.c_str(), want.error.c_str(),
                 got.baskets.size(), want.baskets.size());
    std::abort();
  }
  return want;
}

}  // namespace fuzzutil
