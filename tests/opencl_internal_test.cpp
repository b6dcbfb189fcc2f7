// The OpenCL plugin's internals, linked directly: error naming and the checking macro, the
// fp16/bf16 support decisions and tile choice on made-up devices, the program cache (hits,
// build failures with their log), and the tiled kernel's fp16 path and every tiling on the
// real device. Device tests skip when there is no OpenCL platform.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>

#include "kernels/opencl/cl_error.h"
#include "kernels/opencl/gemm_support.h"
#include "kernels/opencl/gemm_tiling.h"
#include "kernels/opencl/opencl_backend.h"
#include "kernels/opencl/platform_enum.h"
#include "kernels/opencl/tiled_gemm_kernel.h"
#include "opencl_test_util.h"

namespace aicert::opencl {
namespace {

using test::describe;

// ---- errors ----------------------------------------------------------------------------------

TEST(OpenClError, NamesOpenClExtensionAndClblastCodes) {
  EXPECT_EQ(cl_error_name(CL_SUCCESS), "CL_SUCCESS");
  EXPECT_EQ(cl_error_name(-5), "CL_OUT_OF_RESOURCES");
  EXPECT_EQ(cl_error_name(-11), "CL_BUILD_PROGRAM_FAILURE");
  EXPECT_EQ(cl_error_name(-54), "CL_INVALID_WORK_GROUP_SIZE");
  EXPECT_EQ(cl_error_name(-1001), "CL_PLATFORM_NOT_FOUND_KHR");
  EXPECT_EQ(cl_error_name(-1017), "CLBlastInvalidDimension");
  EXPECT_EQ(cl_error_name(-2045), "CLBlastNoHalfPrecision");
  EXPECT_EQ(cl_error_name(-424242), "unknown error");
}

cl_int fails_with(cl_int code) { return code; }
cl_mem create_fails_with(cl_int code, cl_int* err) {
  *err = code;
  return nullptr;
}
cl_mem create_succeeds(cl_int* err) {
  *err = CL_SUCCESS;
  return reinterpret_cast<cl_mem>(0x1234);
}

TEST(OpenClError, MacroNamesCallErrorAndDevice) {
  try {
    AICERT_CL("opencl device 3 'X'", fails_with, CL_OUT_OF_RESOURCES);
    FAIL() << "no throw";
  } catch (const ClError& e) {
    const std::string what = e.what();
    EXPECT_EQ(e.code(), CL_OUT_OF_RESOURCES);
    EXPECT_NE(what.find("fails_with failed: CL_OUT_OF_RESOURCES (-5)"), std::string::npos) << what;
    EXPECT_NE(what.find("on opencl device 3 'X'"), std::string::npos) << what;
    EXPECT_NE(what.find("opencl_internal_test.cpp:"), std::string::npos) << what;
  }
  // Create-style calls: the macro supplies errcode_ret and returns the handle.
  try {
    AICERT_CL("dev", create_fails_with, CL_INVALID_BUFFER_SIZE);
    FAIL() << "no throw";
  } catch (const ClError& e) {
    EXPECT_NE(std::string(e.what()).find("create_fails_with failed: CL_INVALID_BUFFER_SIZE"),
              std::string::npos);
  }
  EXPECT_EQ(AICERT_CL("dev", create_succeeds), reinterpret_cast<cl_mem>(0x1234));
  EXPECT_NO_THROW(AICERT_CL("dev", fails_with, CL_SUCCESS));
}

// ---- support decisions and tiling on made-up devices
// ---------------------------------------------

DeviceCaps gpu_caps() {
  DeviceCaps c;
  c.name = "Made-up GPU";
  c.type = CL_DEVICE_TYPE_GPU;
  c.max_work_group_size = 1024;
  c.max_work_item_sizes[0] = c.max_work_item_sizes[1] = c.max_work_item_sizes[2] = 1024;
  c.local_mem_bytes = 48 * 1024;
  c.local_mem_dedicated = true;
  c.max_alloc_bytes = 4ull << 30;
  c.global_mem_bytes = 16ull << 30;
  c.extensions = {"cl_khr_fp16", "cl_khr_fp64"};
  return c;
}

DeviceCaps cpu_caps() {
  DeviceCaps c = gpu_caps();
  c.name = "Made-up CPU";
  c.type = CL_DEVICE_TYPE_CPU;
  c.max_work_group_size = 4096;
  c.local_mem_bytes = 512 * 1024;
  c.extensions = {"cl_khr_fp64"};
  return c;
}

GemmSpec spec(DType dtype, std::int64_t m = 64, std::int64_t n = 64, std::int64_t k = 64) {
  GemmSpec s;
  s.m = m, s.n = n, s.k = k, s.dtype = dtype;
  return s;
}

TEST(OpenClGemmSupport, Fp16NeedsClKhrFp16) {
  const DeviceCaps no_fp16 = cpu_caps();
  EXPECT_EQ(gemm_unsupported_reason(no_fp16, spec(DType::fp16), kTiledImpl),
            "not supported: device Made-up CPU lacks cl_khr_fp16");
  EXPECT_EQ(gemm_unsupported_reason(no_fp16, spec(DType::fp16), kClblastImpl),
            "not supported: device Made-up CPU lacks cl_khr_fp16");
  EXPECT_EQ(gemm_unsupported_reason(gpu_caps(), spec(DType::fp16), kTiledImpl), "");
  EXPECT_EQ(gemm_unsupported_reason(gpu_caps(), spec(DType::fp16), kClblastImpl), "");
  // fp32 and bf16 (ushort storage) need no extension in the own kernel.
  EXPECT_EQ(gemm_unsupported_reason(no_fp16, spec(DType::fp32), kTiledImpl), "");
  EXPECT_EQ(gemm_unsupported_reason(no_fp16, spec(DType::bf16), kTiledImpl), "");
}

TEST(OpenClGemmSupport, ClblastHasNoBf16AndNoKZero) {
  EXPECT_NE(gemm_unsupported_reason(gpu_caps(), spec(DType::bf16), kClblastImpl).find("bf16"),
            std::string::npos);
  EXPECT_NE(
      gemm_unsupported_reason(gpu_caps(), spec(DType::fp32, 8, 8, 0), kClblastImpl).find("K=0"),
      std::string::npos);
  EXPECT_EQ(gemm_unsupported_reason(gpu_caps(), spec(DType::fp32, 8, 8, 0), kTiledImpl), "");
}

TEST(OpenClGemmSupport, RefusesUnavailableDeviceAndDeviceWithoutCompiler) {
  DeviceCaps c = gpu_caps();
  c.available = false;
  EXPECT_EQ(gemm_unsupported_reason(c, spec(DType::fp32), kTiledImpl),
            "not supported: device Made-up GPU is not available");
  c.available = true;
  c.compiler_available = false;
  EXPECT_EQ(gemm_unsupported_reason(c, spec(DType::fp32), kClblastImpl),
            "not supported: device Made-up GPU has no OpenCL C compiler");
  EXPECT_NE(gemm_unsupported_reason(gpu_caps(), spec(DType::fp32, 8, std::int64_t{1} << 31, 8),
                                    kTiledImpl)
                .find("2^30"),
            std::string::npos);
}

TEST(OpenClGemmSupport, RefusesOperandsBeyondDeviceMemory) {
  DeviceCaps small = gpu_caps();
  small.max_alloc_bytes = 1 << 20;
  const std::string why =
      gemm_unsupported_reason(small, spec(DType::fp32, 1024, 1024, 8), kTiledImpl);
  EXPECT_NE(why.find("largest allocation"), std::string::npos) << why;
  small.max_alloc_bytes = 1ull << 30;
  small.global_mem_bytes = 3 << 20;
  EXPECT_NE(gemm_unsupported_reason(small, spec(DType::fp32, 1024, 1024, 1024), kTiledImpl)
                .find("global memory"),
            std::string::npos);
}

void expect_fits(const GemmTiling& t, const DeviceCaps& c) {
  EXPECT_EQ(tiling_shape_error(t), "") << t.describe();
  EXPECT_EQ(tiling_device_error(t, c), "") << t.describe();
  EXPECT_LE(static_cast<std::size_t>(t.work_group_size()), c.max_work_group_size);
  EXPECT_LE(t.local_bytes(), c.local_mem_bytes);
}

TEST(OpenClGemmTiling, ChoosesFromDeviceLimits) {
  const DeviceCaps gpu = gpu_caps();
  auto g = gemm_tiling_candidates(gpu);
  ASSERT_FALSE(g.empty());
  EXPECT_EQ(g.front().work_group_size(), 256);  // 16x16 work-items on a GPU
  EXPECT_EQ(g.front().ts_m, 128);
  for (const auto& t : g) expect_fits(t, gpu);

  const DeviceCaps cpu = cpu_caps();
  auto c = gemm_tiling_candidates(cpu);
  ASSERT_FALSE(c.empty());
  EXPECT_EQ(c.front().vw, 8);  // 8-float register rows on a CPU
  EXPECT_NE(c.front().describe(), g.front().describe());

  // A GPU allowing 128 work-items and 8 KiB of local memory gets a smaller tile.
  DeviceCaps small = gpu;
  small.max_work_group_size = 128;
  small.local_mem_bytes = 8 * 1024;
  auto s = gemm_tiling_candidates(small);
  ASSERT_FALSE(s.empty());
  for (const auto& t : s) expect_fits(t, small);
  EXPECT_LT(s.front().ts_m * s.front().ts_n, g.front().ts_m * g.front().ts_n);

  // The smallest OpenCL device still gets the minimal tiling; one with no local memory none.
  DeviceCaps tiny = gpu;
  tiny.max_work_group_size = 1;
  tiny.max_work_item_sizes[0] = tiny.max_work_item_sizes[1] = 1;
  tiny.local_mem_bytes = 128;
  auto t = gemm_tiling_candidates(tiny);
  ASSERT_EQ(t.size(), 1u);
  EXPECT_EQ(t.front().work_group_size(), 1);
  tiny.local_mem_bytes = 0;
  EXPECT_TRUE(gemm_tiling_candidates(tiny).empty());
}

TEST(OpenClGemmTiling, ShapeErrorsAndBuildOptions) {
  EXPECT_NE(tiling_shape_error({64, 64, 16, 8, 8, 3, 0}), "");  // vector width 3
  EXPECT_NE(tiling_shape_error({64, 64, 16, 6, 8, 4, 0}), "");  // 64 % 6
  EXPECT_NE(tiling_shape_error({64, 64, 6, 8, 8, 4, 0}), "");   // ts_k % vw
  const GemmTiling ok{64, 32, 16, 8, 4, 4, 1};
  EXPECT_EQ(tiling_shape_error(ok), "");
  EXPECT_EQ(ok.wg_m(), 8);
  EXPECT_EQ(ok.wg_n(), 8);
  // A's tile in its larger layout (64 x (16+1) beats 16 x (64+1)) plus B's 16 x (32+1).
  EXPECT_EQ(ok.local_bytes(), 4u * (64 * 17 + 16 * 33));
  EXPECT_EQ(ok.build_options(DType::bf16),
            "-DTS_M=64 -DTS_N=32 -DTS_K=16 -DWPT_M=8 -DWPT_N=4 -DVW=4 -DPAD=1 -DSPLIT_ACC=0 "
            "-DUNROLL_K=8 -DDTYPE=2");
  EXPECT_NE(tiling_shape_error({64, 64, 16, 8, 8, 4, 0, false, 0}), "");  // unroll 0
}

// ---- the real device
// ---------------------------------------------------------------------------------

class OpenClDevice : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    std::string why;
    backend_ = OpenClBackend::create(&why).release();
    why_ = why;
  }
  static void TearDownTestSuite() {
    delete backend_;
    backend_ = nullptr;
  }
  void SetUp() override {
    if (!backend_) GTEST_SKIP() << why_;
  }
  static OpenClBackend* backend_;
  static std::string why_;
};
OpenClBackend* OpenClDevice::backend_ = nullptr;
std::string OpenClDevice::why_;

