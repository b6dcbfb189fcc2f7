// Joining words for messages and records: one definition for the harness (it had five).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace aicert {

// The items with `sep` between them ("a, b, c"); nothing is put before the first non-empty one.
inline std::string join(const std::vector<std::string>& items, std::string_view sep) {
  std::string out;
  for (const std::string& item : items) {
    if (!out.empty()) out += sep;
    out += item;
  }
  return out;
}

}  // namespace aicert
