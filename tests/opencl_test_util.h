// Helpers shared by the OpenCL suites: loading the plugin the way the harness does (dlopen of
// AICERT_PLUGIN_DIR/aicert-backend-opencl.so) and running one GEMM case through a Kernel.
#pragma once

#include <dlfcn.h>

#include <cstring>
#include <memory>
#include <string>

#include "kernels/backend_api.h"
#include "workloads/gemm_workload.h"

namespace aicert::test {

// The plugin stays loaded for the life of the process (as in the harness): unloading a library
// that registered OpenCL objects in static caches (CLBlast) is not worth the risk in a test.
struct OpenClPlugin {
  const PluginEntry* entry = nullptr;
  std::string load_error;  // dlopen/dlsym failure: a test failure, not a skip
  std::unique_ptr<Backend, void (*)(Backend*)> backend{nullptr, [](Backend*) {}};
  std::string why_unavailable;  // create() returned null: tests skip with this
};

inline OpenClPlugin load_opencl_plugin() {
  OpenClPlugin p;
  const std::string path = std::string(AICERT_PLUGIN_DIR) + "/aicert-backend-opencl.so";
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

struct GemmRun {
  HostTensors inputs;
  HostTensors outputs;
  CheckResult check;
  double elapsed_ms = 0;
};

// Upload, one launch, download into a copy of the inputs whose output payload is poisoned
// (0xFF bytes: NaN in every dtype), check against the fp64 reference.
inline GemmRun run_gemm(Kernel& kernel, const GemmSpec& spec, std::uint64_t seed = 7) {
  GemmRun r;
  r.inputs = make_gemm_tensors(spec, seed);
  kernel.upload(r.inputs);
  kernel.run();
  r.elapsed_ms = kernel.elapsed_ms_since_last_sync();
  r.outputs = r.inputs;
  for (auto& t : r.outputs.tensors) {
    if (t.is_output) std::memset(t.data(), 0xFF, t.buffer.payload_bytes());
  }
  kernel.download(r.outputs);
  r.check = check_gemm(spec, r.inputs, r.outputs);
  return r;
}

inline std::string describe(const GemmSpec& s) {
  return s.shape_string() + " " + std::string(layout_name(s.layout)) + " " +
         std::string(dtype_name(s.dtype)) + " alpha=" + std::to_string(s.alpha) +
         " beta=" + std::to_string(s.beta);
}

inline std::string describe(const CheckResult& c) {
  return "wrong=" + std::to_string(c.wrong_count) + " nan=" + std::to_string(c.nan_count) +
         " guards=" + std::to_string(c.guard_bytes_touched) +
         " max_abs=" + std::to_string(c.max_abs_error) + " worst=" + std::to_string(c.worst_index) +
         " value=" + std::to_string(c.worst_value) + " ref=" + std::to_string(c.worst_reference) +
         " reason=" + c.reason;
}

}  // namespace aicert::test
