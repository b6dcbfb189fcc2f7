// bf16/fp16 conversions: round-to-nearest-even, NaN, Inf, overflow, subnormals.
#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>

#include "workloads/dtype.h"

namespace aicert {
namespace {

float from_bits(std::uint32_t u) { return std::bit_cast<float>(u); }

TEST(Bf16, ExactValuesRoundTrip) {
  for (float f : {0.0f, -0.0f, 1.0f, -2.5f, 0.15625f, 65504.0f, 3.0e38f}) {
    const float r = bf16_to_float(float_to_bf16(f));
    EXPECT_EQ(r, round_to(DType::bf16, f));
  }
  EXPECT_EQ(float_to_bf16(1.0f), 0x3f80);
  EXPECT_EQ(float_to_bf16(-2.0f), 0xc000);
  EXPECT_TRUE(std::signbit(bf16_to_float(float_to_bf16(-0.0f))));
}

TEST(Bf16, RoundsToNearestEven) {
  // 1 + 2^-8 is halfway between bf16 1.0 and 1.0078125: ties go to the even mantissa (1.0).
  EXPECT_EQ(float_to_bf16(from_bits(0x3f808000u)), 0x3f80);
  // 1.0078125 + half ulp: tie, odd mantissa 0x3f81 rounds up to even 0x3f82.
  EXPECT_EQ(float_to_bf16(from_bits(0x3f818000u)), 0x3f82);
  // Just above halfway rounds up, just below rounds down.
  EXPECT_EQ(float_to_bf16(from_bits(0x3f808001u)), 0x3f81);
  EXPECT_EQ(float_to_bf16(from_bits(0x3f807fffu)), 0x3f80);
}

TEST(Bf16, InfNanAndOverflow) {
  EXPECT_EQ(float_to_bf16(std::numeric_limits<float>::infinity()), 0x7f80);
  EXPECT_EQ(float_to_bf16(-std::numeric_limits<float>::infinity()), 0xff80);
  EXPECT_TRUE(std::isnan(bf16_to_float(float_to_bf16(std::numeric_limits<float>::quiet_NaN()))));
  // A NaN whose payload sits only in the low 16 bits must stay NaN, not become Inf.
  EXPECT_TRUE(std::isnan(bf16_to_float(float_to_bf16(from_bits(0x7f800001u)))));
  // The largest float rounds up past the largest bf16 into Inf.
  EXPECT_EQ(float_to_bf16(std::numeric_limits<float>::max()), 0x7f80);
}

TEST(Bf16, Subnormals) {
  const float tiny = std::numeric_limits<float>::denorm_min() * 65536.0f;  // 2^-133
  EXPECT_EQ(bf16_to_float(float_to_bf16(tiny)), tiny);
  EXPECT_EQ(float_to_bf16(std::numeric_limits<float>::denorm_min()), 0x0000);  // rounds to 0
}

TEST(Fp16, ExactValuesAndBits) {
  EXPECT_EQ(float_to_fp16(1.0f), 0x3c00);
  EXPECT_EQ(float_to_fp16(-2.0f), 0xc000);
  EXPECT_EQ(float_to_fp16(65504.0f), 0x7bff);
  EXPECT_EQ(fp16_to_float(0x7bff), 65504.0f);
  EXPECT_EQ(float_to_fp16(0.0f), 0x0000);
  EXPECT_EQ(float_to_fp16(-0.0f), 0x8000);
  for (std::uint32_t h = 0; h < 0x7c00; ++h) {  // every finite positive half round-trips
    ASSERT_EQ(float_to_fp16(fp16_to_float(static_cast<std::uint16_t>(h))), h) << h;
  }
}

TEST(Fp16, RoundsToNearestEven) {
  // 1 + 2^-11 is halfway between 1.0 (0x3c00) and 1+2^-10 (0x3c01): goes to even 0x3c00.
  EXPECT_EQ(float_to_fp16(1.0f + std::ldexp(1.0f, -11)), 0x3c00);
  // 1 + 3*2^-11 is halfway between 0x3c01 and 0x3c02: goes to even 0x3c02.
  EXPECT_EQ(float_to_fp16(1.0f + 3 * std::ldexp(1.0f, -11)), 0x3c02);
  EXPECT_EQ(float_to_fp16(1.0f + std::ldexp(1.0f, -11) + std::ldexp(1.0f, -20)), 0x3c01);
  // Rounding up from the largest mantissa carries into the exponent: 2047.999 -> 2048.
  EXPECT_EQ(float_to_fp16(2047.9f), 0x6800);
}

TEST(Fp16, InfNanOverflow) {
  EXPECT_EQ(float_to_fp16(65520.0f), 0x7c00);   // halfway to 2^16: rounds to Inf
  EXPECT_EQ(float_to_fp16(65519.0f), 0x7bff);
  EXPECT_EQ(float_to_fp16(1e9f), 0x7c00);
  EXPECT_EQ(float_to_fp16(-1e9f), 0xfc00);
  EXPECT_EQ(float_to_fp16(std::numeric_limits<float>::infinity()), 0x7c00);
  EXPECT_TRUE(std::isnan(fp16_to_float(float_to_fp16(std::numeric_limits<float>::quiet_NaN()))));
  EXPECT_TRUE(std::isinf(fp16_to_float(0x7c00)));
}

TEST(Fp16, Subnormals) {
  const float smallest = std::ldexp(1.0f, -24);
  EXPECT_EQ(float_to_fp16(smallest), 0x0001);
  EXPECT_EQ(fp16_to_float(0x0001), smallest);
  EXPECT_EQ(fp16_to_float(0x03ff), std::ldexp(1023.0f, -24));
  EXPECT_EQ(float_to_fp16(std::ldexp(1.0f, -25)), 0x0000);        // tie with 0: even -> 0
  EXPECT_EQ(float_to_fp16(std::ldexp(1.5f, -25)), 0x0001);        // above the tie
  EXPECT_EQ(float_to_fp16(std::ldexp(3.0f, -25)), 0x0002);        // 1.5 units: tie -> even 2
  EXPECT_EQ(float_to_fp16(std::ldexp(1023.5f, -24)), 0x0400);     // carries into min normal
  EXPECT_EQ(float_to_fp16(-smallest), 0x8001);
  EXPECT_EQ(float_to_fp16(std::ldexp(1.0f, -30)), 0x0000);
}

// OCP E4M3 (fp8e4m3): every one of the 256 codes decodes to its value and encodes back to
// itself (but for -0 and the NaNs), round to nearest even between codes, saturation at 448.
TEST(Fp8e4m3, EveryCodeRoundTripsAndDecodesToItsValue) {
  for (int code = 0; code < 256; ++code) {
    const auto b = static_cast<std::uint8_t>(code);
    const float v = fp8e4m3_to_float(b);
    if ((code & 0x7f) == 0x7f) {
      EXPECT_TRUE(std::isnan(v)) << code;
      continue;
    }
    const int e = (code >> 3) & 0xf, m = code & 7;
    const float expected = (code & 0x80 ? -1.0f : 1.0f) *
                           (e == 0 ? std::ldexp(float(m), -9) : std::ldexp(float(8 + m), e - 10));
    EXPECT_EQ(v, expected) << code;
    if (code == 0x80) continue;  // -0 encodes as -0 too, but compares equal to +0
    EXPECT_EQ(float_to_fp8e4m3(v), b) << code;
  }
  EXPECT_EQ(fp8e4m3_to_float(0x7e), 448.0f);
  EXPECT_EQ(fp8e4m3_to_float(0x08), std::ldexp(1.0f, -6));  // smallest normal
  EXPECT_EQ(fp8e4m3_to_float(0x01), std::ldexp(1.0f, -9));  // smallest subnormal
}

TEST(Fp8e4m3, RoundsToNearestEvenAndSaturates) {
  EXPECT_EQ(float_to_fp8e4m3(1.0625f), 0x38);   // 1 + 1/16: tie between 1 and 1.125 -> even 1
  EXPECT_EQ(float_to_fp8e4m3(1.1875f), 0x3a);   // tie between 1.125 and 1.25 -> even 1.25
  EXPECT_EQ(float_to_fp8e4m3(1.07f), 0x39);     // above the tie
  EXPECT_EQ(float_to_fp8e4m3(1.96875f), 0x40);  // tie between 1.875 and 2 -> carries to 2
  EXPECT_EQ(float_to_fp8e4m3(std::ldexp(1.5f, -9)), 0x02);  // subnormal tie -> even 2
  EXPECT_EQ(float_to_fp8e4m3(std::ldexp(1.0f, -11)), 0x00);  // below half the smallest
  EXPECT_EQ(float_to_fp8e4m3(-0.3f), 0x80 | float_to_fp8e4m3(0.3f));
  EXPECT_EQ(float_to_fp8e4m3(460.0f), 0x7e);  // saturates (E4M3 has no Inf)
  EXPECT_EQ(float_to_fp8e4m3(-1e30f), 0xfe);
  EXPECT_EQ(float_to_fp8e4m3(INFINITY), 0x7e);
  EXPECT_TRUE(std::isnan(round_to(DType::fp8e4m3, NAN)));
  EXPECT_EQ(round_to(DType::fp8e4m3, 0.3f), 0.3125f);
}

TEST(Dtype, NamesSizesRoundoff) {
  EXPECT_EQ(parse_dtype("bf16"), DType::bf16);
  EXPECT_FALSE(parse_dtype("fp8").has_value());
  EXPECT_EQ(parse_dtype("fp8e4m3"), DType::fp8e4m3);
  EXPECT_EQ(dtype_size(DType::fp8e4m3), 1u);
  EXPECT_EQ(unit_roundoff(DType::fp8e4m3), std::ldexp(1.0, -4));
  EXPECT_EQ(dtype_name(DType::fp16), "fp16");
  EXPECT_EQ(dtype_size(DType::fp32), 4u);
  EXPECT_EQ(dtype_size(DType::bf16), 2u);
  EXPECT_EQ(unit_roundoff(DType::fp32), std::ldexp(1.0, -24));
  EXPECT_EQ(unit_roundoff(DType::fp16), std::ldexp(1.0, -11));
  EXPECT_EQ(unit_roundoff(DType::bf16), std::ldexp(1.0, -8));
}

}  // namespace
}  // namespace aicert
