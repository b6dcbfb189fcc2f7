// GEMM operands, tolerance and check (the fp64 reference is gemm_reference.cpp).
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

// Fills a rows x cols operand by its logical (row-major) index, whatever its storage: the
// layouts of one seed and shape are then one problem, with one reference.
void fill_seeded_matrix(Tensor& t, std::uint64_t seed, std::uint64_t stream, std::int64_t rows,
                        std::int64_t cols, bool stored_transposed) {
  if (!stored_transposed) {
    fill_seeded(t, seed, stream);
    return;
  }
  // Walks the storage in order (each thread its own stored rows) and draws each element by its
  // logical index (r, c), which sits at storage (c, r).
  void* data = t.data();
  const DType dtype = t.dtype;
#pragma omp parallel for schedule(static) if (rows * cols >= kParallelFillElements)
  for (std::int64_t c = 0; c < cols; ++c) {
    for (std::int64_t r = 0; r < rows; ++r) {
      store_from_float(data, dtype, static_cast<std::size_t>(c * rows + r),
                       seeded_uniform(seed, stream, static_cast<std::uint64_t>(r * cols + c)));
    }
  }
}
}  // namespace

HostTensors make_gemm_tensors(const GemmSpec& s, std::uint64_t seed) {
  HostTensors h;
  h.tensors.push_back(s.a_transposed() ? make_tensor("A", s.dtype, s.k, s.m, false)
                                       : make_tensor("A", s.dtype, s.m, s.k, false));
  h.tensors.push_back(s.b_transposed() ? make_tensor("B", s.dtype, s.n, s.k, false)
                                       : make_tensor("B", s.dtype, s.k, s.n, false));
  h.tensors.push_back(make_tensor("C", s.output_dtype(), s.m, s.n, true));
  fill_seeded_matrix(h.at("A"), seed, kStreamA, s.m, s.k, s.a_transposed());
  fill_seeded_matrix(h.at("B"), seed, kStreamB, s.k, s.n, s.b_transposed());
  fill_seeded(h.at("C"), seed, kStreamC);
  return h;
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

ReferenceCache::Lookup cached_gemm_reference(const GemmSpec& spec, const HostTensors& inputs) {
  return process_reference_cache().get_or_compute(gemm_reference_key(spec, inputs),
                                                  [&] { return gemm_reference(spec, inputs); });
}

CheckResult check_gemm_against(const GemmSpec& spec, const Reference& ref,
                               const HostTensors& outputs, double c_override) {
  Tolerance tolerance = gemm_tolerance(spec);
  if (c_override > 0) tolerance.c = c_override;
  return compare_with_reference(outputs.at("C"), ref.value.data(), ref.magnitude.data(), tolerance);
}

CheckResult check_gemm(const GemmSpec& spec, const HostTensors& inputs, const HostTensors& outputs,
                       double c_override) {
  return check_gemm_against(spec, *cached_gemm_reference(spec, inputs).reference, outputs,
                            c_override);
}

}  // namespace aicert
