// A case: one workload instance (shape, dtype, ...) with the seed of its inputs.
// WorkloadSpec has one alternative per workload: this line is the registry's list (each
// alternative's descriptor is declared in workloads/<name>_workload.h; see workload_registry.h).
#pragma once

#include <cstdint>
#include <string>
#include <variant>

#include "workloads/attention_spec.h"
#include "workloads/collective_spec.h"
#include "workloads/gemm_spec.h"
#include "workloads/peak_spec.h"
#include "workloads/stream_spec.h"

namespace aicert {

using WorkloadSpec =
    std::variant<GemmSpec, AttentionSpec, CollectiveSpec, StreamSpec, PeakSpec>;

struct CaseSpec {
  WorkloadSpec spec;
  std::uint64_t seed = 42;
  double tolerance_c =
      0;  // safety factor of the check; 0: the workload's own (a profile may set it)
};

std::string_view workload_name(const WorkloadSpec& spec);
DType workload_dtype(const WorkloadSpec& spec);
double workload_flops(const WorkloadSpec& spec);

}  // namespace aicert
