// Helpers shared by every workload descriptor; see workload.h.
#include "workloads/workload.h"

#include <algorithm>
#include <cmath>
#include <sstream>

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

std::int64_t elements_in(double bytes, DType t, std::string_view what) {
  const double elements = std::floor(bytes / static_cast<double>(dtype_size(t)));
  if (!(elements <= 0x1p62)) {  // also NaN
    std::ostringstream text;
    text << what << " of " << bytes << " bytes is larger than any memory";
    throw WorkloadOptionError{text.str()};
  }
  return std::max<std::int64_t>(1, static_cast<std::int64_t>(elements));
}

}  // namespace aicert
