// NCCL loading and errors without a GPU: the missing-library path (AICERT_NCCL_LIBRARY naming a
// library that does not exist) gives the reason and no crash; where libnccl.so.2 is installed it
// loads with every needed function and a version; an NCCL error becomes a CudaError naming the
// call, ncclGetErrorString and ncclGetLastError.
#include <gtest/gtest.h>

#include <regex>

#include "kernels/cuda/cuda_check.h"
#include "kernels/cuda/nccl_library.h"
#include "tests/collective_test_util.h"

namespace aicert::cuda {
namespace {

using test::EnvVar;

TEST(NcclLibrary, MissingLibraryGivesTheReason) {
  const EnvVar missing("AICERT_NCCL_LIBRARY", "libnccl-aicert-missing.so.2");
  std::string why;
  EXPECT_EQ(load_nccl(&why), nullptr);
  EXPECT_EQ(why.rfind("libnccl-aicert-missing.so.2 not found: ", 0), 0u) << why;
  EXPECT_NE(why.find("libnccl-aicert-missing.so.2"), std::string::npos) << why;
  // Asking again gives the same answer (a failure is not cached as a success).
  std::string again;
  EXPECT_EQ(load_nccl(&again), nullptr);
  EXPECT_EQ(again, why);
}

TEST(NcclLibrary, LibraryWithoutNcclSymbolsIsRefused) {
  const EnvVar other("AICERT_NCCL_LIBRARY", "libm.so.6");
  std::string why;
  EXPECT_EQ(load_nccl(&why), nullptr);
  EXPECT_EQ(why, "libm.so.6 lacks ncclGetVersion (NCCL 2.14 or newer is needed)");
}

const NcclLibrary* installed_nccl() {
  std::string why;
  const NcclLibrary* lib = load_nccl(&why);
  if (lib == nullptr) std::cerr << "NCCL not installed: " << why << "\n";
  return lib;
}

TEST(NcclLibrary, InstalledLibraryLoadsWithItsVersion) {
  const NcclLibrary* lib = installed_nccl();
  if (lib == nullptr) GTEST_SKIP() << "libnccl.so.2 is not installed";
  EXPECT_EQ(lib->path, "libnccl.so.2");
  EXPECT_GE(lib->version, 21400);
  EXPECT_TRUE(std::regex_match(nccl_version_string(*lib),
                               std::regex(R"(2\.\d+\.\d+ \(libnccl\.so\.2\))")))
      << nccl_version_string(*lib);
  std::string why;
  EXPECT_EQ(load_nccl(&why), lib);  // loaded once, then kept
}

TEST(NcclLibrary, ErrorsNameTheCallAndNcclsText) {
  const NcclLibrary* lib = installed_nccl();
  if (lib == nullptr) GTEST_SKIP() << "libnccl.so.2 is not installed";
  try {
    AICERT_NCCL(*lib, nullptr, "the test", GetUniqueId(nullptr));
    FAIL() << "expected an NCCL error";
  } catch (const CudaError& e) {
    const std::string what = e.what();
    EXPECT_EQ(what.rfind("ncclGetUniqueId(nullptr) failed: ", 0), 0u) << what;
    EXPECT_NE(what.find(lib->GetErrorString(ncclInvalidArgument)), std::string::npos) << what;
    EXPECT_NE(what.find(" on the test ["), std::string::npos) << what;
  }
}

}  // namespace
}  // namespace aicert::cuda
