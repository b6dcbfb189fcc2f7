// Error metrics: NaN/Inf counts, max abs/relative error, NMSE, wrong elements, guard check.
#include "workloads/error_metrics.h"

#include <cmath>
#include <sstream>

namespace aicert {

double smallest_subnormal(DType t) {
  switch (t) {
    case DType::fp32: return std::ldexp(1.0, -149);
    case DType::fp16: return std::ldexp(1.0, -24);
    case DType::bf16: return std::ldexp(1.0, -133);
    case DType::int32: return 0.0;
    case DType::fp8e4m3: return std::ldexp(1.0, -9);
  }
  return 0;
}

CheckResult compare_with_reference(const Tensor& out, const double* reference,
                                   const double* magnitude, const Tolerance& tol) {
  CheckResult r;
  r.tolerance = tol;
  r.elements = out.elements();
  r.guard_bytes_touched = out.buffer.touched_guard_bytes();
  double sum_sq_err = 0, sum_sq_ref = 0, max_ref = 0, worst_ratio = -1;
  for (std::size_t i = 0; i < r.elements; ++i) {
    const double v = load_as_float(out.data(), out.dtype, i);
    const double ref = reference[i];
    max_ref = std::max(max_ref, std::fabs(ref));
    sum_sq_ref += ref * ref;
    if (std::isnan(v)) ++r.nan_count;
    if (std::isinf(v)) ++r.inf_count;
    const double err = std::fabs(v - ref);
    const double bound =
        tol.exact ? 0.0
                  : tol.c * (tol.u_acc * tol.g * magnitude[i] + tol.u_out * std::fabs(ref)) +
                        tol.tiny;
    if (!std::isfinite(v)) {
      ++r.wrong_count;
      if (worst_ratio < INFINITY) {
        worst_ratio = INFINITY;
        r.worst_index = static_cast<std::int64_t>(i);
        r.worst_value = v;
        r.worst_reference = ref;
        r.worst_bound = bound;
      }
      continue;
    }
    sum_sq_err += err * err;
    r.max_abs_error = std::max(r.max_abs_error, err);
    if (err > bound) ++r.wrong_count;
    const double ratio = bound > 0 ? err / bound : (err > 0 ? INFINITY : 0.0);
    if (ratio > worst_ratio) {
      worst_ratio = ratio;
      r.worst_index = static_cast<std::int64_t>(i);
      r.worst_value = v;
      r.worst_reference = ref;
      r.worst_bound = bound;
    }
  }
  r.max_rel_error = max_ref > 0 ? r.max_abs_error / max_ref : r.max_abs_error;
  r.nmse = sum_sq_ref > 0 ? sum_sq_err / sum_sq_ref : sum_sq_err;

  std::ostringstream why;
  if (r.guard_bytes_touched > 0) {
    why << r.guard_bytes_touched << " sentinel guard bytes around output " << out.name
        << " were overwritten (write out of bounds)";
  } else if (r.nan_count > 0 || r.inf_count > 0) {
    why << r.nan_count << " NaN and " << r.inf_count << " Inf in output " << out.name
        << " (first bad element " << r.worst_index << ")";
  } else if (r.wrong_count > 0) {
    why << r.wrong_count << " of " << r.elements << " elements of " << out.name
        << " outside their bound; worst element " << r.worst_index << ": got "
        << r.worst_value << ", reference " << r.worst_reference << ", bound "
        << r.worst_bound;
  }
  r.reason = why.str();
  r.passed = r.reason.empty();
  return r;
}

}  // namespace aicert
