// cuda:stream (kernels/cuda/bandwidth_kernel.h), linked directly: the support decision and the
// grid on a described H100 (no GPU needed), and on the first GPU every op at a count with a
// scalar tail and at awkward counts, exact, idempotent over several launches, guards intact, an
// injected error found. The device tests skip with the runtime's reason without a GPU.
#include <cuda_runtime_api.h>
#include <gtest/gtest.h>

#include <memory>
#include <stdexcept>
#include <string>

#include "cuda_caps_fixture.h"
#include "kernels/cuda/bandwidth_kernel.h"
#include "kernels/cuda/bandwidth_launch.h"
#include "kernels/cuda/cuda_check.h"
#include "kernels/cuda/device_caps.h"
#include "kernels/cuda/gemm_launch.h"
#include "stream_test_util.h"

namespace aicert::cuda {
namespace {

using ::aicert::test::stream_spec;
using test::h100;

TEST(CudaStreamSupport, Fp32WithCodeForTheDeviceAndArraysInMemory) {
  EXPECT_EQ(stream_unsupported_reason(h100(), stream_spec(StreamOp::dot, 1 << 20), ""), "");
  StreamSpec bf16 = stream_spec(StreamOp::copy, 1024);
  bf16.dtype = DType::bf16;
  EXPECT_NE(stream_unsupported_reason(h100(), bf16, "").find("runs fp32 arrays"),
            std::string::npos);
  EXPECT_NE(stream_unsupported_reason(h100(), stream_spec(StreamOp::triad, 1024),
                                      "cudaErrorNoKernelImageForDevice (no kernel image)")
                .find("has no code for cuda device 0 'NVIDIA H100 80GB HBM3' (sm_90)"),
            std::string::npos);
  // Three arrays of 2^31 floats (8 GiB each) fit 80 GiB; on a 16 GiB device they do not.
  DeviceCaps small = h100();
  small.global_mem_bytes = std::uint64_t{16} << 30;
  const StreamSpec big = stream_spec(StreamOp::triad, std::int64_t{1} << 31);
  EXPECT_EQ(stream_unsupported_reason(h100(), big, ""), "");
  EXPECT_NE(stream_unsupported_reason(small, big, "").find("bytes of arrays"), std::string::npos);
}

TEST(CudaStreamGrid, OneVectorPerThreadUpToEightBlocksPerSm) {
  EXPECT_EQ(bandwidth_blocks(1, 132), 1);
  EXPECT_EQ(bandwidth_blocks(4 * kBandwidthThreads, 132), 1);
  EXPECT_EQ(bandwidth_blocks(4 * kBandwidthThreads + 1, 132), 2);
  EXPECT_EQ(bandwidth_blocks(std::int64_t{1} << 26, 132), 132 * 8);
  EXPECT_EQ(bandwidth_blocks(std::int64_t{1} << 26, 0), 8);  // unknown SM count: one SM's worth
}

// ---- the real device (the first one) ---------------------------------------------------------

class CudaStreamDevice : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    int count = 0;
    if (const cudaError_t e = cudaGetDeviceCount(&count); e != cudaSuccess) {
      why_ = "cudaGetDeviceCount failed: " + cuda_error_text(e);
      return;
    }
    if (count == 0) {
      why_ = "the CUDA runtime sees no device";
      return;
    }
    caps_ = std::make_unique<DeviceCaps>(query_device_caps(0));
    AICERT_CUDA(caps_->label(), cudaSetDevice(0));
    image_error_ = own_gemm_image_error();  // the bandwidth kernels share its code image
  }
  static void TearDownTestSuite() { caps_.reset(); }
  void SetUp() override {
    if (!caps_) GTEST_SKIP() << why_;
  }
  static std::unique_ptr<DeviceCaps> caps_;
  static std::string why_;
  static std::string image_error_;
};
std::unique_ptr<DeviceCaps> CudaStreamDevice::caps_;
std::string CudaStreamDevice::why_;
std::string CudaStreamDevice::image_error_;

// A million and three elements: 250000 float4 vectors and a tail of three.
TEST_F(CudaStreamDevice, EveryOpIsExactWithATailAndRepeatable) {
  for (StreamOp op : ::aicert::test::all_stream_ops()) {
    const StreamSpec s = stream_spec(op, 1000003);
    ASSERT_EQ(stream_unsupported_reason(*caps_, s, image_error_), "");
    BandwidthKernel kernel(*caps_, s);
    EXPECT_EQ(kernel.impl(), "cuda:stream");
    EXPECT_EQ(kernel.timer_name(), "cuda-events");
    EXPECT_EQ(kernel.blocks(), bandwidth_blocks(s.count, caps_->sm_count));
    ::aicert::test::expect_stream_case(kernel, s);
  }
}

// Larger than the resident grid, so every thread loops over several vectors.
TEST_F(CudaStreamDevice, EveryOpIsExactWhenTheGridStrides) {
  const std::int64_t count = 4ll * kBandwidthThreads * 8 * caps_->sm_count * 3 + 2;
  for (StreamOp op : ::aicert::test::all_stream_ops()) {
    const StreamSpec s = stream_spec(op, count);
    BandwidthKernel kernel(*caps_, s);
    ::aicert::test::expect_stream_case(kernel, s, 2);
  }
}

TEST_F(CudaStreamDevice, EveryOpIsExactAtAwkwardCounts) {
  for (StreamOp op : ::aicert::test::all_stream_ops()) {
    for (std::int64_t count : ::aicert::test::awkward_stream_counts()) {
      const StreamSpec s = stream_spec(op, count);
      BandwidthKernel kernel(*caps_, s);
      ::aicert::test::expect_stream_case(kernel, s, 2);
    }
  }
}

// A second upload (new inputs) and more launches on the same kernel: dot's accumulator is zeroed
// by every launch, so the result never carries over.
TEST_F(CudaStreamDevice, KernelIsReusableAcrossUploads) {
  for (StreamOp op : {StreamOp::triad, StreamOp::dot}) {
    const StreamSpec s = stream_spec(op, 4099);
    BandwidthKernel kernel(*caps_, s);
    ::aicert::test::expect_stream_case(kernel, s, 1, 7);
    ::aicert::test::expect_stream_case(kernel, s, 4, 8);
  }
}

TEST_F(CudaStreamDevice, RunBeforeUploadIsALogicError) {
  BandwidthKernel kernel(*caps_, stream_spec(StreamOp::copy, 16));
  EXPECT_THROW(kernel.run(), std::logic_error);
}

}  // namespace
}  // namespace aicert::cuda
