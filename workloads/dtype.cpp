// Conversions between fp32 and the 16- and 8-bit storage types, round-to-nearest-even.
#include "workloads/dtype.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>
#include <limits>

namespace aicert {

namespace {
// Nearest integer (ties to even), saturated to the int32 range; NaN becomes 0.
std::int32_t round_to_int32(float f) {
  if (std::isnan(f)) return 0;
  if (f >= 2147483648.0f) return std::numeric_limits<std::int32_t>::max();
  if (f <= -2147483648.0f) return std::numeric_limits<std::int32_t>::min();
  return static_cast<std::int32_t>(std::nearbyint(f));
}
}  // namespace

std::string_view dtype_name(DType t) {
  switch (t) {
    case DType::fp32: return "fp32";
    case DType::fp16: return "fp16";
    case DType::bf16: return "bf16";
    case DType::int32: return "int32";
    case DType::fp8e4m3: return "fp8e4m3";
  }
  return "?";
}

std::string dtype_names(const std::vector<DType>& types) {
  std::string out;
  for (DType t : types) out += (out.empty() ? "" : ", ") + std::string(dtype_name(t));
  return out;
}

std::optional<DType> parse_dtype(std::string_view name) {
  if (name == "fp32") return DType::fp32;
  if (name == "fp16") return DType::fp16;
  if (name == "bf16") return DType::bf16;
  if (name == "int32") return DType::int32;
  if (name == "fp8e4m3") return DType::fp8e4m3;
  return std::nullopt;
}

std::size_t dtype_size(DType t) {
  switch (t) {
    case DType::fp32:
    case DType::int32: return 4;
    case DType::fp16:
    case DType::bf16: return 2;
    case DType::fp8e4m3: return 1;
  }
  return 4;
}

double unit_roundoff(DType t) {
  switch (t) {
    case DType::fp32: return std::ldexp(1.0, -24);
    case DType::fp16: return std::ldexp(1.0, -11);
    case DType::bf16: return std::ldexp(1.0, -8);
    case DType::int32: return 0.0;
    case DType::fp8e4m3: return std::ldexp(1.0, -4);
  }
  return 1.0;
}

std::uint16_t float_to_bf16(float f) {
  std::uint32_t u = std::bit_cast<std::uint32_t>(f);
  if ((u & 0x7f800000u) == 0x7f800000u && (u & 0x007fffffu) != 0) {
    return static_cast<std::uint16_t>((u >> 16) | 0x0040u);  // quiet NaN, sign kept
  }
  // Round to nearest even on the 16 dropped bits; overflow correctly carries into Inf.
  const std::uint32_t rounding_bias = 0x7fffu + ((u >> 16) & 1u);
  return static_cast<std::uint16_t>((u + rounding_bias) >> 16);
}

float bf16_to_float(std::uint16_t h) {
  return std::bit_cast<float>(static_cast<std::uint32_t>(h) << 16);
}

std::uint16_t float_to_fp16(float f) {
  const std::uint32_t u = std::bit_cast<std::uint32_t>(f);
  const std::uint16_t sign = static_cast<std::uint16_t>((u >> 16) & 0x8000u);
  const std::uint32_t abs = u & 0x7fffffffu;
  if (abs >= 0x7f800000u) {  // Inf or NaN
    return static_cast<std::uint16_t>(sign | 0x7c00u | (abs > 0x7f800000u ? 0x0200u : 0u));
  }
  if (abs >= 0x477ff000u) {  // >= 65520 rounds to Inf
    return static_cast<std::uint16_t>(sign | 0x7c00u);
  }
  const int exp = static_cast<int>(abs >> 23) - 127;
  if (exp < -25) return sign;  // below half the smallest subnormal: rounds to zero
  std::uint32_t mant = (abs & 0x007fffffu) | 0x00800000u;
  if (exp < -14) {
    // Subnormal result: value = mant * 2^(exp-23); fp16 subnormal unit is 2^-24.
    const int shift = -exp - 14 + 13;  // bits to drop
    const std::uint32_t kept = mant >> shift;
    const std::uint32_t rem = mant & ((1u << shift) - 1u);
    const std::uint32_t half = 1u << (shift - 1);
    std::uint32_t r = kept + ((rem > half || (rem == half && (kept & 1u))) ? 1u : 0u);
    return static_cast<std::uint16_t>(sign | r);  // a carry into bit 10 yields the min normal
  }
  std::uint32_t h = (static_cast<std::uint32_t>(exp + 15) << 10) | ((mant >> 13) & 0x3ffu);
  const std::uint32_t rem = mant & 0x1fffu;
  if (rem > 0x1000u || (rem == 0x1000u && (h & 1u))) ++h;  // carry may step exponent: correct
  return static_cast<std::uint16_t>(sign | h);
}

float fp16_to_float(std::uint16_t h) {
  const std::uint32_t sign = static_cast<std::uint32_t>(h & 0x8000u) << 16;
  const std::uint32_t exp = (h >> 10) & 0x1fu;
  const std::uint32_t mant = h & 0x3ffu;
  if (exp == 0) {
    const float v = std::ldexp(static_cast<float>(mant), -24);
    return sign ? -v : v;
  }
  if (exp == 31) {
    return std::bit_cast<float>(sign | 0x7f800000u | (mant << 13));
  }
  return std::bit_cast<float>(sign | ((exp + 112) << 23) | (mant << 13));
}

std::uint8_t float_to_fp8e4m3(float f) {
  const std::uint32_t u = std::bit_cast<std::uint32_t>(f);
  const auto sign = static_cast<std::uint8_t>((u >> 24) & 0x80u);
  if (std::isnan(f)) return static_cast<std::uint8_t>(sign | 0x7fu);
  const float a = std::fabs(f);
  if (a >= 448.0f) return static_cast<std::uint8_t>(sign | 0x7eu);  // saturate (no Inf)
  // The spacing of E4M3 at a: 2^(e-3) for normals (e >= -6), 2^-9 for subnormals. Rounding a
  // to a multiple of it (nearest, ties to even; exact in float) gives the value; its code
  // follows from exponent and mantissa.
  int e = 0;
  std::frexp(a, &e);  // a = m * 2^e, m in [0.5, 1): the leading bit is 2^(e-1)
  const int exponent = std::max(e - 1, -6);
  const float step = std::ldexp(1.0f, exponent - 3);
  const float r = std::nearbyint(a / step) * step;  // the FPU's default mode: ties to even
  if (r == 0.0f) return sign;
  int re = 0;
  std::frexp(r, &re);
  const int biased = std::max(re - 1, -6) + 7;  // a carry may have stepped the exponent
  if (re - 1 < -6) {  // subnormal: mantissa counts 2^-9
    return static_cast<std::uint8_t>(sign | static_cast<std::uint8_t>(r / std::ldexp(1.0f, -9)));
  }
  const auto mant = static_cast<std::uint32_t>(r / std::ldexp(1.0f, re - 1 - 3)) - 8u;
  return static_cast<std::uint8_t>(sign | (static_cast<std::uint32_t>(biased) << 3) | mant);
}

float fp8e4m3_to_float(std::uint8_t b) {
  const float sign = (b & 0x80u) ? -1.0f : 1.0f;
  const int exp = (b >> 3) & 0xf;
  const int mant = b & 0x7;
  if (exp == 0xf && mant == 0x7) return std::numeric_limits<float>::quiet_NaN();
  if (exp == 0) return sign * std::ldexp(static_cast<float>(mant), -9);
  return sign * std::ldexp(static_cast<float>(8 + mant), exp - 7 - 3);
}

float load_as_float(const void* data, DType t, std::size_t i) {
  switch (t) {
    case DType::fp32: return static_cast<const float*>(data)[i];
    case DType::fp16: return fp16_to_float(static_cast<const std::uint16_t*>(data)[i]);
    case DType::bf16: return bf16_to_float(static_cast<const std::uint16_t*>(data)[i]);
    case DType::int32: return static_cast<float>(static_cast<const std::int32_t*>(data)[i]);
    case DType::fp8e4m3: return fp8e4m3_to_float(static_cast<const std::uint8_t*>(data)[i]);
  }
  return 0.0f;
}

void store_from_float(void* data, DType t, std::size_t i, float f) {
  switch (t) {
    case DType::fp32: static_cast<float*>(data)[i] = f; break;
    case DType::fp16: static_cast<std::uint16_t*>(data)[i] = float_to_fp16(f); break;
    case DType::bf16: static_cast<std::uint16_t*>(data)[i] = float_to_bf16(f); break;
    case DType::int32: static_cast<std::int32_t*>(data)[i] = round_to_int32(f); break;
    case DType::fp8e4m3: static_cast<std::uint8_t*>(data)[i] = float_to_fp8e4m3(f); break;
  }
}

float round_to(DType t, float f) {
  switch (t) {
    case DType::fp32: return f;
    case DType::fp16: return fp16_to_float(float_to_fp16(f));
    case DType::bf16: return bf16_to_float(float_to_bf16(f));
    case DType::int32: return static_cast<float>(round_to_int32(f));
    case DType::fp8e4m3: return fp8e4m3_to_float(float_to_fp8e4m3(f));
  }
  return f;
}

}  // namespace aicert
