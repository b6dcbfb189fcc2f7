// The GEMM case as both CPU kernels see it: the uploaded A, B, C checked against the spec,
// their storage as packing views, and the fp32 workspace through which a 16-bit C goes
// (accumulate in fp32, round once at the end).
#pragma once

#include <cstddef>

#include "kernels/cpu/gemm_packing.h"
#include "kernels/cpu/kernel_tensors.h"
#include "kernels/cpu/thread_pool.h"
#include "workloads/gemm_spec.h"

namespace aicert::cpu {

// Throws std::invalid_argument naming the tensor when A, B or C is missing or its dtype or size
// is not what `spec` needs.
void check_gemm_tensors(const GemmSpec& spec, const KernelTensors& tensors);

// op(A) as a packing view (lanes = rows of op(A)) and op(B) (lanes = columns of op(B)).
PackSource gemm_operand_a(const GemmSpec& spec, const void* a);
PackSource gemm_operand_b(const GemmSpec& spec, const void* b);

// dst[i] = (float)src[i] for n elements of type t, on the pool's threads.
void widen_to_fp32(ThreadPool& pool, const void* src, DType t, float* dst, std::size_t n);
// dst[i] = round-to-nearest-even of src[i] in type t, on the pool's threads.
void narrow_from_fp32(ThreadPool& pool, const float* src, DType t, void* dst, std::size_t n);
// dst[first + i] = round-to-nearest-even of src[i] in type t for i < n, on this thread.
void narrow_span(const float* src, DType t, void* dst, std::size_t first, std::size_t n);

}  // namespace aicert::cpu
