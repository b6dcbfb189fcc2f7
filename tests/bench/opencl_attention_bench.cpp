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

#include "kernels/opencl/opencl_backend.h"
#include "workloads/attention_workload.h"
#include "workloads/gemm_workload.h"

namespace {

using aicert::DType;
using aicert::opencl::OpenClBackend;

constexpr const char* kCounter = "GFLOP/s";
constexpr DType kDtypes[] = {DType::fp32, DType::fp16, DType::bf16};

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
  state.counters[kCounter] = benchmark::Counter(aicert::workload_flops(spec) * 1e-9,
                                                benchmark::Counter::kIsIterationInvariantRate);
}

void bm_opencl_flash(benchmark::State& state) {
  aicert::AttentionSpec s;
  s.batch = 1;
  s.q_heads = s.kv_heads = 16;
  s.q_len = s.kv_len = 1024;
  s.head_dim = 128;
  s.dtype = kDtypes[state.range(0)];
  s.causal = state.range(1) != 0;
  time_case(state, s, "opencl:flash", aicert::make_attention_tensors(s, 1));
}

void bm_opencl_tiled(benchmark::State& state) {
  aicert::GemmSpec s;
  s.m = s.n = s.k = 2048;
  s.dtype = kDtypes[state.range(0)];
  time_case(state, s, "opencl:tiled", aicert::make_gemm_tensors(s, 1));
}

// Console output as usual, plus attention/GEMM per dtype at the end.
class RatioReporter : public benchmark::ConsoleReporter {
 public:
  explicit RatioReporter(OutputOptions options) : ConsoleReporter(options) {}

  void ReportRuns(const std::vector<Run>& runs) override {
    for (const Run& r : runs) {
      if (r.run_type != Run::RT_Iteration || r.error_occurred) continue;
      const auto it = r.counters.find(kCounter);
      if (it == r.counters.end()) continue;
      rates_[r.run_name.function_name + "/" + r.run_name.args].push_back(it->second.value);
    }
    ConsoleReporter::ReportRuns(runs);
  }

  void Finalize() override {
    ConsoleReporter::Finalize();
    for (int t = 0; t < 3; ++t) {
      const auto gemm = rates_.find("opencl_tiled/" + std::to_string(t));
      if (gemm == rates_.end()) continue;
      const double gemm_rate = median(gemm->second);
      for (int causal = 0; causal < 2; ++causal) {
        const auto att =
            rates_.find("opencl_flash/" + std::to_string(t) + "/" + std::to_string(causal));
        if (att == rates_.end()) continue;
        const double att_rate = median(att->second);
        std::printf(
            "%s attention 1,16,16,1024,128 %s: opencl:flash %.1f GFLOP/s, opencl:tiled GEMM "
            "2048^3 %.1f GFLOP/s, ratio %.3f\n",
            std::string(aicert::dtype_name(kDtypes[t])).c_str(), causal ? "causal" : "full",
            att_rate, gemm_rate, att_rate / gemm_rate);
      }
    }
  }

 private:
  static double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    const std::size_t h = v.size() / 2;
    return v.size() % 2 ? v[h] : 0.5 * (v[h - 1] + v[h]);
  }
  std::map<std::string, std::vector<double>> rates_;  // by "function/args"
};

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
  RatioReporter reporter(benchmark::ConsoleReporter::OO_Tabular);
  benchmark::RunSpecifiedBenchmarks(&reporter);
  benchmark::Shutdown();
  return 0;
}
