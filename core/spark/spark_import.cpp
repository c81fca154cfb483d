#include "spark/spark_import.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <filesystem>
#include <limits>
#include <optional>
#include <tuple>

#include "bundle/builder.hpp"
#include "ingest/input_file.hpp"
#include "mine/similar_names.hpp"
#include "model/error.hpp"
#include "model/format.hpp"
#include "model/itemsets.hpp"
#include "model/transactions.hpp"

namespace basketlift {

namespace fs = std::filesystem;

// ---- part files ----

std::vector<std::string> spark_part_files(const std::string& path,
                                          std::vector<std::string>* warnings) {
  std::error_code ec;
  const auto status = fs::status(path, ec);
  if (ec || !fs::exists(status)) throw InputError(path + ": no such file or directory");
  if (!fs::is_directory(status)) return {path};
  std::vector<std::string> parts;
  bool success = false;
  try {
    for (const auto& entry : fs::directory_iterator(path)) {
      const std::string name = entry.path().filename().string();
      if (name == "_SUCCESS") success = true;
      // Hadoop's conventions: names starting with '_' or '.' are metadata (_SUCCESS, _temporary,
      // .part-00000.crc); data files are part-*.
      if (name.rfind("part-", 0) != 0 || name.ends_with(".crc")) continue;
      std::error_code file_ec;
      if (!entry.is_regular_file(file_ec)) continue;
      parts.push_back(entry.path().string());
    }
  } catch (const fs::filesystem_error& e) {
    throw InputError(path + ": cannot list the directory (" + e.code().message() + ")");
  }
  if (parts.empty())
    throw InputError(path +
                     ": no part-* files in this directory (expected the output of Spark's "
                     "write.json or write.csv)");
  std::sort(parts.begin(), parts.end());
  if (!success && warnings)
    warnings->push_back(path +
                        ": no _SUCCESS marker; the Spark job may not have finished, importing the "
                        "part files present");
  return parts;
}

SparkFormat detect_spark_format(const std::string& file, std::size_t max_record_bytes) {
  std::string name = fs::path(file).filename().string();
  if (name.ends_with(".gz")) name.resize(name.size() - 3);
  if (name.ends_with(".json") || name.ends_with(".jsonl") || name.ends_with(".ndjson"))
    return SparkFormat::JsonLines;
  if (name.ends_with(".csv")) return SparkFormat::Csv;
  InputFile in(file, max_record_bytes);
  int c = in.get();
  while (c == ' ' || c == '\t' || c == '\r' || c == '\n') c = in.get();
  return c == '{' || c == -1 ? SparkFormat::JsonLines : SparkFormat::Csv;
}

// ---- the JSON-lines parser ----

namespace {

void append_utf8(std::string& out, std::uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

// Length of the well-formed UTF-8 sequence starting at s[i] (a byte >= 0x80), or 0.
std::size_t utf8_sequence(std::string_view s, std::size_t i) {
  const auto b = [&](std::size_t k) -> unsigned {
    return i + k < s.size() ? static_cast<unsigned char>(s[i + k]) : 0u;
  };
  const auto cont = [&](std::size_t k) { return (b(k) & 0xC0) == 0x80; };
  const unsigned c = b(0);
  if (c >= 0xC2 && c <= 0xDF) return cont(1) ? 2 : 0;
  if (c >= 0xE0 && c <= 0xEF) {
    const unsigned lo = c == 0xE0 ? 0xA0 : 0x80, hi = c == 0xED ? 0x9F : 0xBF;
    return b(1) >= lo && b(1) <= hi && cont(2) ? 3 : 0;
  }
  if (c >= 0xF0 && c <= 0xF4) {
    const unsigned lo = c == 0xF0 ? 0x90 : 0x80, hi = c == 0xF4 ? 0x8F : 0xBF;
    return b(1) >= lo && b(1) <= hi && cont(2) && cont(3) ? 4 : 0;
  }
  return 0;
}

// RFC 8259's number grammar; returns the length of the number at s[i], or 0.
std::size_t json_number_length(std::string_view s, std::size_t i) {
  const std::size_t start = i;
  auto digit = [&](std::size_t k) { return k < s.size() && s[k] >= '0' && s[k] <= '9'; };
  if (i < s.size() && s[i] == '-') ++i;
  if (i < s.size() && s[i] == '0') {
    ++i;
  } else if (digit(i)) {
    while (digit(i)) ++i;
  } else {
    return 0;
  }
  if (i < s.size() && s[i] == '.') {
    if (!digit(++i)) return 0;
    while (digit(i)) ++i;
  }
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
    if (!digit(i)) return 0;
    while (digit(i)) ++i;
  }
  return i - start;
}

class JsonLine {
 public:
  JsonLine(std::string_view s, const std::string& file, std::uint64_t line)
      : s_(s), file_(file), line_(line) {}

  std::vector<JsonField> parse() {
    std::vector<JsonField> fields;
    ws();
    if (i_ >= s_.size() || s_[i_] != '{') fail("expected a JSON object ('{')");
    ++i_;
    ws();
    if (i_ < s_.size() && s_[i_] == '}') {
      ++i_;
    } else {
      for (;;) {
        ws();
        if (i_ >= s_.size() || s_[i_] != '"') fail("expected a field name in quotes");
        JsonField f;
        string(f.name);
        for (const auto& g : fields)
          if (g.name == f.name) fail("duplicate field '" + f.name + "'");
        field_ = &f.name;
        ws();
        if (i_ >= s_.size() || s_[i_] != ':') fail("expected ':' after the field name");
        ++i_;
        ws();
        value(f);
        field_ = nullptr;
        fields.push_back(std::move(f));
        ws();
        if (i_ < s_.size() && s_[i_] == ',') {
          ++i_;
          continue;
        }
        if (i_ < s_.size() && s_[i_] == '}') {
          ++i_;
          break;
        }
        fail(i_ >= s_.size() ? "unterminated object (no closing '}')"
                             : "expected ',' or '}' after a field");
      }
    }
    ws();
    if (i_ < s_.size()) fail("unexpected text after the object (one object per line)");
    return fields;
  }

