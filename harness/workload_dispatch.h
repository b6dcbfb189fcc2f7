// The harness's only switch over workloads: make a case's inputs and check its outputs.
// A new workload adds one alternative to WorkloadSpec and one branch per function here.
#pragma once

#include "workloads/case_spec.h"
#include "workloads/check_result.h"
#include "workloads/host_tensors.h"

namespace aicert {

HostTensors make_case_tensors(const CaseSpec& spec);
CheckResult check_case(const CaseSpec& spec, const HostTensors& inputs,
                       const HostTensors& outputs);

}  // namespace aicert
