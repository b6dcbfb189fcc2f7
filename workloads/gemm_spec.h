// The GEMM workload's case spec: C = alpha*op(A)*op(B) + beta*C, row-major.
// Layout names say which operand is stored transposed: NN (A MxK, B KxN), NT (B stored NxK),
// TN (A stored KxM). Inputs and C are of one dtype, except fp8e4m3: A and B in fp8, C and the
// result in bf16 (as fp8 GEMMs of the vendor libraries are used). Accumulation is fp32 or wider
// (fp8 tensor cores: see gemm_tolerance in gemm_workload.cpp).
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
  static constexpr std::string_view kWorkload = "gemm";  // its workload's name
  std::int64_t m = 0, n = 0, k = 0;
  GemmLayout layout = GemmLayout::NN;
  DType dtype = DType::fp32;
  double alpha = 1.0;
  double beta = 0.0;

  bool a_transposed() const { return layout == GemmLayout::TN; }
  bool b_transposed() const { return layout == GemmLayout::NT; }
  double flops() const { return 2.0 * static_cast<double>(m) * n * k; }
  // The type of C and of the result: bf16 for fp8e4m3 inputs, else the input type.
  DType output_dtype() const { return dtype == DType::fp8e4m3 ? DType::bf16 : dtype; }
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
