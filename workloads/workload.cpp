// Helpers shared by every workload descriptor; see workload.h.
#include "workloads/workload.h"

#include <algorithm>

namespace aicert {

std::string_view figure_unit(Figure f) {
  switch (f) {
    case Figure::gflops:
      return "GFLOP/s";
    case Figure::busbw_gbps:
      return "GB/s busbw";
    case Figure::gbps:
      return "GB/s";
  }
  return "?";
}

std::vector<DType> dtypes_to_run(const Workload& w, const WorkloadOptions& o) {
  const std::vector<DType> accepted = w.dtypes();
  std::vector<DType> out;
  for (const auto& name : o.dtypes) {
    const auto t = parse_dtype(name);
    if (!t || std::find(accepted.begin(), accepted.end(), *t) == accepted.end()) {
      throw WorkloadOptionError{"unknown dtype '" + name + "' for " + std::string(w.name()) +
                                " (known: " + dtype_names(accepted) + ")"};
    }
    out.push_back(*t);
  }
  return out.empty() ? w.default_dtypes() : out;
}

}  // namespace aicert
