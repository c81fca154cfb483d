// Exact thresholds: decimal fractions parsed without binary floating point, and
// ceil(F * N) computed in integers.
#include <cmath>

#include "model/error.hpp"
#include "model/threshold.hpp"
#include "test_util.hpp"

namespace {

using namespace basketlift;

// f == num/den as a ratio (not necessarily in lowest terms).
bool equals(Fraction f, std::uint64_t num, std::uint64_t den) {
  return static_cast<unsigned __int128>(f.num) * den == static_cast<unsigned __int128>(num) * f.den;
}

}  // namespace

TEST_CASE("parse_fraction accepts decimals and exponents", "[threshold]") {
  CHECK(equals(parse_fraction("0.1", "x"), 1, 10));
  CHECK(equals(parse_fraction("1", "x"), 1, 1));
  CHECK(equals(parse_fraction("2.5e-3", "x"), 1, 400));
  CHECK(equals(parse_fraction(".5", "x"), 1, 2));
  CHECK(equals(parse_fraction("1e0", "x"), 1, 1));
  CHECK(equals(parse_fraction("5", "x"), 5, 1));
  CHECK(equals(parse_fraction("0", "x"), 0, 1));
  CHECK(equals(parse_fraction("0.000", "x"), 0, 1));
  CHECK(equals(parse_fraction("+0.25", "x"), 1, 4));
  CHECK(equals(parse_fraction("1.", "x"), 1, 1));
  CHECK(equals(parse_fraction("0.005", "x"), 1, 200));
  CHECK(equals(parse_fraction("0.07", "x"), 7, 100));
  CHECK(equals(parse_fraction("1E-2", "x"), 1, 100));
  CHECK(equals(parse_fraction("12.5e+1", "x"), 125, 1));
  CHECK(equals(parse_fraction("0.0010", "x"), 1, 1000));
  CHECK(parse_fraction("0.1", "x").value() == 0.1);
  // Not 0.1 + binary noise: 0.3 is 3/10, so 3/10 of 10 is exactly 3.
  CHECK(equals(parse_fraction("0.3", "x"), 3, 10));
}

TEST_CASE("parse_fraction rejects what is not a non-negative decimal", "[threshold]") {
  for (const char* bad : {"abc", "-0.1", "1..2", "", "0.1x", ".", "e5", "1e", "1e+", "0x10", " 0.1",
                          "0.1 ", "1,5", "--1", "1e-", "nan", "inf"}) {
    CAPTURE(bad);
    CHECK_THROWS_AS(parse_fraction(bad, "--min-support"), InputError);
  }
  // The message names the option and the offending text.
  try {
    parse_fraction("0.1x", "--min-confidence");
    FAIL("no exception");
  } catch (const InputError& e) {
    CHECK(bltest::contains(e.what(), "--min-confidence"));
    CHECK(bltest::contains(e.what(), "0.1x"));
  }
  // Absurd sizes are rejected instead of overflowing.
  CHECK_THROWS_AS(parse_fraction("1e99999", "x"), InputError);
  CHECK_THROWS_AS(parse_fraction("123456789012345678901234567890", "x"), InputError);
  CHECK_THROWS_AS(parse_fraction("1e-40", "x"), InputError);
}

TEST_CASE("min_count_for_support is ceil(F*N) in exact arithmetic", "[threshold]") {
  auto count = [](const char* f, std::uint64_t n) {
    return min_count_for_support(parse_fraction(f, "--min-support"), n);
  };
  CHECK(count("0.1", 30) == 3);
  CHECK(count("0.3", 10) == 3);
  // The floating-point trap: 0.07 * 100 = 7.000000000000001 and 0.14 * 50 = 7.000000000000001
  // in doubles (checked with Python), so ceil() in doubles would give 8.
  CHECK(std::ceil(0.07 * 100) == 8.0);
  CHECK(std::ceil(0.14 * 50) == 8.0);
  CHECK(count("0.07", 100) == 7);
  CHECK(count("0.14", 50) == 7);
  CHECK(count("0.005", 88162) == 441);  // 440.81 -> 441
  CHECK(count("0.001", 88162) == 89);   // 88.162 -> 89
  CHECK(count("0.0005", 88162) == 45);  // 44.081 -> 45
  CHECK(count("0.0001", 88162) == 9);   // 8.8162 -> 9
  CHECK(count("0.01", 9835) == 99);     // 98.35 -> 99
  CHECK(count("1", 100) == 100);
  CHECK(count("0.5", 7) == 4);  // 3.5 -> 4
  CHECK(count("0.5", 8) == 4);  // exactly 4
  // Never below 1.
  CHECK(count("1e-9", 100) == 1);
  CHECK(count("0.0000001", 1) == 1);
  CHECK(min_count_for_support(Fraction{0, 1}, 1000) == 1);

  // Every 3-decimal fraction d/1000 against integer ceil((d*n + 999) / 1000).
  for (std::uint64_t d = 1; d <= 1000; d += 7) {
    for (std::uint64_t n : {1ull, 3ull, 30ull, 100ull, 999ull, 1000ull, 88162ull, 100000ull}) {
      std::string text =
          "0." + std::string(3 - std::to_string(d % 1000).size(), '0') + std::to_string(d % 1000);
      if (d == 1000) text = "1.000";
      std::uint64_t expected = std::max<std::uint64_t>(1, (d * n + 999) / 1000);
      CAPTURE(text, n);
      REQUIRE(min_count_for_support(parse_fraction(text, "x"), n) == expected);
    }
  }
}

TEST_CASE("ratio_at_least compares a/b >= num/den exactly", "[threshold]") {
  const Fraction tenth = parse_fraction("0.1", "x");
  CHECK(ratio_at_least(1, 10, tenth));
  CHECK(ratio_at_least(3, 30, tenth));
  CHECK_FALSE(ratio_at_least(9, 91, tenth));
  CHECK(ratio_at_least(0, 5, Fraction{0, 1}));
  CHECK_FALSE(ratio_at_least(1, 3, parse_fraction("0.3333333333333334", "x")));
  CHECK(ratio_at_least(1, 3, parse_fraction("0.3333333333333333", "x")));
}
