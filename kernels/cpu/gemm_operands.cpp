// GEMM operand checks, packing views and fp32 <-> 16-bit conversion of C.
#include "kernels/cpu/gemm_operands.h"

#include <algorithm>
#include <cstdint>
#include <stdexcept>
#include <string>

#include "kernels/cpu/fp16_bits.h"

namespace aicert::cpu {
namespace {

void check_tensor(const KernelTensors& tensors, const std::string& name, DType dtype,
                  std::size_t elements) {
  const std::size_t expected = elements * dtype_size(dtype);
  if (tensors.dtype(name) != dtype || tensors.payload_bytes(name) != expected) {
    throw std::invalid_argument("cpu backend: uploaded tensor '" + name + "' is " +
                                std::string(dtype_name(tensors.dtype(name))) + " with " +
                                std::to_string(tensors.payload_bytes(name)) +
                                " payload bytes; the case needs " + std::string(dtype_name(dtype)) +
                                " with " + std::to_string(expected));
  }
}

// Conversions run in items of this many elements; below a few items one thread does it all.
constexpr std::size_t kElementsPerItem = 1 << 14;

std::int64_t items_for(std::size_t n) {
  return static_cast<std::int64_t>((n + kElementsPerItem - 1) / kElementsPerItem);
}
int team_for(const ThreadPool& pool, std::size_t n) {
  return n >= 4 * kElementsPerItem ? pool.size() : 1;
}

}  // namespace

void check_gemm_tensors(const GemmSpec& s, const KernelTensors& tensors) {
  const auto m = static_cast<std::size_t>(s.m), n = static_cast<std::size_t>(s.n),
             k = static_cast<std::size_t>(s.k);
  check_tensor(tensors, "A", s.dtype, m * k);
  check_tensor(tensors, "B", s.dtype, k * n);
  check_tensor(tensors, "C", s.dtype, m * n);
}

PackSource gemm_operand_a(const GemmSpec& s, const void* a) {
  // NN/NT: A is m x k (row i contiguous along K); TN: A is stored k x m.
  return s.a_transposed() ? PackSource{a, s.dtype, s.m, true} : PackSource{a, s.dtype, s.k, false};
}

PackSource gemm_operand_b(const GemmSpec& s, const void* b) {
  // NN/TN: B is k x n (columns contiguous along a row); NT: B is stored n x k.
  return s.b_transposed() ? PackSource{b, s.dtype, s.k, false} : PackSource{b, s.dtype, s.n, true};
}

void widen_to_fp32(ThreadPool& pool, const void* src, DType t, float* dst, std::size_t n) {
  const auto* h = static_cast<const std::uint16_t*>(src);
  const auto* f = static_cast<const float*>(src);
  auto chunk = [&](std::int64_t item, int /*thread*/) {
    const std::size_t begin = static_cast<std::size_t>(item) * kElementsPerItem;
    const std::size_t end = std::min(n, begin + kElementsPerItem);
    for (std::size_t i = begin; i < end; ++i) {
      switch (t) {
        case DType::fp32:
          dst[i] = f[i];
          break;
        case DType::bf16:
          dst[i] = bf16_bits_to_float(h[i]);
          break;
        case DType::fp16:
          dst[i] = fp16_bits_to_float(h[i]);
          break;
        case DType::int32:  // not a GEMM dtype: rejected by validate_gemm_spec
        case DType::fp8e4m3:  // refused by CpuBackend::make
          __builtin_trap();
      }
    }
  };
  pool.run(items_for(n), team_for(pool, n), chunk);
}

// One copy per ISA, chosen at load time (GCC target_clones, an ifunc), so that the AVX2 pack
// (vpackusdw) does the narrowing where the CPU has it: the baseline x86-64 code emulates it
// with SSE2 shuffles, and at 256^3 that pass took as long as the AMX GEMM (measured: the
// cloned loop made the bf16 GEMM 1.2x faster there).
#if defined(__x86_64__) && defined(__GNUC__)
__attribute__((target_clones("avx512f", "avx2", "default")))
#endif
void narrow_span(const float* src, DType t, void* dst, std::size_t first, std::size_t n) {
  if (t == DType::bf16) {  // the common case, inline so that it vectorizes
    std::uint16_t* h = static_cast<std::uint16_t*>(dst) + first;
    for (std::size_t i = 0; i < n; ++i) h[i] = float_to_bf16_bits(src[i]);
    return;
  }
  for (std::size_t i = 0; i < n; ++i) store_from_float(dst, t, first + i, src[i]);
}

void narrow_from_fp32(ThreadPool& pool, const float* src, DType t, void* dst, std::size_t n) {
  auto chunk = [&](std::int64_t item, int /*thread*/) {
    const std::size_t begin = static_cast<std::size_t>(item) * kElementsPerItem;
    const std::size_t end = std::min(n, begin + kElementsPerItem);
    narrow_span(src + begin, t, dst, begin, end - begin);
  };
  pool.run(items_for(n), team_for(pool, n), chunk);
}

}  // namespace aicert::cpu
