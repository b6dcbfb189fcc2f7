// Support decisions for the CUDA GEMM implementations.
#include "kernels/cuda/gemm_support.h"

#include <cstdint>
#include <limits>

#include "kernels/cuda/gemm_launch.h"
#include "kernels/cuda/gemm_launch_args.h"
#include "kernels/cuda/tensor_map.h"
#include "kernels/cuda/wgmma_launch.h"
#include "workloads/host_tensors.h"

namespace aicert::cuda {
namespace {

std::string compute_capability_text(const DeviceCaps& caps) {
  return std::to_string(caps.cc_major) + "." + std::to_string(caps.cc_minor);
}

// cuda:wgmma: 16-bit types, a Hopper device with the sm_90a code, operands TMA can address.
std::string wgmma_unsupported_reason(const DeviceCaps& caps, const GemmSpec& spec,
                                     const std::string& image_error) {
  if (spec.dtype != DType::fp16 && spec.dtype != DType::bf16) {
    return "not supported: wgmma runs fp16/bf16 here; " + std::string(dtype_name(spec.dtype)) +
           " is cuda:tiled's";
  }
  if (caps.cc_major != 9) {
    return "not supported: cuda:wgmma needs a Hopper GPU (compute capability 9.x, code for "
           "sm_90a); " +
           caps.label() + " has " + compute_capability_text(caps);
  }
  if (!image_error.empty()) {
    return "not supported: cuda:wgmma has no code for " + caps.label() + " (sm_" +
           std::to_string(caps.compute_capability()) + "): " + image_error;
  }
  const std::int64_t blocks = ((spec.m + wgmma::kBlockM - 1) / wgmma::kBlockM) *
                              ((spec.n + wgmma::kBlockN - 1) / wgmma::kBlockN);
  if (blocks > std::numeric_limits<int>::max()) {
    return "not supported: " + std::to_string(blocks) + " output tiles exceed one grid";
  }
  if (spec.k == 0 || spec.m == 0 || spec.n == 0) return {};  // no operand is read
  // The operands as stored; their payloads start 16-byte aligned (upload checks it again).
  const StoredShape sa = stored_a(spec), sb = stored_b(spec);
  const TensorMapMatrix a = tensor_map_matrix(nullptr, sa.rows, sa.cols);
  const TensorMapMatrix b = tensor_map_matrix(nullptr, sb.rows, sb.cols);
  if (std::string why = tensor_map_unsupported(a); !why.empty()) {
    return "not supported: cuda:wgmma loads A (" + std::string(layout_name(spec.layout)) +
           ") with TMA and " + why;
  }
  if (std::string why = tensor_map_unsupported(b); !why.empty()) {
    return "not supported: cuda:wgmma loads B (" + std::string(layout_name(spec.layout)) +
           ") with TMA and " + why;
  }
  return {};
}

// cuda:cublaslt with fp8e4m3 inputs (bf16 C): cuBLASLt runs fp8 on compute capability 8.9 and
// newer, with A transposed and B not in its column-major terms (our NT: B stored N x K), and
// dimensions that are multiples of 16 (16-byte aligned fp8 rows).
std::string cublaslt_fp8_unsupported_reason(const DeviceCaps& caps, const GemmSpec& spec) {
  if (caps.compute_capability() < 89) {
    return "not supported: fp8 GEMM needs compute capability 8.9 or newer; " + caps.label() +
           " has " + compute_capability_text(caps);
  }
  if (spec.layout != GemmLayout::NT) {
    return "not supported: cuBLASLt runs fp8 only with B stored transposed (NT; its \"TN\"), "
           "not " + std::string(layout_name(spec.layout));
  }
  if (spec.m % 16 != 0 || spec.n % 16 != 0 || spec.k % 16 != 0) {
    return "not supported: cuBLASLt fp8 needs M, N and K multiples of 16, not " +
           spec.shape_string();
  }
  return {};
}

}  // namespace

std::string gemm_unsupported_reason(const DeviceCaps& caps, const GemmSpec& spec,
                                    std::string_view impl, const std::string& own_image_error) {
  if (spec.dtype == DType::fp8e4m3) {
    if (impl != kCublasLtImpl) {
      return "not supported: " + std::string(impl) + " has no fp8 kernel (cuda:cublaslt runs fp8)";
    }
    if (std::string why = cublaslt_fp8_unsupported_reason(caps, spec); !why.empty()) return why;
  }
  // The kernels index rows and columns with 32-bit ints and launch one block per output tile.
  constexpr std::int64_t kMaxDim = std::int64_t{1} << 30;
  if (spec.m > kMaxDim || spec.n > kMaxDim || spec.k > kMaxDim) {
    return "not supported: a dimension exceeds 2^30, the kernels' index range";
  }
  const std::int64_t blocks = ((spec.m + kTensorCoreBlockM - 1) / kTensorCoreBlockM) *
                              ((spec.n + kTensorCoreBlockN - 1) / kTensorCoreBlockN);
  if (impl == kOwnImpl && blocks > std::numeric_limits<int>::max()) {
    return "not supported: " + std::to_string(blocks) + " output tiles exceed one grid";
  }
  if (impl == kOwnImpl) {
    if (caps.cc_major < 8) {
      return "not supported: cuda:tiled needs compute capability 8.0 (cp.async, bf16 mma.sync); " +
             caps.label() + " has " + std::to_string(caps.cc_major) + "." +
             std::to_string(caps.cc_minor);
    }
    if (!own_image_error.empty()) {
      return "not supported: cuda:tiled has no code for " + caps.label() + " (sm_" +
             std::to_string(caps.compute_capability()) + "): " + own_image_error;
    }
  }
  if (impl == kWgmmaImpl) {
    if (std::string why = wgmma_unsupported_reason(caps, spec, own_image_error); !why.empty()) {
      return why;
    }
  }
  if (impl == kCublasLtImpl && spec.k == 0) {
    // cuBLASLt layouts need a leading dimension >= 1 row; K=0 makes A's or B's ld zero.
    return "not supported: cuBLASLt rejects K=0 (leading dimension 0)";
  }
  const double guards = 2.0 * GuardedBuffer::kGuardBytes;
  const double bytes = spec.operand_bytes() + 3 * guards;
  if (bytes > static_cast<double>(caps.global_mem_bytes)) {
    return "not supported: the operands need " + std::to_string(static_cast<std::uint64_t>(bytes)) +
           " bytes, more than the " + std::to_string(caps.global_mem_bytes) + " bytes of " +
           caps.label();
  }
  return {};
}

}  // namespace aicert::cuda
