// libFuzzer target: the CSV order-log reader (read_transactions with --format csv), on the input
// written to an in-memory file. Two passes per input: order and item columns only, then with the
// quantity, user and date columns too (parse_quantity, parse_day, per-basket users and days).
// Anything but InputError escaping, or an accepted log that breaks the ingest invariants, is a
// finding.
#include "error.hpp"
#include "ingest.hpp"
#include "ingest_checks.hpp"

using namespace basketlift;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static fuzzutil::MemFile file;
  const auto& path = file.write(data, size);

  IngestOptions plain;
  plain.format = InputFormat::Csv;
  try {
    fuzzutil::check_ingested(read_transactions(path, plain), false);
  } catch (const InputError&) {
  }

  IngestOptions full = plain;
  full.quantity_col = "quantity";
  full.user_col = "user_id";
  full.date_col = "date";
  try {
    const auto in = read_transactions(path, full);
    fuzzutil::check_ingested(in, true);
    for (auto day : in.basket_day) FUZZ_CHECK(day >= -719528 && day <= 2932896);
  } catch (const InputError&) {
  }
  return 0;
}
