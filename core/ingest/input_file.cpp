#include "ingest/input_file.hpp"

#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "model/error.hpp"

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
  // A UTF-8 byte-order mark (spreadsheet exports write one) is not data: left in, the first
  // column name of a header would not match.
  try {
    if (refill() && end_ >= 3 && std::memcmp(buf_.data(), "\xEF\xBB\xBF", 3) == 0) pos_ = 3;
  } catch (...) {
    gzclose(f);
    throw;
  }
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

std::size_t InputFile::read(char* dst, std::size_t n) {
  std::size_t got = 0;
  while (got < n) {
    if (pos_ == end_) {
      // Large reads go straight to the destination, past the buffer.
      if (n - got >= (std::size_t{64} << 10)) {
        consumed_ += end_;
        pos_ = end_ = 0;
        const auto want = static_cast<unsigned>(std::min<std::size_t>(n - got, 1u << 30));
        int k = gzread(static_cast<gzFile>(gz_), dst + got, want);
        if (k < 0) {
          int code = 0;
          const char* msg = gzerror(static_cast<gzFile>(gz_), &code);
          throw InputError(path_ + ": read error (" + (msg ? msg : "unknown") + ")");
        }
        if (k == 0) break;
        consumed_ += static_cast<std::uint64_t>(k);
        got += static_cast<std::size_t>(k);
        continue;
      }
      if (!refill()) break;
    }
    const std::size_t k = std::min(n - got, end_ - pos_);
    std::memcpy(dst + got, buf_.data() + pos_, k);
    pos_ += k;
    got += k;
  }
  return got;
}

namespace {

// The scanner's state after a quote-free run data[i, e) entered in state `s` (not quoted):
// decided by the last byte that is not a CR, and by the CRs after it.
template <class State>
State after_unquoted_run(const char* data, std::size_t i, std::size_t e, State s, char delim) {
  std::size_t k = e;
  while (k > i && data[k - 1] == '\r') --k;
  const bool crs = k < e;
  if (k > i) {
    const char c = data[k - 1];
    if (c == '\n') return State::RecordStart;  // lone CRs before a record are skipped
    if (c == delim) return crs ? State::Unquoted : State::FieldStart;
    return State::Unquoted;
  }
  if (s == State::FieldStart && crs) return State::Unquoted;
  return s;
}

}  // namespace

std::size_t CsvBoundaryScanner::feed(const char* data, std::size_t n) {
  std::size_t last = npos;
  State s = state_;
  std::size_t i = 0;
  while (i < n) {
    if (s == State::RecordStart || s == State::FieldStart || s == State::Unquoted) {
      // Outside quotes, every LF ends a record, up to the next quote.
      const void* q = std::memchr(data + i, '"', n - i);
      const std::size_t e = q ? static_cast<std::size_t>(static_cast<const char*>(q) - data) : n;
      if (e > i) {
        if (const void* lf = memrchr(data + i, '\n', e - i))
          last = static_cast<std::size_t>(static_cast<const char*>(lf) - data) + 1;
        s = after_unquoted_run(data, i, e, s, delim_);
        i = e;
        if (i == n) break;
      }
      // A quote opens a quoted field only where a field starts; elsewhere it is content.
      s = s == State::Unquoted ? State::Unquoted : State::Quoted;
      ++i;
      continue;
    }
    const char c = data[i];
    switch (s) {
      case State::Quoted: {
        const void* q = std::memchr(data + i, '"', n - i);
        if (!q) {
          i = n;
          continue;
        }
        i = static_cast<std::size_t>(static_cast<const char*>(q) - data) + 1;
        s = State::QuoteSeen;
        continue;
      }
      case State::QuoteSeen:  // "" is a quote inside the field; anything else closed it
        ++i;
        if (c == '"') {
          s = State::Quoted;
        } else if (c == delim_) {
          s = State::FieldStart;
        } else if (c == '\n') {
          last = i;
          s = State::RecordStart;
        } else if (c == '\r') {
          s = State::AfterQuoteCr;
        } else {
          s = State::Unquoted;  // the parser rejects this record; any guess will do
        }
        continue;
      case State::AfterQuoteCr:
        ++i;
        if (c == '\n') {
          last = i;
          s = State::RecordStart;
        } else {
          s = State::Unquoted;  // rejected by the parser as well
        }
        continue;
      default:
        continue;  // handled above
    }
  }
  state_ = s;
  return last;
}

bool CsvBlockParser::next(std::size_t wanted) {
  fields_.clear();
  for (;;) {
    if (p_ == end_) return false;
    if (*p_ == '\n') {
      ++p_;
      ++line_;
    } else if (*p_ == '\r') {
      ++p_;
      if (p_ != end_ && *p_ == '\n') {
        ++p_;
        ++line_;
      }
    } else {
      break;
    }
  }
  record_line_ = line_;
  for (;;) {
    // c: the byte that ended the field (-1: end of block).
    int c;
    if (p_ != end_ && *p_ == '"') {
      const std::uint64_t quote_line = line_;
      char* const begin = p_;  // unescaped text overwrites the quoted text from here
      char* w = begin;
      ++p_;
      for (;;) {
        if (p_ == end_) {
          throw InputError(
              at_line(path_, quote_line, "unterminated quoted field (end of file inside quotes)"));
        }
        const char ch = *p_++;
        if (ch == '"') {
          if (p_ != end_ && *p_ == '"') {
            ++p_;
            *w++ = '"';
            continue;
          }
          break;
        }
        if (ch == '\n') ++line_;
        *w++ = ch;
      }
      fields_.emplace_back(begin, static_cast<std::size_t>(w - begin));
      c = p_ == end_ ? -1 : static_cast<unsigned char>(*p_++);
      if (c == '\r' && p_ != end_ && *p_ == '\n') c = static_cast<unsigned char>(*p_++);
      if (c != static_cast<unsigned char>(delim_) && c != '\n' && c != -1) {
        throw InputError(at_line(
            path_, line_,
            "unexpected character after closing quote in field " + std::to_string(fields_.size())));
      }
    } else {
      char* const begin = p_;
      char* stop = p_;
      c = -1;
      while (p_ != end_) {
        const char ch = *p_++;
        if (ch == delim_ || ch == '\n') {
          c = static_cast<unsigned char>(ch);
          break;
        }
        if (ch == '\r' && p_ != end_ && *p_ == '\n') {
          c = '\n';
          ++p_;
          break;
        }
        stop = p_;
      }
      fields_.emplace_back(begin, static_cast<std::size_t>(stop - begin));
    }
    if (c == '\n' || c == -1) {
      if (c == '\n') ++line_;
      if (fields_.size() > wanted) fields_.resize(wanted);
      return true;
    }
    if (fields_.size() == wanted) {
      // The rest of the record, if it holds no quote, ends at the next LF.
      const void* lf = std::memchr(p_, '\n', static_cast<std::size_t>(end_ - p_));
      char* const stop = lf ? static_cast<char*>(const_cast<void*>(lf)) : end_;
      if (!std::memchr(p_, '"', static_cast<std::size_t>(stop - p_))) {
        p_ = lf ? stop + 1 : end_;
        if (lf) ++line_;
        return true;
      }
    }
  }
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
