// opencl:stream (kernels/opencl/stream_kernel.h), linked directly: the support decision on
// made-up devices, and on the real device every op at a count with a scalar tail and at awkward
// counts, exact, idempotent over several launches, guards intact, an injected error found; the
// GPU geometry and reduction run on the same device described as a GPU; the source also builds
// without fp64 (dot left out). Device tests skip without an OpenCL platform.
#include <gtest/gtest.h>

#include <iostream>
#include <memory>
#include <stdexcept>
#include <string>

#include "kernels/opencl/cl_error.h"
#include "kernels/opencl/device_context.h"
#include "kernels/opencl/platform_enum.h"
#include "kernels/opencl/program_cache.h"
#include "kernels/opencl/stream_kernel.h"
#include "stream_test_util.h"

namespace aicert::opencl {
namespace {

using test::stream_spec;

DeviceCaps made_up_caps(bool fp64) {
  DeviceCaps c;
  c.name = "Made-up GPU";
  c.type = CL_DEVICE_TYPE_GPU;
  c.max_work_group_size = 1024;
  c.max_alloc_bytes = 1ull << 30;
  c.global_mem_bytes = 4ull << 30;
  if (fp64) c.extensions = {"cl_khr_fp64"};
  return c;
}

TEST(OpenClStreamSupport, DotNeedsFp64TheOthersDoNot) {
  const DeviceCaps no_fp64 = made_up_caps(false);
  EXPECT_EQ(stream_unsupported_reason(no_fp64, stream_spec(StreamOp::dot, 1000)),
            "not supported: device Made-up GPU has no cl_khr_fp64 (dot accumulates in fp64)");
  for (StreamOp op : {StreamOp::copy, StreamOp::mul, StreamOp::add, StreamOp::triad}) {
    EXPECT_EQ(stream_unsupported_reason(no_fp64, stream_spec(op, 1000)), "");
  }
  EXPECT_EQ(stream_unsupported_reason(made_up_caps(true), stream_spec(StreamOp::dot, 1000)), "");
}

TEST(OpenClStreamSupport, ArraysMustFitTheDevice) {
  const DeviceCaps caps = made_up_caps(true);
  // 2^28 floats = 1 GiB: with its guards more than the largest allocation.
  EXPECT_NE(stream_unsupported_reason(caps, stream_spec(StreamOp::copy, 1ll << 28))
                .find("largest allocation"),
            std::string::npos);
  // Three arrays of 0.9 GiB fit one allocation each but not 2 GiB of memory together.
  DeviceCaps small = caps;
  small.global_mem_bytes = 2ull << 30;
  const std::int64_t count = (9ll << 30) / 10 / 4;
  EXPECT_EQ(stream_unsupported_reason(small, stream_spec(StreamOp::copy, count)), "");
  EXPECT_NE(
      stream_unsupported_reason(small, stream_spec(StreamOp::triad, count)).find("global memory"),
      std::string::npos);
  DeviceCaps no_compiler = caps;
  no_compiler.compiler_available = false;
  EXPECT_NE(stream_unsupported_reason(no_compiler, stream_spec(StreamOp::copy, 8))
                .find("no OpenCL C compiler"),
            std::string::npos);
}

TEST(OpenClStreamSupport, EveryOpHasItsEntryPoint) {
  EXPECT_STREQ(stream_entry(StreamOp::copy), "stream_copy");
  EXPECT_STREQ(stream_entry(StreamOp::mul), "stream_mul");
  EXPECT_STREQ(stream_entry(StreamOp::add), "stream_add");
  EXPECT_STREQ(stream_entry(StreamOp::triad), "stream_triad");
  EXPECT_STREQ(stream_entry(StreamOp::dot), "stream_dot");
}

TEST(OpenClStreamSupport, WorkGroupsPerDeviceType) {
  DeviceCaps gpu = made_up_caps(true);
  gpu.compute_units = 10;
  EXPECT_EQ(stream_work_groups(gpu, 1, 256), 1u);
  EXPECT_EQ(stream_work_groups(gpu, 4 * 256, 256), 1u);
  EXPECT_EQ(stream_work_groups(gpu, 4 * 256 + 1, 256), 2u);  // the tail needs a work-item too
  EXPECT_EQ(stream_work_groups(gpu, 1ll << 28, 256), 160u);  // 16 per compute unit at most
  DeviceCaps cpu = gpu;
  cpu.type = CL_DEVICE_TYPE_CPU;
  EXPECT_EQ(stream_work_groups(cpu, 1, 256), 1u);
  EXPECT_EQ(stream_work_groups(cpu, 16 * 256, 256), 1u);  // 4 float4 per work-item
  EXPECT_EQ(stream_work_groups(cpu, 1ll << 28, 256), (1u << 26) / 1024);
}

// ---- the real device (the first one) ---------------------------------------------------------

class OpenClStreamDevice : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    Enumeration e = enumerate_devices();
    if (e.devices.empty()) {
      why_ = e.unavailable_reason.empty() ? "no OpenCL device" : e.unavailable_reason;
      return;
    }
    device_ = std::make_shared<const DeviceContext>(e.devices.front());
    cache_ = std::make_unique<ProgramCache>();
  }
  static void TearDownTestSuite() {
    cache_.reset();
    device_.reset();
  }
  void SetUp() override {
    if (!device_) GTEST_SKIP() << why_;
  }
  // Skips an op the device cannot run (dot without fp64), with the reason.
  bool supported(const StreamSpec& s) {
    const std::string why = stream_unsupported_reason(device_->caps(), s);
    if (!why.empty()) std::cout << "[ SKIPPED  ] " << test::describe(s) << ": " << why << "\n";
    return why.empty();
  }