TEST_F(OpenClDevice, ProgramCacheReusesProgramForSameDeviceSourceAndOptions) {
  ProgramCache cache;
  auto ctx = backend_->context(0);
  const std::string src = "__kernel void k(__global float* x) { x[get_global_id(0)] *= 2.0f; }";
  ProgramHandle first = cache.get(ctx->context(), ctx->id(), src, "", ctx->label());
  EXPECT_EQ(cache.stats().builds, 1u);
  EXPECT_EQ(cache.stats().hits, 0u);
  ProgramHandle second = cache.get(ctx->context(), ctx->id(), src, "", ctx->label());
  EXPECT_EQ(first.get(), second.get());  // the very same cl_program
  EXPECT_EQ(cache.stats().builds, 1u);
  EXPECT_EQ(cache.stats().hits, 1u);
  // Other options or other source: another program.
  ProgramHandle third = cache.get(ctx->context(), ctx->id(), src, "-DUNUSED=1", ctx->label());
  EXPECT_NE(third.get(), first.get());
  cache.get(ctx->context(), ctx->id(), src + "\n", "", ctx->label());
  EXPECT_EQ(cache.stats().builds, 3u);
  EXPECT_EQ(cache.stats().entries, 3u);
}

TEST_F(OpenClDevice, FailedBuildThrowsWithBuildLogAndIsNotCached) {
  ProgramCache cache;
  auto ctx = backend_->context(0);
  const std::string bad = "__kernel void k(__global float* x) { x[0] = undeclared_thing; }";
  for (int attempt = 1; attempt <= 2; ++attempt) {
    try {
      cache.get(ctx->context(), ctx->id(), bad, "-DMARK=1", ctx->label());
      FAIL() << "the build succeeded";
    } catch (const std::runtime_error& e) {
      const std::string what = e.what();
      EXPECT_NE(what.find("clBuildProgram failed: CL_BUILD_PROGRAM_FAILURE"), std::string::npos)
          << what;
      EXPECT_NE(what.find(ctx->label()), std::string::npos) << what;
      EXPECT_NE(what.find("-DMARK=1"), std::string::npos) << what;
      EXPECT_NE(what.find("build log:"), std::string::npos) << what;
      EXPECT_NE(what.find("undeclared_thing"), std::string::npos) << what;  // from the compiler
    }
    EXPECT_EQ(cache.stats().failed_builds, static_cast<std::uint64_t>(attempt));
    EXPECT_EQ(cache.stats().entries, 0u);
  }
}

