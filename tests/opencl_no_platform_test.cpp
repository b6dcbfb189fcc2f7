// A machine without any OpenCL platform: the ICD loader is pointed at an empty vendor directory
// before the first OpenCL call, and the plugin must report itself unavailable with the reason,
// not fail or crash. Own executable: the loader reads its environment once per process.
#include <gtest/gtest.h>

#include <cstdlib>

#include "opencl_test_util.h"

namespace aicert {
namespace {

// Runs before main(), hence before any OpenCL call in this process.
const bool kNoIcd = [] {
  setenv("OCL_ICD_VENDORS", "/nonexistent/aicert-no-opencl-vendors", 1);
  unsetenv("OCL_ICD_FILENAMES");
  unsetenv("OPENCL_VENDOR_PATH");
  return true;
}();

TEST(OpenClWithoutPlatform, CreateReturnsNullWithReason) {
  ASSERT_TRUE(kNoIcd);
  test::OpenClPlugin p = test::load_opencl_plugin();
  ASSERT_TRUE(p.load_error.empty()) << p.load_error;
  EXPECT_EQ(p.backend, nullptr);
  EXPECT_EQ(p.why_unavailable.rfind("no OpenCL platform found (clGetPlatformIDs", 0), 0u)
      << p.why_unavailable;
}

}  // namespace
}  // namespace aicert
