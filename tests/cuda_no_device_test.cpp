// The no-device path of the CUDA backend, on any machine: CUDA_VISIBLE_DEVICES is emptied before
// the first CUDA call, so the runtime sees no device (or, without a driver, no driver). The
// plugin must load, report itself unavailable with the runtime's reason and not crash, and
// `aicert list` must show it so while the other backends stay available. Own executable: the
// runtime reads its environment once per process.
#include <gtest/gtest.h>

#include <cstdlib>
#include <regex>

#include "cli_support.h"
#include "cuda_test_util.h"

namespace aicert {
namespace {

// Runs before main(), hence before any CUDA call in this process.
const bool kNoDevices = [] {
  setenv("CUDA_VISIBLE_DEVICES", "", 1);
  return true;
}();

TEST(CudaWithoutDevice, PluginLoadsAndCreateReturnsNullWithReason) {
  ASSERT_TRUE(kNoDevices);
  test::CudaPlugin p = test::load_cuda_plugin();
  ASSERT_TRUE(p.load_error.empty()) << p.load_error;
  EXPECT_STREQ(p.entry->backend_name, "cuda");
  EXPECT_EQ(p.backend, nullptr);
  // cudaErrorNoDevice with a driver, cudaErrorInsufficientDriver without one.
  EXPECT_TRUE(std::regex_search(p.why_unavailable,
                                std::regex(R"(^cudaGetDeviceCount failed: cudaError\w+ \(.+\)$)")))
      << p.why_unavailable;
  // A second create() in the same process says the same and still does not crash.
  std::string again;
  EXPECT_EQ(p.entry->create(&again), nullptr);
  EXPECT_EQ(again, p.why_unavailable);
}

TEST(CudaWithoutDevice, AicertListShowsCudaUnavailableAndCpuAvailable) {
  const Outcome o = aicert("list", "CUDA_VISIBLE_DEVICES=");
  ASSERT_EQ(o.exit_code, 0) << o.output;
  EXPECT_TRUE(std::regex_search(
      o.output, std::regex(R"(\n  cuda: unavailable: cudaGetDeviceCount failed: cudaError\w+)")))
      << o.output;
  EXPECT_NE(o.output.find("\n  cpu: available"), std::string::npos) << o.output;
}

}  // namespace
}  // namespace aicert
