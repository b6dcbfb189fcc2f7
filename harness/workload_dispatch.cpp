// Dispatch of input generation and checking to the workload of a case.
#include "harness/workload_dispatch.h"

#include "workloads/attention_workload.h"
#include "workloads/collective_workload.h"
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
                 [&](const AttentionSpec& a) { return make_attention_tensors(a, c.seed); },
                 [&](const CollectiveSpec& s) { return make_collective_tensors(s, c.seed); }},
      c.spec);
}

std::optional<ReferenceCache::Lookup> case_reference(const CaseSpec& c,
                                                     const HostTensors& inputs) {
  return std::visit(
      Overloaded{[&](const GemmSpec& g) -> std::optional<ReferenceCache::Lookup> {
                   return cached_gemm_reference(g, inputs);
                 },
                 [&](const AttentionSpec& a) -> std::optional<ReferenceCache::Lookup> {
                   return cached_attention_reference(a, inputs);
                 },
                 [&](const CollectiveSpec&) -> std::optional<ReferenceCache::Lookup> {
                   return std::nullopt;
                 }},
      c.spec);
}

CheckResult check_case(const CaseSpec& c, const HostTensors& inputs, const HostTensors& outputs,
                       const Reference* reference) {
  return std::visit(
      Overloaded{[&](const GemmSpec& g) {
                   return reference ? check_gemm_against(g, *reference, outputs, c.tolerance_c)
                                    : check_gemm(g, inputs, outputs, c.tolerance_c);
                 },
                 [&](const AttentionSpec& a) {
                   return reference
                              ? check_attention_against(a, *reference, outputs, c.tolerance_c)
                              : check_attention(a, inputs, outputs, c.tolerance_c);
                 },
                 [&](const CollectiveSpec& s) { return check_collective(s, inputs, outputs); }},
      c.spec);
}

std::optional<Bandwidth> case_bandwidth(const CaseSpec& c, double median_ms) {
  const auto* s = std::get_if<CollectiveSpec>(&c.spec);
  if (s == nullptr || !(median_ms > 0)) return std::nullopt;
  Bandwidth b;
  b.bytes = s->bytes();
  b.algbw_gbps = b.bytes / (median_ms * 1e6);
  b.bus_factor = s->bus_factor();
  b.busbw_gbps = b.algbw_gbps * b.bus_factor;
  b.latency_us = median_ms * 1e3;
  return b;
}

}  // namespace aicert