 private:
  [[noreturn]] void fail(const std::string& what) const {
    std::string msg = "column " + std::to_string(std::min(i_, s_.size()) + 1) + ": ";
    if (field_) msg += "field '" + *field_ + "': ";
    throw InputError(at_line(file_, line_, msg + what));
  }
  void ws() {
    while (i_ < s_.size() && (s_[i_] == ' ' || s_[i_] == '\t' || s_[i_] == '\r' || s_[i_] == '\n'))
      ++i_;
  }
  bool literal(std::string_view word) {
    if (s_.substr(i_, word.size()) != word) return false;
    i_ += word.size();
    return true;
  }

  void value(JsonField& f) {
    if (i_ >= s_.size()) fail("missing value");
    const char c = s_[i_];
    if (c == '"') {
      f.kind = JsonField::Kind::String;
      string(f.text);
    } else if (c == '[') {
      f.kind = JsonField::Kind::StringArray;
      ++i_;
      ws();
      if (i_ < s_.size() && s_[i_] == ']') {
        ++i_;
        return;
      }
      for (;;) {
        ws();
        if (i_ >= s_.size()) fail("unterminated array (no closing ']')");
        if (s_[i_] != '"')
          fail(s_[i_] == '-' || (s_[i_] >= '0' && s_[i_] <= '9')
                   ? "array elements must be strings, got a number (cast the items column to "
                     "array<string> before writing)"
                   : "array elements must be strings");
        f.strings.emplace_back();
        string(f.strings.back());
        ws();
        if (i_ < s_.size() && s_[i_] == ',') {
          ++i_;
          continue;
        }
        if (i_ < s_.size() && s_[i_] == ']') {
          ++i_;
          return;
        }
        fail("expected ',' or ']' in an array");
      }
    } else if (c == '-' || (c >= '0' && c <= '9')) {
      const auto n = json_number_length(s_, i_);
      if (n == 0) fail("malformed number");
      f.kind = JsonField::Kind::Number;
      f.text = std::string(s_.substr(i_, n));
      i_ += n;
    } else if (literal("null")) {
      f.kind = JsonField::Kind::Null;
    } else if (c == '{') {
      fail("nested objects are not expected");
    } else if (literal("true") || literal("false")) {
      fail("booleans are not expected");
    } else {
      fail("expected a string, an array of strings, a number or null");
    }
  }

  unsigned hex4() {
    if (i_ + 4 > s_.size()) fail("\\u needs four hex digits");
    unsigned v = 0;
    for (int k = 0; k < 4; ++k) {
      const char h = s_[i_++];
      v <<= 4;
      if (h >= '0' && h <= '9') {
        v |= static_cast<unsigned>(h - '0');
      } else if (h >= 'a' && h <= 'f') {
        v |= static_cast<unsigned>(h - 'a' + 10);
      } else if (h >= 'A' && h <= 'F') {
        v |= static_cast<unsigned>(h - 'A' + 10);
      } else {
        --i_;
        fail("\\u needs four hex digits");
      }
    }
    return v;
  }

  // At the opening quote; appends the decoded string to `out`.
  void string(std::string& out) {
    ++i_;
    for (;;) {
      if (i_ >= s_.size()) fail("unterminated string");
      const auto c = static_cast<unsigned char>(s_[i_]);
      if (c == '"') {
        ++i_;
        return;
      }
      if (c < 0x20) fail("control character inside a string (it must be escaped)");
      if (c >= 0x80) {
        const auto n = utf8_sequence(s_, i_);
        if (n == 0) fail("invalid UTF-8");
        out.append(s_.substr(i_, n));
        i_ += n;
        continue;
      }
      if (c != '\\') {
        out += static_cast<char>(c);
        ++i_;
        continue;
      }
      if (++i_ >= s_.size()) fail("unterminated string");
      const char e = s_[i_++];
      switch (e) {
        case '"':
          out += '"';
          break;
        case '\\':
          out += '\\';
          break;
        case '/':
          out += '/';
          break;
        case 'b':
          out += '\b';
          break;
        case 'f':
          out += '\f';
          break;
        case 'n':
          out += '\n';
          break;
        case 'r':
          out += '\r';
          break;
        case 't':
          out += '\t';
          break;
        case 'u': {
          std::uint32_t cp = hex4();
          if (cp >= 0xDC00 && cp <= 0xDFFF) fail("\\u escape: a low surrogate without a high one");
          if (cp >= 0xD800 && cp <= 0xDBFF) {
            if (s_.substr(i_, 2) != "\\u") fail("\\u escape: a high surrogate without a low one");
            i_ += 2;
            const std::uint32_t low = hex4();
            if (low < 0xDC00 || low > 0xDFFF)
              fail("\\u escape: a high surrogate without a low one");
            cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
          }
          append_utf8(out, cp);
          break;
        }
        default:
          --i_;
          fail(std::string("invalid escape '\\") + e + "'");
      }
    }
  }

