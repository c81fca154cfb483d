// Shared by the libFuzzer targets: the input as a reader's source, a check that survives
// NDEBUG, and a small deterministic generator for ids derived from the input.
#pragma once

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "ingest/input_file.hpp"

namespace fuzzutil {

// A violated invariant is a finding: print it and abort so libFuzzer saves the input.
#define FUZZ_CHECK(cond)                                                                \
  do {                                                                                  \
    if (!(cond)) {                                                                      \
      std::fprintf(stderr, "%s:%d: invariant failed: %s\n", __FILE__, __LINE__, #cond); \
      std::abort();                                                                     \
    }                                                                                   \
  } while (0)

// The fuzzer's input as a reader's source, read in place: no file to write or open per input,
// and readers see exactly these bytes (gzip included) under a name for messages.
inline basketlift::InputSource source(const std::uint8_t* data, std::size_t size,
                                      const char* name) {
  return basketlift::InputSource::memory(
      name, std::string_view(reinterpret_cast<const char*>(data), size));
}

// splitmix64: ids, days and flags drawn from a seed the input determines.
class Rng {
 public:
  explicit Rng(std::uint64_t seed) : s_(seed) {}
  std::uint64_t next() {
    std::uint64_t z = (s_ += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
  }
  // Uniform enough in [0, n); 0 when n == 0.
  std::uint32_t below(std::uint64_t n) { return n ? static_cast<std::uint32_t>(next() % n) : 0; }

 private:
  std::uint64_t s_;
};

}  // namespace fuzzutil
