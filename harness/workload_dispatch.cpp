// Dispatch of input generation and checking to the workload of a case.
#include "harness/workload_dispatch.h"

#include "workloads/gemm_workload.h"

namespace aicert {

HostTensors make_case_tensors(const CaseSpec& c) {
  return std::visit([&](const GemmSpec& g) { return make_gemm_tensors(g, c.seed); }, c.spec);
}

CheckResult check_case(const CaseSpec& c, const HostTensors& inputs, const HostTensors& outputs) {
  return std::visit([&](const GemmSpec& g) { return check_gemm(g, inputs, outputs, c.tolerance_c); }, c.spec);
}

}  // namespace aicert
