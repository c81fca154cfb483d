// libFuzzer target: the basket reader (read_transactions with --format basket: one basket per
// line, FIMI .dat and groceries.csv style), on the input written to an in-memory file, with
// items separated by any whitespace and then by ','. Anything but InputError escaping, or an
// accepted file that breaks the ingest invariants, is a finding.
#include "error.hpp"
#include "ingest.hpp"
#include "ingest_checks.hpp"

using namespace basketlift;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static fuzzutil::MemFile file;
  const auto& path = file.write(data, size);
  for (char sep : {'\0', ','}) {
    IngestOptions options;
    options.format = InputFormat::Basket;
    options.sep = sep;
    try {
      const auto in = read_transactions(path, options);
      fuzzutil::check_ingested(in, false);
      if (!sep) {
        for (const auto& label : in.db.items.labels())
          for (char c : label) FUZZ_CHECK(c != ' ' && c != '\t' && c != '\n' && c != '\f');
      } else {
        for (const auto& label : in.db.items.labels())
          for (char c : label) FUZZ_CHECK(c != ',' && c != '\n');
      }
    } catch (const InputError&) {
    }
  }
  return 0;
}
