// Exact, branch-light widening of fp16 and bf16 bit patterns to fp32 for the GEMM packing loops,
// and the narrowing of fp32 to bf16 for C. workloads/dtype.h has the reference conversions;
// these give the same bits (the tests check all 65536 16-bit patterns and a sweep of fp32 ones)
// but are inline, so that the compiler can vectorize the loops over every element.
#pragma once

#include <bit>
#include <cstdint>

namespace aicert::cpu {

inline float bf16_bits_to_float(std::uint16_t h) {
  return std::bit_cast<float>(static_cast<std::uint32_t>(h) << 16);
}

// Round to nearest even; NaN stays a quiet NaN with its sign (as workloads' float_to_bf16).
inline std::uint16_t float_to_bf16_bits(float f) {
  const std::uint32_t u = std::bit_cast<std::uint32_t>(f);
  const bool nan = (u & 0x7fffffffu) > 0x7f800000u;
  const std::uint32_t rounded = (u + 0x7fffu + ((u >> 16) & 1u)) >> 16;
  return static_cast<std::uint16_t>(nan ? (u >> 16) | 0x0040u : rounded);
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