  std::string_view s_;
  const std::string& file_;
  std::uint64_t line_;
  std::size_t i_ = 0;
  const std::string* field_ = nullptr;
};

}  // namespace

std::vector<JsonField> parse_json_object(std::string_view text, const std::string& file,
                                         std::uint64_t line) {
  return JsonLine(text, file, line).parse();
}

// ---- rows of freqItemsets and associationRules ----

namespace {

struct ItemsetRow {
  std::vector<std::string> items;
  std::uint64_t freq = 0;
};

struct RuleRow {
  std::vector<std::string> antecedent, consequent;
  double confidence = 0;
  std::optional<double> lift, support;
};

// Pairs: the pair counts, in the freqItemsets schema (items, freq) with one or two items a row.
enum class Role { Itemsets, Rules, Pairs };

const char* role_columns(Role role) {
  return role == Role::Itemsets ? "freqItemsets rows have items and freq"
         : role == Role::Pairs  ? "pair count rows have items (one or two) and freq"
                                : "associationRules rows have antecedent, consequent, "
                                  "confidence, lift and support";
}

// Where a row came from; every message about it starts "FILE:LINE: ".
struct Where {
  const std::string* file;
  std::uint64_t line;
  [[noreturn]] void fail(const std::string& what) const {
    throw InputError(at_line(*file, line, what));
  }
};

double parse_double(std::string_view text, const Where& at, const char* field) {
  if (text.empty() || json_number_length(text, 0) != text.size())
    at.fail(std::string(field) + ": expected a number, got '" + std::string(text) + "'");
  double v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size() || !std::isfinite(v))
    at.fail(std::string(field) + ": number out of range: " + std::string(text));
  return v;
}

std::uint64_t parse_count(std::string_view text, const Where& at, const char* field) {
  std::uint64_t v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size())
    at.fail(std::string(field) + ": expected a non-negative integer count, got '" +
            std::string(text) + "'");
  return v;
}

// Spark's CSV convention (docs/spark.md): one column per field, item arrays joined by '|'.
std::vector<std::string> split_items(std::string_view text, const Where& at, const char* field) {
  std::vector<std::string> out;
  if (text.empty()) return out;
  std::size_t start = 0;
  for (;;) {
    const auto k = text.find('|', start);
    out.emplace_back(text.substr(start, k == std::string_view::npos ? text.npos : k - start));
    if (out.back().empty())
      at.fail(std::string(field) + ": an empty item in '" + std::string(text) +
              "' (items are joined by '|')");
    if (k == std::string_view::npos) return out;
    start = k + 1;
  }
}

// The JSON fields of one row, checked against the role's schema.
void from_json(const std::vector<JsonField>& fields, Role role, const Where& at, ItemsetRow* set,
               RuleRow* rule) {
  bool seen[5] = {};
  auto expect = [&](const JsonField& f, JsonField::Kind kind, const char* what) {
    if (f.kind != kind)
      at.fail("field '" + f.name + "': expected " + what +
              (f.kind == JsonField::Kind::String ? ", got the string \"" + f.text + "\"" : ""));
  };
  for (const auto& f : fields) {
    using K = JsonField::Kind;
    if (role != Role::Rules && f.name == "items") {
      expect(f, K::StringArray, "an array of strings");
      set->items = f.strings;
      seen[0] = true;
    } else if (role != Role::Rules && f.name == "freq") {
      expect(f, K::Number, "an integer count");
      set->freq = parse_count(f.text, at, "field 'freq'");
      seen[1] = true;
    } else if (role == Role::Rules && (f.name == "antecedent" || f.name == "consequent")) {
      expect(f, K::StringArray, "an array of strings");
      (f.name == "antecedent" ? rule->antecedent : rule->consequent) = f.strings;
      seen[f.name == "antecedent" ? 0 : 1] = true;
    } else if (role == Role::Rules && f.name == "confidence") {
      expect(f, K::Number, "a number");
      rule->confidence = parse_double(f.text, at, "field 'confidence'");
      seen[2] = true;
    } else if (role == Role::Rules && (f.name == "lift" || f.name == "support")) {
      // Null where Spark did not know it (lift of a model loaded from Spark < 2.4); Spark's
      // writer then usually omits the field altogether.
      if (f.kind != K::Null) {
        expect(f, K::Number, "a number or null");
        (f.name == "lift" ? rule->lift : rule->support) =
            parse_double(f.text, at, f.name == "lift" ? "field 'lift'" : "field 'support'");
      }
    } else {
      at.fail("unexpected field '" + f.name + "' (" + role_columns(role) + ")");
    }
  }
  const char* required[] = {role != Role::Rules ? "items" : "antecedent",
                            role != Role::Rules ? "freq" : "consequent", "confidence"};
  for (int k = 0; k < (role != Role::Rules ? 2 : 3); ++k)
    if (!seen[k])
      at.fail(std::string("missing field '") + required[k] + "' (" + role_columns(role) + ")");
}

