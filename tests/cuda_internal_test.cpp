// Internals of the CUDA backend that need no GPU: the checking macro's message, version text,
// and the support decisions of both GEMM implementations on described devices.
#include <gtest/gtest.h>

#include "kernels/cuda/cuda_check.h"
#include "kernels/cuda/device_caps.h"
#include "kernels/cuda/gemm_support.h"

namespace aicert::cuda {
namespace {

DeviceCaps h100() {
  DeviceCaps c;
  c.index = 0;
  c.name = "NVIDIA H100 80GB HBM3";
  c.cc_major = 9;
  c.cc_minor = 0;
  c.sm_count = 132;
  c.global_mem_bytes = std::uint64_t{80} << 30;
  return c;
}

GemmSpec gemm(std::int64_t m, std::int64_t n, std::int64_t k, DType dtype) {
  GemmSpec s;
  s.m = m, s.n = n, s.k = k, s.dtype = dtype;
  return s;
}

TEST(CudaCheck, ErrorNamesCallErrorAndDevice) {
  try {
    AICERT_CUDA("cuda device 3 'X'", cudaErrorMemoryAllocation);
    FAIL() << "no throw";
  } catch (const CudaError& e) {
    const std::string what = e.what();
    EXPECT_EQ(what.rfind("cudaErrorMemoryAllocation failed: cudaErrorMemoryAllocation (", 0), 0u)
        << what;
    EXPECT_NE(what.find(" on cuda device 3 'X' ["), std::string::npos) << what;
    EXPECT_NE(what.find("cuda_internal_test.cpp:"), std::string::npos) << what;
  }
  try {
    AICERT_CUDA("cuda device 0", CUBLAS_STATUS_NOT_SUPPORTED);
    FAIL() << "no throw";
  } catch (const CudaError& e) {
    EXPECT_NE(std::string(e.what()).find("CUBLAS_STATUS_NOT_SUPPORTED ("), std::string::npos)
        << e.what();
  }
  EXPECT_NO_THROW(AICERT_CUDA("x", cudaSuccess));
  EXPECT_NO_THROW(AICERT_CUDA("x", CUBLAS_STATUS_SUCCESS));
}

TEST(CudaDeviceCaps, VersionAndLabel) {
  EXPECT_EQ(cuda_version_string(13000), "13.0");
  EXPECT_EQ(cuda_version_string(12080), "12.8");
  EXPECT_EQ(h100().label(), "cuda device 0 'NVIDIA H100 80GB HBM3'");
  EXPECT_EQ(h100().compute_capability(), 90);
}

TEST(CudaGemmSupport, SupportedOnH100) {
  for (DType t : {DType::fp32, DType::fp16, DType::bf16}) {
    for (auto impl : {kOwnImpl, kCublasLtImpl}) {
      EXPECT_EQ(gemm_unsupported_reason(h100(), gemm(8192, 8192, 8192, t), impl, ""), "");
    }
  }
  EXPECT_EQ(gemm_unsupported_reason(h100(), gemm(31, 45, 0, DType::bf16), kOwnImpl, ""), "");
}

TEST(CudaGemmSupport, RefusalsSayWhy) {
  DeviceCaps turing = h100();
  turing.cc_major = 7;
  turing.cc_minor = 5;
  const std::string old =
      gemm_unsupported_reason(turing, gemm(64, 64, 64, DType::fp32), kOwnImpl, "");
  EXPECT_EQ(old.rfind("not supported: cuda:tiled needs compute capability 8.0", 0), 0u) << old;
  EXPECT_NE(old.find("has 7.5"), std::string::npos) << old;
  EXPECT_EQ(gemm_unsupported_reason(turing, gemm(64, 64, 64, DType::fp32), kCublasLtImpl, ""), "");

  const std::string image = gemm_unsupported_reason(h100(), gemm(64, 64, 64, DType::bf16), kOwnImpl,
                                                    "cudaErrorNoKernelImageForDevice");
  EXPECT_NE(image.find("no code for cuda device 0"), std::string::npos) << image;
  EXPECT_NE(image.find("sm_90"), std::string::npos) << image;
  EXPECT_EQ(gemm_unsupported_reason(h100(), gemm(64, 64, 64, DType::bf16), kCublasLtImpl,
                                    "cudaErrorNoKernelImageForDevice"),
            "");

  const std::string k0 =
      gemm_unsupported_reason(h100(), gemm(31, 45, 0, DType::fp32), kCublasLtImpl, "");
  EXPECT_EQ(k0.rfind("not supported: cuBLASLt rejects K=0", 0), 0u) << k0;

  const std::string big =
      gemm_unsupported_reason(h100(), gemm(200000, 200000, 8, DType::fp32), kCublasLtImpl, "");
  EXPECT_EQ(big.rfind("not supported: the operands need ", 0), 0u) << big;

  const std::string huge = gemm_unsupported_reason(
      h100(), gemm((std::int64_t{1} << 30) + 1, 1, 1, DType::fp32), kOwnImpl, "");
  EXPECT_NE(huge.find("2^30"), std::string::npos) << huge;
}

}  // namespace
}  // namespace aicert::cuda
