// Attention speed on OpenCL device 0 as a fraction of the same device's GEMM speed at the same
// dtype: opencl:flash (B=1, Hq=Hkv=16, S=1024, D=128, full and causal) against opencl:tiled
// (2048^3 NN), in the same run. Both are timed by their device events (manual time); at the end
// attention/GEMM is printed per dtype.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstdio>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "attention_ratio_reporter.h"
#include "kernels/opencl/opencl_backend.h"
#include "workloads/attention_workload.h"
#include "workloads/gemm_workload.h"

namespace {

using aicert::DType;
using aicert::opencl::OpenClBackend;

using aicert::bench::kAttentionBenchDtypes;
using aicert::bench::kGflopsCounter;

OpenClBackend* backend(std::string* why) {
  static std::string reason;
  static std::unique_ptr<OpenClBackend> b = OpenClBackend::create(&reason);
  *why = reason;
  return b.get();
}

void time_case(benchmark::State& state, const aicert::WorkloadSpec& spec, const char* impl,
               const aicert::HostTensors& inputs) {
  std::string why;
  OpenClBackend* b = backend(&why);
  if (b == nullptr) {
    state.SkipWithError(why.c_str());
    return;
  }
  auto kernel = b->make(aicert::CaseSpec{spec, 1}, 0, impl, &why);
  if (!kernel) {
    state.SkipWithError((std::string(impl) + ": " + why).c_str());
    return;
  }
  kernel->upload(inputs);
  kernel->run();  // the first launch compiles (PoCL) and warms caches
  kernel->elapsed_ms_since_last_sync();
  for (auto _ : state) {
    kernel->run();
    state.SetIterationTime(kernel->elapsed_ms_since_last_sync() * 1e-3);
  }
  state.counters[kGflopsCounter] = benchmark::Counter(aicert::workload_flops(spec) * 1e-9,
                                                benchmark::Counter::kIsIterationInvariantRate);
}

void bm_opencl_flash(benchmark::State& state) {
  aicert::AttentionSpec s;
  s.batch = 1;
  s.q_heads = s.kv_heads = 16;
  s.q_len = s.kv_len = 1024;
  s.head_dim = 128;
  s.dtype = kAttentionBenchDtypes[state.range(0)];
  s.causal = state.range(1) != 0;
  time_case(state, s, "opencl:flash", aicert::make_attention_tensors(s, 1));
}

void bm_opencl_tiled(benchmark::State& state) {
  aicert::GemmSpec s;
  s.m = s.n = s.k = 2048;
  s.dtype = kAttentionBenchDtypes[state.range(0)];
  time_case(state, s, "opencl:tiled", aicert::make_gemm_tensors(s, 1));
}

}  // namespace

int main(int argc, char** argv) {
  for (int t = 0; t < 3; ++t) {
    benchmark::RegisterBenchmark("opencl_tiled", bm_opencl_tiled)
        ->Arg(t)
        ->UseManualTime()
        ->Unit(benchmark::kMillisecond);
    for (int causal = 0; causal < 2; ++causal) {
      benchmark::RegisterBenchmark("opencl_flash", bm_opencl_flash)
          ->Args({t, causal})
          ->UseManualTime()
          ->Unit(benchmark::kMillisecond);
    }
  }
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  aicert::bench::AttentionRatioReporter reporter(
      benchmark::ConsoleReporter::OO_Tabular,
      {"opencl_tiled", "opencl_flash", "1,16,16,1024,128", "opencl:flash", "opencl:tiled GEMM 2048^3"});
  benchmark::RunSpecifiedBenchmarks(&reporter);
  benchmark::Shutdown();
  return 0;
}