// Calls row(where) for each record of one part file, after filling *set or *rule.
template <class F>
void read_part(const std::string& file, std::size_t max_record_bytes, Role role, ItemsetRow* set,
               RuleRow* rule, F&& row) {
  InputFile in(file, max_record_bytes);
  if (detect_spark_format(file, max_record_bytes) == SparkFormat::JsonLines) {
    LineReader lines(in);
    while (lines.next()) {
      const auto text = lines.text();
      if (text.find_first_not_of(" \t\r") == std::string_view::npos) continue;
      const Where at{&file, lines.line()};
      const auto fields = parse_json_object(text, file, lines.line());
      if (set) *set = ItemsetRow{};
      if (rule) *rule = RuleRow{};
      from_json(fields, role, at, set, rule);
      row(at);
    }
    return;
  }
  CsvReader csv(in);
  if (!csv.next()) return;  // an empty part: an empty partition
  const std::vector<std::string> names =
      role != Role::Rules
          ? std::vector<std::string>{"items", "freq"}
          : std::vector<std::string>{"antecedent", "consequent", "confidence", "lift", "support"};
  std::vector<int> column(names.size(), -1);
  for (std::size_t i = 0; i < csv.size(); ++i) {
    const auto name = csv.field(i);
    const auto it = std::find(names.begin(), names.end(), name);
    const Where at{&file, csv.line()};
    if (it == names.end())
      at.fail("unexpected column '" + std::string(name) + "' in the header (" + role_columns(role) +
              "; write with .option('header', True))");
    if (column[it - names.begin()] >= 0) at.fail("duplicate column '" + std::string(name) + "'");
    column[it - names.begin()] = static_cast<int>(i);
  }
  const std::size_t required = role != Role::Rules ? 2 : 3;
  for (std::size_t k = 0; k < required; ++k)
    if (column[k] < 0)
      Where{&file, csv.line()}.fail("the header lacks column '" + names[k] + "' (" +
                                    role_columns(role) + ")");
  const std::size_t width = csv.size();
  while (csv.next()) {
    const Where at{&file, csv.line()};
    if (csv.size() != width)
      at.fail("expected " + std::to_string(width) + " fields as in the header, got " +
              std::to_string(csv.size()));
    auto field = [&](std::size_t k) { return csv.field(static_cast<std::size_t>(column[k])); };
    if (set) {
      *set = ItemsetRow{};
      set->items = split_items(field(0), at, "column 'items'");
      set->freq = parse_count(field(1), at, "column 'freq'");
    } else {
      *rule = RuleRow{};
      rule->antecedent = split_items(field(0), at, "column 'antecedent'");
      rule->consequent = split_items(field(1), at, "column 'consequent'");
      rule->confidence = parse_double(field(2), at, "column 'confidence'");
      for (std::size_t k : {3, 4})
        if (column[k] >= 0 && !field(k).empty())
          (k == 3 ? rule->lift : rule->support) =
              parse_double(field(k), at, k == 3 ? "column 'lift'" : "column 'support'");
    }
    row(at);
  }
}

bool near(double printed, double exact) {
  return std::fabs(printed - exact) <= kSparkTolerance * std::fabs(exact);
}

std::string num(double v) { return format_double(v); }

// A rule as kept in memory between reading and building: its counts, its metrics as printed and
// where it came from; a, b, c are the items (b = kNone for a single antecedent).
constexpr std::uint32_t kNone = UINT32_MAX;
struct RuleRecord {
  std::uint32_t joint, ante, cons;  // freq(X ∪ Y), freq(X), freq(Y)
  double support, lift;             // NaN when absent
  std::uint32_t file;
  std::uint64_t line;
  std::uint32_t a, b, c;  // a, b, c != kNone: a shape the bundle keeps
};

class Importer {
 public:
  explicit Importer(const SparkImportOptions& options) : opt_(options) {}

  SparkImport run(const std::string& created_at, const Catalog* catalog) {
    SparkImport out;
    auto& rep = out.report;
    // Both paths are listed (and found) before anything is read.
    rep.itemset_files = spark_part_files(opt_.itemsets_path, &rep.warnings);
    rep.rule_files = spark_part_files(opt_.rules_path, &rep.warnings);
    if (!opt_.pairs_path.empty()) rep.pair_files = spark_part_files(opt_.pairs_path, &rep.warnings);
    // Rows point at their file's name: the vector must not reallocate.
    files_.reserve(rep.itemset_files.size() + rep.rule_files.size() + rep.pair_files.size());
    read_itemsets(rep);
    read_rules(rep);
    derive_transactions(rep);
    // After the rules, which may name frequent items only: the pairs add the infrequent ones.
    if (!opt_.pairs_path.empty()) read_pairs(rep);
    build(out, created_at, catalog);
    return out;
  }

 private:
  std::string where(std::uint32_t file, std::uint64_t line) const {
    return files_[file] + ":" + std::to_string(line);
  }
  std::string itemset_text(std::span<const ItemId> items) const {
    std::string s = "[";
    for (std::size_t i = 0; i < items.size(); ++i)
      s += (i ? ", " : "") + json_string(dict_.label(items[i]));
    return s + "]";
  }

