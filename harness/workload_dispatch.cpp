// Dispatch of input generation and checking to the workload of a case.
#include "harness/workload_dispatch.h"

#include "workloads/attention_workload.h"
#include "workloads/gemm_workload.h"

namespace aicert {

namespace {
template <class... Fs>
struct Overloaded : Fs... {
  using Fs::operator()...;
};
template <class... Fs>
Overloaded(Fs...) -> Overloaded<Fs...>;
}  // namespace

HostTensors make_case_tensors(const CaseSpec& c) {
  return std::visit(
      Overloaded{[&](const GemmSpec& g) { return make_gemm_tensors(g, c.seed); },
                 [&](const AttentionSpec& a) { return make_attention_tensors(a, c.seed); }},
      c.spec);
}

CheckResult check_case(const CaseSpec& c, const HostTensors& inputs, const HostTensors& outputs) {
  return std::visit(
      Overloaded{
          [&](const GemmSpec& g) { return check_gemm(g, inputs, outputs, c.tolerance_c); },
          [&](const AttentionSpec& a) { return check_attention(a, inputs, outputs, c.tolerance_c); }},
      c.spec);
}

}  // namespace aicert
