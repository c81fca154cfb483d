// Shared by the libFuzzer targets: an in-memory file with a path (the readers take paths), a
// check that survives NDEBUG, and a small deterministic generator for ids derived from the input.
#pragma once

#include <sys/mman.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

namespace fuzzutil {

// A violated invariant is a finding: print it and abort so libFuzzer saves the input.
#define FUZZ_CHECK(cond)                                                                \
  do {                                                                                  \
    if (!(cond)) {                                                                      \
      std::fprintf(stderr, "%s:%d: invariant failed: %s\n", __FILE__, __LINE__, #cond); \
      std::abort();                                                                     \
    }                                                                                   \
  } while (0)

// One memfd per process, rewritten for every input and opened by path (/proc/self/fd/N), so
// the readers see a real file without touching the disk.
class MemFile {
 public:
  MemFile() {
    fd_ = memfd_create("basketlift-fuzz", 0);
    if (fd_ < 0) {
      std::perror("memfd_create");
      std::abort();
    }
    path_ = "/proc/self/fd/" + std::to_string(fd_);
  }
  const std::string& write(const std::uint8_t* data, std::size_t size) {
    if (ftruncate(fd_, 0) != 0) std::abort();
    std::size_t done = 0;
    while (done < size) {
      const auto n = pwrite(fd_, data + done, size - done, static_cast<off_t>(done));
      if (n <= 0) std::abort();
      done += static_cast<std::size_t>(n);
    }
    return path_;
  }

 private:
  int fd_ = -1;
  std::string path_;
};

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