  void read_itemsets(SparkImportReport& rep) {
    ItemsetRow row;
    std::vector<ItemId> ids;
    for (const auto& file : rep.itemset_files) {
      const auto file_no = static_cast<std::uint32_t>(files_.size());
      files_.push_back(file);
      read_part(files_.back(), opt_.max_record_bytes, Role::Itemsets, &row, nullptr,
                [&](const Where& at) {
                  if (row.items.empty()) at.fail("items: an empty itemset");
                  if (row.freq == 0) at.fail("freq: 0 (a frequent itemset occurs at least once)");
                  if (row.freq > UINT32_MAX)
                    at.fail("freq: " + std::to_string(row.freq) +
                            " exceeds 4294967295, the largest count a bundle stores");
                  ids.clear();
                  for (const auto& label : row.items) ids.push_back(dict_.intern(label));
                  std::sort(ids.begin(), ids.end());
                  if (auto d = std::adjacent_find(ids.begin(), ids.end()); d != ids.end())
                    at.fail("items: " + json_string(dict_.label(*d)) + " appears twice");
                  table_.add(ids, static_cast<std::uint32_t>(row.freq));
                  where_.push_back({file_no, at.line});
                });
    }
    rep.itemsets = table_.size();
    if (table_.size() == 0)
      throw InputError(opt_.itemsets_path + ": no frequent itemsets (the freqItemsets output is " +
                       "empty)");
    index_.emplace(table_);
    single_.assign(dict_.size(), 0);
    for (std::uint32_t r = 0; r < table_.size(); ++r) {
      const auto first = index_->find(table_.itemset(r));
      if (first != r)
        fail_at(r, "items: the itemset " + itemset_text(table_.itemset(r)) +
                       " is listed twice (also at " +
                       where(where_[first].file, where_[first].line) + ")");
      if (table_.itemset(r).size() == 1) single_[table_.itemset(r)[0]] = table_.counts[r];
    }
    std::uint32_t min_count = UINT32_MAX;
    for (std::uint32_t r = 0; r < table_.size(); ++r) {
      min_count = std::min(min_count, table_.counts[r]);
      for (auto item : table_.itemset(r)) {
        if (single_[item] == 0)
          fail_at(r, "items: " + json_string(dict_.label(item)) +
                         " has no itemset of its own; freqItemsets must list every frequent item "
                         "(it is where popularity comes from)");
        if (table_.counts[r] > single_[item])
          fail_at(r, "freq: " + std::to_string(table_.counts[r]) + " exceeds the freq " +
                         std::to_string(single_[item]) + " of its item " +
                         json_string(dict_.label(item)) + " alone");
      }
    }
    rep.items = dict_.size();
    rep.min_count = min_count;
  }

  // The pair counts: every item's basket count and every pair's, checked against each other,
  // against N and against freqItemsets (the same baskets: a frequent item or pair has the same
  // count in both, anything reaching the smallest itemset freq is in freqItemsets).
  void read_pairs(SparkImportReport& rep) {
    const auto frequent = static_cast<ItemId>(dict_.size());
    ItemsetRow row;
    std::vector<ItemId> ids;
    std::vector<std::uint32_t> count;  // per item: its own row's freq, 0 before it
    std::vector<RowWhere> count_where;
    for (const auto& file : rep.pair_files) {
      const auto file_no = static_cast<std::uint32_t>(files_.size());
      files_.push_back(file);
      read_part(
          files_.back(), opt_.max_record_bytes, Role::Pairs, &row, nullptr, [&](const Where& at) {
            if (row.items.empty() || row.items.size() > 2)
              at.fail("items: " + std::to_string(row.items.size()) +
                      " items; a pair count row holds one item (the baskets holding it) or "
                      "two (the baskets holding both)");
            if (row.freq == 0)
              at.fail("freq: 0 (only items and pairs that some basket holds are written)");
            if (row.freq > UINT32_MAX)
              at.fail("freq: " + std::to_string(row.freq) +
                      " exceeds 4294967295, the largest count a bundle stores");
            if (row.freq > rep.transactions)
              at.fail("freq: " + std::to_string(row.freq) +
                      " exceeds N = " + std::to_string(rep.transactions) + " transactions (from " +
                      rep.transactions_from + ")");
            ids.clear();
            for (const auto& label : row.items) ids.push_back(dict_.intern(label));
            if (ids.size() == 2 && ids[0] == ids[1])
              at.fail("items: " + json_string(dict_.label(ids[0])) + " appears twice");
            const auto freq = static_cast<std::uint32_t>(row.freq);
            if (ids.size() == 2) {
              pairs_.push_back(
                  {std::min(ids[0], ids[1]), std::max(ids[0], ids[1]), freq, file_no, at.line});
              return;
            }
            count.resize(dict_.size(), 0);
            count_where.resize(dict_.size());
            const auto i = ids[0];
            if (count[i] != 0)
              at.fail("items: the item " + json_string(dict_.label(i)) +
                      " is listed twice (also at " +
                      where(count_where[i].file, count_where[i].line) + ")");
            count[i] = freq;
            count_where[i] = {file_no, at.line};
          });
    }
    count.resize(dict_.size(), 0);
    count_where.resize(dict_.size());
    rep.pairs = pairs_.size();
    std::sort(pairs_.begin(), pairs_.end(), [](const PairRecord& p, const PairRecord& q) {
      return std::tie(p.a, p.b, p.file, p.line) < std::tie(q.a, q.b, q.file, q.line);
    });
    auto at_pair = [&](const PairRecord& p) { return Where{&files_[p.file], p.line}; };
    auto pair_text = [&](const PairRecord& p) {
      return "[" + json_string(dict_.label(p.a)) + ", " + json_string(dict_.label(p.b)) + "]";
    };
    for (std::size_t k = 0; k < pairs_.size(); ++k) {
      const auto& p = pairs_[k];
      if (k > 0 && pairs_[k - 1].a == p.a && pairs_[k - 1].b == p.b)
        at_pair(p).fail("items: the pair " + pair_text(p) + " is listed twice (also at " +
                        where(pairs_[k - 1].file, pairs_[k - 1].line) + ")");
      for (auto i : {p.a, p.b}) {
        if (count[i] == 0)
          at_pair(p).fail("items: " + json_string(dict_.label(i)) +
                          " has no row of its own; the pair counts must list every item's "
                          "basket count");
        if (p.count > count[i])
          at_pair(p).fail("freq: " + std::to_string(p.count) + " exceeds the basket count " +
                          std::to_string(count[i]) + " of its item " + json_string(dict_.label(i)) +
                          " (" + where(count_where[i].file, count_where[i].line) + ")");
      }
    }
    // Frequent items and pairs: the same counts as freqItemsets. Anything else: below its
    // smallest freq, or FPGrowth would have listed it.
    for (ItemId i = 0; i < dict_.size(); ++i) {
      const Where at{&files_[count_where[i].file], count_where[i].line};
      if (i < frequent) {
        if (count[i] == 0)
          throw InputError(opt_.pairs_path + ": the item " + json_string(dict_.label(i)) +
                           " of freqItemsets has no row; the pair counts must come from the "
                           "same baskets");
        if (count[i] != single_[i])
          at.fail("freq: " + std::to_string(count[i]) + " for " + json_string(dict_.label(i)) +
                  ", but freqItemsets gives it " + std::to_string(single_[i]) +
                  "; the outputs do not come from the same baskets");
      } else if (count[i] >= rep.min_count) {
        at.fail("freq: " + std::to_string(count[i]) + " for " + json_string(dict_.label(i)) +
                " reaches the smallest itemset freq " + std::to_string(rep.min_count) +
                ", but the item is not in freqItemsets; the outputs do not come from one run");
      }
    }
    std::size_t matched = 0;
    for (const auto& p : pairs_) {
      const ItemId both[] = {p.a, p.b};
      const auto r = p.b < frequent ? index_->find(both) : ItemsetIndex::npos;
      if (r != ItemsetIndex::npos) {
        ++matched;
        if (table_.counts[r] != p.count)
          at_pair(p).fail("freq: " + std::to_string(p.count) + " for the pair " + pair_text(p) +
                          ", but freqItemsets gives it " + std::to_string(table_.counts[r]) +
                          " at " + where(where_[r].file, where_[r].line));
      } else if (p.count >= rep.min_count) {
        at_pair(p).fail("freq: " + std::to_string(p.count) + " for the pair " + pair_text(p) +
                        " reaches the smallest itemset freq " + std::to_string(rep.min_count) +
                        ", but the pair is not in freqItemsets; the outputs do not come from "
                        "one run");
      }
    }
    std::size_t in_table = 0;
    for (std::uint32_t r = 0; r < table_.size(); ++r) in_table += table_.itemset(r).size() == 2;
    for (std::uint32_t r = 0; matched < in_table && r < table_.size(); ++r) {
      const auto set = table_.itemset(r);
      if (set.size() != 2) continue;
      const PairRecord key{std::min(set[0], set[1]), std::max(set[0], set[1]), 0, 0, 0};
      if (!std::binary_search(pairs_.begin(), pairs_.end(), key,
                              [](const PairRecord& p, const PairRecord& q) {
                                return std::tie(p.a, p.b) < std::tie(q.a, q.b);
                              }))
        fail_at(r, "items: the pair " + itemset_text(set) + " is not in the pair counts (" +
                       opt_.pairs_path + "); they must come from the same baskets");
    }
    rep.infrequent_items = dict_.size() - frequent;
    single_ = std::move(count);
  }

