// Element-wise comparison of an output against its fp64 reference under the rounding bound of
// DESIGN.md ("bound each element by what rounding can explain"). Shared by every workload.
#pragma once

#include <cstddef>

#include "workloads/check_result.h"
#include "workloads/host_tensors.h"

namespace aicert {

// out: the downloaded output tensor (its guards are checked too).
// reference[i]: exact result from the rounded inputs; magnitude[i]: same on absolute values
// (not read, and may be null, when the tolerance is exact).
CheckResult compare_with_reference(const Tensor& out, const double* reference,
                                   const double* magnitude, const Tolerance& tolerance);

// The smallest positive subnormal of a type: the absolute floor of its bound.
double smallest_subnormal(DType t);

}  // namespace aicert
