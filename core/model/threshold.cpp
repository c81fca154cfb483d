#include "model/threshold.hpp"

#include <cctype>

#include "model/error.hpp"

namespace basketlift {

namespace {
constexpr std::uint64_t kLimit = std::uint64_t{1} << 60;
}

Fraction parse_fraction(std::string_view text, const std::string& field) {
  auto fail = [&](const char* why) -> Fraction {
    throw InputError(field + ": invalid number '" + std::string(text) + "' (" + why + ")");
  };
  std::size_t i = 0;
  if (i < text.size() && text[i] == '+') ++i;
  std::uint64_t mantissa = 0;
  int scale = 0;  // value = mantissa * 10^-scale
  bool digits = false, dot = false;
  for (; i < text.size(); ++i) {
    char c = text[i];
    if (c == '.' && !dot) {
      dot = true;
      continue;
    }
    if (!std::isdigit(static_cast<unsigned char>(c))) break;
    digits = true;
    if (mantissa == 0 && c == '0') {
      if (dot) ++scale;
      continue;
    }
    if (mantissa >= kLimit / 10) return fail("too many digits");
    mantissa = mantissa * 10 + static_cast<std::uint64_t>(c - '0');
    if (dot) ++scale;
  }
  if (!digits) return fail("not a number");
  if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
    ++i;
    bool neg = false;
    if (i < text.size() && (text[i] == '+' || text[i] == '-')) neg = text[i++] == '-';
    int exp = 0;
    bool exp_digits = false;
    for (; i < text.size() && std::isdigit(static_cast<unsigned char>(text[i])); ++i) {
      exp_digits = true;
      if (exp > 100) return fail("exponent out of range");
      exp = exp * 10 + (text[i] - '0');
    }
    if (!exp_digits) return fail("missing exponent");
    scale += neg ? exp : -exp;
  }
  if (i != text.size()) return fail("unexpected characters");
  Fraction f{mantissa, 1};
  if (mantissa == 0) return f;
  for (; scale < 0; ++scale) {
    if (f.num >= kLimit / 10) return fail("too large");
    f.num *= 10;
  }
  for (; scale > 0; --scale) {
    if (f.den >= kLimit / 10) return fail("too many decimal places");
    f.den *= 10;
  }
  return f;
}

std::uint32_t min_count_for_support(Fraction f, std::uint64_t n) {
  unsigned __int128 prod = static_cast<unsigned __int128>(f.num) * n;
  unsigned __int128 c = (prod + f.den - 1) / f.den;
  if (c < 1) c = 1;
  if (c > UINT32_MAX) c = UINT32_MAX;
  return static_cast<std::uint32_t>(c);
}

}  // namespace basketlift
