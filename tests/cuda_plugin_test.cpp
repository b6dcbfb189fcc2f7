// The CUDA plugin as the harness sees it (dlopen). Without a GPU: the plugin loads and says why
// it is unavailable (asserted), the rest skips with that reason. With a GPU: device fields, the
// full GEMM matrix of the implementations (cuda:tiled, cuda:cublaslt, cuda:wgmma) x
// fp32/fp16/bf16 x NN/NT/TN against the fp64 reference, refusals, an injected error, guards,
// beta = 0, timing. cuda:wgmma runs fp16/bf16 on compute capability 9.x with 16-byte aligned row
// strides and refuses the rest with the reason (asserted).
#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <limits>
#include <ostream>
#include <regex>
#include <tuple>
#include <vector>

#include "cuda_test_util.h"
#include "guard_test_util.h"

namespace aicert {

void PrintTo(DType t, std::ostream* os) { *os << dtype_name(t); }
void PrintTo(GemmLayout l, std::ostream* os) { *os << layout_name(l); }

namespace {

using test::describe;

test::CudaPlugin& plugin() { return test::cuda_plugin(); }

Backend& backend() { return *plugin().backend; }

GemmSpec gemm(std::int64_t m, std::int64_t n, std::int64_t k, GemmLayout layout, DType dtype,
              double alpha = 1.0, double beta = 0.0) {
  GemmSpec s;
  s.m = m, s.n = n, s.k = k, s.layout = layout, s.dtype = dtype, s.alpha = alpha, s.beta = beta;
  return s;
}

std::unique_ptr<Kernel> make(const GemmSpec& s, int device, const std::string& impl,
                             std::string* why) {
  return backend().make(CaseSpec{s, 42}, device, impl, why);
}

TEST(CudaPlugin, ExportsEntryWithApiVersionAndName) {
  ASSERT_TRUE(plugin().load_error.empty()) << plugin().load_error;
  EXPECT_EQ(plugin().entry->api_version, kPluginApiVersion);
  EXPECT_STREQ(plugin().entry->backend_name, "cuda");
}

// The one test that runs everywhere: either a backend or the runtime's reason why not.
TEST(CudaPlugin, IsAvailableOrSaysWhy) {
  ASSERT_TRUE(plugin().load_error.empty()) << plugin().load_error;
  if (plugin().backend) return;
  const std::string& why = plugin().why_unavailable;
  EXPECT_TRUE(
      std::regex_search(why, std::regex(R"(^cudaGetDeviceCount failed: cudaError\w+ \(.+\)$)")) ||
      why == "the CUDA runtime sees no device")
      << why;
}

TEST(CudaPlugin, EnumeratesDevicesWithFilledFields) {
  REQUIRE_CUDA_BACKEND();
  EXPECT_EQ(backend().name(), "cuda");
  const std::string version = backend().runtime_version();
  EXPECT_NE(version.find("CUDA driver "), std::string::npos) << version;
  EXPECT_NE(version.find("CUDA runtime "), std::string::npos) << version;
  EXPECT_NE(version.find("cuBLASLt "), std::string::npos) << version;
  const auto devices = backend().devices();
  ASSERT_GE(devices.size(), 1u);
  const std::regex pci(R"([0-9a-f]{4}:[0-9a-f]{2}:[0-9a-f]{2}\.0)");
  const std::regex uuid(R"(GPU-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})");
  for (std::size_t i = 0; i < devices.size(); ++i) {
    const DeviceInfo& d = devices[i];
    SCOPED_TRACE(d.name);
    EXPECT_EQ(d.index, static_cast<int>(i));
    EXPECT_FALSE(d.name.empty());
    EXPECT_EQ(d.vendor, "NVIDIA");
    EXPECT_EQ(d.kind, "gpu");
    EXPECT_TRUE(std::regex_match(d.pci_bus_id, pci)) << d.pci_bus_id;
    EXPECT_FALSE(d.driver_version.empty());
    EXPECT_GT(d.memory_bytes, 0u);
    EXPECT_GT(d.compute_units, 0);
    const auto& p = d.properties;
    for (const char* key :
         {"compute_capability", "sm_count", "max_clock_mhz", "memory_clock_mhz", "ecc", "uuid",
          "cuda_runtime_version", "cuda_driver_version", "gemm_tiling", "own_kernels"}) {
      ASSERT_TRUE(p.count(key)) << key;
      EXPECT_FALSE(p.at(key).empty()) << key;
    }
    EXPECT_TRUE(std::regex_match(p.at("compute_capability"), std::regex(R"(\d+\.\d)")));
    EXPECT_TRUE(std::regex_match(p.at("uuid"), uuid)) << p.at("uuid");
    EXPECT_TRUE(p.at("ecc") == "enabled" || p.at("ecc") == "disabled");
    EXPECT_EQ(p.at("sm_count"), std::to_string(d.compute_units));
  }
}

TEST(CudaPlugin, OffersOwnAndCublasLtGemm) {
  REQUIRE_CUDA_BACKEND();
  const auto impls = backend().implementations("gemm");
  EXPECT_NE(std::find(impls.begin(), impls.end(), "cuda:tiled"), impls.end());
  EXPECT_NE(std::find(impls.begin(), impls.end(), "cuda:cublaslt"), impls.end());
  EXPECT_NE(std::find(impls.begin(), impls.end(), "cuda:wgmma"), impls.end());
  for (const DeviceInfo& d : backend().devices()) {
    ASSERT_TRUE(d.properties.count("wgmma_kernel"));
    EXPECT_FALSE(d.properties.at("wgmma_kernel").empty());
  }
  EXPECT_EQ(backend().implementations("attention"), std::vector<std::string>{"cuda:flash"});
  std::string why;
  EXPECT_EQ(make(gemm(8, 8, 8, GemmLayout::NN, DType::fp32), 0, "cuda:nope", &why), nullptr);
  EXPECT_EQ(why.rfind("not supported: ", 0), 0u) << why;
}

// ---- the GEMM matrix ----------------------------------------------------------------------------

using MatrixParam = std::tuple<std::string, DType, GemmLayout>;

class CudaGemmMatrix : public ::testing::TestWithParam<MatrixParam> {};

struct Shape {
  std::int64_t m, n, k;
};
// Odd shapes (element-wise loads at every edge), K = 0, and shapes whose rows are 16-byte
// aligned (the cp.async and TMA paths) with full and partial 128x128 and 128x256 tiles and
// several K tiles: 257x129x304 has TMA-aligned strides in NT only (odd M and N tails),
// 264x520x136 in every layout (tails of M, N and K, 3x3 tiles of 128x256x64).
constexpr Shape kShapes[] = {{1, 1, 1},      {17, 33, 65},     {1000, 3, 7},    {31, 45, 0},
                             {64, 64, 64},   {257, 129, 300},  {257, 129, 304}, {256, 384, 512},
                             {200, 136, 72}, {136, 264, 1032}, {264, 520, 136}};
constexpr std::pair<double, double> kAlphaBeta[] = {{1.0, 0.0}, {-1.5, 0.5}, {0.75, -2.0}};

// The reason a case must be refused with, or empty when it must run.
std::string expected_refusal(const std::string& impl, const GemmSpec& s, const DeviceInfo& d) {
  if (s.dtype == DType::fp8e4m3) {
    if (impl != "cuda:cublaslt") return "has no fp8 kernel";
    const std::string& cc = d.properties.at("compute_capability");
    if (std::stod(cc) < 8.85) return "compute capability 8.9";
    if (s.layout != GemmLayout::NT) return "B stored transposed";
    if (s.m % 16 || s.n % 16 || s.k % 16) return "multiples of 16";
  }
  if (impl == "cuda:tiled" && d.properties.at("own_kernels") != "yes") return "cuda:tiled";
  if (impl == "cuda:cublaslt" && s.k == 0) return "K=0";
  if (impl == "cuda:wgmma") {
    if (s.dtype == DType::fp32) return "fp32 is cuda:tiled's";
    if (d.properties.at("compute_capability").rfind("9.", 0) != 0) return "compute capability 9.x";
    if (d.properties.at("wgmma_kernel") != "yes") return "cuda:wgmma has no code";
    const std::int64_t lda = s.a_transposed() ? s.m : s.k, ldb = s.b_transposed() ? s.k : s.n;
    if (s.k > 0 && (lda % 8 != 0 || ldb % 8 != 0)) return "not a multiple of 16";
  }
  return {};
}

TEST_P(CudaGemmMatrix, MatchesReferenceOnEveryDevice) {
  REQUIRE_CUDA_BACKEND();
  const auto& [impl, dtype, layout] = GetParam();
  for (const DeviceInfo& d : backend().devices()) {
    for (const Shape& shape : kShapes) {
      for (const auto& [alpha, beta] : kAlphaBeta) {
        const GemmSpec s = gemm(shape.m, shape.n, shape.k, layout, dtype, alpha, beta);
        SCOPED_TRACE(d.name + " " + impl + " " + describe(s));
        std::string why;
        auto kernel = make(s, d.index, impl, &why);
        const std::string refusal = expected_refusal(impl, s, d);
        if (!refusal.empty()) {
          EXPECT_EQ(kernel, nullptr);
          EXPECT_NE(why.find(refusal), std::string::npos) << why;
          EXPECT_EQ(why.rfind("not supported: ", 0), 0u) << why;
          continue;
        }
        ASSERT_NE(kernel, nullptr) << why;
        EXPECT_EQ(kernel->impl(), impl);
        EXPECT_EQ(kernel->timer_name(), "cuda-events");
        const auto r = test::run_gemm(*kernel, s);
        EXPECT_TRUE(r.check.passed) << describe(r.check);
        EXPECT_EQ(r.check.guard_bytes_touched, 0u);
        EXPECT_EQ(r.check.elements, static_cast<std::uint64_t>(s.m * s.n));
        EXPECT_GE(r.elapsed_ms, 0.0);
      }
    }
  }
}

std::string matrix_name(const ::testing::TestParamInfo<MatrixParam>& info) {
  const auto& [impl, dtype, layout] = info.param;
  return impl.substr(impl.find(':') + 1) + "_" + std::string(dtype_name(dtype)) + "_" +
         std::string(layout_name(layout));
}

INSTANTIATE_TEST_SUITE_P(
    AllCases, CudaGemmMatrix,
    ::testing::Combine(::testing::Values("cuda:tiled", "cuda:cublaslt", "cuda:wgmma"),
                       ::testing::Values(DType::fp32, DType::fp16, DType::bf16, DType::fp8e4m3),
                       ::testing::Values(GemmLayout::NN, GemmLayout::NT, GemmLayout::TN)),
    matrix_name);

// One larger case per dtype and layout for the own tensor-core kernels: many output tiles
// (8x8 of 128x256 for cuda:wgmma), 8 K tiles through the 4-stage ring, beta != 0.
class CudaGemmLarge : public ::testing::TestWithParam<MatrixParam> {};

TEST_P(CudaGemmLarge, MatchesReference) {
  REQUIRE_CUDA_BACKEND();
  const auto& [impl, dtype, layout] = GetParam();
  const GemmSpec s = gemm(1024, 2048, 512, layout, dtype, 0.75, -2.0);
  SCOPED_TRACE(impl + " " + describe(s));
  std::string why;
  auto kernel = make(s, 0, impl, &why);
  if (!kernel) GTEST_SKIP() << why;
  const auto r = test::run_gemm(*kernel, s);
  EXPECT_TRUE(r.check.passed) << describe(r.check);
  EXPECT_EQ(r.check.guard_bytes_touched, 0u);
}

INSTANTIATE_TEST_SUITE_P(OwnTensorCore, CudaGemmLarge,
                         ::testing::Combine(::testing::Values("cuda:tiled", "cuda:wgmma"),
                                            ::testing::Values(DType::fp16, DType::bf16),
                                            ::testing::Values(GemmLayout::NN, GemmLayout::NT,
                                                              GemmLayout::TN)),
                         matrix_name);

// cuBLASLt's fp8 (e4m3 in, bf16 out) at a size with many tiles and K steps, beta != 0.
INSTANTIATE_TEST_SUITE_P(CublasLtFp8, CudaGemmLarge,
                         ::testing::Combine(::testing::Values("cuda:cublaslt"),
                                            ::testing::Values(DType::fp8e4m3),
                                            ::testing::Values(GemmLayout::NT)),
                         matrix_name);

// ---- the checks around the matrix ---------------------------------------------------------------

class CudaGemmImpl : public ::testing::TestWithParam<std::string> {};

// cuda:wgmma runs no fp32 and needs 16-byte aligned rows: its variant of a check's case rounds
// every dimension up to a multiple of 8 (edges stay partial tiles); the others run it as is.
bool skips_dtype(const std::string& impl, DType dtype) {
  return impl == "cuda:wgmma" && dtype == DType::fp32;
}
std::int64_t dim_for(const std::string& impl, std::int64_t d) {
  return impl == "cuda:wgmma" ? (d + 7) / 8 * 8 : d;
}

// A check that cannot fail proves nothing: corrupt one element of a correct result.
TEST_P(CudaGemmImpl, InjectedErrorInDownloadedResultIsDetected) {
  REQUIRE_CUDA_BACKEND();
  const std::string& impl = GetParam();
  for (DType dtype : {DType::fp32, DType::bf16}) {
    if (skips_dtype(impl, dtype)) continue;
    const GemmSpec s = gemm(dim_for(impl, 17), dim_for(impl, 33), dim_for(impl, 65), GemmLayout::NN,
                            dtype, 1.0, 0.5);
    SCOPED_TRACE(describe(s));
    std::string why;
    auto kernel = make(s, 0, GetParam(), &why);
    if (!kernel) GTEST_SKIP() << why;
    auto r = test::run_gemm(*kernel, s);
    ASSERT_TRUE(r.check.passed) << describe(r.check);
    Tensor& c = r.outputs.at("C");
    const auto victim = static_cast<std::size_t>(5 * s.n + 7);
    store_from_float(c.data(), dtype, victim, load_as_float(c.data(), dtype, victim) * 1.5f + 1.0f);
    const CheckResult bad = check_gemm(s, r.inputs, r.outputs);
    EXPECT_FALSE(bad.passed);
    EXPECT_EQ(bad.wrong_count, 1u);
    EXPECT_EQ(bad.worst_index, static_cast<std::int64_t>(victim));
  }
}

// download() brings back the whole device buffer: host guards wiped after the upload come back
// intact (the kernel wrote inside the payload only), and a changed guard byte fails the check.
TEST_P(CudaGemmImpl, DownloadReturnsWholeBufferWithIntactGuards) {
  REQUIRE_CUDA_BACKEND();
  const std::string& impl = GetParam();
  for (DType dtype : {DType::fp32, DType::fp16}) {
    if (skips_dtype(impl, dtype)) continue;
    const GemmSpec s = gemm(dim_for(impl, 257), 136, 304, GemmLayout::TN, dtype, 1.0, 1.0);
    SCOPED_TRACE(describe(s));
    std::string why;
    auto kernel = make(s, 0, GetParam(), &why);
    if (!kernel) GTEST_SKIP() << why;
    test::expect_download_restores_guards(
        *kernel, make_gemm_tensors(s, 3), "C",
        [&](const HostTensors& in, const HostTensors& out) { return check_gemm(s, in, out); });
  }
}

// beta == 0 must not read C: a NaN-filled C still gives the exact product.
TEST_P(CudaGemmImpl, BetaZeroDoesNotReadC) {
  REQUIRE_CUDA_BACKEND();
  const std::string& impl = GetParam();
  for (DType dtype : {DType::fp32, DType::bf16}) {
    if (skips_dtype(impl, dtype)) continue;
    const GemmSpec s = gemm(dim_for(impl, 70), dim_for(impl, 90), dim_for(impl, 33), GemmLayout::NT,
                            dtype, 2.0, 0.0);
    SCOPED_TRACE(describe(s));
    std::string why;
    auto kernel = make(s, 0, GetParam(), &why);
    if (!kernel) GTEST_SKIP() << why;
    HostTensors inputs = make_gemm_tensors(s, 11);
    Tensor& c0 = inputs.at("C");
    for (std::size_t i = 0; i < c0.elements(); ++i) {
      store_from_float(c0.data(), dtype, i, std::numeric_limits<float>::quiet_NaN());
    }
    kernel->upload(inputs);
    kernel->run();
    kernel->elapsed_ms_since_last_sync();
    HostTensors outputs = inputs;
    kernel->download(outputs);
    const CheckResult r = check_gemm(s, inputs, outputs);
    EXPECT_TRUE(r.passed) << describe(r);
    EXPECT_EQ(r.nan_count, 0u);
  }
}

// Every launch since the last sync is timed, and a sync with none since returns 0.
TEST_P(CudaGemmImpl, EventTimerSumsEveryLaunchSinceTheLastSync) {
  REQUIRE_CUDA_BACKEND();
  const GemmSpec s = gemm(512, 512, 512, GemmLayout::NN, DType::bf16, 1.0, 0.0);
  std::string why;
  auto kernel = make(s, 0, GetParam(), &why);
  if (!kernel) GTEST_SKIP() << why;
  kernel->upload(make_gemm_tensors(s, 5));
  kernel->run();
  const double one = kernel->elapsed_ms_since_last_sync();
  EXPECT_GT(one, 0.0);
  for (int i = 0; i < 10; ++i) kernel->run();
  const double ten = kernel->elapsed_ms_since_last_sync();
  EXPECT_GT(ten, 0.0);
  EXPECT_EQ(kernel->elapsed_ms_since_last_sync(), 0.0);  // nothing since the last sync
}

// cuda:wgmma's refusals on a device: fp32, strides TMA cannot address; on a device other than
// compute capability 9.x every case, naming the capability.
TEST(CudaWgmma, RefusalsSayWhy) {
  REQUIRE_CUDA_BACKEND();
  for (const DeviceInfo& d : backend().devices()) {
    SCOPED_TRACE(d.name);
    const bool hopper = d.properties.at("compute_capability").rfind("9.", 0) == 0;
    std::string why;
    EXPECT_EQ(make(gemm(64, 64, 64, GemmLayout::NN, DType::fp32), d.index, "cuda:wgmma", &why),
              nullptr);
    EXPECT_EQ(why, "not supported: wgmma runs fp16/bf16 here; fp32 is cuda:tiled's");
    why.clear();
    EXPECT_EQ(make(gemm(64, 64, 300, GemmLayout::NN, DType::bf16), d.index, "cuda:wgmma", &why),
              nullptr);
    EXPECT_EQ(why.rfind("not supported: cuda:wgmma ", 0), 0u) << why;
    EXPECT_NE(why.find(hopper ? "600 bytes, not a multiple of 16" : "compute capability 9.x"),
              std::string::npos)
        << why;
  }
}

INSTANTIATE_TEST_SUITE_P(EveryImpl, CudaGemmImpl,
                         ::testing::Values("cuda:tiled", "cuda:cublaslt", "cuda:wgmma"),
                         [](const auto& info) {
                           return info.param.substr(info.param.find(':') + 1);
                         });

}  // namespace
}  // namespace aicert
