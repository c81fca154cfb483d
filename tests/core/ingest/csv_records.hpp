// CSV records read two ways, for tests that compare them: CsvReader over a file, and the
// scanner-cut blocks the parallel pipeline parses on their own (CsvBoundaryScanner +
// CsvBlockParser). Each gives the fields, the line of each record and the first error.
#pragma once

#include <algorithm>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "ingest/input_file.hpp"
#include "model/error.hpp"

namespace bltest {

struct Records {
  std::vector<std::vector<std::string>> fields;
  std::vector<std::uint64_t> lines;
  std::string error;  // empty: none
  bool operator==(const Records&) const = default;
};

inline Records read_with_csv_reader(const std::string& path,
                                    std::size_t max = basketlift::kDefaultMaxRecordBytes) {
  Records out;
  basketlift::InputFile in(path, max);
  basketlift::CsvReader csv(in);
  try {
    while (csv.next()) {
      auto& f = out.fields.emplace_back();
      for (std::size_t i = 0; i < csv.size(); ++i) f.emplace_back(csv.field(i));
      out.lines.push_back(csv.line());
    }
  } catch (const basketlift::InputError& e) {
    out.error = e.what();
  }
  return out;
}

// Feeds `original` to the scanner in random pieces, cuts at a random subset of the record ends
// it reports, and parses each block on its own (the parser unescapes quoted fields in place, so
// lines are counted on the original text). With `wanted`, the parser may skip the fields after
// the first `wanted`.
inline Records read_with_blocks(const std::string& path, const std::string& original,
                                std::mt19937& rng, std::size_t wanted = SIZE_MAX,
                                std::size_t max = basketlift::kDefaultMaxRecordBytes) {
  using basketlift::CsvBoundaryScanner;
  std::string text = original;
  CsvBoundaryScanner scanner;
  std::vector<std::size_t> cuts;
  for (std::size_t at = 0; at < text.size();) {
    const std::size_t n = std::min<std::size_t>(text.size() - at, 1 + rng() % 16);
    const auto end = scanner.feed(text.data() + at, n);
    if (end != CsvBoundaryScanner::npos && rng() % 2) cuts.push_back(at + end);
    at += n;
  }
  cuts.push_back(text.size());
  Records out;
  std::size_t begin = 0;
  std::uint64_t line = 1;
  try {
    for (auto cut : cuts) {
      if (cut == begin && cut != text.size()) continue;
      basketlift::CsvBlockParser parser(text.data() + begin, text.data() + cut, line, path, max);
      while (parser.next(wanted)) {
        auto& f = out.fields.emplace_back();
        for (std::size_t i = 0; i < parser.size(); ++i) f.emplace_back(parser.field(i));
        out.lines.push_back(parser.line());
      }
      line += static_cast<std::uint64_t>(
          std::count(original.begin() + static_cast<std::ptrdiff_t>(begin),
                     original.begin() + static_cast<std::ptrdiff_t>(cut), '\n'));
      begin = cut;
    }
  } catch (const basketlift::InputError& e) {
    out.error = e.what();
  }
  return out;
}

}  // namespace bltest
