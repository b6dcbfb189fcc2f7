// GEMM operands, fp64 reference and check.
#include "workloads/gemm_workload.h"

#include <cmath>

#include "workloads/error_metrics.h"
#include "workloads/seeded_inputs.h"

namespace aicert {

namespace {
Tensor make_tensor(const char* name, DType dtype, std::int64_t rows, std::int64_t cols,
                   bool is_output) {
  Tensor t;
  t.name = name;
  t.dtype = dtype;
  t.dims = {rows, cols};
  t.is_output = is_output;
  t.buffer = GuardedBuffer(static_cast<std::size_t>(rows) * cols * dtype_size(dtype));
  return t;
}

// Streams of the seeded generator, one per operand.
enum Stream : std::uint64_t { kStreamA = 1, kStreamB = 2, kStreamC = 3 };
}  // namespace

HostTensors make_gemm_tensors(const GemmSpec& s, std::uint64_t seed) {
  HostTensors h;
  h.tensors.push_back(s.a_transposed() ? make_tensor("A", s.dtype, s.k, s.m, false)
                                       : make_tensor("A", s.dtype, s.m, s.k, false));
  h.tensors.push_back(s.b_transposed() ? make_tensor("B", s.dtype, s.n, s.k, false)
                                       : make_tensor("B", s.dtype, s.k, s.n, false));
  h.tensors.push_back(make_tensor("C", s.output_dtype(), s.m, s.n, true));
  fill_seeded(h.at("A"), seed, kStreamA);
  fill_seeded(h.at("B"), seed, kStreamB);
  fill_seeded(h.at("C"), seed, kStreamC);
  return h;
}

GemmReference gemm_reference(const GemmSpec& s, const HostTensors& inputs) {
  const auto M = static_cast<std::size_t>(s.m), N = static_cast<std::size_t>(s.n),
             K = static_cast<std::size_t>(s.k);
  const Tensor& A = inputs.at("A");
  const Tensor& B = inputs.at("B");
  const Tensor& C = inputs.at("C");
  // Widen B once into K x N doubles so the inner loop runs over contiguous memory.
  std::vector<double> b(K * N);
  for (std::size_t p = 0; p < K; ++p) {
    for (std::size_t j = 0; j < N; ++j) {
      b[p * N + j] = load_as_float(B.data(), B.dtype, s.b_transposed() ? j * K + p : p * N + j);
    }
  }
  GemmReference ref;
  ref.value.assign(M * N, 0.0);
  ref.magnitude.assign(M * N, 0.0);
#pragma omp parallel for schedule(dynamic, 4)
  for (std::size_t i = 0; i < M; ++i) {
    double* val = &ref.value[i * N];
    double* mag = &ref.magnitude[i * N];
    for (std::size_t p = 0; p < K; ++p) {
      const double a =
          load_as_float(A.data(), A.dtype, s.a_transposed() ? p * M + i : i * K + p);
      const double abs_a = std::fabs(a);
      const double* brow = &b[p * N];
      for (std::size_t j = 0; j < N; ++j) {
        val[j] += a * brow[j];
        mag[j] += abs_a * std::fabs(brow[j]);
      }
    }
    for (std::size_t j = 0; j < N; ++j) {
      const double c0 = s.beta == 0.0 ? 0.0 : load_as_float(C.data(), C.dtype, i * N + j);
      val[j] = s.alpha * val[j] + s.beta * c0;
      mag[j] = std::fabs(s.alpha) * mag[j] + std::fabs(s.beta) * std::fabs(c0);
    }
  }
  return ref;
}

Tolerance gemm_tolerance(const GemmSpec& s) {
  Tolerance t;
  t.c = 3.0;
  t.u_acc = unit_roundoff(DType::fp32);
  t.u_out = unit_roundoff(s.output_dtype());
  t.g = std::sqrt(static_cast<double>(s.k)) + 2.0;
  t.g_formula = "sqrt(K)+2";
  if (s.dtype == DType::fp8e4m3) {
    // fp8 tensor cores (Hopper) keep about 14 bits of a partial sum, truncated (2^-13), before
    // it is promoted to fp32 (cuBLASLt does so unless fast accumulation is asked for): at most
    // 2^-13 of the |A||B| that the partial sums cover, on top of the fp32 sum. Measured on an
    // H100 (cuBLASLt 13.1, 8192^3): the errors are the bf16 output rounding alone.
    t.g += std::ldexp(1.0, -13) / t.u_acc;
    t.g_formula = "sqrt(K)+2+2^11 (fp8 tensor-core partial sums of 14 bits, promoted to fp32)";
  }
  t.tiny = smallest_subnormal(s.output_dtype());
  return t;
}

CheckResult check_gemm(const GemmSpec& spec, const HostTensors& inputs, const HostTensors& outputs,
                       double c_override) {
  const GemmReference ref = gemm_reference(spec, inputs);
  Tolerance tolerance = gemm_tolerance(spec);
  if (c_override > 0) tolerance.c = c_override;
  return compare_with_reference(outputs.at("C"), ref.value.data(), ref.magnitude.data(),
                                tolerance);
}

}  // namespace aicert
