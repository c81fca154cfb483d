// Text forms shared by every writer and message: numbers that read back exactly, CSV and JSON
// quoting, itemsets as labels.
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "model/transactions.hpp"

namespace basketlift {

// Shortest text that reads back as the same double; "inf" for infinity.
std::string format_double(double v);

// Quotes a CSV field when it holds a comma, quote or line break.
std::string csv_field(std::string_view s);

// A JSON string literal, escaped.
std::string json_string(std::string_view s);

// An item id in a file whose separators are `specials`: each of them and the backslash get a
// backslash before them, and control bytes become \xHH, so every line splits back into the ids
// it was made of. Ids without any of these are written as they are.
std::string escape_id(std::string_view id, std::string_view specials);

// Text for a terminal: control bytes and DEL become \xHH, so an id read from data cannot move
// the cursor, clear the screen or change colours.
std::string printable(std::string_view s);

// Labels of an itemset joined by `sep`, in the table's (frequency) order; with `specials`, each
// label escaped for a file whose separators they are (escape_id).
std::string join_labels(const ItemDictionary& dict, std::span<const ItemId> items,
                        std::string_view sep, std::string_view specials = {});

}  // namespace basketlift
