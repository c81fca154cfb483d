// Exact thresholds. "--min-support 0.01" and "--min-confidence 0.1" are parsed as decimal
// fractions (never as binary floating point), so a rule with confidence exactly 0.1 passes 0.1
// and ceil(F*N) is the integer a person would compute.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace basketlift {

// num / den with both below 2^60, so products with 64-bit counts fit in 128 bits.
struct Fraction {
  std::uint64_t num = 0;
  std::uint64_t den = 1;
  double value() const { return static_cast<double>(num) / static_cast<double>(den); }
};

// Parses a non-negative decimal ("0.1", "5", "2.5e-3"). Throws InputError naming `field`.
Fraction parse_fraction(std::string_view text, const std::string& field);

// ceil(f * n), at least 1.
std::uint32_t min_count_for_support(Fraction f, std::uint64_t n);

// a/b >= f, exactly.
inline bool ratio_at_least(unsigned __int128 a, unsigned __int128 b, Fraction f) {
  return a * f.den >= b * f.num;
}

}  // namespace basketlift
