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

// Labels of an itemset joined by `sep`, in the table's (frequency) order.
std::string join_labels(const ItemDictionary& dict, std::span<const ItemId> items,
                        std::string_view sep);

}  // namespace basketlift
