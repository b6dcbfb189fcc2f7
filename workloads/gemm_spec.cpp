// Parsing and validation of GEMM case specs.
#include "workloads/gemm_spec.h"

#include <charconv>
#include <limits>
#include <vector>

#include "workloads/memory_need.h"

namespace aicert {

std::string_view layout_name(GemmLayout l) {
  switch (l) {
    case GemmLayout::NN: return "NN";
    case GemmLayout::NT: return "NT";
    case GemmLayout::TN: return "TN";
  }
  return "?";
}

std::optional<GemmLayout> parse_layout(std::string_view name) {
  if (name == "NN") return GemmLayout::NN;
  if (name == "NT") return GemmLayout::NT;
  if (name == "TN") return GemmLayout::TN;
  return std::nullopt;
}

double GemmSpec::operand_bytes() const {
  const double in = static_cast<double>(dtype_size(dtype));
  const double out = static_cast<double>(dtype_size(output_dtype()));
  return in * (static_cast<double>(m) * k + static_cast<double>(k) * n) +
         out * static_cast<double>(m) * n;
}

std::string GemmSpec::shape_string() const {
  return std::to_string(m) + "x" + std::to_string(n) + "x" + std::to_string(k);
}

std::optional<GemmSpec> parse_gemm_shape(std::string_view text, std::string* error) {
  std::vector<std::int64_t> dims;
  std::size_t pos = 0;
  while (pos <= text.size()) {
    const std::size_t x = text.find('x', pos);
    const std::string_view part = text.substr(pos, x == std::string_view::npos ? x : x - pos);
    std::int64_t value = 0;
    const auto [end, ec] = std::from_chars(part.data(), part.data() + part.size(), value);
    if (part.empty() || ec != std::errc() || end != part.data() + part.size()) {
      *error = "shape '" + std::string(text) +
               "' is not MxNxK with three integers (e.g. 1024x1024x1024)";
      if (ec == std::errc::result_out_of_range) {
        *error = "shape '" + std::string(text) + "': '" + std::string(part) +
                 "' does not fit in a 64-bit integer";
      }
      return std::nullopt;
    }
    dims.push_back(value);
    if (x == std::string_view::npos) break;
    pos = x + 1;
  }
  if (dims.size() != 3) {
    *error = "shape '" + std::string(text) + "' must have three dimensions MxNxK, got " +
             std::to_string(dims.size());
    return std::nullopt;
  }
  GemmSpec spec;
  spec.m = dims[0];
  spec.n = dims[1];
  spec.k = dims[2];
  return spec;
}

std::string validate_gemm_spec(const GemmSpec& spec, double max_bytes) {
  if (spec.dtype == DType::int32) {
    return "int32 is not a GEMM dtype (fp32, fp16, bf16, fp8e4m3)";
  }
  if (spec.m <= 0 || spec.n <= 0) {
    return "shape " + spec.shape_string() + ": M and N must be positive";
  }
  if (spec.k < 0) return "shape " + spec.shape_string() + ": K must not be negative";
  constexpr double kIndexLimit = static_cast<double>(std::numeric_limits<std::int32_t>::max());
  const double mk = static_cast<double>(spec.m) * spec.k;
  const double kn = static_cast<double>(spec.k) * spec.n;
  const double mn = static_cast<double>(spec.m) * spec.n;
  if (mk > kIndexLimit || kn > kIndexLimit || mn > kIndexLimit) {
    return "shape " + spec.shape_string() +
           ": an operand has more than 2^31-1 elements, which kernels index with 32 bits";
  }
  // Inputs and output in storage type, plus the fp64 reference and |A||B| bound (16 B/element).
  const double needed = spec.operand_bytes() + 16.0 * mn;
  if (needed > max_bytes) {
    return "shape " + spec.shape_string() + " " + memory_shortfall(needed, max_bytes);
  }
  return {};
}

}  // namespace aicert
