// GEMM workload: seeded operands, the fp64 host reference and the check of a result.
#pragma once

#include <cstdint>
#include <vector>

#include "workloads/check_result.h"
#include "workloads/gemm_reference.h"
#include "workloads/gemm_spec.h"
#include "workloads/host_tensors.h"
#include "workloads/reference_cache.h"
#include "workloads/workload.h"

namespace aicert {

// Tensors "A" (MxK, or KxM for TN), "B" (KxN, or NxK for NT) and "C" (MxN, input and output),
// filled from the seed and rounded to spec.dtype. A and B are seeded by logical index, so every
// layout of one seed and shape multiplies the same matrices (and shares one reference).
HostTensors make_gemm_tensors(const GemmSpec& spec, std::uint64_t seed);

// The reference of these inputs from the process's reference cache (computed on a miss).
ReferenceCache::Lookup cached_gemm_reference(const GemmSpec& spec, const HostTensors& inputs);

// The tolerance of DESIGN.md for this spec: c=3, u_acc=2^-24, u_out of the dtype,
// g = sqrt(K) + 2 (the +2 covers the alpha scaling and the beta*C add).
Tolerance gemm_tolerance(const GemmSpec& spec);

// Checks output "C" of `outputs` against a reference; a positive `c_override` replaces the
// safety factor c of gemm_tolerance().
CheckResult check_gemm_against(const GemmSpec& spec, const Reference& reference,
                               const HostTensors& outputs, double c_override = 0);

// The same with the (cached) reference of `inputs`.
CheckResult check_gemm(const GemmSpec& spec, const HostTensors& inputs, const HostTensors& outputs,
                       double c_override = 0);

// The GEMM workload's descriptor: shapes "MxNxK" (a comma-separated list is several shapes),
// layouts NN NT TN, fp32 fp16 bf16 (fp8e4m3 when named), alpha and beta; reports GFLOP/s.
template <>
const Workload& descriptor_for<GemmSpec>();

}  // namespace aicert
