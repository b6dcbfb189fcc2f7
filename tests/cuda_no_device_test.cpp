// The no-device path of the CUDA backend, on any machine: CUDA_VISIBLE_DEVICES is emptied before
// the first CUDA call, so the runtime sees no device (or, without a driver, no driver). The
// plugin must load, report itself unavailable with the runtime's reason and not crash, and
// `aicert list` must show it so while the other backends stay available; a plugin that cannot
// be loaded at all (no cuBLASLt) is unavailable too. Own executable: the
// runtime reads its environment once per process.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
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

// A machine with a driver but without cuBLASLt: the plugin's dlopen fails, and the registry turns
// that into "unavailable: cannot load ...: <dlerror>". Simulated with a copy of the plugin whose
// DT_NEEDED entry names a library that does not exist (same length, so the ELF stays valid).
TEST(CudaWithoutCublasLt, PluginThatCannotLoadIsUnavailableWithDlerror) {
  const std::string plugin = std::string(AICERT_PLUGIN_DIR) + "/aicert-backend-cuda.so";
  std::ifstream in(plugin, std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const std::string needed = std::string("libcublasLt.so.", 15);
  const std::string missing = std::string("libcublasXx.so.", 15);
  const std::size_t at = bytes.find(needed);
  ASSERT_NE(at, std::string::npos) << plugin << " does not name libcublasLt";
  bytes.replace(at, needed.size(), missing);
  const auto dir = std::filesystem::temp_directory_path() /
                   ("aicert-cuda-no-cublaslt-" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "aicert-backend-cuda.so", std::ios::binary) << bytes;
  const Outcome o = aicert("list", "AICERT_PLUGIN_PATH=" + dir.string());
  std::filesystem::remove_all(dir);
  ASSERT_EQ(o.exit_code, 0) << o.output;
  EXPECT_NE(o.output.find("\n  cuda: unavailable: cannot load " +
                          (dir / "aicert-backend-cuda.so").string() + ": libcublasXx.so."),
            std::string::npos)
      << o.output;
  EXPECT_NE(o.output.find("\n  cpu: available"), std::string::npos) << o.output;
}

}  // namespace
}  // namespace aicert
