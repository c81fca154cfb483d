// Helpers for the tests of the recommendation kinds ([kinds]): an independent standard normal
// CDF, bundles built by hand, resealing of edited bundles, running the CLI and a small JSON
// reader for its --json output.
#pragma once

#include <sys/wait.h>

#include <cmath>
#include <cstdlib>
#include <cstring>
#include <map>
#include <memory>
#include <string>
#include <variant>
#include <vector>

#include "bundle/bundle.hpp"
#include "ingest/catalog.hpp"
#include "test_util.hpp"

namespace kindstest {

// Standard normal CDF written here, independently of basketlift::normal_cdf:
// Marsaglia's series Phi(x) = 1/2 + phi(x) * sum_k x^(2k+1) / (1*3*5*...*(2k+1)), all terms
// positive for x > 0, symmetry for x < 0. Accurate to ~1e-15 for |x| <= 9; beyond that the
// tail is below 1e-18 and is returned as 0 or 1.
inline double phi_cdf(double x) {
  if (x < 0) return 1.0 - phi_cdf(-x);
  if (x > 9) return 1.0;
  double term = x, sum = x;
  for (int k = 1; k < 1000 && term > 1e-300; ++k) {
    term *= x * x / (2 * k + 1);
    sum += term;
    if (term < sum * 1e-18) break;
  }
  const double density = std::exp(-x * x / 2) / std::sqrt(2 * 3.14159265358979323846);
  return 0.5 + density * sum;
}

// prefix + number. (Not `"literal" + std::to_string(n)`: GCC 12 reports a false -Wrestrict.)
inline std::string tag(const char* prefix, unsigned long long n) {
  std::string s(prefix);
  s += std::to_string(n);
  return s;
}

inline std::unique_ptr<basketlift::Bundle> load(const basketlift::BundleContent& content) {
  std::string error;
  auto bundle = basketlift::Bundle::load(basketlift::encode_bundle(content), error);
  INFO(error);
  REQUIRE(bundle);
  return bundle;
}

// The reader's error for bytes that must not load ("" when they do load).
inline std::string load_error(std::vector<std::uint8_t> bytes) {
  std::string error;
  auto bundle = basketlift::Bundle::load(std::move(bytes), error);
  return bundle ? std::string() : error;
}

// Re-seals a modified bundle (size and checksum) so only the structural checks can reject it.
inline void reseal(std::vector<std::uint8_t>& b) {
  const std::uint64_t size = b.size();
  std::memcpy(b.data() + 16, &size, 8);
  const auto sum = basketlift::checksum64(std::span(b).subspan(32));
  std::memcpy(b.data() + 24, &sum, 8);
}

inline std::uint64_t section_offset(const std::vector<std::uint8_t>& b, basketlift::SectionId id) {
  basketlift::BundleHeader h;
  std::string error;
  REQUIRE(basketlift::read_bundle_header(b, h, error));
  for (const auto& s : h.sections)
    if (s.id == id) return s.offset;
  FAIL("section missing");
  return 0;
}

inline basketlift::Catalog make_catalog(
    const std::vector<std::tuple<std::string, std::string, double>>& rows) {
  basketlift::Catalog c;
  for (const auto& [item, category, price] : rows)
    c.by_item.emplace(item, basketlift::CatalogEntry{"name of " + item, category, price});
  return c;
}

// ---- the CLI as a process ----

using bltest::CliResult;
using bltest::run_cli;
using bltest::shell_quote;

// ---- a strict little JSON reader (enough for the CLI's output) ----

struct Json {
  std::variant<std::nullptr_t, bool, double, std::string, std::vector<Json>,
               std::map<std::string, Json>>
      v;
  bool is_array() const { return std::holds_alternative<std::vector<Json>>(v); }
  bool is_object() const { return std::holds_alternative<std::map<std::string, Json>>(v); }
  const std::vector<Json>& array() const { return std::get<std::vector<Json>>(v); }
  const std::map<std::string, Json>& object() const {
    return std::get<std::map<std::string, Json>>(v);
  }
  const Json& at(const std::string& key) const { return object().at(key); }
  double number() const { return std::get<double>(v); }
  const std::string& string() const { return std::get<std::string>(v); }
};

class JsonParser {
 public:
  explicit JsonParser(std::string_view text) : s_(text) {}
  // Throws std::runtime_error unless the whole text is one JSON value (whitespace around it).
  Json parse() {
    Json j = value();
    ws();
    if (i_ != s_.size()) fail("trailing characters");
    return j;
  }

