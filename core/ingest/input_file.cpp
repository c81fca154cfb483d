#include "ingest/input_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstring>
#include <new>

#include "model/error.hpp"

namespace basketlift {

namespace {

constexpr std::size_t kRawBuffer = std::size_t{256} << 10;
constexpr std::size_t kDecodedBuffer = std::size_t{256} << 10;
// read() requests at least this large skip the buffer and decode straight into the destination.
constexpr std::size_t kDirectRead = std::size_t{64} << 10;

}  // namespace

// One member at a time: inflate's gzip mode (windowBits 16 + MAX_WBITS) checks each member's
// header, CRC and length, and says where the member ends, so a file that stops early or carries
// something else after its last member is caught here. (gzread would report either as an
// ordinary end of file.)
struct InputFile::Gzip {
  z_stream z{};
  bool in_member = false;  // a member's first byte has been read, its trailer not yet
  bool done = false;
  std::uint64_t member_start = 0, members = 0;
  Gzip() {
    if (inflateInit2(&z, 16 + MAX_WBITS) != Z_OK) throw std::bad_alloc();
  }
  ~Gzip() { inflateEnd(&z); }
  Gzip(const Gzip&) = delete;
  Gzip& operator=(const Gzip&) = delete;
};

InputError record_too_long(const std::string& path, std::uint64_t line, std::size_t max) {
  return InputError(at_line(path, line,
                            "record longer than " + std::to_string(max) +
                                " bytes (the limit for one line or CSV record; see "
                                "--max-record-bytes)"));
}

InputFile::InputFile(const InputSource& source, std::size_t max_record_bytes)
    : path_(source.name), max_record_(max_record_bytes) {
  if (source.bytes) {
    // All the raw input at once, read in place.
    raw_ = source.bytes->data();
    raw_len_ = source.bytes->size();
  } else {
    fd_ = ::open(path_.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd_ < 0) throw InputError(path_ + ": cannot open (" + std::strerror(errno) + ")");
  }
  try {
    if (fd_ >= 0) {
      struct stat st {};
      if (fstat(fd_, &st) == 0 && S_ISDIR(st.st_mode))
        throw InputError(path_ + ": cannot open (" + std::strerror(EISDIR) + ")");
      raw_buf_.reset(new char[kRawBuffer]);  // not zeroed: read() fills it
      raw_ = raw_buf_.get();
      while (raw_len_ < 2 && more_raw()) {
      }
    }
    if (raw_len_ >= 2 && static_cast<unsigned char>(raw_[0]) == 0x1f &&
        static_cast<unsigned char>(raw_[1]) == 0x8b) {
      gz_ = std::make_unique<Gzip>();
      buf_.reset(new char[kDecodedBuffer]);  // not zeroed: inflate fills it
    }
    // A UTF-8 byte-order mark (spreadsheet exports write one) is not data: left in, the first
    // column name of a header would not match.
    if (refill() && end_ >= 3 && std::memcmp(data_, "\xEF\xBB\xBF", 3) == 0) pos_ = 3;
  } catch (...) {
    if (fd_ >= 0) ::close(fd_);
    throw;
  }
}

InputFile::~InputFile() {
  if (fd_ >= 0) ::close(fd_);
}

bool InputFile::more_raw() {
  if (fd_ < 0) return false;  // memory: everything was there from the start
  if (raw_len_ && raw_ != raw_buf_.get()) std::memmove(raw_buf_.get(), raw_, raw_len_);
  raw_ = raw_buf_.get();
  for (;;) {
    const auto n = ::read(fd_, raw_buf_.get() + raw_len_, kRawBuffer - raw_len_);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) throw InputError(path_ + ": read error (" + std::strerror(errno) + ")");
    raw_len_ += static_cast<std::size_t>(n);
    return n > 0;
  }
}

bool InputFile::refill() {
  consumed_ += end_;
  pos_ = end_ = 0;
  if (gz_) {
    data_ = buf_.get();
    end_ = inflate_into(buf_.get(), kDecodedBuffer);
    return end_ > 0;
  }
  if (raw_len_ == 0 && !more_raw()) return false;
  data_ = raw_;  // plain input is handed out where it was read
  end_ = raw_len_;
  consume_raw(raw_len_);
  return true;
}

