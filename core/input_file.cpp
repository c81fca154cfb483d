#include "input_file.hpp"

#include <zlib.h>

#include <cerrno>
#include <cstring>

#include "error.hpp"

namespace basketlift {

InputFile::InputFile(const std::string& path) : path_(path), buf_(1 << 20) {
  errno = 0;
  gzFile f = gzopen(path.c_str(), "rb");
  if (!f) {
    throw InputError(path + ": cannot open (" +
                     (errno ? std::strerror(errno) : std::string("out of memory")) + ")");
  }
  gzbuffer(f, 1 << 18);
  gz_ = f;
}

InputFile::~InputFile() { gzclose(static_cast<gzFile>(gz_)); }

bool InputFile::refill() {
  consumed_ += end_;
  pos_ = end_ = 0;
  int n = gzread(static_cast<gzFile>(gz_), buf_.data(), static_cast<unsigned>(buf_.size()));
  if (n < 0) {
    int code = 0;
    const char* msg = gzerror(static_cast<gzFile>(gz_), &code);
    throw InputError(path_ + ": read error (" + (msg ? msg : "unknown") + ")");
  }
  end_ = static_cast<std::size_t>(n);
  return n > 0;
}

bool CsvReader::next() {
  text_.clear();
  ends_.clear();
  for (;;) {
    int c = in_.peek();
    if (c == -1) return false;
    if (c == '\n') {
      in_.get();
      ++next_line_;
    } else if (c == '\r') {
      in_.get();
      if (in_.peek() == '\n') {
        in_.get();
        ++next_line_;
      }
    } else {
      break;
    }
  }
  record_line_ = next_line_;
  for (;;) {
    int c = in_.get();
    if (c == '"') {
      const std::uint64_t quote_line = next_line_;
      for (;;) {
        c = in_.get();
        if (c == -1) {
          throw InputError(at_line(in_.path(), quote_line,
                                   "unterminated quoted field (end of file inside quotes)"));
        }
        if (c == '"') {
          if (in_.peek() == '"') {
            in_.get();
            text_.push_back('"');
            continue;
          }
          break;
        }
        if (c == '\n') ++next_line_;
        text_.push_back(static_cast<char>(c));
      }
      c = in_.get();
      if (c == '\r' && in_.peek() == '\n') c = in_.get();
      if (c != delim_ && c != '\n' && c != -1) {
        throw InputError(at_line(in_.path(), next_line_,
                                 "unexpected character after closing quote in field " +
                                     std::to_string(ends_.size() + 1)));
      }
    } else {
      while (c != delim_ && c != '\n' && c != -1) {
        if (c == '\r' && in_.peek() == '\n') {
          c = in_.get();
          break;
        }
        text_.push_back(static_cast<char>(c));
        c = in_.get();
      }
    }
    ends_.push_back(text_.size());
    if (c == '\n') {
      ++next_line_;
      return true;
    }
    if (c == -1) return true;
  }
}

bool LineReader::next() {
  text_.clear();
  int c = in_.get();
  if (c == -1) return false;
  ++line_;
  while (c != '\n' && c != -1) {
    text_.push_back(static_cast<char>(c));
    c = in_.get();
  }
  if (!text_.empty() && text_.back() == '\r') text_.pop_back();
  return true;
}

}  // namespace basketlift
