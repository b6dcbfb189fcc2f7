// Exact, branch-light widening of fp16 and bf16 bit patterns to fp32 for the GEMM packing loops.
// workloads/dtype.h has the reference conversions; these give the same bits (the test checks
// all 65536 fp16 patterns) but are cheap enough to run once per packed element.
#pragma once

#include <bit>
#include <cstdint>

namespace aicert::cpu {

inline float bf16_bits_to_float(std::uint16_t h) {
  return std::bit_cast<float>(static_cast<std::uint32_t>(h) << 16);
}

inline float fp16_bits_to_float(std::uint16_t h) {
  constexpr std::uint32_t kShiftedExp = 0x7c00u << 13;  // fp16 exponent field, moved to fp32's
  std::uint32_t bits = (h & 0x7fffu) << 13;             // exponent and mantissa in place
  const std::uint32_t exp = bits & kShiftedExp;
  bits += (127u - 15u) << 23;  // rebias the exponent
  if (exp == kShiftedExp) {
    bits += (128u - 16u) << 23;  // Inf/NaN: exponent all ones, payload kept
  } else if (exp == 0) {
    // Zero or subnormal: treat the mantissa as a number with exponent 2^-14 and subtract the
    // implicit one back out; the fp32 subtraction is exact.
    bits += 1u << 23;
    bits =
        std::bit_cast<std::uint32_t>(std::bit_cast<float>(bits) - std::bit_cast<float>(113u << 23));
  }
  bits |= static_cast<std::uint32_t>(h & 0x8000u) << 16;
  return std::bit_cast<float>(bits);
}

}  // namespace aicert::cpu
