// AICERT_COLLECTIVE_TIMEOUT_S: how long a collective may wait for its peer ranks before it is
// reported as an error (cpu:shm fails the case, mpi:native and the MPI bootstrap abort the job,
// cuda:nccl aborts its communicators). The one reader of the variable; header-only, so every
// backend plugin (and the harness) reads it with the same rule.
//
// Unset or empty: 60 s. Otherwise a number of seconds in (0, 86400]: positive, finite and at most
// one day (a larger value is a typo, such as milliseconds, more likely than a wish; and the
// deadline must stay representable as a clock time point). Anything else, "soon", "0", "-1",
// "inf", "nan" or "5s", is std::invalid_argument naming the variable and the value.
#pragma once

#include <cstdlib>
#include <stdexcept>
#include <string>

namespace aicert {

inline constexpr const char* kCollectiveTimeoutEnv = "AICERT_COLLECTIVE_TIMEOUT_S";
inline constexpr double kDefaultCollectiveTimeoutS = 60.0;
inline constexpr double kMaxCollectiveTimeoutS = 86400.0;

inline double collective_timeout_s() {
  const char* text = std::getenv(kCollectiveTimeoutEnv);
  if (text == nullptr || *text == '\0') return kDefaultCollectiveTimeoutS;
  char* end = nullptr;
  const double t = std::strtod(text, &end);
  if (end == text || *end != '\0' || !(t > 0) || !(t <= kMaxCollectiveTimeoutS)) {
    throw std::invalid_argument(std::string(kCollectiveTimeoutEnv) + "='" + text +
                                "' is not a number of seconds in (0, 86400]");
  }
  return t;
}

}  // namespace aicert
