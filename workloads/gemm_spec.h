// The GEMM workload's case spec: C = alpha*op(A)*op(B) + beta*C, row-major.
// Layout names say which operand is stored transposed: NN (A MxK, B KxN), NT (B stored NxK),
// TN (A stored KxM). Inputs and C are of one dtype; accumulation is always fp32 or wider.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "workloads/dtype.h"

namespace aicert {

enum class GemmLayout { NN, NT, TN };

std::string_view layout_name(GemmLayout l);
std::optional<GemmLayout> parse_layout(std::string_view name);

struct GemmSpec {
  std::int64_t m = 0, n = 0, k = 0;
  GemmLayout layout = GemmLayout::NN;
  DType dtype = DType::fp32;
  double alpha = 1.0;
  double beta = 0.0;

  bool a_transposed() const { return layout == GemmLayout::TN; }
  bool b_transposed() const { return layout == GemmLayout::NT; }
  double flops() const { return 2.0 * static_cast<double>(m) * n * k; }
  // Bytes of A, B and C in storage type (what a kernel must hold on its device).
  double operand_bytes() const;
  // "1024x1024x1024"
  std::string shape_string() const;
};

// Parses "MxNxK". On failure returns nullopt and says why in *error.
std::optional<GemmSpec> parse_gemm_shape(std::string_view text, std::string* error);

// Checks that every dimension is positive (K may be 0), products do not overflow and the
// buffers the case needs (inputs, output, fp64 reference) fit in max_bytes.
// Returns an empty string when the spec is valid, else what is wrong.
std::string validate_gemm_spec(const GemmSpec& spec, double max_bytes);

}  // namespace aicert
