// Names, shape grammar and validation of peak specs; see peak_spec.h.
#include "workloads/peak_spec.h"

#include <charconv>

#include "workloads/memory_need.h"

namespace aicert {

std::string_view peak_unit_name(PeakUnit u) {
  return u == PeakUnit::vector ? "vector" : "matrix";
}

std::optional<PeakUnit> parse_peak_unit(std::string_view name) {
  if (name == "vector") return PeakUnit::vector;
  if (name == "matrix") return PeakUnit::matrix;
  return std::nullopt;
}

int PeakSpec::depth() const {
  if (unit == PeakUnit::matrix) return 32;
  return dtype == DType::fp32 ? 1 : 2;
}

std::string PeakSpec::shape_string() const {
  return std::string(peak_unit_name(unit)) + ":" + std::to_string(lanes) + "x" +
         std::to_string(steps);
}

namespace {
bool parse_count(std::string_view text, std::int64_t* out) {
  if (text.empty() || text.find_first_not_of("0123456789") != std::string_view::npos) return false;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), *out);
  return ec == std::errc() && end == text.data() + text.size();
}
}  // namespace

std::optional<PeakSpec> parse_peak_shape(std::string_view text, std::string* error) {
  auto fail = [&](std::string why) -> std::optional<PeakSpec> {
    if (error) *error = "peak shape '" + std::string(text) + "' " + why;
    return std::nullopt;
  };
  const auto colon = text.find(':');
  if (colon == std::string_view::npos) return fail("is not UNIT:LANESxSTEPS");
  const auto unit = parse_peak_unit(text.substr(0, colon));
  if (!unit) return fail("names no peak unit (known: vector, matrix)");
  const std::string_view counts = text.substr(colon + 1);
  const auto x = counts.find('x');
  PeakSpec s;
  s.unit = *unit;
  if (x == std::string_view::npos || !parse_count(counts.substr(0, x), &s.lanes) ||
      !parse_count(counts.substr(x + 1), &s.steps)) {
    return fail("is not UNIT:LANESxSTEPS with whole numbers");
  }
  return s;
}

std::string validate_peak_spec(const PeakSpec& s, double max_bytes) {
  const std::string dtype(dtype_name(s.dtype));
  if (s.dtype != DType::fp32 && s.dtype != DType::fp16 && s.dtype != DType::bf16) {
    return "peak runs fp32, fp16 and bf16, not " + dtype;
  }
  if (s.unit == PeakUnit::matrix && s.dtype == DType::fp32) {
    return "matrix units multiply 16-bit inputs: a matrix peak is fp16 or bf16, not fp32";
  }
  if (s.lanes < kPeakLaneMultiple || s.lanes % kPeakLaneMultiple != 0 ||
      s.lanes > (std::int64_t{1} << 28)) {
    return "lanes " + std::to_string(s.lanes) + " must be a multiple of " +
           std::to_string(kPeakLaneMultiple) + " from " + std::to_string(kPeakLaneMultiple) +
           " to 2^28";
  }
  if (s.steps < 1 || s.steps % 2 == 0 || s.steps > (std::int64_t{1} << 31)) {
    return "steps " + std::to_string(s.steps) + " must be odd, from 1 to 2^31";
  }
  // X and Y, a kernel's copy of both, and the expected values of the check (fp64).
  const double needed = 4.0 * 4 * static_cast<double>(s.lanes) + 8.0 * static_cast<double>(s.lanes);
  if (needed > max_bytes) return s.shape_string() + " " + memory_shortfall(needed, max_bytes);
  return {};
}

}  // namespace aicert
