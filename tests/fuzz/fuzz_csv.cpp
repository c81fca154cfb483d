// libFuzzer target: the CSV order-log reader (read_transactions with --format csv), on the input
// read in place from memory (InputSource::memory: no file, no copy). Two option sets per input:
// order and item columns only, then with the quantity, user and date columns too (parse_quantity,
// parse_day, per-basket users and days). Each is read with one thread and default blocks, then with
// 1-2 threads and tiny blocks (records split across blocks), which must agree exactly; then once
// more with --format auto. Anything but InputError escaping, an accepted log that breaks the ingest
// invariants, or a disagreement is a finding.
#include "ingest_checks.hpp"

using namespace basketlift;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto input = fuzzutil::source(data, size, "fuzz.csv");
  const auto hash = fuzzutil::fnv1a(data, size);

  IngestOptions plain;
  plain.format = InputFormat::Csv;
  fuzzutil::read_both_ways(input, plain, hash);

  IngestOptions full = plain;
  full.quantity_col = "quantity";
  full.user_col = "user_id";
  full.date_col = "date";
  const auto read = fuzzutil::read_both_ways(input, full, hash >> 8);
  for (auto day : read.days) FUZZ_CHECK(day >= -719528 && day <= 2932896);

  // Format detection (a table, baskets, lone CRs) on the same bytes.
  IngestOptions detect;
  detect.block_bytes = size + 1;
  fuzzutil::read_checked(input, detect);
  return 0;
}
