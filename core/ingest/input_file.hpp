// Streaming readers for order logs: plain or gzip files, split into CSV records or text lines.
// Memory per record is bounded by the record, never by the file.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/error.hpp"

namespace basketlift {

// The longest record (a CSV record or a line, without its line feed) a reader accepts unless
// told otherwise: far beyond any real order line or basket, and small enough that one hostile
// line cannot take the machine's memory. Past it, readers throw record_too_long.
inline constexpr std::size_t kDefaultMaxRecordBytes = std::size_t{1} << 20;
// The most a caller may raise it to (so buffer arithmetic cannot overflow).
inline constexpr std::size_t kMaxRecordBytesCeiling = std::size_t{1} << 40;

// "FILE:LINE: record longer than N bytes ...", the one message for every reader.
InputError record_too_long(const std::string& path, std::uint64_t line, std::size_t max);

// What a reader reads: a file by its path, or bytes already in memory under a name (which
// messages use as they would a path, and format detection as a file name). Readers taking an
// InputSource take a path as well.
struct InputSource {
  InputSource(std::string path) : name(std::move(path)) {}  // NOLINT: a path is a source
  InputSource(const char* path) : name(path) {}             // NOLINT
  static InputSource memory(std::string name, std::string_view bytes) {
    InputSource s(std::move(name));
    s.bytes = bytes;
    return s;
  }
  std::string name;
  std::optional<std::string_view> bytes;  // set: these bytes (not copied; must outlive readers)
};

// A file's bytes, decompressed when it starts with gzip's magic number (whatever its name).
// gzip data must be complete: a stream cut short, a corrupt member or anything but another
// member after the last one is an InputError naming the file and the byte offset, never an
// early end of file. Concatenated members (gzip a; gzip b; cat) read as one text.
class InputFile {
 public:
  // Throws InputError when it cannot be opened. Readers over it (CsvReader, LineReader, the
  // order-log blocks) refuse records longer than max_record_bytes.
  explicit InputFile(const InputSource& source,
                     std::size_t max_record_bytes = kDefaultMaxRecordBytes);
  ~InputFile();
  InputFile(const InputFile&) = delete;
  InputFile& operator=(const InputFile&) = delete;

  const std::string& path() const { return path_; }
  std::size_t max_record_bytes() const { return max_record_; }
  // Next byte or -1 at end of file.
  int get() {
    if (pos_ == end_ && !refill()) return -1;
    return static_cast<unsigned char>(data_[pos_++]);
  }
  int peek() {
    if (pos_ == end_ && !refill()) return -1;
    return static_cast<unsigned char>(data_[pos_]);
  }
  // Up to n bytes into dst; fewer only at end of file.
  std::size_t read(char* dst, std::size_t n);
  std::uint64_t bytes_read() const { return consumed_ + pos_; }  // decompressed

 private:
  struct Gzip;
  bool refill();
  // Up to n decoded bytes into dst; 0 only at the end of the input.
  std::size_t decode(char* dst, std::size_t n);
  std::size_t inflate_into(char* dst, std::size_t n);
  // Makes raw (undecoded) bytes available in [raw_, raw_ + raw_len_); false at end of input.
  bool more_raw();
  void consume_raw(std::size_t n) {
    raw_ += n;
    raw_len_ -= n;
    raw_offset_ += n;
  }

