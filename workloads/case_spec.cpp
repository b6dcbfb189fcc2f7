// Workload-independent accessors over the case spec variant.
#include "workloads/case_spec.h"

namespace aicert {

namespace {
template <class... Fs>
struct Overloaded : Fs... {
  using Fs::operator()...;
};
template <class... Fs>
Overloaded(Fs...) -> Overloaded<Fs...>;
}  // namespace

std::string_view workload_name(const WorkloadSpec& spec) {
  return std::visit(Overloaded{[](const GemmSpec&) { return std::string_view("gemm"); },
                               [](const AttentionSpec&) { return std::string_view("attention"); },
                               [](const CollectiveSpec&) { return std::string_view("collective"); }},
                    spec);
}

DType workload_dtype(const WorkloadSpec& spec) {
  return std::visit([](const auto& s) { return s.dtype; }, spec);
}

double workload_flops(const WorkloadSpec& spec) {
  return std::visit([](const auto& s) { return s.flops(); }, spec);
}

std::string workload_shape(const WorkloadSpec& spec) {
  return std::visit(Overloaded{[](const GemmSpec& g) {
                                 return g.shape_string() + " " + std::string(layout_name(g.layout));
                               },
                               [](const AttentionSpec& a) {
                                 return a.shape_string() + (a.causal ? " causal" : " full");
                               },
                               [](const CollectiveSpec& c) { return c.shape_string(); }},
                    spec);
}

}  // namespace aicert
