// Calendar days as integers (days since 1970-01-01), parsed without the C library's time zone
// machinery so native and wasm agree and nothing depends on the machine's clock or locale.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace basketlift {

// The forms parse_day accepts, for messages and docs: a calendar date, optionally followed by a
// space or 'T' and a time of day (ISO 8601 / RFC 3339 and SQL timestamps). The time, fraction
// and offset are checked, then ignored: the day is the date as written.
inline constexpr const char* kDayForms =
    "YYYY-MM-DD, optionally followed by ' ' or 'T' and HH:MM[:SS[.fraction]][Z|+HH[:MM]|-HH[:MM]]";

// Days since 1970-01-01 of a text in one of kDayForms, and nothing else: no leading or trailing
// spaces, no other text after the time. Years 0000-9999; leaves `day` alone on failure.
bool parse_day(std::string_view text, std::int32_t& day);
std::string format_day(std::int32_t day);

}  // namespace basketlift
