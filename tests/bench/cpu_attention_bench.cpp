// Attention speed as a fraction of the same backend's GEMM speed at the same dtype: cpu:flash
// against cpu:blocked, both loaded from aicert-backend-cpu.so with dlopen (the code the harness
// runs), in the same binary and run. Attention: B=1, Hq=Hkv=16, S=2048, D=128, non-causal and
// causal (the target: at least 0.5 of GEMM, non-causal fp32). GEMM: 2048^3 NN, alpha 1, beta 0.
// Also cpu:onednn attention (oneDNN's primitives), the vendor row: cpu:flash / cpu:onednn.
// Prints GFLOP/s per benchmark and, at the end, attention/GEMM per dtype.
#include <benchmark/benchmark.h>
#include <dlfcn.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "attention_ratio_reporter.h"
#include "kernels/backend_api.h"
#include "workloads/attention_workload.h"
#include "workloads/gemm_workload.h"

namespace {

using aicert::Backend;
using aicert::DType;
using aicert::Kernel;

constexpr const char* kPluginFile = AICERT_PLUGIN_DIR "/aicert-backend-cpu.so";
using aicert::bench::kAttentionBenchDtypes;
using aicert::bench::kGflopsCounter;

Backend& cpu_backend() {
  static Backend* backend = [] {
    void* lib = dlopen(kPluginFile, RTLD_NOW | RTLD_LOCAL);
    if (lib == nullptr) throw std::runtime_error(std::string("dlopen: ") + dlerror());
    auto fn = reinterpret_cast<AicertPluginEntryFn>(dlsym(lib, AICERT_PLUGIN_ENTRY_SYMBOL));
    if (fn == nullptr) throw std::runtime_error(std::string("no entry in ") + kPluginFile);
    const aicert::PluginEntry* entry = fn();
    if (entry->api_version != aicert::kPluginApiVersion) {
      throw std::runtime_error("plugin API version mismatch");
    }
    std::string why;
    Backend* b = entry->create(&why);
    if (b == nullptr) throw std::runtime_error("cpu backend unavailable: " + why);
    return b;  // lives for the whole program
  }();
  return *backend;
}

// Makes the kernel, uploads the case's inputs, runs once untimed, then times runs.
void time_case(benchmark::State& state, const aicert::WorkloadSpec& spec, const char* impl,
               const aicert::HostTensors& inputs) {
  aicert::CaseSpec c;
  c.spec = spec;
  std::string why;
  std::unique_ptr<Kernel> kernel = cpu_backend().make(c, 0, impl, &why);
  if (kernel == nullptr) {
    state.SkipWithError((std::string(impl) + ": " + why).c_str());
    return;
  }
  kernel->upload(inputs);
  kernel->run();  // warm-up: threads started, pages touched
  for (auto _ : state) kernel->run();
  state.counters[kGflopsCounter] = benchmark::Counter(aicert::workload_flops(spec) * 1e-9,
                                                benchmark::Counter::kIsIterationInvariantRate);
}

aicert::AttentionSpec bench_attention(const benchmark::State& state) {
  aicert::AttentionSpec s;
  s.batch = 1;
  s.q_heads = s.kv_heads = 16;
  s.q_len = s.kv_len = 2048;
  s.head_dim = 128;
  s.dtype = kAttentionBenchDtypes[state.range(0)];
  s.causal = state.range(1) != 0;
  return s;
}

void bm_cpu_flash(benchmark::State& state) {
  const aicert::AttentionSpec s = bench_attention(state);
  time_case(state, s, "cpu:flash", aicert::make_attention_tensors(s, 1));
}

// The vendor row: oneDNN's primitives (skipped with its reason where it lacks the dtype).
void bm_cpu_onednn(benchmark::State& state) {
  const aicert::AttentionSpec s = bench_attention(state);
  time_case(state, s, "cpu:onednn", aicert::make_attention_tensors(s, 1));
}

void bm_cpu_blocked(benchmark::State& state) {
  aicert::GemmSpec s;
  s.m = s.n = s.k = 2048;
  s.dtype = kAttentionBenchDtypes[state.range(0)];
  time_case(state, s, "cpu:blocked", aicert::make_gemm_tensors(s, 1));
}

}  // namespace

int main(int argc, char** argv) {
  for (int t = 0; t < 3; ++t) {
    benchmark::RegisterBenchmark("cpu_blocked", bm_cpu_blocked)
        ->Arg(t)
        ->UseRealTime()
        ->Unit(benchmark::kMillisecond);
    for (int causal = 0; causal < 2; ++causal) {
      benchmark::RegisterBenchmark("cpu_flash", bm_cpu_flash)
          ->Args({t, causal})
          ->UseRealTime()
          ->Unit(benchmark::kMillisecond);
    }
  }
  // oneDNN last: its OpenMP threads spin on after a call and would steal the cores of the next.
  for (int t = 0; t < 3; ++t) {
    for (int causal = 0; causal < 2; ++causal) {
      benchmark::RegisterBenchmark("cpu_onednn", bm_cpu_onednn)
          ->Args({t, causal})
          ->UseRealTime()
          ->Unit(benchmark::kMillisecond);
    }
  }
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  aicert::bench::AttentionRatioReporter reporter(
      isatty(STDOUT_FILENO) ? benchmark::ConsoleReporter::OO_ColorTabular
                            : benchmark::ConsoleReporter::OO_Tabular,
      {"cpu_blocked", "cpu_flash", "1,16,16,2048,128", "cpu:flash", "cpu:blocked GEMM 2048^3",
       "cpu_onednn", "cpu:onednn"});
  benchmark::RunSpecifiedBenchmarks(&reporter);
  benchmark::Shutdown();
  return 0;
}
