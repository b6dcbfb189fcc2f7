// Attention speed as a fraction of the same backend's GEMM speed at the same dtype: cpu:flash
// against cpu:blocked, both loaded from aicert-backend-cpu.so with dlopen (the code the harness
// runs), in the same binary and run. Attention: B=1, Hq=Hkv=16, S=2048, D=128, non-causal and
// causal (the target: at least 0.5 of GEMM, non-causal fp32). GEMM: 2048^3 NN, alpha 1, beta 0.
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

#include "kernels/backend_api.h"
#include "workloads/attention_workload.h"
#include "workloads/gemm_workload.h"

namespace {

using aicert::Backend;
using aicert::DType;
using aicert::Kernel;

constexpr const char* kPluginFile = AICERT_PLUGIN_DIR "/aicert-backend-cpu.so";
constexpr const char* kCounter = "GFLOP/s";
constexpr DType kDtypes[] = {DType::fp32, DType::fp16, DType::bf16};

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
  state.counters[kCounter] = benchmark::Counter(aicert::workload_flops(spec) * 1e-9,
                                                benchmark::Counter::kIsIterationInvariantRate);
}

void bm_cpu_flash(benchmark::State& state) {
  aicert::AttentionSpec s;
  s.batch = 1;
  s.q_heads = s.kv_heads = 16;
  s.q_len = s.kv_len = 2048;
  s.head_dim = 128;
  s.dtype = kDtypes[state.range(0)];
  s.causal = state.range(1) != 0;
  time_case(state, s, "cpu:flash", aicert::make_attention_tensors(s, 1));
}

void bm_cpu_blocked(benchmark::State& state) {
  aicert::GemmSpec s;
  s.m = s.n = s.k = 2048;
  s.dtype = kDtypes[state.range(0)];
  time_case(state, s, "cpu:blocked", aicert::make_gemm_tensors(s, 1));
}

// Console output as usual, plus attention/GEMM per dtype at the end (medians over
// repetitions when --benchmark_repetitions is given).
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
      const auto gemm = rates_.find("cpu_blocked/" + std::to_string(t));
      if (gemm == rates_.end()) continue;
      const double gemm_rate = median(gemm->second);
      for (int causal = 0; causal < 2; ++causal) {
        const auto att =
            rates_.find("cpu_flash/" + std::to_string(t) + "/" + std::to_string(causal));
        if (att == rates_.end()) continue;
        const double att_rate = median(att->second);
        std::printf(
            "%s attention 1,16,16,2048,128 %s: cpu:flash %.1f GFLOP/s, cpu:blocked GEMM 2048^3 "
            "%.1f GFLOP/s, ratio %.3f\n",
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
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  RatioReporter reporter(isatty(STDOUT_FILENO) ? benchmark::ConsoleReporter::OO_ColorTabular
                                               : benchmark::ConsoleReporter::OO_Tabular);
  benchmark::RunSpecifiedBenchmarks(&reporter);
  benchmark::Shutdown();
  return 0;
}