TEST_F(OpenClDevice, BackendBuildsEachProgramOnceAcrossKernels) {
  OpenClBackend& b = *backend_;
  const auto before = b.program_cache().stats();
  std::string why;
  GemmSpec s = spec(DType::fp32, 33, 17, 9);
  for (GemmLayout layout : {GemmLayout::NN, GemmLayout::NT, GemmLayout::TN, GemmLayout::NN}) {
    s.layout = layout;
    auto k = b.make(CaseSpec{s, 1}, 0, kTiledImpl, &why);
    ASSERT_NE(k, nullptr) << why;
  }
  const auto after = b.program_cache().stats();
  // One program (three entry points) per dtype and tiling: built at most once, then reused.
  EXPECT_LE(after.builds - before.builds, 1u);
  EXPECT_GE(after.hits - before.hits, 3u);
}

TEST_F(OpenClDevice, DeviceCapsMatchWhatTheBackendReports) {
  Enumeration e = enumerate_devices();
  ASSERT_FALSE(e.devices.empty());
  const auto infos = backend_->devices();
  ASSERT_EQ(infos.size(), e.devices.size());
  for (const ClDevice& d : e.devices) {
    EXPECT_EQ(infos[d.index].name, d.caps.name);
    EXPECT_EQ(infos[d.index].properties.at("fp16"), d.caps.has_fp16() ? "yes" : "no");
    EXPECT_GT(d.caps.max_work_group_size, 0u);
    EXPECT_GT(d.caps.mem_base_addr_align_bits, 0u);
    EXPECT_TRUE(d.caps.profiling_timer);
    EXPECT_FALSE(gemm_tiling_candidates(d.caps).empty());
  }
}

