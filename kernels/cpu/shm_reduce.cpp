// Blocked element-wise reductions: a block of up to kBlock elements is accumulated in a local
// fp32/int32 array (L1-resident), then stored once, so each input is read exactly once.
#include "kernels/cpu/shm_reduce.h"

#include <algorithm>

#include "kernels/cpu/fp16_bits.h"
#include "workloads/dtype.h"

namespace aicert::cpu {

namespace {
constexpr std::int64_t kBlock = 1024;

struct Fp32 {
  using Storage = float;
  using Acc = float;
  static Acc load(Storage v) { return v; }
  static Storage store(Acc v) { return v; }
};
struct Int32 {
  using Storage = std::int32_t;
  using Acc = std::int32_t;
  static Acc load(Storage v) { return v; }
  static Storage store(Acc v) { return v; }
};
struct Bf16 {
  using Storage = std::uint16_t;
  using Acc = float;
  static Acc load(Storage v) { return bf16_bits_to_float(v); }
  static Storage store(Acc v) { return float_to_bf16(v); }
};
struct Fp16 {
  using Storage = std::uint16_t;
  using Acc = float;
  static Acc load(Storage v) { return fp16_bits_to_float(v); }
  static Storage store(Acc v) { return float_to_fp16(v); }
};

template <class T, bool kMax>
void reduce_typed(const std::byte* const* ins, int n, std::int64_t begin, std::byte* out_bytes,
                  std::int64_t out_begin, std::int64_t count) {
  using S = typename T::Storage;
  using A = typename T::Acc;
  S* out = reinterpret_cast<S*>(out_bytes) + out_begin;
  A acc[kBlock];
  for (std::int64_t b = 0; b < count; b += kBlock) {
    const std::int64_t len = std::min(kBlock, count - b);
    const S* first = reinterpret_cast<const S*>(ins[0]) + begin + b;
    for (std::int64_t i = 0; i < len; ++i) acc[i] = T::load(first[i]);
    for (int j = 1; j < n; ++j) {
      const S* in = reinterpret_cast<const S*>(ins[j]) + begin + b;
      if constexpr (kMax) {
        for (std::int64_t i = 0; i < len; ++i) acc[i] = std::max(acc[i], T::load(in[i]));
      } else {
        for (std::int64_t i = 0; i < len; ++i) acc[i] += T::load(in[i]);
      }
    }
    for (std::int64_t i = 0; i < len; ++i) out[b + i] = T::store(acc[i]);
  }
}

template <class T>
void reduce_op(ReduceOp op, const std::byte* const* ins, int n, std::int64_t begin, std::byte* out,
               std::int64_t out_begin, std::int64_t count) {
  if (op == ReduceOp::max) {
    reduce_typed<T, true>(ins, n, begin, out, out_begin, count);
  } else {
    reduce_typed<T, false>(ins, n, begin, out, out_begin, count);
  }
}
}  // namespace

void reduce_buffers_to(DType dtype, ReduceOp op, const std::byte* const* ins, int n,
                       std::int64_t begin, std::byte* out, std::int64_t out_begin,
                       std::int64_t count) {
  if (count <= 0) return;
  switch (dtype) {
    case DType::fp32:
      return reduce_op<Fp32>(op, ins, n, begin, out, out_begin, count);
    case DType::int32:
      return reduce_op<Int32>(op, ins, n, begin, out, out_begin, count);
    case DType::bf16:
      return reduce_op<Bf16>(op, ins, n, begin, out, out_begin, count);
    case DType::fp16:
      return reduce_op<Fp16>(op, ins, n, begin, out, out_begin, count);
    case DType::fp8e4m3:  // refused by validate_collective_spec
      break;
  }
  __builtin_trap();
}

void reduce_buffers(DType dtype, ReduceOp op, const std::byte* const* ins, int n, std::byte* out,
                    std::int64_t begin, std::int64_t count) {
  reduce_buffers_to(dtype, op, ins, n, begin, out, begin, count);
}

}  // namespace aicert::cpu
