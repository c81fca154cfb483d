#include "model/dates.hpp"

#include <string>

namespace basketlift {

namespace {

// Howard Hinnant's days_from_civil / civil_from_days.
std::int32_t days_from_civil(int y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int>(doe) - 719468;
}

bool digits(std::string_view s, std::size_t at, std::size_t n, int& out) {
  out = 0;
  for (std::size_t i = at; i < at + n; ++i) {
    if (i >= s.size() || s[i] < '0' || s[i] > '9') return false;
    out = out * 10 + (s[i] - '0');
  }
  return true;
}

// What may follow the date (kDayForms): " HH:MM", then ":SS", then ".fraction" (1 to 9 digits),
// then "Z" or an offset "+HH", "+HH:MM", "+HHMM" (or '-'); 'T' for the space. The whole rest of
// the text must be that: "2011-12-09 08:26:00 junk" is not a date.
bool valid_time(std::string_view t) {
  int hh, mm, ss;
  if (t.empty() || (t[0] != ' ' && t[0] != 'T')) return false;
  if (!digits(t, 1, 2, hh) || t.size() < 6 || t[3] != ':' || !digits(t, 4, 2, mm) || hh > 23 ||
      mm > 59)
    return false;
  std::size_t i = 6;
  if (i < t.size() && t[i] == ':') {
    if (!digits(t, i + 1, 2, ss) || ss > 60) return false;  // 60: a leap second
    i += 3;
    if (i < t.size() && t[i] == '.') {
      std::size_t k = i + 1;
      while (k < t.size() && t[k] >= '0' && t[k] <= '9') ++k;
      if (k == i + 1 || k - i - 1 > 9) return false;
      i = k;
    }
  }
  if (i == t.size()) return true;
  if (t[i] == 'Z') return i + 1 == t.size();
  if (t[i] != '+' && t[i] != '-') return false;
  int oh, om;
  if (!digits(t, i + 1, 2, oh) || oh > 23) return false;
  i += 3;
  if (i == t.size()) return true;
  if (t[i] == ':') ++i;
  return digits(t, i, 2, om) && om <= 59 && i + 2 == t.size();
}

}  // namespace

bool parse_day(std::string_view s, std::int32_t& day) {
  int y, m, d;
  if (!digits(s, 0, 4, y) || s.size() < 10 || s[4] != '-' || !digits(s, 5, 2, m) || s[7] != '-' ||
      !digits(s, 8, 2, d))
    return false;
  if (s.size() > 10 && !valid_time(s.substr(10))) return false;
  static constexpr int kDays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (m < 1 || m > 12 || d < 1 || d > kDays[m - 1]) return false;
  const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  if (m == 2 && d == 29 && !leap) return false;
  day = days_from_civil(y, static_cast<unsigned>(m), static_cast<unsigned>(d));
  return true;
}

std::string format_day(std::int32_t z) {
  z += 719468;
  const int era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int y = static_cast<int>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  // By hand, not snprintf: printf's formatter would be most of the wasm's libc (package size).
  const int year = y + (m <= 2);
  std::string out = year < 0 ? "-" : "";
  const std::string digits = std::to_string(year < 0 ? -year : year);
  const std::size_t width = year < 0 ? 3 : 4;  // as printf's %04d: the sign counts
  out.append(digits.size() < width ? width - digits.size() : 0, '0').append(digits);
  const auto two = [&out](unsigned v) {
    out += '-';
    out += static_cast<char>('0' + v / 10);
    out += static_cast<char>('0' + v % 10);
  };
  two(m);
  two(d);
  return out;
}

}  // namespace basketlift
