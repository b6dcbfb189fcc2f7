// Device primitives of the tensor-core kernels (GEMM and flash attention): cp.async copies into
// shared memory, ldmatrix fragment loads, mma.sync m16n8k16 with fp32 accumulation, and fp16/bf16
// conversions on raw 16-bit values. Needs sm_80 (cp.async, bf16 mma).
#pragma once

#include <cuda_bf16.h>
#include <cuda_fp16.h>

#include <cstdint>

#include "kernels/cuda/half_bits.cuh"
#include "kernels/cuda/tensor_core_type.h"

namespace aicert::cuda::mma {

// fp16/bf16 as raw bits and their conversions (half_bits.cuh), also under mma::.
using cuda::Bits;
using cuda::bits_to_float;
using cuda::float_to_bits;

__device__ __forceinline__ unsigned smem_address(const void* p) {
  return static_cast<unsigned>(__cvta_generic_to_shared(p));
}

__device__ __forceinline__ void cp_async_16(void* smem, const void* global) {
  asm volatile("cp.async.cg.shared.global [%0], [%1], 16;\n" ::"r"(smem_address(smem)), "l"(global)
               : "memory");
}
// Copies 16 bytes when `valid`, else writes 16 zero bytes (reads nothing from `global`).
__device__ __forceinline__ void cp_async_16_or_zero(void* smem, const void* global, bool valid) {
  const int src_bytes = valid ? 16 : 0;
  asm volatile("cp.async.cg.shared.global [%0], [%1], 16, %2;\n" ::"r"(smem_address(smem)),
               "l"(global), "r"(src_bytes)
               : "memory");
}
__device__ __forceinline__ void cp_async_commit() {
  asm volatile("cp.async.commit_group;\n" ::: "memory");
}
template <int N>
__device__ __forceinline__ void cp_async_wait() {
  asm volatile("cp.async.wait_group %0;\n" ::"n"(N) : "memory");
}

__device__ __forceinline__ void ldmatrix_x4_at(unsigned (&r)[4], unsigned address);
__device__ __forceinline__ void ldmatrix_x4_trans_at(unsigned (&r)[4], unsigned address);
__device__ __forceinline__ void ldmatrix_x4(unsigned (&r)[4], const Bits* p) {
  ldmatrix_x4_at(r, smem_address(p));
}
__device__ __forceinline__ void ldmatrix_x4_trans(unsigned (&r)[4], const Bits* p) {
  ldmatrix_x4_trans_at(r, smem_address(p));
}

// The same, from a shared-memory address (smem_address) already computed.
__device__ __forceinline__ void ldmatrix_x4_at(unsigned (&r)[4], unsigned address) {
  asm volatile("ldmatrix.sync.aligned.m8n8.x4.shared.b16 {%0, %1, %2, %3}, [%4];\n"
               : "=r"(r[0]), "=r"(r[1]), "=r"(r[2]), "=r"(r[3])
               : "r"(address)
               : "memory");
}
__device__ __forceinline__ void ldmatrix_x4_trans_at(unsigned (&r)[4], unsigned address) {
  asm volatile("ldmatrix.sync.aligned.m8n8.x4.trans.shared.b16 {%0, %1, %2, %3}, [%4];\n"
               : "=r"(r[0]), "=r"(r[1]), "=r"(r[2]), "=r"(r[3])
               : "r"(address)
               : "memory");
}

// d += a * b: a 16x16 row-major (a0..a3), b 16x8 column-major (b0, b1), d 16x8 fp32.
template <TensorCoreType T>
__device__ __forceinline__ void mma_16816(float (&d)[4], const unsigned (&a)[4],
                                          const unsigned (&b)[2]) {
  if constexpr (T == TensorCoreType::bf16) {
    asm volatile(
        "mma.sync.aligned.m16n8k16.row.col.f32.bf16.bf16.f32 {%0, %1, %2, %3}, "
        "{%4, %5, %6, %7}, {%8, %9}, {%0, %1, %2, %3};\n"
        : "+f"(d[0]), "+f"(d[1]), "+f"(d[2]), "+f"(d[3])
        : "r"(a[0]), "r"(a[1]), "r"(a[2]), "r"(a[3]), "r"(b[0]), "r"(b[1]));
  } else {
    asm volatile(
        "mma.sync.aligned.m16n8k16.row.col.f32.f16.f16.f32 {%0, %1, %2, %3}, "
        "{%4, %5, %6, %7}, {%8, %9}, {%0, %1, %2, %3};\n"
        : "+f"(d[0]), "+f"(d[1]), "+f"(d[2]), "+f"(d[3])
        : "r"(a[0]), "r"(a[1]), "r"(a[2]), "r"(a[3]), "r"(b[0]), "r"(b[1]));
  }
}

// Two floats rounded to T and packed into one register: `lo` in bits 0..15 (the lower column of
// an mma fragment pair), `hi` in bits 16..31.
template <TensorCoreType T>
__device__ __forceinline__ unsigned pack2(float lo, float hi) {
  return static_cast<unsigned>(float_to_bits<T>(lo)) |
         (static_cast<unsigned>(float_to_bits<T>(hi)) << 16);
}

// Two floats as a head pair rounded to T and a tail pair of what that rounding left: head + tail
// carries each value to about 2^-16 (bf16) or 2^-22 (fp16) of itself, where the head alone is off
// by up to 2^-9 or 2^-12.
template <TensorCoreType T>
__device__ __forceinline__ void pack2_split(float lo, float hi, unsigned& head, unsigned& tail) {
  const Bits h_lo = float_to_bits<T>(lo), h_hi = float_to_bits<T>(hi);
  head = static_cast<unsigned>(h_lo) | (static_cast<unsigned>(h_hi) << 16);
  tail = pack2<T>(lo - bits_to_float<T>(h_lo), hi - bits_to_float<T>(h_hi));
}

}  // namespace aicert::cuda::mma
