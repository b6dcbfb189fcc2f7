// cpu:cblas kernel: layouts mapped to CBLAS transpose flags and leading dimensions.
#include "kernels/cpu/cblas_kernel.h"

#include <algorithm>
#include <limits>
#include <stdexcept>

#include "kernels/cpu/gemm_operands.h"

namespace aicert::cpu {
namespace {

struct CblasArgs {
  CBLAS_TRANSPOSE trans_a, trans_b;
  blasint m, n, k, lda, ldb, ldc;
};

CblasArgs cblas_args(const GemmSpec& s) {
  const auto m = static_cast<blasint>(s.m), n = static_cast<blasint>(s.n),
             k = static_cast<blasint>(s.k);
  // Row-major leading dimensions of the stored matrices; BLAS wants them >= 1 even when K = 0.
  CblasArgs a{};
  a.trans_a = s.a_transposed() ? CblasTrans : CblasNoTrans;
  a.trans_b = s.b_transposed() ? CblasTrans : CblasNoTrans;
  a.m = m;
  a.n = n;
  a.k = k;
  a.lda = std::max<blasint>(1, s.a_transposed() ? m : k);
  a.ldb = std::max<blasint>(1, s.b_transposed() ? k : n);
  a.ldc = std::max<blasint>(1, n);
  return a;
}

}  // namespace

std::unique_ptr<Kernel> CblasKernel::make(const GemmSpec& spec, std::shared_ptr<ThreadPool> pool,
                                          std::string* why_not) {
  const std::int64_t limit = std::numeric_limits<blasint>::max();
  if (spec.m > limit || spec.n > limit || spec.k > limit || spec.m * spec.k > limit ||
      spec.k * spec.n > limit || spec.m * spec.n > limit) {
    if (why_not) {
      *why_not = "OpenBLAS is built with 32-bit BLAS integers; " + spec.shape_string() +
                 " has a dimension or matrix size past " + std::to_string(limit);
    }
    return nullptr;
  }
  switch (spec.dtype) {
    case DType::fp32:
      return std::unique_ptr<Kernel>(new CblasKernel(spec, std::move(pool), nullptr));
    case DType::bf16: {
      CblasSbgemmFn sbgemm = find_cblas_sbgemm(why_not);
      if (sbgemm == nullptr) return nullptr;
      return std::unique_ptr<Kernel>(new CblasKernel(spec, std::move(pool), sbgemm));
    }
    case DType::fp16:
      if (why_not) *why_not = "CBLAS has no fp16 GEMM (OpenBLAS " + openblas_version() + ")";
      return nullptr;
    case DType::int32:
    case DType::fp8e4m3:
      break;
  }
  if (why_not) *why_not = "CBLAS has no " + std::string(dtype_name(spec.dtype)) + " GEMM";
  return nullptr;
}

void CblasKernel::upload(const HostTensors& tensors) {
  tensors_.upload(tensors);
  check_gemm_tensors(spec_, tensors_);
  if (spec_.dtype != DType::fp32) {
    c_fp32_.resize(static_cast<std::size_t>(spec_.m * spec_.n) * sizeof(float));
  }
}

void CblasKernel::run() {
  if (tensors_.empty()) throw std::logic_error("cpu:cblas: run() before upload()");
  timer_.time([this] { compute(); });
}

void CblasKernel::compute() {
  const CblasArgs a = cblas_args(spec_);
  const auto alpha = static_cast<float>(spec_.alpha);
  const auto beta = static_cast<float>(spec_.beta);
  if (spec_.dtype == DType::fp32) {
    cblas_sgemm(CblasRowMajor, a.trans_a, a.trans_b, a.m, a.n, a.k, alpha,
                reinterpret_cast<const float*>(tensors_.payload("A")), a.lda,
                reinterpret_cast<const float*>(tensors_.payload("B")), a.ldb, beta,
                reinterpret_cast<float*>(tensors_.payload("C")), a.ldc);
    return;
  }
  // bf16: sbgemm accumulates into an fp32 C; round it to bf16 once at the end.
  void* c = tensors_.payload("C");
  float* c32 = c_fp32_.as<float>();
  const auto elements = static_cast<std::size_t>(spec_.m * spec_.n);
  if (beta != 0.0f) {
    widen_to_fp32(*pool_, c, spec_.dtype, c32, elements);
  } else {
    // BLAS does not read C when beta = 0; zeroing anyway keeps a NaN from propagating through
    // an sbgemm that does (builds that export it cannot be tested everywhere).
    std::fill(c32, c32 + elements, 0.0f);
  }
  sbgemm_(CblasRowMajor, a.trans_a, a.trans_b, a.m, a.n, a.k, alpha,
          reinterpret_cast<const std::uint16_t*>(tensors_.payload("A")), a.lda,
          reinterpret_cast<const std::uint16_t*>(tensors_.payload("B")), a.ldb, beta, c32, a.ldc);
  narrow_from_fp32(*pool_, c32, spec_.dtype, c, elements);
}

}  // namespace aicert::cpu
