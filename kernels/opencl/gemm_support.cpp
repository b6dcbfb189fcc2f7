// Support decisions for the OpenCL GEMM implementations.
#include "kernels/opencl/gemm_support.h"

#include <algorithm>
#include <cstdint>

#include "workloads/host_tensors.h"

namespace aicert::opencl {

std::string gemm_unsupported_reason(const DeviceCaps& caps, const GemmSpec& spec,
                                    std::string_view impl) {
  if (!caps.available) return "not supported: device " + caps.name + " is not available";
  if (!caps.compiler_available) {
    // Both implementations build OpenCL C source at run time (CLBlast too).
    return "not supported: device " + caps.name + " has no OpenCL C compiler";
  }
  if (spec.dtype == DType::fp8e4m3) {
    return "not supported: OpenCL C has no fp8 type; the opencl backend runs fp32/fp16/bf16 GEMM";
  }
  if (spec.dtype == DType::fp16 && !caps.has_fp16()) {
    return "not supported: device " + caps.name + " lacks cl_khr_fp16";
  }
  if (impl == kClblastImpl && spec.dtype == DType::bf16) {
    return "not supported: CLBlast has no bf16 GEMM (only Sgemm/Dgemm/Hgemm)";
  }
  if (impl == kClblastImpl && spec.k == 0) {
    // CLBlast's Xgemm checks m, n, k > 0 and returns CLBlastInvalidDimension otherwise.
    return "not supported: CLBlast rejects K=0 (CLBlastInvalidDimension)";
  }
  // The kernels index with 32-bit ints (and step K by a tile): keep well inside their range.
  constexpr std::int64_t kMaxDim = std::int64_t{1} << 30;
  if (spec.m > kMaxDim || spec.n > kMaxDim || spec.k > kMaxDim) {
    return "not supported: a dimension exceeds 2^30, the kernels' index range";
  }
  const double elem = static_cast<double>(dtype_size(spec.dtype));
  const double guards = 2.0 * GuardedBuffer::kGuardBytes;
  const double a = static_cast<double>(spec.m) * spec.k * elem + guards;
  const double b = static_cast<double>(spec.k) * spec.n * elem + guards;
  const double c = static_cast<double>(spec.m) * spec.n * elem + guards;
  const double largest = std::max({a, b, c});
  if (largest > static_cast<double>(caps.max_alloc_bytes)) {
    return "not supported: an operand needs " +
           std::to_string(static_cast<std::uint64_t>(largest)) +
           " bytes, more than the device's largest allocation of " +
           std::to_string(caps.max_alloc_bytes);
  }
  if (a + b + c > static_cast<double>(caps.global_mem_bytes)) {
    return "not supported: the operands need " +
           std::to_string(static_cast<std::uint64_t>(a + b + c)) +
           " bytes, more than the device's global memory of " +
           std::to_string(caps.global_mem_bytes);
  }
  return {};
}

}  // namespace aicert::opencl
