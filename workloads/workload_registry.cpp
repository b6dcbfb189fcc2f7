// The registry of workloads; see workload_registry.h. The list is built from WorkloadSpec's
// alternatives, so it cannot fall out of step with the variant: an alternative whose workload
// header declares no descriptor_for<> specialisation does not compile.
#include "workloads/workload_registry.h"

#include <stdexcept>
#include <utility>

#include "workloads/attention_workload.h"
#include "workloads/collective_workload.h"
#include "workloads/gemm_workload.h"
#include "workloads/peak_workload.h"
#include "workloads/stream_workload.h"

namespace aicert {

namespace {
template <std::size_t... I>
std::vector<const Workload*> descriptors(std::index_sequence<I...>) {
  return {&descriptor_for<std::variant_alternative_t<I, WorkloadSpec>>()...};
}
}  // namespace

const std::vector<const Workload*>& registered_workloads() {
  static const std::vector<const Workload*> list = [] {
    auto l = descriptors(std::make_index_sequence<std::variant_size_v<WorkloadSpec>>());
    for (std::size_t i = 0; i < l.size(); ++i) {
      if (l[i]->variant_index() != i) {
        throw std::logic_error("workload " + std::string(l[i]->name()) +
                               " is registered for the wrong WorkloadSpec alternative");
      }
    }
    return l;
  }();
  return list;
}

const Workload* find_workload(std::string_view name) {
  for (const Workload* w : registered_workloads()) {
    if (w->name() == name) return w;
  }
  return nullptr;
}

const Workload& workload_of(const WorkloadSpec& spec) {
  return *registered_workloads()[spec.index()];
}

std::string workload_shape(const WorkloadSpec& spec) {
  const Workload& w = workload_of(spec);
  const std::string variant = w.shape_variant(spec);
  return variant.empty() ? w.shape(spec) : w.shape(spec) + " " + variant;
}

std::string workload_names() {
  std::string out;
  for (const Workload* w : registered_workloads()) {
    out += (out.empty() ? "" : ", ") + std::string(w->name());
  }
  return out;
}

}  // namespace aicert