  std::string path_;
  std::size_t max_record_;
  int fd_ = -1;
  std::unique_ptr<char[]> raw_buf_;  // file input: kRawBuffer bytes
  const char* raw_ = nullptr;
  std::size_t raw_len_ = 0;
  std::uint64_t raw_offset_ = 0;  // offset in the file of raw_[0]
  std::unique_ptr<Gzip> gz_;      // set for gzip input
  std::unique_ptr<char[]> buf_;   // decoded bytes of gzip input: kDecodedBuffer
  const char* data_ = nullptr;    // get()/peek() read data_[pos_, end_)
  std::size_t pos_ = 0, end_ = 0;
  std::uint64_t consumed_ = 0;  // decoded bytes before data_
};

// A field without surrounding spaces, tabs and carriage returns.
inline std::string_view trim(std::string_view s) {
  auto space = [](char c) { return c == ' ' || c == '\t' || c == '\r'; };
  while (!s.empty() && space(s.front())) s.remove_prefix(1);
  while (!s.empty() && space(s.back())) s.remove_suffix(1);
  return s;
}

// RFC 4180: quoted fields, "" inside quotes, delimiters and newlines inside quotes, CRLF or LF.
class CsvReader {
 public:
  explicit CsvReader(InputFile& in, char delimiter = ',') : in_(in), delim_(delimiter) {}
  // Reads the next record, skipping blank lines. False at end of file. Throws InputError on an
  // unterminated quote, a stray character after a closing quote, or a record longer than the
  // file's max_record_bytes.
  bool next();
  std::size_t size() const { return ends_.size(); }
  std::string_view field(std::size_t i) const {
    std::size_t begin = i == 0 ? 0 : ends_[i - 1];
    return std::string_view(text_).substr(begin, ends_[i] - begin);
  }
  std::uint64_t line() const { return record_line_; }     // 1-based line where the record starts
  std::uint64_t next_line() const { return next_line_; }  // line the next record starts on

 private:
  InputFile& in_;
  char delim_;
  std::string text_;
  std::vector<std::size_t> ends_;
  std::uint64_t next_line_ = 1, record_line_ = 0;
};

// Where CsvReader's records end, found byte by byte across buffers with CsvReader's own rules
// (a quote opens a quoted field only at the start of a field; line breaks inside quotes do not
// end a record). A reader cuts its input after such an end into blocks of whole records that
// parse independently, in any thread, exactly as one CsvReader would read them.
class CsvBoundaryScanner {
 public:
  explicit CsvBoundaryScanner(char delimiter = ',') : delim_(delimiter) {}
  // Feeds the next n bytes of the input; returns the offset just past the last record end among
  // them, or npos when none ends there.
  std::size_t feed(const char* data, std::size_t n);
  static constexpr std::size_t npos = static_cast<std::size_t>(-1);

 private:
  enum class State : std::uint8_t {
    RecordStart,
    FieldStart,
    Unquoted,
    Quoted,
    QuoteSeen,
    AfterQuoteCr
  };
  char delim_;
  State state_ = State::RecordStart;
};

// CsvReader's rules over a block of whole records already in memory (from the start of a record
// to the end of one, or to the end of the file). Quoted fields are unescaped in place, so
// fields are views into the block and stay valid as long as it does. Error messages are
// CsvReader's, with the block's line numbers.
class CsvBlockParser {
 public:
  CsvBlockParser(char* begin, char* end, std::uint64_t first_line, const std::string& path,
                 std::size_t max_record_bytes = kDefaultMaxRecordBytes, char delimiter = ',')
      : p_(begin),
        end_(end),
        path_(path),
        max_(max_record_bytes),
        delim_(delimiter),
        line_(first_line) {}
  // As CsvReader::next. With `wanted`, fields after the first `wanted` are skipped when the rest
  // of the record holds no quote (so it cannot hold an error either): size() is then `wanted`
  // for a record that has more fields. A record that reaches past max_record_bytes is an error
  // there, before any error further on, wherever the block ends: a block cut short after more
  // than max_record_bytes of one record gives that error too.
  bool next(std::size_t wanted = SIZE_MAX);
  std::size_t size() const { return fields_.size(); }
  std::string_view field(std::size_t i) const { return fields_[i]; }
  std::uint64_t line() const { return record_line_; }

 private:
  char* p_;
  char* end_;
  const std::string& path_;
  std::size_t max_;
  char delim_;
  std::vector<std::string_view> fields_;
  std::uint64_t line_, record_line_ = 0;
};

// Text lines without their LF / CRLF terminator; a line longer than the file's max_record_bytes
// is an error.
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
