// The cuda backend's implementation table: for each implementation, what it refuses and how its
// kernel is built. CudaBackend::implementations() and make() read it (kernels/impl_table.h).
#include <memory>
#include <string>

#include "kernels/cuda/bandwidth_kernel.h"
#include "kernels/cuda/cublaslt_gemm_kernel.h"
#include "kernels/cuda/cuda_backend.h"
#include "kernels/cuda/flash_attention_kernel.h"
#include "kernels/cuda/gemm_support.h"
#include "kernels/cuda/impl_names.h"
#include "kernels/cuda/own_gemm_kernel.h"
#include "kernels/cuda/wgmma_gemm_kernel.h"

namespace aicert::cuda {

const ImplTable<CudaBackend>& CudaBackend::impl_table() {
  using Made = std::unique_ptr<Kernel>;
  // caps() throws std::out_of_range for a device that does not exist: a real failure.
  // cuda:wgmma has its own code image (sm_90a); the other own kernels share one.
  auto gemm_reason = [](std::string_view impl) {
    return [impl](CudaBackend& b, const GemmSpec& g, int device) {
      const auto& images = impl == kWgmmaImpl ? b.wgmma_image_errors_ : b.own_image_errors_;
      const DeviceCaps& d = b.caps(device);
      return gemm_unsupported_reason(d, g, impl, images[static_cast<std::size_t>(device)]);
    };
  };

  static const ImplTable<CudaBackend> table(
      "cuda",
      {
          impl_entry<GemmSpec, CudaBackend>(
              kOwnImpl, gemm_reason(kOwnImpl),
              [](CudaBackend& b, const GemmSpec& g, int device, std::string*) -> Made {
                return std::make_unique<OwnGemmKernel>(b.caps(device), g);
              }),
          impl_entry<GemmSpec, CudaBackend>(
              kCublasLtImpl, gemm_reason(kCublasLtImpl),
              [](CudaBackend& b, const GemmSpec& g, int device, std::string* why) -> Made {
                return CublasLtGemmKernel::create(b.caps(device), g, why);  // may find no algo
              }),
          impl_entry<GemmSpec, CudaBackend>(
              kWgmmaImpl, gemm_reason(kWgmmaImpl),
              [](CudaBackend& b, const GemmSpec& g, int device, std::string*) -> Made {
                return std::make_unique<WgmmaGemmKernel>(b.caps(device), g);
              }),
          impl_entry<AttentionSpec, CudaBackend>(
              kFlashImpl,
              [](CudaBackend& b, const AttentionSpec& a, int device) -> std::string {
                if (std::string invalid = validate_attention_spec(a, 1e300); !invalid.empty()) {
                  return "invalid attention case: " + invalid;
                }
                const DeviceCaps& d = b.caps(device);
                return flash_unsupported_reason(
                    d, a, b.own_image_errors_[static_cast<std::size_t>(device)]);
              },
              [](CudaBackend& b, const AttentionSpec& a, int device, std::string*) -> Made {
                return std::make_unique<FlashAttentionKernel>(b.caps(device), a);
              }),
          impl_entry<StreamSpec, CudaBackend>(
              kStreamImpl,
              [](CudaBackend& b, const StreamSpec& s, int device) -> std::string {
                const DeviceCaps& d = b.caps(device);
                return stream_unsupported_reason(
                    d, s, b.own_image_errors_[static_cast<std::size_t>(device)]);
              },
              [](CudaBackend& b, const StreamSpec& s, int device, std::string*) -> Made {
                return std::make_unique<BandwidthKernel>(b.caps(device), s);
              }),
          impl_entry<CollectiveSpec, CudaBackend>(
              kNcclImpl,
              [](CudaBackend&, const CollectiveSpec& c, int) -> std::string {
                if (c.op == CollectiveOp::pairs) {
                  return "the point-to-point sweep (pairs) is not in cuda:nccl yet (mpi:native "
                         "and cpu:shm run it)";
                }
                const std::string why = validate_collective_spec(c, 1e15);
                return why.empty() ? "" : "invalid collective case: " + why;
              },
              [](CudaBackend& b, const CollectiveSpec& c, int device, std::string* why) {
                return b.make_nccl_collective(c, device, why);
              }),
      });
  return table;
}

}  // namespace aicert::cuda