std::size_t InputFile::decode(char* dst, std::size_t n) {
  if (gz_) return inflate_into(dst, n);
  if (raw_len_ == 0) {
    if (fd_ >= 0 && n >= kRawBuffer) {
      for (;;) {
        const auto k = ::read(fd_, dst, std::min<std::size_t>(n, std::size_t{1} << 30));
        if (k < 0 && errno == EINTR) continue;
        if (k < 0) throw InputError(path_ + ": read error (" + std::strerror(errno) + ")");
        raw_offset_ += static_cast<std::uint64_t>(k);
        return static_cast<std::size_t>(k);
      }
    }
    if (!more_raw()) return 0;
  }
  const std::size_t k = std::min(n, raw_len_);
  std::memcpy(dst, raw_, k);
  consume_raw(k);
  return k;
}

std::size_t InputFile::inflate_into(char* dst, std::size_t n) {
  Gzip& g = *gz_;
  z_stream& z = g.z;
  std::size_t out = 0;
  while (out < n && !g.done) {
    if (raw_len_ == 0 && !more_raw()) {
      if (g.in_member) {
        throw InputError(at_byte(path_, raw_offset_,
                                 "truncated gzip data: the file ends inside the compressed "
                                 "member that starts at byte " +
                                     std::to_string(g.member_start) +
                                     " (was it cut short by a download or a copy?)"));
      }
      g.done = true;
      break;
    }
    if (!g.in_member) {
      // After a complete member only another member may follow.
      if (static_cast<unsigned char>(raw_[0]) != 0x1f) {
        throw InputError(at_byte(path_, raw_offset_,
                                 "unexpected data after the end of the gzip data (not another "
                                 "gzip member)"));
      }
      if (g.members > 0 && inflateReset(&z) != Z_OK) throw std::bad_alloc();
      g.in_member = true;
      g.member_start = raw_offset_;
    }
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(raw_));
    z.avail_in = static_cast<uInt>(std::min<std::size_t>(raw_len_, UINT_MAX));
    z.next_out = reinterpret_cast<Bytef*>(dst + out);
    z.avail_out = static_cast<uInt>(std::min<std::size_t>(n - out, UINT_MAX));
    const uInt in_before = z.avail_in, out_before = z.avail_out;
    const int rc = inflate(&z, Z_NO_FLUSH);
    consume_raw(in_before - z.avail_in);
    out += out_before - z.avail_out;
    if (rc == Z_STREAM_END) {
      g.in_member = false;
      ++g.members;
      continue;
    }
    if (rc == Z_MEM_ERROR) throw std::bad_alloc();
    const bool progress = z.avail_in != in_before || z.avail_out != out_before;
    if ((rc == Z_OK || rc == Z_BUF_ERROR) && progress) continue;
    const std::string why = z.msg ? z.msg : "invalid data";
    if (g.members > 0 && why == "incorrect header check") {
      throw InputError(at_byte(path_, g.member_start,
                               "unexpected data after the end of the gzip data (not another "
                               "gzip member)"));
    }
    throw InputError(at_byte(path_, raw_offset_, "corrupt gzip data (" + why + ")"));
  }
  return out;
}

