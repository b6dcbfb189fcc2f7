// Host entry point of the CUDA flash-attention forward kernel (flash_attention.cu):
// O = softmax(scale * Q K^T + mask) V per (batch, query head), row-major [B, H, S, D] fp16/bf16
// tensors, fp32 accumulation. Plain types only, so nvcc sees no harness headers.
#pragma once

#include <cuda_runtime_api.h>

#include "kernels/cuda/tensor_core_type.h"

namespace aicert::cuda {

struct FlashAttentionLaunch {
  const void* q = nullptr;  // [B, Hq, Sq, D]
  const void* k = nullptr;  // [B, Hkv, Sk, D]
  const void* v = nullptr;  // [B, Hkv, Sk, D]
  void* o = nullptr;        // [B, Hq, Sq, D]
  int batch = 1, q_heads = 1, kv_heads = 1, q_len = 1, kv_len = 1;
  float scale_log2 = 0;  // softmax scale * log2(e): the kernel exponentiates with exp2
  bool causal = false;   // bottom-right aligned: query i sees keys j <= i + Sk - Sq
};

// Head dims the kernel is built for.
constexpr bool flash_head_dim_supported(int head_dim) { return head_dim == 64 || head_dim == 128; }

// Enqueue one attention forward on `stream`; return the launch's error (cudaGetLastError).
// Needs head_dim 64 or 128 (else cudaErrorInvalidValue), batch and q_heads <= 65535.
cudaError_t launch_flash_attention(TensorCoreType type, int head_dim, const FlashAttentionLaunch& a,
                                   cudaStream_t stream);

}  // namespace aicert::cuda
