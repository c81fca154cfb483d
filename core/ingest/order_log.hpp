// Order logs -> TransactionDb. Two layouts: a CSV with one row per order line, or one basket
// per line (FIMI .dat, groceries.csv).
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "ingest/input_file.hpp"
#include "model/ids.hpp"
#include "model/transactions.hpp"

namespace basketlift {

enum class InputFormat { Auto, Csv, Basket };

struct IngestOptions {
  InputFormat format = InputFormat::Auto;
  std::string order_col = "order_id";
  std::string item_col = "item_id";
  std::string quantity_col;  // empty: every row counts
  std::string user_col;      // optional: who placed the order (repurchase statistics)
  std::string date_col;      // optional: when (kDayForms in model/dates.hpp)
  std::string country_col;   // optional, with user_col: where the customer is (Ingested)
  char sep = 0;              // basket format: 0 = any whitespace
  // The longest line or CSV record (without its line feed) accepted; a longer one is an error
  // naming its line, so memory stays bounded whatever the input. At most kMaxRecordBytesCeiling.
  std::size_t max_record_bytes = kDefaultMaxRecordBytes;
  // Called every 64 Ki input lines with the lines read so far.
  std::function<void(std::uint64_t lines)> progress;
  // The same, with the (decompressed) bytes read so far.
  std::function<void(std::uint64_t lines, std::uint64_t bytes)> progress_bytes;
  // 1: read, parse and count in the calling thread. More: one thread reads (and decompresses)
  // the input in blocks of whole records, threads - 1 parse blocks, and the calling thread
  // interns and counts them in file order. The result is the same for any number.
  unsigned threads = 1;
  std::size_t block_bytes = std::size_t{256} << 10;  // input per block (small in tests)
};

struct IngestStats {
  InputFormat format = InputFormat::Auto;  // what was actually read
  std::uint64_t lines = 0;                 // data lines / rows (header excluded)
  std::uint64_t skipped_quantity = 0;      // rows with quantity <= 0
  std::uint64_t skipped_empty = 0;         // rows or lines with no order id or item
  std::uint64_t duplicates = 0;            // repeated items inside one order, counted once
  std::uint64_t bytes = 0;                 // bytes read (decompressed), header included
};

struct Ingested {
  // Canonical (see TransactionDb::canonicalize). From an order log, identical baskets are
  // stored once (TransactionDb::basket_row), so memory follows the distinct baskets and the
  // number of orders, not the number of rows.
  TransactionDb db;
  IngestStats stats;
  // Per basket, filled when user_col / date_col are given (from the order's first row).
  ItemDictionary users;
  std::vector<std::uint32_t> basket_user;  // kNoUser when the row had none
  std::vector<std::int32_t> basket_day;    // days since 1970-01-01
  // Per user, when country_col is given: from the first kept row of the customer's first order,
  // so a customer who moved still has one answer.
  std::vector<std::string> user_country;
};

// Throws InputError ("FILE:LINE: what") on any malformed input, or when no basket is left.
Ingested read_transactions(const InputSource& source, const IngestOptions& options);

// The format `Auto` resolves to: by extension (.dat/.txt/.basket), else by whether the first
// line names both the order and item columns.
InputFormat detect_format(const InputSource& source, const IngestOptions& options);

}  // namespace basketlift
