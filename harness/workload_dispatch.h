// A case's inputs, reference, check and bandwidth: the case runner's view of the workload
// registry (each call goes to the descriptor of the case's workload; none is named here).
#pragma once

#include <optional>

#include "reports/case_result.h"
#include "workloads/case_spec.h"
#include "workloads/check_result.h"
#include "workloads/host_tensors.h"
#include "workloads/reference_cache.h"

namespace aicert {

HostTensors make_case_tensors(const CaseSpec& spec);
// Bytes moved and bandwidths of a data-movement case at the given time; empty for a workload
// measured in flops.
std::optional<Bandwidth> case_bandwidth(const CaseSpec& spec, double median_ms);
// The fp64 reference of a floating-point case from the process's reference cache (computed on
// a miss); empty for a workload checked exactly against its inputs (collectives).
std::optional<ReferenceCache::Lookup> case_reference(const CaseSpec& spec,
                                                     const HostTensors& inputs);
// Checks outputs; `reference` is case_reference()'s (null for exactly checked workloads).
CheckResult check_case(const CaseSpec& spec, const HostTensors& inputs, const HostTensors& outputs,
                       const Reference* reference);

}  // namespace aicert
