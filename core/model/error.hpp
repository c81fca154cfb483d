// Errors raised by the native side of the core (ingest, mining, writers).
// The bundle reader, which also runs in wasm, reports errors as values instead.
#pragma once

#include <stdexcept>
#include <string>

namespace basketlift {

// Bad input from the user: a file, a column, an option value. The CLI maps it to exit code 2.
class InputError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// "FILE:LINE: what" — the one place that decides how a location is spelled.
inline std::string at_line(const std::string& file, unsigned long long line,
                           const std::string& what) {
  return file + ":" + std::to_string(line) + ": " + what;
}

// "FILE: byte OFFSET: what", for binary input (compressed data) where lines mean nothing.
inline std::string at_byte(const std::string& file, unsigned long long offset,
                           const std::string& what) {
  return file + ": byte " + std::to_string(offset) + ": " + what;
}

}  // namespace basketlift
