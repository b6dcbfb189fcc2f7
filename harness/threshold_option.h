// The --threshold option of compare and fleet: a percentage like "5%", "5" or "0.5%".
#pragma once

#include <string>

namespace aicert {

// Throws UsageError naming the option when `text` is not a percentage in [0, 1000).
double parse_threshold_percent(const std::string& text);

}  // namespace aicert