 private:
  [[noreturn]] void fail(const std::string& what) {
    throw std::runtime_error("JSON: " + what + " at offset " + std::to_string(i_));
  }
  void ws() {
    while (i_ < s_.size() && (s_[i_] == ' ' || s_[i_] == '\n' || s_[i_] == '\t' || s_[i_] == '\r'))
      ++i_;
  }
  bool eat(char c) {
    ws();
    if (i_ < s_.size() && s_[i_] == c) {
      ++i_;
      return true;
    }
    return false;
  }
  Json value() {
    ws();
    if (i_ >= s_.size()) fail("unexpected end");
    const char c = s_[i_];
    if (c == '[') {
      ++i_;
      std::vector<Json> a;
      if (eat(']')) return {a};
      do a.push_back(value());
      while (eat(','));
      if (!eat(']')) fail("expected ]");
      return {a};
    }
    if (c == '{') {
      ++i_;
      std::map<std::string, Json> o;
      if (eat('}')) return {o};
      do {
        ws();
        auto key = str();
        if (!eat(':')) fail("expected :");
        if (!o.emplace(key, value()).second) fail("duplicate key " + key);
      } while (eat(','));
      if (!eat('}')) fail("expected }");
      return {o};
    }
    if (c == '"') return {str()};
    for (const auto& [word, literal] : {std::pair<std::string_view, Json>{"true", Json{true}},
                                        {"false", Json{false}},
                                        {"null", Json{nullptr}}}) {
      if (s_.substr(i_, word.size()) == word) {
        i_ += word.size();
        return literal;
      }
    }
    // number: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
    const std::size_t start = i_;
    auto digits = [&] {
      const std::size_t d = i_;
      while (i_ < s_.size() && s_[i_] >= '0' && s_[i_] <= '9') ++i_;
      if (i_ == d) fail("expected a digit");
    };
    if (s_[i_] == '-') ++i_;
    if (i_ < s_.size() && s_[i_] == '0') {
      ++i_;
    } else {
      digits();
    }
    if (i_ < s_.size() && s_[i_] == '.') {
      ++i_;
      digits();
    }
    if (i_ < s_.size() && (s_[i_] == 'e' || s_[i_] == 'E')) {
      ++i_;
      if (i_ < s_.size() && (s_[i_] == '+' || s_[i_] == '-')) ++i_;
      digits();
    }
    return {std::strtod(std::string(s_.substr(start, i_ - start)).c_str(), nullptr)};
  }
  std::string str() {
    if (i_ >= s_.size() || s_[i_] != '"') fail("expected a string");
    ++i_;
    std::string out;
    while (i_ < s_.size() && s_[i_] != '"') {
      char c = s_[i_++];
      if (static_cast<unsigned char>(c) < 0x20) fail("control character in string");
      if (c == '\\') {
        if (i_ >= s_.size()) fail("bad escape");
        const char e = s_[i_++];
        switch (e) {
          case '"':
          case '\\':
          case '/':
            out += e;
            break;
          case 'n':
            out += '\n';
            break;
          case 't':
            out += '\t';
            break;
          case 'r':
            out += '\r';
            break;
          case 'b':
            out += '\b';
            break;
          case 'f':
            out += '\f';
            break;
          case 'u': {
            if (i_ + 4 > s_.size()) fail("bad \\u escape");
            const unsigned cp =
                static_cast<unsigned>(std::stoul(std::string(s_.substr(i_, 4)), nullptr, 16));
            i_ += 4;
            if (cp >= 0x80) fail("non-ASCII \\u escape not supported here");
            out += static_cast<char>(cp);
            break;
          }
          default:
            fail("bad escape");
        }
      } else {
        out += c;
      }
    }
    if (i_ >= s_.size()) fail("unterminated string");
    ++i_;
    return out;
  }

  std::string_view s_;
  std::size_t i_ = 0;
};

inline Json parse_json(std::string_view text) { return JsonParser(text).parse(); }

}  // namespace kindstest
