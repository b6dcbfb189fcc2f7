// Implementation families: see implementation_family.h.
#include "reports/implementation_family.h"

#include <array>

namespace aicert {

std::string implementation_family(std::string_view impl) {
  const std::size_t colon = impl.find(':');
  const std::string_view own = colon == std::string_view::npos ? impl : impl.substr(colon + 1);
  // The vendor libraries the backends call (and those the coming HIP, Level Zero and oneDNN
  // implementations will): a new one joins here so that cross-hardware rows keep matching.
  static constexpr std::array<std::string_view, 12> kVendorLibraries{
      "cblas", "clblast", "cublas", "cublaslt", "cudnn", "nccl", "rccl", "rocblas", "hipblas",
      "hipblaslt", "onednn", "oneccl"};
  for (std::string_view v : kVendorLibraries) {
    if (own == v) return "vendor";
  }
  if (impl == "mpi:native") return "vendor";  // the MPI library's own collectives
  return std::string(own);
}

}  // namespace aicert
