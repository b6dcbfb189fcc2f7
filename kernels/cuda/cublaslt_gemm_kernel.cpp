// cuBLASLt GEMM: descriptors, algorithm choice, launch.
#include "kernels/cuda/cublaslt_gemm_kernel.h"

#include <stdexcept>

#include "kernels/cuda/cuda_check.h"

namespace aicert::cuda {

namespace {

cudaDataType_t cuda_type(DType t) {
  switch (t) {
    case DType::fp32:
      return CUDA_R_32F;
    case DType::fp16:
      return CUDA_R_16F;
    case DType::bf16:
      return CUDA_R_16BF;
    case DType::fp8e4m3:
      return CUDA_R_8F_E4M3;
    case DType::int32:  // not a GEMM dtype: refused by validate_gemm_spec
      break;
  }
  return CUDA_R_32F;
}

std::string version_text(std::size_t v) {
  return std::to_string(v / 10000) + "." + std::to_string((v / 100) % 100) + "." +
         std::to_string(v % 100);
}

}  // namespace

std::string cublaslt_version() {
  return "cuBLASLt " + version_text(cublasLtGetVersion()) + " (built against " +
         version_text(CUBLAS_VERSION) + ")";
}

std::unique_ptr<CublasLtGemmKernel> CublasLtGemmKernel::create(const DeviceCaps& caps,
                                                               const GemmSpec& spec,
                                                               std::string* why_not) {
  std::unique_ptr<CublasLtGemmKernel> k(new CublasLtGemmKernel(caps, spec));
  if (std::string why = k->choose_algorithm(); !why.empty()) {
    if (why_not) *why_not = std::move(why);
    return nullptr;
  }
  return k;
}

CublasLtGemmKernel::CublasLtGemmKernel(const DeviceCaps& caps, const GemmSpec& spec)
    : spec_(spec), stream_(caps.index, caps.label()) {
  const std::string& where = stream_.label();
  AICERT_CUDA(where, cublasLtCreate(&handle_));
  AICERT_CUDA(where, cublasLtMatmulDescCreate(&desc_, CUBLAS_COMPUTE_32F, CUDA_R_32F));
  // Column-major view: D (N x M, ld N) = op(B') (N x K) * op(A') (K x M), where B' is B's
  // storage (row-major KxN = column-major NxK; NT: row-major NxK = column-major KxN, transposed)
  // and A' is A's (row-major MxK = column-major KxM; TN: row-major KxM = column-major MxK).
  const cublasOperation_t trans_first = spec.b_transposed() ? CUBLAS_OP_T : CUBLAS_OP_N;
  const cublasOperation_t trans_second = spec.a_transposed() ? CUBLAS_OP_T : CUBLAS_OP_N;
  AICERT_CUDA(where, cublasLtMatmulDescSetAttribute(desc_, CUBLASLT_MATMUL_DESC_TRANSA,
                                                    &trans_first, sizeof trans_first));
  AICERT_CUDA(where, cublasLtMatmulDescSetAttribute(desc_, CUBLASLT_MATMUL_DESC_TRANSB,
                                                    &trans_second, sizeof trans_second));
  const cudaDataType_t type = cuda_type(spec.dtype);
  const auto m = static_cast<std::uint64_t>(spec.m), n = static_cast<std::uint64_t>(spec.n),
             k = static_cast<std::uint64_t>(spec.k);
  if (spec.b_transposed()) {
    AICERT_CUDA(where, cublasLtMatrixLayoutCreate(&a_layout_, type, k, n, static_cast<int64_t>(k)));
  } else {
    AICERT_CUDA(where, cublasLtMatrixLayoutCreate(&a_layout_, type, n, k, static_cast<int64_t>(n)));
  }
  if (spec.a_transposed()) {
    AICERT_CUDA(where, cublasLtMatrixLayoutCreate(&b_layout_, type, m, k, static_cast<int64_t>(m)));
  } else {
    AICERT_CUDA(where, cublasLtMatrixLayoutCreate(&b_layout_, type, k, m, static_cast<int64_t>(k)));
  }
  // C and D in the output type (bf16 for fp8 inputs).
  AICERT_CUDA(where, cublasLtMatrixLayoutCreate(&c_layout_, cuda_type(spec.output_dtype()), n, m,
                                                static_cast<int64_t>(n)));
  if (spec.dtype == DType::fp8e4m3) {
    // Partial sums promoted to fp32 periodically (the tolerance assumes it): no fast accumulation.
    const std::int8_t fast_accumulation = 0;
    AICERT_CUDA(where, cublasLtMatmulDescSetAttribute(desc_, CUBLASLT_MATMUL_DESC_FAST_ACCUM,
                                                      &fast_accumulation,
                                                      sizeof fast_accumulation));
  }
  AICERT_CUDA(where, cudaMalloc(&workspace_, kWorkspaceBytes));
}

CublasLtGemmKernel::~CublasLtGemmKernel() {
  cudaSetDevice(stream_.device());
  if (workspace_) cudaFree(workspace_);
  if (c_layout_) cublasLtMatrixLayoutDestroy(c_layout_);
  if (b_layout_) cublasLtMatrixLayoutDestroy(b_layout_);
  if (a_layout_) cublasLtMatrixLayoutDestroy(a_layout_);
  if (desc_) cublasLtMatmulDescDestroy(desc_);
  if (handle_) cublasLtDestroy(handle_);
}

std::string CublasLtGemmKernel::choose_algorithm() {
  const std::string& where = stream_.label();
  cublasLtMatmulPreference_t pref = nullptr;
  AICERT_CUDA(where, cublasLtMatmulPreferenceCreate(&pref));
  std::unique_ptr<cublasLtMatmulPreferenceOpaque_t, decltype(&cublasLtMatmulPreferenceDestroy)>
      guard(pref, &cublasLtMatmulPreferenceDestroy);
  const std::size_t workspace = kWorkspaceBytes;
  AICERT_CUDA(where,
              cublasLtMatmulPreferenceSetAttribute(pref, CUBLASLT_MATMUL_PREF_MAX_WORKSPACE_BYTES,
                                                   &workspace, sizeof workspace));
  cublasLtMatmulHeuristicResult_t result{};
  int found = 0;
  const cublasStatus_t status = cublasLtMatmulAlgoGetHeuristic(
      handle_, desc_, a_layout_, b_layout_, c_layout_, c_layout_, pref, 1, &result, &found);
  if (status == CUBLAS_STATUS_NOT_SUPPORTED || (status == CUBLAS_STATUS_SUCCESS && found == 0)) {
    return "not supported: cuBLASLt has no algorithm for " + spec_.shape_string() + " " +
           std::string(layout_name(spec_.layout)) + " " + std::string(dtype_name(spec_.dtype)) +
           " on " + where;
  }
  AICERT_CUDA(where, status);
  algo_ = result.algo;
  return {};
}

void CublasLtGemmKernel::upload(const HostTensors& tensors) {
  stream_.activate();
  buffers_.upload(tensors, stream_.get(), stream_.label());
}

void CublasLtGemmKernel::run() {
  if (buffers_.empty()) throw std::logic_error("cuda:cublaslt run() before upload()");
  stream_.activate();
  const std::string& where = stream_.label();
  const float alpha = static_cast<float>(spec_.alpha), beta = static_cast<float>(spec_.beta);
  void* c = buffers_.payload("C");
  timer_.begin(stream_.get(), where);
  AICERT_CUDA(where, cublasLtMatmul(handle_, desc_, &alpha, buffers_.payload("B"), a_layout_,
                                    buffers_.payload("A"), b_layout_, &beta, c, c_layout_, c,
                                    c_layout_, &algo_, workspace_, kWorkspaceBytes, stream_.get()));
  timer_.end(stream_.get(), where);
}

double CublasLtGemmKernel::elapsed_ms_since_last_sync() {
  stream_.activate();
  return timer_.sync_and_sum_ms(stream_.label());
}

void CublasLtGemmKernel::download(HostTensors& tensors) {
  stream_.activate();
  buffers_.download(tensors, stream_.get(), stream_.label());
}

}  // namespace aicert::cuda
