// A case's inputs, reference, check and bandwidth, from the descriptor of its workload.
#include "harness/workload_dispatch.h"

#include "workloads/workload_registry.h"

namespace aicert {

HostTensors make_case_tensors(const CaseSpec& c) {
  return workload_of(c.spec).make_tensors(c.spec, c.seed);
}

std::optional<ReferenceCache::Lookup> case_reference(const CaseSpec& c, const HostTensors& inputs) {
  return workload_of(c.spec).reference(c.spec, inputs);
}

CheckResult check_case(const CaseSpec& c, const HostTensors& inputs, const HostTensors& outputs,
                       const Reference* reference) {
  return workload_of(c.spec).check(c.spec, c.tolerance_c, inputs, outputs, reference);
}

std::optional<Bandwidth> case_bandwidth(const CaseSpec& c, double median_ms) {
  return workload_of(c.spec).bandwidth(c.spec, median_ms);
}

}  // namespace aicert
