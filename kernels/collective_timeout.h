// AICERT_COLLECTIVE_TIMEOUT_S (default 60 s): how long a collective may wait for its peer ranks
// before it is reported as an error. Header-only, shared by the backends that run collectives.
#pragma once

#include <cstdlib>
#include <stdexcept>
#include <string>

namespace aicert {

// Throws std::invalid_argument for a value that is not a positive number of seconds.
inline double collective_timeout_s() {
  const char* text = std::getenv("AICERT_COLLECTIVE_TIMEOUT_S");
  if (text == nullptr || *text == '\0') return 60.0;
  char* end = nullptr;
  const double t = std::strtod(text, &end);
  if (end == text || *end != '\0' || !(t > 0)) {
    throw std::invalid_argument(std::string("AICERT_COLLECTIVE_TIMEOUT_S='") + text +
                                "' is not a positive number of seconds");
  }
  return t;
}

}  // namespace aicert
