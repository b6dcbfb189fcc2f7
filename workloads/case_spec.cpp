// Workload-independent accessors over the case spec variant. They ask the spec types alone (not
// the descriptors of workload_registry.h), so plugins that call them stay free of the fp64
// references and of BLAS.
#include "workloads/case_spec.h"

namespace aicert {

std::string_view workload_name(const WorkloadSpec& spec) {
  return std::visit([](const auto& s) { return s.kWorkload; }, spec);
}

DType workload_dtype(const WorkloadSpec& spec) {
  return std::visit([](const auto& s) { return s.dtype; }, spec);
}

double workload_flops(const WorkloadSpec& spec) {
  return std::visit([](const auto& s) { return s.flops(); }, spec);
}

}  // namespace aicert
