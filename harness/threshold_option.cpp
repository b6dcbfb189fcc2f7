// Parsing of a percentage option; see threshold_option.h.
#include "harness/threshold_option.h"

#include <stdexcept>

#include "harness/exit_codes.h"

namespace aicert {

double parse_threshold_percent(const std::string& text) {
  std::string t = text;
  if (!t.empty() && t.back() == '%') t.pop_back();
  std::size_t used = 0;
  double v = -1;
  try {
    v = std::stod(t, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used != t.size() || !(v >= 0) || v >= 1000) {
    throw UsageError{"--threshold '" + text + "' is not a percentage like 5%"};
  }
  return v;
}

}  // namespace aicert