  [[noreturn]] void fail_at(std::uint32_t row, const std::string& what) const {
    throw InputError(at_line(files_[where_[row].file], where_[row].line, what));
  }

  // Sorted ids of `labels`, or a failure naming the side.
  void map_side(const std::vector<std::string>& labels, std::vector<ItemId>& ids, const Where& at,
                const char* side) const {
    ids.clear();
    if (labels.empty()) at.fail(std::string(side) + ": empty");
    for (const auto& label : labels) {
      const auto id = dict_.find(label);
      if (id == dict_.size())
        at.fail(std::string(side) + ": item " + json_string(label) +
                " is not in freqItemsets (the itemsets and rules must come from the same model)");
      ids.push_back(id);
    }
    std::sort(ids.begin(), ids.end());
    if (auto d = std::adjacent_find(ids.begin(), ids.end()); d != ids.end())
      at.fail(std::string(side) + ": " + json_string(dict_.label(*d)) + " appears twice");
  }

  std::uint32_t count_of(std::span<const ItemId> items, const Where& at, const char* what) const {
    const auto r = index_->find(items);
    if (r == ItemsetIndex::npos)
      at.fail("the itemset " + itemset_text(items) + " (" + what +
              ") is not in freqItemsets; the rule cannot be checked or counted");
    return table_.counts[r];
  }

