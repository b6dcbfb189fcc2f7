// Element types of the workloads and their exact conversions to and from fp32.
// bf16 and fp16 are stored as raw 16-bit patterns, fp8e4m3 (OCP E4M3: 4 exponent bits, 3
// mantissa bits, bias 7, no Inf, max 448, NaN 0x7f/0xff) as raw bytes; conversions round to
// nearest even and keep NaN, Inf and subnormals (fp8e4m3 saturates at +-448), so every backend
// and the reference see the same bits.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace aicert {

// int32 is for integer workloads (collectives); GEMM takes the floating types, fp8e4m3 as its
// input type only (A and B in fp8, C and the result in bf16: GemmSpec::output_dtype()).
enum class DType { fp32, fp16, bf16, int32, fp8e4m3 };

std::string_view dtype_name(DType t);
std::optional<DType> parse_dtype(std::string_view name);
// "fp32, fp16, bf16": for messages that list what is known.
std::string dtype_names(const std::vector<DType>& types);
std::size_t dtype_size(DType t);
// Unit roundoff u = 2^-p of the type (2^-24 fp32, 2^-11 fp16, 2^-8 bf16, 2^-4 fp8e4m3; 0 for
// int32).
double unit_roundoff(DType t);

std::uint16_t float_to_bf16(float f);
float bf16_to_float(std::uint16_t h);
std::uint16_t float_to_fp16(float f);
float fp16_to_float(std::uint16_t h);
// Saturating: finite values beyond +-448 become +-448 (E4M3 has no Inf); NaN stays NaN.
std::uint8_t float_to_fp8e4m3(float f);
float fp8e4m3_to_float(std::uint8_t b);

// Reads element i of a buffer of type t as float (exact for every floating type, and for
// int32 values of magnitude up to 2^24).
float load_as_float(const void* data, DType t, std::size_t i);
// Stores f rounded to type t into element i.
void store_from_float(void* data, DType t, std::size_t i, float f);
// Rounds f to the nearest value representable in t (identity for fp32).
float round_to(DType t, float f);

}  // namespace aicert
