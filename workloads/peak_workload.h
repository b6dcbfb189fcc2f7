// Peak workload (compute-bound multiply-add loops per unit and dtype; see peak_spec.h):
// seeded inputs, the exact expected result and its check.
//
// Exactness: X holds integers in [-kPeakInputBound, kPeakInputBound] and A integers in 1..3,
// so every partial sum of the loop (X, then X + sum(A), then X again, ...) is an integer below
// 2^11, exact in fp32 and in every product and accumulation a unit does; an odd count of steps
// ends at Y = X + sum(A) in every lane. The check allows no difference at all.
//
// What the check proves, and what it cannot: it proves that every lane's accumulator went
// through the unit's arithmetic with the right operands and came back to the right place (a
// kernel that does nothing, or misses a lane, or swaps lanes, fails: Y != X). It does not count
// the steps (an odd count below `steps` ends at the same Y); that the work was done is what the
// time says, and a peak far above the nominal estimate of the device says the opposite.
#pragma once

#include <cstdint>

#include "workloads/check_result.h"
#include "workloads/host_tensors.h"
#include "workloads/peak_spec.h"
#include "workloads/workload.h"

namespace aicert {

inline constexpr int kPeakInputBound = 1024;

// Tensors "X" (lanes fp32, integers), "A" (depth() values of the dtype, integers 1..3) and the
// output "Y" (lanes fp32, zeroed).
HostTensors make_peak_tensors(const PeakSpec& spec, std::uint64_t seed);

// The exact tolerance written into the report.
Tolerance peak_tolerance(const PeakSpec& spec);

// Checks Y = X + sum(A) in every lane.
CheckResult check_peak(const PeakSpec& spec, const HostTensors& inputs, const HostTensors& outputs);

// The peak workload's descriptor: vector fp32/bf16/fp16 and matrix bf16/fp16 at
// "vector:1048576x4097" and "matrix:1048576x4097" by default; checked exactly; GFLOP/s.
template <>
const Workload& descriptor_for<PeakSpec>();

}  // namespace aicert