  void read_rules(SparkImportReport& rep) {
    RuleRow row;
    std::vector<ItemId> x, y, u;
    double min_conf = std::numeric_limits<double>::infinity();
    for (const auto& file : rep.rule_files) {
      const auto file_no = static_cast<std::uint32_t>(files_.size());
      files_.push_back(file);
      read_part(
          files_.back(), opt_.max_record_bytes, Role::Rules, nullptr, &row, [&](const Where& at) {
            map_side(row.antecedent, x, at, "antecedent");
            map_side(row.consequent, y, at, "consequent");
            u.clear();
            std::set_union(x.begin(), x.end(), y.begin(), y.end(), std::back_inserter(u));
            if (u.size() != x.size() + y.size()) at.fail("antecedent and consequent share an item");
            const auto fx = count_of(x, at, "the antecedent");
            const auto fy = count_of(y, at, "the consequent");
            const auto fu = count_of(u, at, "antecedent and consequent together");
            if (fu > fx || fu > fy)
              at.fail(
                  "freqItemsets is inconsistent: freq " + std::to_string(fu) + " of " +
                  itemset_text(u) + " exceeds the freq of its part " +
                  itemset_text(fu > fx ? std::span<const ItemId>(x) : std::span<const ItemId>(y)));
            const double conf = static_cast<double>(fu) / fx;
            if (!near(row.confidence, conf))
              at.fail("confidence: " + num(row.confidence) +
                      " does not match freq(antecedent ∪ consequent) / freq(antecedent) = " +
                      std::to_string(fu) + "/" + std::to_string(fx) + " = " + num(conf));
            min_conf = std::min(min_conf, row.confidence);
            RuleRecord r{fu,
                         fx,
                         fy,
                         row.support.value_or(NAN),
                         row.lift.value_or(NAN),
                         file_no,
                         at.line,
                         kNone,
                         kNone,
                         kNone};
            if (y.size() > 1) {
              ++rep.skipped_consequent;
            } else if (x.size() > 2) {
              ++rep.skipped_antecedent;
            } else {
              r.a = x[0];
              r.b = x.size() == 2 ? x[1] : kNone;
              r.c = y[0];
            }
            rules_.push_back(r);
          });
    }
    rep.rules = rules_.size();
    rep.min_confidence = rules_.empty() ? 0.0 : min_conf;
  }

  // N from support = freq(X ∪ Y) / N (or, without support, lift = freq(X ∪ Y)·N / (freq(X)·
  // freq(Y))), the same on every rule; then every printed support and lift checked against it.
  void derive_transactions(SparkImportReport& rep) {
    std::uint64_t n = opt_.transactions;
    std::string from = n ? "--transactions" : "";
    auto implied = [&](const RuleRecord& r, const Where& at) -> std::uint64_t {
      double v;
      if (!std::isnan(r.support)) {
        if (!(r.support > 0 && r.support <= 1 + kSparkTolerance))
          at.fail("support: must be in (0, 1], got " + num(r.support));
        v = r.joint / r.support;
      } else if (!std::isnan(r.lift)) {
        if (!(r.lift > 0)) at.fail("lift: must be positive, got " + num(r.lift));
        v = r.lift * r.ante * static_cast<double>(r.cons) / r.joint;
      } else {
        return 0;
      }
      if (!(v < 9007199254740992.0))
        at.fail("the number of transactions it implies is out of range");
      return static_cast<std::uint64_t>(std::llround(v));
    };
    for (const auto& r : rules_) {
      const Where at{&files_[r.file], r.line};
      const auto k = implied(r, at);
      if (k == 0 && std::isnan(r.support) && std::isnan(r.lift)) continue;
      const char* via = std::isnan(r.support) ? "lift" : "support";
      if (k < r.ante)
        at.fail(std::string(via) + ": " + num(std::isnan(r.support) ? r.lift : r.support) +
                " implies " + std::to_string(k) + " transactions, fewer than the freq " +
                std::to_string(r.ante) + " of the antecedent");
      if (n == 0) {
        n = k;
        from = where(r.file, r.line);
      } else if (k != n) {
        at.fail(std::string(via) + ": " + num(std::isnan(r.support) ? r.lift : r.support) +
                " implies N = " + std::to_string(k) + " transactions (freq(antecedent ∪ " +
                "consequent) = " + std::to_string(r.joint) + "), but " + from +
                " implies N = " + std::to_string(n) + "; the rules do not come from one model");
      }
    }
    if (n == 0)
      throw InputError(opt_.rules_path + ": cannot derive the number of transactions: " +
                       (rules_.empty() ? std::string("there are no rules")
                                       : std::string("no rule has a support or lift")) +
                       " (pass --transactions N)");
    for (const auto& r : rules_) {
      const Where at{&files_[r.file], r.line};
      const double support = static_cast<double>(r.joint) / static_cast<double>(n);
      if (!std::isnan(r.support) && !near(r.support, support))
        at.fail("support: " + num(r.support) +
                " does not match freq(antecedent ∪ consequent) / N = " + std::to_string(r.joint) +
                "/" + std::to_string(n) + " = " + num(support));
      // As Spark computes it: confidence / (freq(Y) / N).
      const double lift = (static_cast<double>(r.joint) / r.ante) /
                          (static_cast<double>(r.cons) / static_cast<double>(n));
      if (!std::isnan(r.lift) && !near(r.lift, lift))
        at.fail("lift: " + num(r.lift) + " does not match confidence · N / freq(consequent) = " +
                num(lift) + " (N = " + std::to_string(n) + " from " + from + ")");
    }
    for (std::uint32_t r = 0; r < table_.size(); ++r)
      if (table_.counts[r] > n)
        fail_at(r, "freq: " + std::to_string(table_.counts[r]) +
                       " exceeds N = " + std::to_string(n) + " transactions (from " + from + ")");
    rep.transactions = n;
    rep.transactions_from = from;
  }

