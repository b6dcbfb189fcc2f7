// The OpenCL plugin as the harness sees it (dlopen): enumeration, the full GEMM matrix of both
// implementations on every device against the fp64 reference, not-supported reasons, injected
// errors, guards, device timing. Skips when the machine has no OpenCL platform.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <ostream>
#include <regex>
#include <tuple>

#include "opencl_test_util.h"

namespace aicert {

// Readable parameters in test names and ctest output.
void PrintTo(DType t, std::ostream* os) { *os << dtype_name(t); }
void PrintTo(GemmLayout l, std::ostream* os) { *os << layout_name(l); }

namespace {

using test::describe;
using test::OpenClPlugin;

OpenClPlugin& plugin() {
  static OpenClPlugin p = test::load_opencl_plugin();
  return p;
}

// Skips the test when there is no OpenCL platform or device; fails when the plugin is broken.
#define REQUIRE_OPENCL_BACKEND()                                     \
  do {                                                               \
    ASSERT_TRUE(plugin().load_error.empty()) << plugin().load_error; \
    if (!plugin().backend) GTEST_SKIP() << plugin().why_unavailable; \
  } while (0)

Backend& backend() { return *plugin().backend; }

bool has_impl(const std::string& impl) {
  const auto impls = backend().implementations("gemm");
  return std::find(impls.begin(), impls.end(), impl) != impls.end();
}

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

TEST(OpenClPlugin, ExportsEntryWithApiVersionAndName) {
  ASSERT_TRUE(plugin().load_error.empty()) << plugin().load_error;
  EXPECT_EQ(plugin().entry->api_version, kPluginApiVersion);
  EXPECT_STREQ(plugin().entry->backend_name, "opencl");
}

TEST(OpenClPlugin, EnumeratesDevicesWithFilledFields) {
  REQUIRE_OPENCL_BACKEND();
  EXPECT_EQ(backend().name(), "opencl");
  EXPECT_NE(backend().runtime_version().find("ICD loader"), std::string::npos)
      << backend().runtime_version();
  const auto devices = backend().devices();
  ASSERT_GE(devices.size(), 1u);
  const std::regex pci(R"([0-9a-f]{4}:[0-9a-f]{2}:[0-9a-f]{2}\.[0-7])");
  for (std::size_t i = 0; i < devices.size(); ++i) {
    const DeviceInfo& d = devices[i];
    SCOPED_TRACE(d.name);
    EXPECT_EQ(d.index, static_cast<int>(i));  // global over platforms, in order
    EXPECT_FALSE(d.name.empty());
    EXPECT_FALSE(d.vendor.empty());
    EXPECT_TRUE(d.kind == "cpu" || d.kind == "gpu" || d.kind == "accelerator" || d.kind == "custom")
        << d.kind;
    EXPECT_FALSE(d.driver_version.empty());
    EXPECT_GT(d.memory_bytes, 0u);
    EXPECT_GT(d.compute_units, 0);
    if (!d.pci_bus_id.empty()) {
      EXPECT_TRUE(std::regex_match(d.pci_bus_id, pci)) << d.pci_bus_id;
      EXPECT_TRUE(d.properties.count("pci_bus_id_source"));
    }
    const auto& p = d.properties;
    for (const char* key : {"platform_name", "platform_version", "opencl_version",
                            "opencl_c_version", "max_clock_mhz", "local_memory_bytes",
                            "max_work_group_size", "extensions", "gemm_tiling"}) {
      ASSERT_TRUE(p.count(key)) << key;
      EXPECT_FALSE(p.at(key).empty()) << key;
    }
    EXPECT_EQ(p.at("opencl_version").rfind("OpenCL ", 0), 0u) << p.at("opencl_version");
    EXPECT_GT(std::stoull(p.at("local_memory_bytes")), 0u);
    EXPECT_GT(std::stoull(p.at("max_work_group_size")), 0u);
    for (const char* key : {"fp16", "fp64", "subgroups"}) {
      ASSERT_TRUE(p.count(key)) << key;
      EXPECT_TRUE(p.at(key) == "yes" || p.at(key) == "no") << key << "=" << p.at(key);
    }
    // The flags agree with the extension list they summarise.
    const bool lists_fp16 =
        (" " + p.at("extensions") + " ").find(" cl_khr_fp16 ") != std::string::npos;
    EXPECT_EQ(p.at("fp16") == "yes", lists_fp16);
  }
}

TEST(OpenClPlugin, OffersTiledAndClblastGemm) {
  REQUIRE_OPENCL_BACKEND();
  EXPECT_TRUE(has_impl("opencl:tiled"));
#ifdef AICERT_TEST_EXPECT_CLBLAST
  EXPECT_TRUE(has_impl("opencl:clblast"));
#endif
  EXPECT_EQ(backend().implementations("attention"), std::vector<std::string>{"opencl:flash"});
}

// ---- the GEMM matrix ----------------------------------------------------------------------------
// Every shape x alpha/beta of one (implementation, dtype, layout) on every device: a case either
// runs and matches the reference with intact guards, or is refused for exactly the documented
// reason (fp16 without cl_khr_fp16, CLBlast with bf16 or K=0).

using MatrixParam = std::tuple<std::string, DType, GemmLayout>;

class OpenClGemmMatrix : public ::testing::TestWithParam<MatrixParam> {};

struct Shape {
  std::int64_t m, n, k;
};
constexpr Shape kShapes[] = {{1, 1, 1},   {17, 33, 65}, {1000, 3, 7},
                             {31, 45, 0}, {64, 64, 64}, {257, 129, 300}};
constexpr std::pair<double, double> kAlphaBeta[] = {{1.0, 0.0}, {-1.5, 0.5}, {0.75, -2.0}};

// The reason a case must be refused with, or empty when it must run.
std::string expected_refusal(const std::string& impl, const GemmSpec& s, const DeviceInfo& d) {
  if (s.dtype == DType::fp16 && d.properties.at("fp16") == "no") {
    return "not supported: device " + d.name + " lacks cl_khr_fp16";
  }
  if (impl == "opencl:clblast" && s.dtype == DType::bf16) return "bf16";
  if (impl == "opencl:clblast" && s.k == 0) return "K=0";
  return {};
}

TEST_P(OpenClGemmMatrix, MatchesReferenceOnEveryDevice) {
  REQUIRE_OPENCL_BACKEND();
  const auto& [impl, dtype, layout] = GetParam();
  if (!has_impl(impl)) GTEST_SKIP() << impl << " is not built in";
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
    AllCases, OpenClGemmMatrix,
    ::testing::Combine(::testing::Values("opencl:tiled", "opencl:clblast"),
                       ::testing::Values(DType::fp32, DType::fp16, DType::bf16),
                       ::testing::Values(GemmLayout::NN, GemmLayout::NT, GemmLayout::TN)),
    matrix_name);

// ---- the checks around the matrix ---------------------------------------------------------------

// A check that cannot fail proves nothing: corrupt one element of a correct result.
TEST(OpenClGemm, InjectedErrorInDownloadedResultIsDetected) {
  REQUIRE_OPENCL_BACKEND();
  for (DType dtype : {DType::fp32, DType::bf16}) {
    const GemmSpec s = gemm(17, 33, 65, GemmLayout::NN, dtype, 1.0, 0.5);
    SCOPED_TRACE(describe(s));
    std::string why;
    auto kernel = make(s, 0, "opencl:tiled", &why);
    ASSERT_NE(kernel, nullptr) << why;
    auto r = test::run_gemm(*kernel, s);
    ASSERT_TRUE(r.check.passed) << describe(r.check);
    Tensor& c = r.outputs.at("C");
    const std::size_t victim = 5 * 33 + 7;
    store_from_float(c.data(), dtype, victim, load_as_float(c.data(), dtype, victim) * 1.5f + 1.0f);
    const CheckResult bad = check_gemm(s, r.inputs, r.outputs);
    EXPECT_FALSE(bad.passed);
    EXPECT_EQ(bad.wrong_count, 1u);
    EXPECT_EQ(bad.worst_index, static_cast<std::int64_t>(victim));
  }
}

// download() brings back the whole device buffer: host guards that were overwritten after the
// upload come back intact, and a kernel write outside the payload would come back too.
TEST(OpenClGemm, DownloadReturnsWholeBufferWithIntactGuards) {
  REQUIRE_OPENCL_BACKEND();
  const GemmSpec s = gemm(257, 129, 300, GemmLayout::TN, DType::fp32, 1.0, 1.0);
  std::string why;
  auto kernel = make(s, 0, "opencl:tiled", &why);
  ASSERT_NE(kernel, nullptr) << why;
  HostTensors inputs = make_gemm_tensors(s, 3);
  kernel->upload(inputs);
  kernel->run();
  kernel->elapsed_ms_since_last_sync();
  HostTensors outputs = inputs;
  Tensor& c = outputs.at("C");
  std::memset(c.buffer.whole(), 0, c.buffer.total_bytes());  // guards and payload wiped
  ASSERT_GT(c.buffer.touched_guard_bytes(), 0u);
  kernel->download(outputs);
  EXPECT_EQ(c.buffer.touched_guard_bytes(), 0u);
  EXPECT_TRUE(check_gemm(s, inputs, outputs).passed);
  // A guard byte changed after the download is what an out-of-bounds write looks like.
  c.buffer.whole()[GuardedBuffer::kGuardBytes + c.buffer.payload_bytes()] = std::byte{0};
  const CheckResult bad = check_gemm(s, inputs, outputs);
  EXPECT_FALSE(bad.passed);
  EXPECT_EQ(bad.guard_bytes_touched, 1u);
}

// beta == 0 must not read C: a NaN-filled C still gives the exact product.
TEST(OpenClGemm, BetaZeroDoesNotReadC) {
  REQUIRE_OPENCL_BACKEND();
  for (DType dtype : {DType::fp32, DType::bf16}) {
    const GemmSpec s = gemm(70, 90, 33, GemmLayout::NT, dtype, 2.0, 0.0);
    SCOPED_TRACE(describe(s));
    std::string why;
    auto kernel = make(s, 0, "opencl:tiled", &why);
    ASSERT_NE(kernel, nullptr) << why;
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

// Device timer: every launch since the last sync is counted, and a sync without launches is 0.
TEST(OpenClGemm, ProfilingEventsTimeEveryLaunchSinceLastSync) {
  REQUIRE_OPENCL_BACKEND();
  const auto impls = backend().implementations("gemm");
  for (const std::string& impl : impls) {
    SCOPED_TRACE(impl);
    const GemmSpec s = gemm(128, 128, 128, GemmLayout::NN, DType::fp32, 1.0, 1.0);
    std::string why;
    auto kernel = make(s, 0, impl, &why);
    ASSERT_NE(kernel, nullptr) << why;
    EXPECT_NE(kernel->timer_name().find("opencl-profiling-events"), std::string::npos);
    kernel->upload(make_gemm_tensors(s, 5));
    kernel->run();  // warm-up: first launch may compile
    kernel->elapsed_ms_since_last_sync();
    double one = 1e300;
    for (int i = 0; i < 3; ++i) {  // the fastest of single launches: robust to a busy machine
      kernel->run();
      one = std::min(one, kernel->elapsed_ms_since_last_sync());
    }
    for (int i = 0; i < 4; ++i) kernel->run();
    const double four = kernel->elapsed_ms_since_last_sync();
    EXPECT_GT(one, 0.0);
    EXPECT_GT(four, 2.0 * one);  // all four launches are summed, not just the last
    EXPECT_EQ(kernel->elapsed_ms_since_last_sync(), 0.0);
  }
}

TEST(OpenClGemm, RefusesUnknownImplementationAndBadDevice) {
  REQUIRE_OPENCL_BACKEND();
  const GemmSpec s = gemm(8, 8, 8, GemmLayout::NN, DType::fp32);
  std::string why;
  EXPECT_EQ(make(s, 0, "opencl:nonesuch", &why), nullptr);
  EXPECT_NE(why.find("opencl:nonesuch"), std::string::npos) << why;
  EXPECT_NE(why.find("opencl:tiled"), std::string::npos) << why;  // says what exists
  const int count = static_cast<int>(backend().devices().size());
  EXPECT_THROW(make(s, count, "opencl:tiled", &why), std::out_of_range);
  EXPECT_THROW(make(s, -1, "opencl:tiled", &why), std::out_of_range);
}

}  // namespace
}  // namespace aicert