// The fp16 code path of the kernel (half storage through vload_half/vstore_half_rte) runs on any
// device; the plugin offers it only with cl_khr_fp16, so test it here, under the plugin's gate.
TEST_F(OpenClDevice, TiledKernelFp16PathMatchesReference) {
  auto ctx = backend_->context(0);
  for (GemmLayout layout : {GemmLayout::NN, GemmLayout::NT, GemmLayout::TN}) {
    for (auto [m, n, k] :
         {std::tuple{1, 1, 1}, {17, 33, 65}, {1000, 3, 7}, {31, 45, 0}, {257, 129, 300}}) {
      GemmSpec s = spec(DType::fp16, m, n, k);
      s.layout = layout;
      s.alpha = -1.5;
      s.beta = m % 2 ? 0.5 : 0.0;
      SCOPED_TRACE(describe(s));
      TiledGemmKernel kernel(ctx, backend_->program_cache(), s);
      const auto r = test::run_gemm(kernel, s);
      EXPECT_TRUE(r.check.passed) << describe(r.check);
    }
  }
}

// Rounding of 16-bit outputs, bit for bit: with K=1, alpha=1, beta=0 every C element is one
// fp32 product 0 + a*b rounded once to the storage type, so the kernel's conversions must equal the
// host's round-to-nearest-even (dtype.h) exactly, through subnormals, ties, overflow to Inf and
// NaN. 70x40 covers the vector path (interior tiles) and the scalar one (edges).
TEST_F(OpenClDevice, SixteenBitOutputsRoundToNearestEvenOnce) {
  auto ctx = backend_->context(0);
  const std::vector<float> a_values = {0.0f,
                                       -0.0f,
                                       1.0f,
                                       -1.5f,
                                       3.14159f,
                                       1e-3f,
                                       -7e-5f,
                                       6e-8f,
                                       2.5e-6f,
                                       65504.0f,
                                       -65519.0f,
                                       65520.0f,
                                       300.0f,
                                       1.0009766f,
                                       0.33333f,
                                       -2e-4f,
                                       1e30f,
                                       1e-30f,
                                       std::numeric_limits<float>::infinity(),
                                       std::numeric_limits<float>::quiet_NaN()};
  const std::vector<float> b_values = {1.0f, 0.5f, -3.0f, 1e-3f, 300.0f, 0.1f, -1.0009766f, 1e-5f};
  for (DType dtype : {DType::fp16, DType::bf16, DType::fp32}) {
    SCOPED_TRACE(std::string(dtype_name(dtype)));
    GemmSpec s = spec(dtype, 70, 40, 1);
    s.alpha = 1.0;
    s.beta = 0.0;
    HostTensors in = make_gemm_tensors(s, 1);
    Tensor& A = in.at("A");  // 70 x 1
    Tensor& B = in.at("B");  // 1 x 40
    for (std::size_t i = 0; i < A.elements(); ++i) {
      store_from_float(A.data(), dtype, i, a_values[i % a_values.size()] * (i % 3 ? 1.0f : -1.0f));
    }
    for (std::size_t j = 0; j < B.elements(); ++j) {
      store_from_float(B.data(), dtype, j, b_values[j % b_values.size()]);
    }
    TiledGemmKernel kernel(ctx, backend_->program_cache(), s);
    kernel.upload(in);
    kernel.run();
    kernel.elapsed_ms_since_last_sync();
    HostTensors out = in;
    kernel.download(out);
    const Tensor& C = out.at("C");
    int mismatches = 0;
    for (std::int64_t i = 0; i < s.m; ++i) {
      for (std::int64_t j = 0; j < s.n; ++j) {
        const float product = load_as_float(A.data(), dtype, i) * load_as_float(B.data(), dtype, j);
        const std::size_t idx = static_cast<std::size_t>(i * s.n + j);
        const float got = load_as_float(C.data(), dtype, idx);
        const float want = round_to(dtype, 0.0f + product);  // the sum starts at +0
        const bool same =
            std::isnan(want) ? std::isnan(got) : std::memcmp(&got, &want, sizeof got) == 0;
        if (!same && ++mismatches <= 5) {
          ADD_FAILURE() << "C[" << i << "," << j << "] = " << got << ", want " << want
                        << " (a*b = " << product << ")";
        }
      }
    }
    EXPECT_EQ(mismatches, 0);
    EXPECT_EQ(C.buffer.touched_guard_bytes(), 0u);
  }
}