  void build(SparkImport& out, const std::string& created_at, const Catalog* catalog) {
    auto& c = out.content;
    auto& rep = out.report;
    // The miner's numbering: descending popularity, ties by label.
    const auto n_items = static_cast<std::uint32_t>(dict_.size());
    std::vector<ItemId> order(n_items), id(n_items);
    for (std::uint32_t i = 0; i < n_items; ++i) order[i] = i;
    std::sort(order.begin(), order.end(), [&](ItemId a, ItemId b) {
      return single_[a] != single_[b] ? single_[a] > single_[b] : dict_.label(a) < dict_.label(b);
    });
    for (std::uint32_t k = 0; k < n_items; ++k) {
      id[order[k]] = k;
      c.labels.push_back(dict_.label(order[k]));
      c.popularity.push_back(single_[order[k]]);
    }
    c.transactions = rep.transactions;

    std::vector<RuleRecord> kept;
    for (auto r : rules_) {
      if (r.a == kNone) continue;
      r.a = id[r.a];
      r.c = id[r.c];
      if (r.b != kNone) {
        r.b = id[r.b];
        if (r.b < r.a) std::swap(r.a, r.b);
      }
      kept.push_back(r);
    }
    rules_.clear();
    rules_.shrink_to_fit();
    std::sort(kept.begin(), kept.end(), [](const RuleRecord& p, const RuleRecord& q) {
      return std::tie(p.a, p.b, p.c, p.file, p.line) < std::tie(q.a, q.b, q.c, q.file, q.line);
    });
    std::vector<RuleEntry> group;
    for (std::size_t i = 0; i < kept.size();) {
      const auto a = kept[i].a, b = kept[i].b;
      const auto pair_count = kept[i].ante;
      group.clear();
      for (; i < kept.size() && kept[i].a == a && kept[i].b == b; ++i) {
        if (!group.empty() && group.back().consequent == kept[i].c)
          throw InputError(at_line(files_[kept[i].file], kept[i].line,
                                   "duplicate rule: the same antecedent and consequent as " +
                                       where(kept[i - 1].file, kept[i - 1].line)));
        group.push_back({kept[i].c, kept[i].joint});
      }
      const auto before = group.size();
      keep_strongest_rules(group, opt_.max_rules_per_antecedent);
      rep.capped += before - group.size();
      for (const auto& e : group) {
        if (b == kNone) {
          c.single_rules.emplace_back(a, e);
        } else {
          c.pair_rules.push_back({a, b, pair_count, e});
        }
      }
    }
    rep.single_rules = c.single_rules.size();
    rep.pair_rules = c.pair_rules.size();
    std::optional<PairSections> sections;
    if (!opt_.pairs_path.empty()) {
      ItemPairCounts counts;
      counts.support = c.popularity;
      counts.pairs.reserve(pairs_.size());
      for (const auto& p : pairs_)
        counts.pairs.push_back({std::min(id[p.a], id[p.b]), std::max(id[p.a], id[p.b]), p.count});
      pairs_ = {};
      sections = pair_sections(counts, opt_.sections, opt_.threads);
      c.neighbours = std::move(sections->neighbours);
      c.learned = std::move(sections->learned);
      rep.neighbours = c.neighbours.size();
      rep.learned = c.learned.size();
    }
    if (catalog) {
      add_catalog_fields(c, *catalog);  // unsold catalog items too, as mine does by default
      c.similar = similar_names(c, kDefaultSimilarPerItem);
    }

    c.meta = {
        {"created_at", created_at},
        {"source", "spark"},
        {"spark_itemsets", opt_.itemsets_path},
        {"spark_rules", opt_.rules_path},
        {"transactions", std::to_string(rep.transactions)},
        {"items", std::to_string(n_items)},
        {"min_count", std::to_string(rep.min_count)},
        {"min_support",
         format_double(static_cast<double>(rep.min_count) / static_cast<double>(rep.transactions))},
        {"max_len", "0"},
        {"min_confidence", format_double(rep.min_confidence)},
        {"min_lift", "0"},
        {"max_rules_per_antecedent", std::to_string(opt_.max_rules_per_antecedent)},
    };
    if (sections) {
      c.meta.emplace_back("spark_pairs", opt_.pairs_path);
      for (auto& entry : pair_section_meta(opt_.sections, *sections))
        c.meta.push_back(std::move(entry));
    }
    c.meta.insert(
        c.meta.end(),
        {
            {"algorithm", "spark-fpgrowth"},
            {"frequent_itemsets", std::to_string(rep.itemsets)},
            {"rules_mined", std::to_string(rep.rules)},
            {"derived",
             (opt_.transactions
                  ? "transactions given with --transactions and checked on every "
                    "rule's support"
                  : "transactions from the rules' support (" + rep.transactions_from + ")") +
                 std::string(
                     "; min_count = the smallest itemset freq, min_support = min_count / "
                     "transactions, min_confidence = the smallest rule confidence: Spark's "
                     "own minSupport and minConfidence are not in its outputs, these are the "
                     "tightest thresholds that select the same itemsets and rules")},
        });
  }

  const SparkImportOptions& opt_;
  std::vector<std::string> files_;  // itemset, rule, then pair files (reserved: never reallocated)
  ItemDictionary dict_;             // import order; renumbered in build()
  ItemsetTable table_;
  struct RowWhere {
    std::uint32_t file;
    std::uint64_t line;
  };
  std::vector<RowWhere> where_;  // per itemset row
  std::optional<ItemsetIndex> index_;
  std::vector<std::uint32_t> single_;  // per item: freq of its own itemset
  std::vector<RuleRecord> rules_;
  struct PairRecord {
    ItemId a, b;  // a < b, import ids
    std::uint32_t count;
    std::uint32_t file;
    std::uint64_t line;
  };
  std::vector<PairRecord> pairs_;
};

}  // namespace

SparkImport import_spark(const SparkImportOptions& options, const std::string& created_at,
                         const Catalog* catalog) {
  return Importer(options).run(created_at, catalog);
}

}  // namespace basketlift
