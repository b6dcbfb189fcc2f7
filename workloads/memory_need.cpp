// Memory amounts in messages; see memory_need.h.
#include "workloads/memory_need.h"

#include <cstdio>

namespace aicert {

std::string memory_text(double bytes) {
  static const char* const kUnits[] = {"KiB", "MiB", "GiB", "TiB", "PiB"};
  if (!(bytes >= 1024)) return std::to_string(static_cast<long long>(bytes)) + " B";
  int unit = -1;
  while (bytes >= 1024 && unit < 4) {
    bytes /= 1024;
    ++unit;
  }
  char text[48];
  std::snprintf(text, sizeof text, "%.1f %s", bytes, kUnits[unit]);
  return text;
}

std::string memory_shortfall(double needed, double available) {
  return "needs " + memory_text(needed) + ", more than the " + memory_text(available) +
         " available";
}

}  // namespace aicert
