// Streaming readers for order logs: plain or gzip files (zlib reads both), split into CSV
// records or text lines. Memory per record is bounded by the record, never by the file.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace basketlift {

class InputFile {
 public:
  explicit InputFile(const std::string& path);  // throws InputError when it cannot be opened
  ~InputFile();
  InputFile(const InputFile&) = delete;
  InputFile& operator=(const InputFile&) = delete;

  const std::string& path() const { return path_; }
  // Next byte or -1 at end of file.
  int get() {
    if (pos_ == end_ && !refill()) return -1;
    return static_cast<unsigned char>(buf_[pos_++]);
  }
  int peek() {
    if (pos_ == end_ && !refill()) return -1;
    return static_cast<unsigned char>(buf_[pos_]);
  }
  std::uint64_t bytes_read() const { return consumed_ + pos_; }

 private:
  bool refill();
  std::string path_;
  void* gz_ = nullptr;
  std::vector<char> buf_;
  std::size_t pos_ = 0, end_ = 0;
  std::uint64_t consumed_ = 0;
};

// RFC 4180: quoted fields, "" inside quotes, delimiters and newlines inside quotes, CRLF or LF.
class CsvReader {
 public:
  explicit CsvReader(InputFile& in, char delimiter = ',') : in_(in), delim_(delimiter) {}
  // Reads the next record, skipping blank lines. False at end of file. Throws InputError on an
  // unterminated quote or a stray character after a closing quote.
  bool next();
  std::size_t size() const { return ends_.size(); }
  std::string_view field(std::size_t i) const {
    std::size_t begin = i == 0 ? 0 : ends_[i - 1];
    return std::string_view(text_).substr(begin, ends_[i] - begin);
  }
  std::uint64_t line() const { return record_line_; }  // 1-based line where the record starts

 private:
  InputFile& in_;
  char delim_;
  std::string text_;
  std::vector<std::size_t> ends_;
  std::uint64_t next_line_ = 1, record_line_ = 0;
};

// Text lines without their LF / CRLF terminator.
class LineReader {
 public:
  explicit LineReader(InputFile& in) : in_(in) {}
  bool next();
  std::string_view text() const { return text_; }
  std::uint64_t line() const { return line_; }

 private:
  InputFile& in_;
  std::string text_;
  std::uint64_t line_ = 0;
};

}  // namespace basketlift