std::size_t InputFile::read(char* dst, std::size_t n) {
  std::size_t got = 0;
  while (got < n) {
    if (pos_ == end_) {
      if (n - got >= kDirectRead) {
        consumed_ += end_;
        pos_ = end_ = 0;
        const std::size_t k = decode(dst + got, n - got);
        if (k == 0) break;
        consumed_ += k;
        got += k;
        continue;
      }
      if (!refill()) break;
    }
    const std::size_t k = std::min(n - got, end_ - pos_);
    std::memcpy(dst + got, data_ + pos_, k);
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
  // The record's bytes end by `stop`; when the block goes on past it (`capped`), the byte at
  // `stop` may only be the record's LF, anything else makes the record too long.
  const bool capped = static_cast<std::size_t>(end_ - p_) > max_;
  char* const stop = capped ? p_ + max_ : end_;
  // At `stop` with the field not ended: the record's end, or too long.
  auto at_stop = [&]() -> int {
    if (!capped) return -1;
    if (*p_ != '\n') throw record_too_long(path_, record_line_, max_);
    ++p_;
    return '\n';
  };
  for (;;) {
    // c: the byte that ended the field (-1: end of block).
    int c;
    if (p_ != stop && *p_ == '"') {
      const std::uint64_t quote_line = line_;
      char* const begin = p_;  // unescaped text overwrites the quoted text from here
      char* w = begin;
      ++p_;
      for (;;) {
        if (p_ == stop) {
          if (capped) throw record_too_long(path_, record_line_, max_);
          throw InputError(
              at_line(path_, quote_line, "unterminated quoted field (end of file inside quotes)"));
        }
        const char ch = *p_++;
        if (ch == '"') {
          if (p_ != stop && *p_ == '"') {
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
      if (p_ == stop) {
        c = at_stop();
      } else {
        c = static_cast<unsigned char>(*p_++);
        if (c == '\r' && p_ != end_ && *p_ == '\n') c = static_cast<unsigned char>(*p_++);
      }
      if (c != static_cast<unsigned char>(delim_) && c != '\n' && c != -1) {
        throw InputError(at_line(
            path_, line_,
            "unexpected character after closing quote in field " + std::to_string(fields_.size())));
      }
    } else {
      char* const begin = p_;
      char* field_end = p_;
      c = -2;  // not ended yet
      while (p_ != stop) {
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
        field_end = p_;
      }
      if (c == -2) c = at_stop();
      fields_.emplace_back(begin, static_cast<std::size_t>(field_end - begin));
    }
    if (c == '\n' || c == -1) {
      if (c == '\n') ++line_;
      if (fields_.size() > wanted) fields_.resize(wanted);
      return true;
    }
    if (fields_.size() == wanted) {
      // The rest of the record, if it holds no quote, ends at the next LF.
      char* const limit = capped ? stop + 1 : end_;
      const void* lf = std::memchr(p_, '\n', static_cast<std::size_t>(limit - p_));
      char* const rest = lf ? static_cast<char*>(const_cast<void*>(lf)) : limit;
      if (!std::memchr(p_, '"', static_cast<std::size_t>(rest - p_))) {
        if (!lf && capped) throw record_too_long(path_, record_line_, max_);
        p_ = lf ? rest + 1 : end_;
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
  // Bytes read may pass `limit` only by the LF that ends the record (CsvBlockParser's rule).
  const std::uint64_t limit = in_.bytes_read() + in_.max_record_bytes();
  auto get = [&](bool lf_ends) {
    const int c = in_.get();
    if (c != -1 && in_.bytes_read() > limit + (lf_ends && c == '\n'))
      throw record_too_long(in_.path(), record_line_, in_.max_record_bytes());
    return c;
  };
  for (;;) {
    int c = get(true);
    if (c == '"') {
      const std::uint64_t quote_line = next_line_;
      for (;;) {
        c = get(false);
        if (c == -1) {
          throw InputError(at_line(in_.path(), quote_line,
                                   "unterminated quoted field (end of file inside quotes)"));
        }
        if (c == '"') {
          if (in_.peek() == '"') {
            get(false);
            text_.push_back('"');
            continue;
          }
          break;
        }
        if (c == '\n') ++next_line_;
        text_.push_back(static_cast<char>(c));
      }
      c = get(true);
      if (c == '\r' && in_.peek() == '\n') c = get(true);
      if (c != delim_ && c != '\n' && c != -1) {
        throw InputError(at_line(in_.path(), next_line_,
                                 "unexpected character after closing quote in field " +
                                     std::to_string(ends_.size() + 1)));
      }
    } else {
      while (c != delim_ && c != '\n' && c != -1) {
        if (c == '\r' && in_.peek() == '\n') {
          c = get(true);
          break;
        }
        text_.push_back(static_cast<char>(c));
        c = get(true);
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
    if (text_.size() == in_.max_record_bytes())
      throw record_too_long(in_.path(), line_, in_.max_record_bytes());
    text_.push_back(static_cast<char>(c));
    c = in_.get();
  }
  if (!text_.empty() && text_.back() == '\r') text_.pop_back();
  return true;
}

}  // namespace basketlift
