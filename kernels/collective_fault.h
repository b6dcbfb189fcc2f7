// Fault injection of the collective kernels, for tests: the one parser of the backends'
// AICERT_<BACKEND>_COLLECTIVE_FAULT variables (cpu: AICERT_CPU_COLLECTIVE_FAULT, cuda:
// AICERT_NCCL_COLLECTIVE_FAULT, mpi: AICERT_MPI_COLLECTIVE_FAULT). Header-only, so every plugin
// parses with the same rule; each backend names its own variable and the kinds it can inject.
//
// A value is KIND:RANK, KIND one of the backend's kinds and RANK a decimal rank >= 0 (digits
// only: no sign, no blank). Unset or empty: no fault. A value that is not KIND:RANK, or whose
// KIND the backend does not inject, is std::invalid_argument naming the variable, the value and
// what is allowed. A RANK outside the case's ranks injects nothing.
#pragma once

#include <charconv>
#include <cstdlib>
#include <initializer_list>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace aicert {

enum class FaultKind {
  fail,     // the rank throws instead of taking part
  hang,     // the rank never takes part (the others wait until the timeout)
  corrupt,  // the rank's output gets one wrong element
};

inline constexpr std::string_view fault_kind_name(FaultKind k) {
  switch (k) {
    case FaultKind::fail:
      return "fail";
    case FaultKind::hang:
      return "hang";
    case FaultKind::corrupt:
      return "corrupt";
  }
  return "?";
}

struct CollectiveFault {
  FaultKind kind = FaultKind::fail;
  int rank = 0;
  bool operator==(const CollectiveFault&) const = default;
};

// VALUE of VAR as a fault among ALLOWED; see the header comment. An empty VALUE is no fault.
inline std::optional<CollectiveFault> parse_collective_fault(
    std::string_view var, std::string_view value, std::initializer_list<FaultKind> allowed) {
  if (value.empty()) return std::nullopt;
  const auto colon = value.find(':');
  const std::string_view kind = value.substr(0, colon);
  const std::string_view rank =
      colon == std::string_view::npos ? std::string_view() : value.substr(colon + 1);
  std::optional<CollectiveFault> fault;
  for (const FaultKind k : allowed) {
    if (kind == fault_kind_name(k)) fault = CollectiveFault{k, 0};
  }
  int r = -1;
  bool ok = fault.has_value() && !rank.empty();
  if (ok) {
    const auto [end, ec] = std::from_chars(rank.data(), rank.data() + rank.size(), r);
    ok = ec == std::errc() && end == rank.data() + rank.size() && r >= 0;
  }
  if (!ok) {
    std::string expected;
    std::size_t i = 0;
    for (const FaultKind k : allowed) {
      if (i > 0) expected += i + 1 == allowed.size() ? " or " : ", ";
      expected += std::string(fault_kind_name(k)) + ":RANK";
      ++i;
    }
    throw std::invalid_argument(std::string(var) + "='" + std::string(value) + "' is not " +
                                expected + " (RANK a rank number >= 0)");
  }
  fault->rank = r;
  return fault;
}

// Reads VAR from the environment; see parse_collective_fault.
inline std::optional<CollectiveFault> collective_fault_from_env(
    const char* var, std::initializer_list<FaultKind> allowed) {
  const char* text = std::getenv(var);
  return parse_collective_fault(var, text == nullptr ? std::string_view() : text, allowed);
}

}  // namespace aicert
