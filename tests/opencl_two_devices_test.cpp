// Two OpenCL devices in one process (PoCL with POCL_DEVICES="pthread pthread", one thread each):
// global device indices, per-device kernels and results on the second device. Own executable:
// PoCL reads its environment once per process. Skips where PoCL is not the platform.
#include <gtest/gtest.h>

#include <cstdlib>

#include "opencl_test_util.h"

namespace aicert {
namespace {

// Runs before main(), hence before PoCL initialises.
const bool kTwoPoclDevices = [] {
  setenv("POCL_DEVICES", "pthread pthread", 1);
  setenv("POCL_MAX_PTHREAD_COUNT", "1", 1);
  return true;
}();

TEST(OpenClTwoDevices, GlobalIndicesAndGemmOnEachDevice) {
  ASSERT_TRUE(kTwoPoclDevices);
  test::OpenClPlugin p = test::load_opencl_plugin();
  ASSERT_TRUE(p.load_error.empty()) << p.load_error;
  if (!p.backend) GTEST_SKIP() << p.why_unavailable;
  const auto devices = p.backend->devices();
  std::vector<int> pocl;
  for (const auto& d : devices) {
    if (d.properties.at("platform_name").find("Portable Computing Language") != std::string::npos) {
      pocl.push_back(d.index);
    }
  }
  if (pocl.size() < 2) GTEST_SKIP() << "PoCL is not installed: POCL_DEVICES has no effect";
  for (std::size_t i = 0; i < devices.size(); ++i) EXPECT_EQ(devices[i].index, int(i));
  EXPECT_EQ(pocl[1], pocl[0] + 1);  // one platform's devices are numbered consecutively

  GemmSpec s;
  s.m = 45, s.n = 70, s.k = 33, s.layout = GemmLayout::NT, s.alpha = 1.25, s.beta = -0.5;
  for (int device : {pocl[0], pocl[1]}) {
    for (const std::string& impl : p.backend->implementations("gemm")) {
      SCOPED_TRACE("device " + std::to_string(device) + " " + impl);
      std::string why;
      auto kernel = p.backend->make(CaseSpec{s, 9}, device, impl, &why);
      ASSERT_NE(kernel, nullptr) << why;
      const auto r = test::run_gemm(*kernel, s);
      EXPECT_TRUE(r.check.passed) << test::describe(r.check);
      EXPECT_GT(r.elapsed_ms, 0.0);
    }
  }
}

}  // namespace
}  // namespace aicert
