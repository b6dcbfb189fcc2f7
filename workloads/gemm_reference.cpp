// fp64 GEMM reference through cblas_dgemm, its spot check, and the key of its inputs.
#include "workloads/gemm_reference.h"

#include <cblas.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <memory>
#include <stdexcept>

#include "workloads/sha256.h"

namespace aicert {

namespace {

// The payload of `t` widened to fp64, in storage order. Left uninitialised before the parallel
// loop writes it, so that the threads, not one memset, touch its pages first: on a VM page
// faults are a good part of the reference's time outside the two dgemm calls.
ReferenceArray widen(const Tensor& t) {
  const auto n = static_cast<std::int64_t>(t.elements());
  ReferenceArray out(static_cast<std::size_t>(n));
#pragma omp parallel for schedule(static)
  for (std::int64_t i = 0; i < n; ++i) {
    out[static_cast<std::size_t>(i)] =
        load_as_float(t.data(), t.dtype, static_cast<std::size_t>(i));
  }
  return out;
}

void take_absolute_values(double* v, std::size_t elements) {
  const auto n = static_cast<std::int64_t>(elements);
#pragma omp parallel for schedule(static)
  for (std::int64_t i = 0; i < n; ++i) v[i] = std::fabs(v[i]);
}

int blas_int(std::int64_t v, const char* what) {
  if (v < 0 || v > std::numeric_limits<int>::max()) {
    throw std::invalid_argument(std::string("gemm reference: ") + what + " = " + std::to_string(v) +
                                " is outside the BLAS integer range");
  }
  return static_cast<int>(v);
}

// Recomputes a few seeded elements with a plain fp64 loop: a BLAS that returns wrong numbers
// (a bad build, a CPU fault) must not become the standard the kernels are judged by.
// Reads A and B from the tensors themselves, not from what was handed to the BLAS.
void spot_check(const GemmSpec& s, const Tensor& a, const Tensor& b, const Tensor& c,
                const GemmReference& ref) {
  const auto M = static_cast<std::size_t>(s.m), N = static_cast<std::size_t>(s.n),
             K = static_cast<std::size_t>(s.k);
  constexpr int kSamples = 64;
  const double u64 = std::ldexp(1.0, -53);
  std::uint64_t x = 0x9e3779b97f4a7c15ull ^ (M * 31 + N * 17 + K);
  for (int sample = 0; sample < kSamples; ++sample) {
    x = x * 6364136223846793005ull + 1442695040888963407ull;
    const std::size_t idx = sample == 0 ? 0 : sample == 1 ? M * N - 1 : (x >> 11) % (M * N);
    const std::size_t i = idx / N, j = idx % N;
    double dot = 0, abs_dot = 0;
    for (std::size_t p = 0; p < K; ++p) {
      const double av = load_as_float(a.data(), a.dtype, s.a_transposed() ? p * M + i : i * K + p);
      const double bv = load_as_float(b.data(), b.dtype, s.b_transposed() ? j * K + p : p * N + j);
      dot += av * bv;
      abs_dot += std::fabs(av * bv);
    }
    const double c0 = s.beta == 0.0 ? 0.0 : load_as_float(c.data(), c.dtype, idx);
    const double value = s.alpha * dot + s.beta * c0;
    const double magnitude = std::fabs(s.alpha) * abs_dot + std::fabs(s.beta) * std::fabs(c0);
    // Both sums err by at most (K+2) u64 of the magnitude; allow twice that, plus underflow.
    const double bound = 2.0 * (static_cast<double>(K) + 2.0) * u64 * magnitude + 1e-300;
    if (!(std::fabs(value - ref.value[idx]) <= bound) ||
        !(std::fabs(magnitude - ref.magnitude[idx]) <= bound)) {
      throw std::runtime_error(
          "gemm reference: cblas_dgemm disagrees with a plain fp64 loop at element (" +
          std::to_string(i) + ", " + std::to_string(j) + "): " + std::to_string(ref.value[idx]) +
          " vs " + std::to_string(value) + "; the host BLAS cannot serve as the reference");
    }
  }
}

}  // namespace

GemmReference gemm_reference(const GemmSpec& s, const HostTensors& inputs) {
  const int M = blas_int(s.m, "M"), N = blas_int(s.n, "N"), K = blas_int(s.k, "K");
  const Tensor& C = inputs.at("C");
  const Tensor& A = inputs.at("A");
  const Tensor& B = inputs.at("B");
  const CBLAS_TRANSPOSE ta = s.a_transposed() ? CblasTrans : CblasNoTrans;
  const CBLAS_TRANSPOSE tb = s.b_transposed() ? CblasTrans : CblasNoTrans;
  const int lda = std::max(1, s.a_transposed() ? M : K);
  const int ldb = std::max(1, s.b_transposed() ? K : N);
  const std::size_t elements = static_cast<std::size_t>(M) * static_cast<std::size_t>(N);

  GemmReference ref;
  ref.value.resize(elements);  // uninitialised: both dgemm calls (beta = 0) write every element
  ref.magnitude.resize(elements);
  if (elements == 0) return ref;
  if (K == 0) {  // no products: what is left is beta * C0
    std::fill(ref.value.begin(), ref.value.end(), 0.0);
    std::fill(ref.magnitude.begin(), ref.magnitude.end(), 0.0);
  } else {
    ReferenceArray a = widen(A), b = widen(B);
    cblas_dgemm(CblasRowMajor, ta, tb, M, N, K, s.alpha, a.data(), lda, b.data(), ldb, 0.0,
                ref.value.data(), N);
    take_absolute_values(a.data(), A.elements());  // in place: the signed values are done with
    take_absolute_values(b.data(), B.elements());
    cblas_dgemm(CblasRowMajor, ta, tb, M, N, K, std::fabs(s.alpha), a.data(), lda, b.data(), ldb,
                0.0, ref.magnitude.data(), N);
  }
  if (s.beta != 0.0) {  // beta == 0 never reads C0 (it may hold NaN)
    const auto n = static_cast<std::int64_t>(elements);
#pragma omp parallel for schedule(static)
    for (std::int64_t e = 0; e < n; ++e) {
      const auto idx = static_cast<std::size_t>(e);
      const double c0 = load_as_float(C.data(), C.dtype, idx);
      ref.value[idx] += s.beta * c0;
      ref.magnitude[idx] += std::fabs(s.beta) * std::fabs(c0);
    }
  }
  spot_check(s, A, B, C, ref);
  return ref;
}

namespace {
// Appends the payload of a rows x cols matrix to `h` in logical row-major order; `transposed`
// says it is stored cols x rows.
void hash_logical(Sha256& h, const Tensor& t, std::int64_t rows, std::int64_t cols,
                  bool transposed) {
  if (!transposed) {
    h.update(t.data(), t.buffer.payload_bytes());
    return;
  }
  const std::size_t size = dtype_size(t.dtype);
  const auto* src = static_cast<const unsigned char*>(t.data());
  std::vector<unsigned char> row(static_cast<std::size_t>(cols) * size);
  for (std::int64_t r = 0; r < rows; ++r) {
    for (std::int64_t c = 0; c < cols; ++c) {
      std::memcpy(&row[static_cast<std::size_t>(c) * size],
                  src + (static_cast<std::size_t>(c) * rows + r) * size, size);
    }
    h.update(row.data(), row.size());
  }
}
}  // namespace

std::string gemm_reference_key(const GemmSpec& s, const HostTensors& inputs) {
  Sha256 h;
  char header[256];
  std::snprintf(header, sizeof header, "gemm-reference-v1 %lld %lld %lld %a %a %s %s\n",
                static_cast<long long>(s.m), static_cast<long long>(s.n),
                static_cast<long long>(s.k), s.alpha, s.beta,
                std::string(dtype_name(s.dtype)).c_str(),
                std::string(dtype_name(s.output_dtype())).c_str());
  h.update(header, std::strlen(header));
  hash_logical(h, inputs.at("A"), s.m, s.k, s.a_transposed());
  hash_logical(h, inputs.at("B"), s.k, s.n, s.b_transposed());
  if (s.beta != 0.0) {
    const Tensor& c = inputs.at("C");
    h.update(c.data(), c.buffer.payload_bytes());
  }
  return h.hex();
}

}  // namespace aicert
