// Calendar days as integers (days since 1970-01-01), parsed without the C library's time zone
// machinery so native and wasm agree and nothing depends on the machine's clock or locale.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace basketlift {

// Accepts "YYYY-MM-DD", optionally followed by ' ' or 'T' and a time (ignored).
bool parse_day(std::string_view text, std::int32_t& day);
std::string format_day(std::int32_t day);

}  // namespace basketlift
