// A case: one workload instance (shape, dtype, ...) with the seed of its inputs.
// The spec is a variant so that attention and collectives plug in beside GEMM.
#pragma once

#include <cstdint>
#include <string>
#include <variant>

#include "workloads/attention_spec.h"
#include "workloads/collective_spec.h"
#include "workloads/gemm_spec.h"

namespace aicert {

using WorkloadSpec = std::variant<GemmSpec, AttentionSpec, CollectiveSpec>;

struct CaseSpec {
  WorkloadSpec spec;
  std::uint64_t seed = 42;
  double tolerance_c = 0;  // safety factor of the check; 0: the workload's own (a profile may set it)
};

std::string_view workload_name(const WorkloadSpec& spec);
DType workload_dtype(const WorkloadSpec& spec);
double workload_flops(const WorkloadSpec& spec);
// Human-readable shape, e.g. "17x33x65 NT", "1,16,4,2048,128 causal" or
// "allreduce-sum/r2/4096B"; the part after a space is a variant of the shape (layout, mask)
// that case ids keep as its own field.
std::string workload_shape(const WorkloadSpec& spec);

}  // namespace aicert
