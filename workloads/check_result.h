// What a correctness check found, and the tolerance it judged by (both go into the report).
#pragma once

#include <cstdint>
#include <string>

namespace aicert {

// Per element: |out - ref| <= c * (u_acc * g * magnitude + u_out * |ref|) + tiny,
// where magnitude is the same computation on absolute values (e.g. |alpha||A||B| + |beta||C|).
struct Tolerance {
  double c = 0;            // safety factor, fixed per workload
  double u_acc = 0;        // unit roundoff of the accumulation type
  double u_out = 0;        // unit roundoff of the output type
  double g = 0;            // growth with the reduction length, g(K)
  std::string g_formula;   // how g was computed, e.g. "sqrt(K)+2"
  double tiny = 0;         // absolute floor: the smallest subnormal of the output type
  bool exact = false;      // integer-valued workloads: any difference is wrong
};

struct CheckResult {
  std::uint64_t elements = 0;
  std::uint64_t nan_count = 0;
  std::uint64_t inf_count = 0;
  std::uint64_t wrong_count = 0;      // elements over their bound (NaN/Inf included)
  double max_abs_error = 0;
  double max_rel_error = 0;           // max |out-ref| / max |ref|
  double nmse = 0;                    // sum (out-ref)^2 / sum ref^2
  std::int64_t worst_index = -1;      // element with the largest error / bound ratio
  double worst_value = 0, worst_reference = 0, worst_bound = 0;
  std::uint64_t guard_bytes_touched = 0;
  Tolerance tolerance;
  bool passed = false;
  std::string reason;                 // first thing that failed, or empty
};

}  // namespace aicert
