// Stream workload (memory bandwidth, BabelStream's copy, mul, add, triad and dot; see
// stream_spec.h): integer-valued seeded inputs, the exact expected result and its check.
//
// Exactness: A and B hold integers in [-kStreamInputBound, kStreamInputBound] = [-1024, 1024].
// s * A, A + B and A + s * B (s = 3) are then integers below 2^13, exact in fp32 however a kernel
// computes them (FMA or not). Every product A[i] * B[i] is an integer below 2^21, exact in fp32,
// and a dot kernel accumulates in fp64, where every partial sum of at most 2^31 such products is
// an integer below 2^52 and exact in any order; S is that sum rounded once to fp32. So every
// correct kernel gives the same bits and the check allows no difference at all.
#pragma once

#include <cstdint>

#include "workloads/check_result.h"
#include "workloads/host_tensors.h"
#include "workloads/stream_spec.h"
#include "workloads/workload.h"

namespace aicert {

inline constexpr int kStreamInputBound = 1024;

// Tensors "A" (and "B" for add, triad and dot), and the output "C" of count elements (copy, mul,
// add, triad) or "S" of one element (dot), zeroed.
HostTensors make_stream_tensors(const StreamSpec& spec, std::uint64_t seed);

// The exact tolerance written into the report (exact = true).
Tolerance stream_tolerance(const StreamSpec& spec);

// Checks the output of `outputs` against the result computed from the inputs of `inputs`.
CheckResult check_stream(const StreamSpec& spec, const HostTensors& inputs,
                         const HostTensors& outputs);

// The stream workload's descriptor: the five ops over arrays of the sizes given (default
// 256 MiB per array, BabelStream's default), fp32, checked exactly; reports GB/s.
template <>
const Workload& descriptor_for<StreamSpec>();

}  // namespace aicert
