// fp32 GEMM speed of cpu:blocked against OpenBLAS cblas_sgemm, same binary, same inputs.
// cpu:blocked is loaded from aicert-backend-cpu.so with dlopen, so this measures exactly the
// code the harness runs. Sizes n x n x n for n = 256, 1024, 2048 (NN, alpha 1, beta 0); the
// benchmarks run one after the other, never at once (each uses every core). Do not pass
// --benchmark_enable_random_interleaving: OpenBLAS's threads spin on after each call.
// Prints GFLOP/s per benchmark and, at the end, the ratio own/OpenBLAS per size.
#include <benchmark/benchmark.h>
#include <cblas.h>
#include <dlfcn.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "kernels/backend_api.h"
#include "workloads/gemm_workload.h"

namespace {

using aicert::Backend;
using aicert::GemmSpec;
using aicert::HostTensors;
using aicert::Kernel;

constexpr const char* kPluginFile = AICERT_PLUGIN_DIR "/aicert-backend-cpu.so";
constexpr const char* kCounter = "GFLOP/s";

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

GemmSpec square(std::int64_t n) {
  GemmSpec s;
  s.m = s.n = s.k = n;
  s.layout = aicert::GemmLayout::NN;
  s.dtype = aicert::DType::fp32;
  s.alpha = 1.0;
  s.beta = 0.0;
  return s;
}

void set_rate(benchmark::State& state, const GemmSpec& s) {
  state.counters[kCounter] =
      benchmark::Counter(s.flops() * 1e-9, benchmark::Counter::kIsIterationInvariantRate);
}

void bm_cpu_blocked(benchmark::State& state) {
  const GemmSpec s = square(state.range(0));
  aicert::CaseSpec c;
  c.spec = s;
  std::string why;
  std::unique_ptr<Kernel> kernel = cpu_backend().make(c, 0, "cpu:blocked", &why);
  if (kernel == nullptr) {
    state.SkipWithError(("cpu:blocked: " + why).c_str());
    return;
  }
  kernel->upload(aicert::make_gemm_tensors(s, 1));
  kernel->run();  // warm-up: threads started, pages touched
  for (auto _ : state) kernel->run();
  set_rate(state, s);
}

void bm_openblas_sgemm(benchmark::State& state) {
  const GemmSpec s = square(state.range(0));
  const HostTensors t = aicert::make_gemm_tensors(s, 1);
  const auto n = static_cast<blasint>(s.n);
  const auto elements = static_cast<std::size_t>(s.n * s.n);
  std::vector<float> a(elements), b(elements), c(elements);
  std::memcpy(a.data(), t.at("A").data(), elements * sizeof(float));
  std::memcpy(b.data(), t.at("B").data(), elements * sizeof(float));
  auto call = [&] {
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, n, n, n, 1.0f, a.data(), n, b.data(), n,
                0.0f, c.data(), n);
  };
  call();  // warm-up
  for (auto _ : state) call();
  set_rate(state, s);
}

// Console output as usual, plus the own/OpenBLAS ratio per size at the end (median over
// repetitions when --benchmark_repetitions is given).
class RatioReporter : public benchmark::ConsoleReporter {
 public:
  explicit RatioReporter(OutputOptions options) : ConsoleReporter(options) {}

  void ReportRuns(const std::vector<Run>& runs) override {
    for (const Run& r : runs) {
      if (r.run_type != Run::RT_Iteration || r.error_occurred) continue;
      const auto it = r.counters.find(kCounter);
      if (it == r.counters.end()) continue;
      rates_[std::stoll(r.run_name.args)][r.run_name.function_name].push_back(it->second.value);
    }
    ConsoleReporter::ReportRuns(runs);
  }

  void Finalize() override {
    ConsoleReporter::Finalize();
    for (auto& [size, by_impl] : rates_) {
      auto own = by_impl.find("cpu_blocked");
      auto ref = by_impl.find("openblas_sgemm");
      if (own == by_impl.end() || ref == by_impl.end()) continue;
      const double own_rate = median(own->second);
      const double ref_rate = median(ref->second);
      std::printf("fp32 GEMM %lld^3: cpu:blocked %.1f GFLOP/s, OpenBLAS %.1f GFLOP/s, ratio %.3f\n",
                  static_cast<long long>(size), own_rate, ref_rate, own_rate / ref_rate);
    }
  }

 private:
  static double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    const std::size_t h = v.size() / 2;
    return v.size() % 2 ? v[h] : 0.5 * (v[h - 1] + v[h]);
  }
  std::map<std::int64_t, std::map<std::string, std::vector<double>>> rates_;  // by size
};

}  // namespace

int main(int argc, char** argv) {
  // All cpu:blocked runs first: after a call OpenBLAS's threads keep spinning for a while, and
  // would steal the cores from whatever runs next.
  for (const std::int64_t n : {256, 1024, 2048}) {
    benchmark::RegisterBenchmark("cpu_blocked", bm_cpu_blocked)
        ->Arg(n)
        ->UseRealTime()
        ->Unit(benchmark::kMillisecond);
  }
  for (const std::int64_t n : {256, 1024, 2048}) {
    benchmark::RegisterBenchmark("openblas_sgemm", bm_openblas_sgemm)
        ->Arg(n)
        ->UseRealTime()
        ->Unit(benchmark::kMillisecond);
  }
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  RatioReporter reporter(isatty(STDOUT_FILENO) ? benchmark::ConsoleReporter::OO_ColorTabular
                                               : benchmark::ConsoleReporter::OO_Tabular);
  benchmark::RunSpecifiedBenchmarks(&reporter);
  benchmark::Shutdown();
  return 0;
}
