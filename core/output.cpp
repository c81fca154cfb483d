#include "output.hpp"

#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <cstring>

#include "error.hpp"

namespace basketlift {

AtomicFile::AtomicFile(std::string path) : path_(std::move(path)), temp_(path_ + ".tmp.XXXXXX") {
  int fd = mkstemp(temp_.data());
  if (fd < 0 || !(file_ = fdopen(fd, "wb"))) {
    if (fd >= 0) close(fd);
    throw InputError(path_ + ": cannot create output (" + std::strerror(errno) + ")");
  }
}

AtomicFile::~AtomicFile() {
  if (file_) std::fclose(file_);
  if (!committed_) std::remove(temp_.c_str());
}

void AtomicFile::write(std::string_view bytes) {
  if (std::fwrite(bytes.data(), 1, bytes.size(), file_) != bytes.size())
    throw InputError(path_ + ": write failed (" + std::strerror(errno) + ")");
}

void AtomicFile::commit() {
  bool ok = std::fflush(file_) == 0 && fsync(fileno(file_)) == 0;
  ok = std::fclose(file_) == 0 && ok;
  file_ = nullptr;
  if (!ok || std::rename(temp_.c_str(), path_.c_str()) != 0)
    throw InputError(path_ + ": cannot write output (" + std::strerror(errno) + ")");
  committed_ = true;
}

std::string format_double(double v) {
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  if (std::isnan(v)) return "nan";
  char buf[32];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, end);
}

std::string csv_field(std::string_view s) {
  if (s.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(s);
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + '"';
}

std::string join_labels(const ItemDictionary& dict, std::span<const ItemId> items,
                        std::string_view sep) {
  std::string out;
  for (std::size_t k = 0; k < items.size(); ++k) {
    if (k) out += sep;
    out += dict.label(items[k]);
  }
  return out;
}

void write_itemsets(const std::string& path, const ItemsetTable& table,
                    const ItemDictionary& dict) {
  AtomicFile file(path);
  std::string buf;
  for (std::size_t r = 0; r < table.size(); ++r) {
    buf += join_labels(dict, table.itemset(r), " ");
    buf += '\t';
    buf += std::to_string(table.counts[r]);
    buf += '\n';
    if (buf.size() > (1 << 16)) {
      file.write(buf);
      buf.clear();
    }
  }
  file.write(buf);
  file.commit();
}

void write_rules_csv(const std::string& path, const std::vector<Rule>& rules,
                     const ItemsetTable& table, const ItemDictionary& dict, std::uint64_t n) {
  AtomicFile file(path);
  std::string buf =
      "antecedents,consequents,antecedent_support,consequent_support,support,confidence,lift,"
      "leverage,conviction,zhangs_metric\n";
  for (const auto& r : rules) {
    auto m = rule_metrics(table.counts[r.antecedent], table.counts[r.consequent],
                          table.counts[r.itemset], n);
    buf += csv_field(join_labels(dict, table.itemset(r.antecedent), "|"));
    buf += ',';
    buf += csv_field(join_labels(dict, table.itemset(r.consequent), "|"));
    for (double v : {m.antecedent_support, m.consequent_support, m.support, m.confidence, m.lift,
                     m.leverage, m.conviction, m.zhangs_metric}) {
      buf += ',';
      buf += format_double(v);
    }
    buf += '\n';
    if (buf.size() > (1 << 16)) {
      file.write(buf);
      buf.clear();
    }
  }
  file.write(buf);
  file.commit();
}

void write_bundle(const std::string& path, const BundleContent& content) {
  auto bytes = encode_bundle(content);
  AtomicFile file(path);
  file.write(std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
  file.commit();
}

std::vector<std::uint8_t> read_file_bytes(const std::string& path) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) throw InputError(path + ": cannot open (" + std::strerror(errno) + ")");
  std::vector<std::uint8_t> bytes;
  std::uint8_t buf[1 << 16];
  std::size_t got;
  while ((got = std::fread(buf, 1, sizeof buf, f)) > 0) bytes.insert(bytes.end(), buf, buf + got);
  const bool failed = std::ferror(f);
  std::fclose(f);
  if (failed) throw InputError(path + ": read error");
  return bytes;
}

std::string json_string(std::string_view s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (c < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          out += buf;
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  return out + '"';
}

}  // namespace basketlift
