// Helpers of the CUDA suites: loading aicert-backend-cuda.so the way the harness does (dlopen of
// AICERT_PLUGIN_DIR/aicert-backend-cuda.so). Running one GEMM case through a Kernel and the
// readable descriptions are backend-neutral and shared with the OpenCL suites.
#pragma once

#include <dlfcn.h>
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "kernels/backend_api.h"
#include "opencl_test_util.h"  // test::run_gemm, test::describe (no OpenCL in them)

namespace aicert::test {

// The plugin stays loaded for the life of the process, as in the harness.
struct CudaPlugin {
  const PluginEntry* entry = nullptr;
  std::string load_error;  // dlopen/dlsym failure: a test failure, not a skip
  std::unique_ptr<Backend, void (*)(Backend*)> backend{nullptr, [](Backend*) {}};
  std::string why_unavailable;  // create() returned null: tests skip with this
};

inline CudaPlugin load_cuda_plugin() {
  CudaPlugin p;
  const std::string path = std::string(AICERT_PLUGIN_DIR) + "/aicert-backend-cuda.so";
  void* handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!handle) {
    p.load_error = "dlopen " + path + ": " + dlerror();
    return p;
  }
  auto fn = reinterpret_cast<AicertPluginEntryFn>(dlsym(handle, AICERT_PLUGIN_ENTRY_SYMBOL));
  if (!fn) {
    p.load_error = "dlsym " AICERT_PLUGIN_ENTRY_SYMBOL " in " + path;
    return p;
  }
  p.entry = fn();
  if (p.entry->api_version != kPluginApiVersion) {
    p.load_error = "plugin API version " + std::to_string(p.entry->api_version) + ", expected " +
                   std::to_string(kPluginApiVersion);
    return p;
  }
  Backend* b = p.entry->create(&p.why_unavailable);
  p.backend = std::unique_ptr<Backend, void (*)(Backend*)>(b, p.entry->destroy);
  return p;
}

// The plugin loaded once per test process.
inline CudaPlugin& cuda_plugin() {
  static CudaPlugin p = load_cuda_plugin();
  return p;
}

}  // namespace aicert::test

// Skips the test when there is no CUDA driver or device; fails when the plugin is broken.
#define REQUIRE_CUDA_BACKEND()                                                              \
  do {                                                                                      \
    ASSERT_TRUE(::aicert::test::cuda_plugin().load_error.empty())                           \
        << ::aicert::test::cuda_plugin().load_error;                                        \
    if (!::aicert::test::cuda_plugin().backend)                                             \
      GTEST_SKIP() << ::aicert::test::cuda_plugin().why_unavailable;                        \
  } while (0)