  static std::shared_ptr<const DeviceContext> device_;
  static std::unique_ptr<ProgramCache> cache_;
  static std::string why_;
};
std::shared_ptr<const DeviceContext> OpenClStreamDevice::device_;
std::unique_ptr<ProgramCache> OpenClStreamDevice::cache_;
std::string OpenClStreamDevice::why_;

// A million and three elements: 250000 float4 vectors and a tail of three, several work-groups
// each looping over several vectors.
TEST_F(OpenClStreamDevice, EveryOpIsExactWithATailAndRepeatable) {
  for (StreamOp op : test::all_stream_ops()) {
    const StreamSpec s = stream_spec(op, 1000003);
    if (!supported(s)) continue;
    StreamKernel kernel(device_, *cache_, s);
    EXPECT_EQ(kernel.impl(), "opencl:stream");
    EXPECT_EQ(kernel.timer_name(), "opencl-profiling-events");
    const std::size_t wg = kernel.work_group_size();
    EXPECT_GT(wg, 0u);
    EXPECT_EQ(wg & (wg - 1), 0u) << wg;  // a power of two (the dot reduction's tree)
    EXPECT_GE(kernel.work_groups(), 1u);
    test::expect_stream_case(kernel, s);
  }
}

// The same device described as a GPU: GPU geometry (at most 16 work-groups per compute unit, so
// every work-item's grid-stride loop takes many steps) and the tree reduction of dot.
TEST_F(OpenClStreamDevice, GpuGeometryAndTreeReductionAreExactToo) {
  Enumeration e = enumerate_devices();
  ASSERT_FALSE(e.devices.empty());
  ClDevice as_gpu = e.devices.front();
  as_gpu.caps.type = CL_DEVICE_TYPE_GPU;
  auto gpu = std::make_shared<const DeviceContext>(as_gpu);
  for (StreamOp op : test::all_stream_ops()) {
    for (std::int64_t count : {std::int64_t{1000003}, std::int64_t{5}}) {
      const StreamSpec s = stream_spec(op, count);
      if (!supported(s)) continue;
      StreamKernel kernel(gpu, *cache_, s);
      EXPECT_EQ(kernel.work_groups(),
                stream_work_groups(as_gpu.caps, count, kernel.work_group_size()));
      test::expect_stream_case(kernel, s, 2);
    }
  }
}

TEST_F(OpenClStreamDevice, EveryOpIsExactAtAwkwardCounts) {
  for (StreamOp op : test::all_stream_ops()) {
    for (std::int64_t count : test::awkward_stream_counts()) {
      const StreamSpec s = stream_spec(op, count);
      if (!supported(s)) continue;
      StreamKernel kernel(device_, *cache_, s);
      test::expect_stream_case(kernel, s, 2);
    }
  }
}

// A second upload (new inputs) and more launches on the same kernel still give the exact result.
TEST_F(OpenClStreamDevice, KernelIsReusableAcrossUploads) {
  for (StreamOp op : {StreamOp::triad, StreamOp::dot}) {
    const StreamSpec s = stream_spec(op, 4099);
    if (!supported(s)) continue;
    StreamKernel kernel(device_, *cache_, s);
    test::expect_stream_case(kernel, s, 1, 7);
    test::expect_stream_case(kernel, s, 4, 8);
  }
}

TEST_F(OpenClStreamDevice, RunBeforeUploadIsALogicError) {
  StreamKernel kernel(device_, *cache_, stream_spec(StreamOp::copy, 16));
  EXPECT_THROW(kernel.run(), std::logic_error);
}

// The program is built once per device for every op (one source, one set of options).
TEST_F(OpenClStreamDevice, OneProgramServesEveryOp) {
  ProgramCache cache;
  for (StreamOp op : test::all_stream_ops()) {
    const StreamSpec s = stream_spec(op, 64);
    if (!supported(s)) continue;
    StreamKernel kernel(device_, cache, s);
  }
  EXPECT_EQ(cache.stats().builds, 1u);
}

// On a device without fp64 the source is built with STREAM_FP64=0: the four elementwise kernels
// compile, the dot kernels are left out.
TEST_F(OpenClStreamDevice, SourceBuildsWithoutFp64AndLeavesDotOut) {
  ProgramCache cache;
  ProgramHandle program = cache.get(device_->context(), device_->id(), stream_source(),
                                    "-DSTREAM_FP64=0", device_->label());
  for (StreamOp op : {StreamOp::copy, StreamOp::mul, StreamOp::add, StreamOp::triad}) {
    EXPECT_NO_THROW(
        KernelHandle(AICERT_CL(device_->label(), clCreateKernel, program.get(), stream_entry(op))));
  }
  EXPECT_THROW(KernelHandle(AICERT_CL(device_->label(), clCreateKernel, program.get(),
                                      stream_entry(StreamOp::dot))),
               ClError);
}

}  // namespace
}  // namespace aicert::opencl
