// Calendar days (dates.hpp): parse_day / format_day against a day-by-day calendar walk written
// here, hand-counted anchors, time suffixes and rejections.
#include <string>

#include "model/dates.hpp"
#include "test_util.hpp"

namespace {

using basketlift::format_day;
using basketlift::parse_day;

bool leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }
int month_length(int y, int m) {
  static const int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && leap(y) ? 29 : kDays[m - 1];
}
std::string ymd(int y, int m, int d) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", y, m, d);
  return buf;
}
std::int32_t day_of(std::string_view s) {
  std::int32_t d = -999999;
  INFO(s);
  REQUIRE(parse_day(s, d));
  return d;
}

}  // namespace

TEST_CASE("hand-counted anchor days", "[kinds][dates]") {
  CHECK(day_of("1970-01-01") == 0);
  CHECK(day_of("1969-12-31") == -1);
  CHECK(day_of("1970-03-01") == 31 + 28);
  // 1970..2010 are 41 years with 10 leap years (1972, 76, 80, 84, 88, 92, 96, 2000, 04, 08):
  // 2011-01-01 = 41*365 + 10 = 14975. Jan..Nov 2011 = 31+28+31+30+31+30+31+31+30+31+30 = 334,
  // so 2011-12-09 = 14975 + 334 + 8 = 15317 (the last day of Online Retail).
  CHECK(day_of("2011-01-01") == 14975);
  CHECK(day_of("2011-12-09") == 15317);
  CHECK(day_of("2010-12-01") == 14975 - 31);  // the first day of Online Retail
  // 2000-01-01 = 30*365 + 7 leap years (72..96) = 10957; +31 (Jan) +28 = Feb 29.
  CHECK(day_of("2000-01-01") == 10957);
  CHECK(day_of("2000-02-29") == 10957 + 59);
  CHECK(day_of("2000-03-01") == 10957 + 60);
  CHECK(format_day(15317) == "2011-12-09");
  CHECK(format_day(0) == "1970-01-01");
  CHECK(format_day(-1) == "1969-12-31");
  CHECK(format_day(11016) == "2000-02-29");
}

TEST_CASE("parse_day and format_day agree with a day-by-day calendar walk, 1600..2400",
          "[kinds][dates]") {
  // Day number of 1600-01-01, counted year by year back from 1970.
  std::int32_t day = 0;
  for (int y = 1600; y < 1970; ++y) day -= leap(y) ? 366 : 365;
  int mismatches = 0;
  std::int32_t parsed = 0;
  for (int y = 1600; y <= 2400; ++y) {
    for (int m = 1; m <= 12; ++m) {
      for (int d = 1; d <= month_length(y, m); ++d, ++day) {
        const auto text = ymd(y, m, d);
        const bool ok = parse_day(text, parsed) && parsed == day && format_day(day) == text;
        if (!ok && ++mismatches <= 5) CHECK(text == format_day(day));  // shows the first few
      }
    }
  }
  CHECK(mismatches == 0);
  CHECK(day == day_of("2401-01-01"));
}

TEST_CASE("leap days: 2000-02-29 and 2400-02-29 exist, 1900-02-29 and 2100-02-29 do not",
          "[kinds][dates]") {
  std::int32_t d = 12345;
  CHECK(parse_day("2000-02-29", d));
  CHECK(parse_day("2400-02-29", d));
  CHECK(parse_day("2012-02-29", d));
  d = 12345;
  CHECK_FALSE(parse_day("1900-02-29", d));
  CHECK_FALSE(parse_day("2100-02-29", d));
  CHECK_FALSE(parse_day("2011-02-29", d));
  CHECK_FALSE(parse_day("2012-02-30", d));
  CHECK(d == 12345);  // untouched on failure
}

TEST_CASE("a time after the date is checked, then ignored; anything else after it is rejected",
          "[kinds][dates]") {
  const auto base = day_of("2011-12-09");
  // kDayForms: SQL and ISO 8601 / RFC 3339 timestamps, fractions, Z and offsets.
  for (const char* ok :
       {"2011-12-09 12:50:00", "2011-12-09T23:59:59Z", "2011-12-09 00:00", "2011-12-09T08:26",
        "2011-12-09 08:26:00.5", "2011-12-09T08:26:00.123456789Z", "2011-12-09T08:26:00+01:00",
        "2011-12-09T08:26:00-0530", "2011-12-09T08:26+14", "2011-12-09 23:59:60",
        "2011-12-09T00:00:00.000Z"}) {
    INFO(ok);
    CHECK(day_of(ok) == base);  // the date as written, whatever the offset
  }
  std::int32_t d = 12345;
  for (const char* bad :
       {"2011-12-09X", "2011-12-0912:00", "2011-12-09,12:00",
        // Trailing garbage after a date or a time used to be ignored.
        "2011-12-09T", "2011-12-09 ", "2011-12-09 junk", "2011-12-09 08:26:00 junk",
        "2011-12-09 08:26:00 ", "2011-12-09T08:26:00ZZ", "2011-12-09 08:26:00,5",
        "2011-12-09 08:26:00.", "2011-12-09 08:26:00.1234567890", "2011-12-09 8:26",
        "2011-12-09 08:6", "2011-12-09 08", "2011-12-09 24:00", "2011-12-09 08:60",
        "2011-12-09 08:26:61", "2011-12-09 08:26:00+", "2011-12-09 08:26:00+1",
        "2011-12-09 08:26:00+01:", "2011-12-09 08:26:00+01:60", "2011-12-09 08:26:00+24",
        "2011-12-09 08:26:00+01:00:00", "2011-12-09 08:26:00 +01:00", "2011-12-09  08:26"}) {
    INFO("'" << bad << "'");
    CHECK_FALSE(parse_day(bad, d));
  }
  CHECK(d == 12345);
}

TEST_CASE("malformed dates are rejected", "[kinds][dates]") {
  std::int32_t d;
  for (const char* bad : {"",
                          "2011",
                          "2011-12",
                          "2011-12-9",
                          "2011-1-09",
                          "11-12-09",
                          "2011/12/09",
                          "2011.12.09",
                          "20111209",
                          " 2011-12-09",
                          "2011-12-09\n",
                          "2011-13-01",
                          "2011-00-10",
                          "2011-12-00",
                          "2011-12-32",
                          "2011-04-31",
                          "2011-06-31",
                          "2011-09-31",
                          "2011-11-31",
                          "+011-12-09",
                          "-011-12-09",
                          "2O11-12-09",
                          "2011-1a-09",
                          "12/9/2011",
                          "9/12/2011 08:26"}) {
    INFO("'" << bad << "'");
    CHECK_FALSE(parse_day(bad, d));
  }
}

TEST_CASE("month ends are accepted exactly up to their length", "[kinds][dates]") {
  std::int32_t d;
  for (int m = 1; m <= 12; ++m) {
    for (int y : {2011, 2012}) {
      INFO(y << "-" << m);
      CHECK(parse_day(ymd(y, m, month_length(y, m)), d));
      CHECK_FALSE(parse_day(ymd(y, m, month_length(y, m) + 1), d));
      // The first of the next month is one day later.
      const int ny = m == 12 ? y + 1 : y, nm = m == 12 ? 1 : m + 1;
      CHECK(day_of(ymd(ny, nm, 1)) - day_of(ymd(y, m, month_length(y, m))) == 1);
    }
  }
}
