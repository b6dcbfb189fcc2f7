// fp16/bf16 values as raw 16-bit patterns in the own CUDA GEMM kernels: only the tensor cores
// and the epilogues interpret them, through these two conversions (round to nearest even).
#pragma once

#include <cuda_bf16.h>
#include <cuda_fp16.h>

#include <cstdint>

#include "kernels/cuda/tensor_core_type.h"

namespace aicert::cuda {

using Bits = std::uint16_t;

template <TensorCoreType T>
__device__ __forceinline__ float bits_to_float(Bits b) {
  if constexpr (T == TensorCoreType::bf16) {
    return __bfloat162float(__ushort_as_bfloat16(b));
  } else {
    return __half2float(__ushort_as_half(b));
  }
}

template <TensorCoreType T>
__device__ __forceinline__ Bits float_to_bits(float f) {
  if constexpr (T == TensorCoreType::bf16) {
    return __bfloat16_as_ushort(__float2bfloat16_rn(f));
  } else {
    return __half_as_ushort(__float2half_rn(f));
  }
}

}  // namespace aicert::cuda
