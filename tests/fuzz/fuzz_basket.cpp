// libFuzzer target: the basket reader (read_transactions with --format basket: one basket per
// line, FIMI .dat and groceries.csv style), on the input read in place from memory, with
// items separated by any whitespace and then by ','. Each is read with one thread and default
// blocks, then with 1-2 threads and tiny blocks, which must agree exactly. Anything but
// InputError escaping, an accepted file that breaks the ingest invariants (or holds a label with
// a separator in it), or a disagreement is a finding.
#include "ingest_checks.hpp"

using namespace basketlift;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto input = fuzzutil::source(data, size, "fuzz.dat");
  const auto hash = fuzzutil::fnv1a(data, size);
  for (char sep : {'\0', ','}) {
    IngestOptions options;
    options.format = InputFormat::Basket;
    options.sep = sep;
    const auto read = fuzzutil::read_both_ways(input, options, sep ? hash >> 8 : hash);
    for (const auto& basket : read.baskets) {
      for (const auto& label : basket) {
        for (char c : label) {
          if (sep)
            FUZZ_CHECK(c != sep && c != '\n');
          else
            FUZZ_CHECK(c != ' ' && c != '\t' && c != '\n' && c != '\f' && c != '\v');
        }
      }
    }
  }
  return 0;
}