// Tilings other than the device's own compute the same, correct GEMM: the GPU-shaped kernel
// (all layouts: it is what every GPU without CUDA runs) and the 1-work-item minimal one are
// checked on PoCL in CI even where no GPU exists. Few tilings, since each is a compile.
TEST_F(OpenClDevice, OtherTilingsMatchReference) {
  auto ctx = backend_->context(0);
  struct Case {
    GemmTiling tiling;
    std::vector<GemmLayout> layouts;
  };
  std::vector<Case> cases = {
      {gemm_tiling_candidates(gpu_caps()).front(),
       {GemmLayout::NN, GemmLayout::NT, GemmLayout::TN}},
      {gemm_tiling_candidates(cpu_caps()).at(1), {GemmLayout::NT}},
      {GemmTiling{4, 4, 4, 4, 4, 4, 0, false, 4}, {GemmLayout::TN}},
  };
  int ran = 0;
  for (const Case& c : cases) {
    if (!tiling_device_error(c.tiling, ctx->caps()).empty()) continue;  // does not fit here
    for (GemmLayout layout : c.layouts) {
      GemmSpec s = spec(DType::fp32, 131, 257, 97);  // partial tiles in every dimension
      s.layout = layout;
      s.alpha = 0.5;
      s.beta = -1.0;
      SCOPED_TRACE(c.tiling.describe() + " " + describe(s));
      TiledGemmKernel kernel(ctx, backend_->program_cache(), s, c.tiling);
      EXPECT_EQ(kernel.tiling().describe(), c.tiling.describe());
      const auto r = test::run_gemm(kernel, s);
      EXPECT_TRUE(r.check.passed) << describe(r.check);
      ++ran;
    }
  }
  EXPECT_GT(ran, 0);
}

}  // namespace
}  // namespace aicert::opencl
