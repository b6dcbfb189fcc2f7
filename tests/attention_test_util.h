// Helpers shared by the attention suites: attention specs, input rescaling (large logits) and
// one checked launch of an attention case through a backend's Kernel.
#pragma once

#include <dlfcn.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <memory>
#include <string>

#include "kernels/backend_api.h"
#include "workloads/attention_workload.h"

namespace aicert::test {

// A backend plugin loaded as the harness loads it (dlopen of AICERT_PLUGIN_DIR/
// aicert-backend-<name>.so), kept loaded for the life of the process.
struct LoadedPlugin {
  std::string load_error;       // dlopen/dlsym/version failure: a test failure
  std::string why_unavailable;  // create() returned null: tests skip with this
  std::unique_ptr<Backend, void (*)(Backend*)> backend{nullptr, [](Backend*) {}};
};

inline LoadedPlugin load_plugin(const std::string& name) {
  LoadedPlugin p;
  const std::string path = std::string(AICERT_PLUGIN_DIR) + "/aicert-backend-" + name + ".so";
  void* handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (handle == nullptr) {
    p.load_error = "dlopen " + path + ": " + dlerror();
    return p;
  }
  auto fn = reinterpret_cast<AicertPluginEntryFn>(dlsym(handle, AICERT_PLUGIN_ENTRY_SYMBOL));
  if (fn == nullptr) {
    p.load_error = "dlsym " AICERT_PLUGIN_ENTRY_SYMBOL " in " + path;
    return p;
  }
  const PluginEntry* entry = fn();
  if (entry->api_version != kPluginApiVersion) {
    p.load_error = "plugin API version " + std::to_string(entry->api_version) + ", expected " +
                   std::to_string(kPluginApiVersion);
    return p;
  }
  p.backend = std::unique_ptr<Backend, void (*)(Backend*)>(entry->create(&p.why_unavailable),
                                                           entry->destroy);
  return p;
}

// In a test: fails it when the LoadedPlugin `loaded` is broken, skips it (with the runtime's
// reason) when its backend is unavailable on this machine.
#define AICERT_REQUIRE_BACKEND(loaded)                               \
  do {                                                               \
    ASSERT_TRUE((loaded).load_error.empty()) << (loaded).load_error; \
    if (!(loaded).backend) GTEST_SKIP() << (loaded).why_unavailable; \
  } while (0)

inline AttentionSpec attention(std::int64_t b, std::int64_t hq, std::int64_t hkv, std::int64_t sq,
                               std::int64_t d, DType dtype, bool causal = false,
                               std::int64_t sk = 0) {
  AttentionSpec s;
  s.batch = b;
  s.q_heads = hq;
  s.kv_heads = hkv;
  s.q_len = sq;
  s.kv_len = sk > 0 ? sk : sq;
  s.head_dim = d;
  s.dtype = dtype;
  s.causal = causal;
  return s;
}

inline std::string describe(const AttentionSpec& s) {
  return s.shape_string() + (s.causal ? " causal " : " full ") + std::string(dtype_name(s.dtype));
}

// Multiplies every element of a tensor by `factor` (rounded to its dtype).
inline void scale_tensor(Tensor& t, float factor) {
  for (std::size_t i = 0; i < t.elements(); ++i) {
    store_from_float(t.data(), t.dtype, i, load_as_float(t.data(), t.dtype, i) * factor);
  }
}

struct AttentionRun {
  HostTensors outputs;
  CheckResult check;
};

// Upload, one launch, download into a copy of the inputs whose output payload is poisoned
// (0xFF bytes: NaN in every dtype), check against the fp64 reference.
inline AttentionRun run_attention(Kernel& kernel, const AttentionSpec& spec,
                                  const HostTensors& inputs) {
  AttentionRun r;
  kernel.upload(inputs);
  kernel.run();
  kernel.elapsed_ms_since_last_sync();
  r.outputs = inputs;
  for (auto& t : r.outputs.tensors) {
    if (t.is_output) std::memset(t.data(), 0xFF, t.buffer.payload_bytes());
  }
  kernel.download(r.outputs);
  r.check = check_attention(spec, inputs, r.outputs);
  return r;
}

// make() of `impl` on device 0 (a refusal fails the test), then run_attention on inputs of
// `seed` whose Q and K are multiplied by `qk_scale` (logits grow with its square); the outputs
// go to *out when given.
inline CheckResult run_attention_case(Backend& backend, const std::string& impl,
                                      const AttentionSpec& s, std::uint64_t seed,
                                      float qk_scale = 1.0f, HostTensors* out = nullptr) {
  CaseSpec c;
  c.spec = s;
  std::string why;
  auto k = backend.make(c, 0, impl, &why);
  EXPECT_NE(k, nullptr) << impl << ": " << why;
  if (!k) return {};
  HostTensors in = make_attention_tensors(s, seed);
  if (qk_scale != 1.0f) {
    scale_tensor(in.at("Q"), qk_scale);
    scale_tensor(in.at("K"), qk_scale);
  }
  AttentionRun r = run_attention(*k, s, in);
  if (out != nullptr) *out = std::move(r.outputs);
  return r.check;
}

inline std::string describe(const CheckResult& c) {
  return "wrong=" + std::to_string(c.wrong_count) + " nan=" + std::to_string(c.nan_count) +
         " inf=" + std::to_string(c.inf_count) +
         " guards=" + std::to_string(c.guard_bytes_touched) +
         " max_abs=" + std::to_string(c.max_abs_error) + " nmse=" + std::to_string(c.nmse) +
         " g=" + std::to_string(c.tolerance.g) + " reason=" + c.reason;
}

}  // namespace aicert::test
