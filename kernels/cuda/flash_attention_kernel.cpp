// The own CUDA flash attention as a Kernel: support decision and launch arguments.
#include "kernels/cuda/flash_attention_kernel.h"

#include <cstdint>
#include <stdexcept>

#include "kernels/cuda/cuda_check.h"
#include "kernels/cuda/flash_attention_launch.h"
#include "kernels/cuda/flash_attention_tiling.h"
#include "workloads/host_tensors.h"

namespace aicert::cuda {

std::string flash_unsupported_reason(const DeviceCaps& caps, const AttentionSpec& spec,
                                     const std::string& own_image_error) {
  const std::string what = "not supported: cuda:flash ";
  if (spec.dtype != DType::fp16 && spec.dtype != DType::bf16) {
    return what + "runs fp16 and bf16 (tensor cores), not " + std::string(dtype_name(spec.dtype));
  }
  if (spec.head_dim > 256 || !flash_head_dim_supported(static_cast<int>(spec.head_dim))) {
    return what + "is built for head dim 64 and 128, not " + std::to_string(spec.head_dim);
  }
  // The grid is (query tiles, Hq, B): y and z extents stop at 65535.
  constexpr std::int64_t kMaxGridYZ = 65535;
  if (spec.q_heads > kMaxGridYZ || spec.batch > kMaxGridYZ) {
    return what + "launches one grid row per head and batch: Hq and B must be at most 65535";
  }
  if (caps.cc_major < 8) {
    return what + "needs compute capability 8.0 (cp.async, bf16 mma.sync); " + caps.label() +
           " has " + std::to_string(caps.cc_major) + "." + std::to_string(caps.cc_minor);
  }
  if (!own_image_error.empty()) {
    return what + "has no code for " + caps.label() + " (sm_" +
           std::to_string(caps.compute_capability()) + "): " + own_image_error;
  }
  const auto smem = static_cast<std::uint64_t>(flash::smem_bytes(static_cast<int>(spec.head_dim)));
  if (caps.shared_mem_per_block_optin < smem) {
    return what + "needs " + std::to_string(smem) +
           " bytes of shared memory per block at D=" + std::to_string(spec.head_dim) + ", " +
           caps.label() + " allows " + std::to_string(caps.shared_mem_per_block_optin);
  }
  const double guards = 2.0 * GuardedBuffer::kGuardBytes;
  const double bytes = spec.operand_bytes() + 4 * guards;
  if (bytes > static_cast<double>(caps.global_mem_bytes)) {
    return what + "needs " + std::to_string(static_cast<std::uint64_t>(bytes)) +
           " bytes of operands, more than the " + std::to_string(caps.global_mem_bytes) +
           " bytes of " + caps.label();
  }
  return {};
}

FlashAttentionKernel::FlashAttentionKernel(const DeviceCaps& caps, const AttentionSpec& spec)
    : StreamKernel(caps), spec_(spec) {}

void FlashAttentionKernel::run() {
  if (buffers().empty()) throw std::logic_error("cuda:flash run() before upload()");
  stream().activate();
  FlashAttentionLaunch a;
  a.q = buffers().payload("Q");
  a.k = buffers().payload("K");
  a.v = buffers().payload("V");
  a.o = buffers().payload("O");
  // validate_attention_spec keeps every tensor below 2^31 elements, so each extent fits an int.
  a.batch = static_cast<int>(spec_.batch);
  a.q_heads = static_cast<int>(spec_.q_heads);
  a.kv_heads = static_cast<int>(spec_.kv_heads);
  a.q_len = static_cast<int>(spec_.q_len);
  a.kv_len = static_cast<int>(spec_.kv_len);
  a.scale_log2 = static_cast<float>(spec_.softmax_scale() * 1.4426950408889634);  // * log2(e)
  a.causal = spec_.causal;
  const TensorCoreType type =
      spec_.dtype == DType::bf16 ? TensorCoreType::bf16 : TensorCoreType::fp16;
  const std::string& where = stream().label();
  timer().begin(stream().get(), where);
  AICERT_CUDA(where,
              launch_flash_attention(type, static_cast<int>(spec_.head_dim), a, stream().get()));
  timer().end(stream().get(), where);
}

}  // namespace aicert::cuda
