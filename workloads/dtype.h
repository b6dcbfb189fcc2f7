// Element types of the workloads and their exact conversions to and from fp32.
// bf16 and fp16 are stored as raw 16-bit patterns; conversions round to nearest even and
// keep NaN, Inf and (for fp16) subnormals, so every backend and the reference see the same bits.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace aicert {

// int32 is for integer workloads (collectives); GEMM takes the three floating types only.
enum class DType { fp32, fp16, bf16, int32 };

std::string_view dtype_name(DType t);
std::optional<DType> parse_dtype(std::string_view name);
std::size_t dtype_size(DType t);
// Unit roundoff u = 2^-p of the type (2^-24 fp32, 2^-11 fp16, 2^-8 bf16; 0 for int32).
double unit_roundoff(DType t);

std::uint16_t float_to_bf16(float f);
float bf16_to_float(std::uint16_t h);
std::uint16_t float_to_fp16(float f);
float fp16_to_float(std::uint16_t h);

// Reads element i of a buffer of type t as float (exact for every floating type, and for
// int32 values of magnitude up to 2^24).
float load_as_float(const void* data, DType t, std::size_t i);
// Stores f rounded to type t into element i.
void store_from_float(void* data, DType t, std::size_t i, float f);
// Rounds f to the nearest value representable in t (identity for fp32).
float round_to(DType t, float f);

}  // namespace aicert
