// GEMM speed of the own cpu:blocked against the vendor libraries in the same binary, same
// inputs: OpenBLAS cblas_sgemm (fp32) and oneDNN's matmul (cpu:onednn, fp32 and bf16), and the
// own bf16 (as dispatched, and its vdpbf16ps and AMX kernels forced) against the own fp32. cpu:blocked
// and cpu:onednn are loaded from
// aicert-backend-cpu.so with dlopen, so this measures exactly the code the harness runs.
// Shapes M x N x K (NN, alpha 1, beta 0): 256^3, 1024^3, 2048^3 and the Llama projections
// 4096x4096x4096 and 4096x11008x4096. The benchmarks run one after the other, never at once
// (each uses every core). Do not pass --benchmark_enable_random_interleaving: OpenBLAS's
// threads spin on after each call. An implementation that refuses a case (oneDNN bf16 on a
// CPU without avx512_core) is skipped with its reason. Prints GFLOP/s per benchmark and, at
// the end, the ratios per shape.
#include <benchmark/benchmark.h>
#include <cblas.h>
#include <dlfcn.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
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

GemmSpec shape_of(const benchmark::State& state, aicert::DType dtype) {
  GemmSpec s;
  s.m = state.range(0);
  s.n = state.range(1);
  s.k = state.range(2);
  s.layout = aicert::GemmLayout::NN;
  s.dtype = dtype;
  s.alpha = 1.0;
  s.beta = 0.0;
  return s;
}

void set_rate(benchmark::State& state, const GemmSpec& s) {
  state.counters[kCounter] =
      benchmark::Counter(s.flops() * 1e-9, benchmark::Counter::kIsIterationInvariantRate);
}

// One implementation of the cpu plugin on one dtype; `isa` forces the micro-kernel of
// cpu:blocked (AICERT_CPU_GEMM_ISA, read when the kernel is made).
void bm_plugin(benchmark::State& state, const std::string& impl, aicert::DType dtype,
               const char* isa = nullptr) {
  const GemmSpec s = shape_of(state, dtype);
  aicert::CaseSpec c;
  c.spec = s;
  std::string why;
  if (isa != nullptr) setenv("AICERT_CPU_GEMM_ISA", isa, 1);
  std::unique_ptr<Kernel> kernel = cpu_backend().make(c, 0, impl, &why);
  if (isa != nullptr) unsetenv("AICERT_CPU_GEMM_ISA");
  if (kernel == nullptr) {
    state.SkipWithError((impl + ": " + why).c_str());
    return;
  }
  kernel->upload(aicert::make_gemm_tensors(s, 1));
  kernel->run();  // warm-up: threads started, pages touched, primitive JIT-compiled
  for (auto _ : state) kernel->run();
  set_rate(state, s);
}

void bm_openblas_sgemm(benchmark::State& state) {
  const GemmSpec s = shape_of(state, aicert::DType::fp32);
  const HostTensors t = aicert::make_gemm_tensors(s, 1);
  const auto m = static_cast<blasint>(s.m), n = static_cast<blasint>(s.n),
             k = static_cast<blasint>(s.k);
  std::vector<float> a(static_cast<std::size_t>(s.m * s.k)), b(static_cast<std::size_t>(s.k * s.n)),
      c(static_cast<std::size_t>(s.m * s.n));
  std::memcpy(a.data(), t.at("A").data(), a.size() * sizeof(float));
  std::memcpy(b.data(), t.at("B").data(), b.size() * sizeof(float));
  auto call = [&] {
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, m, n, k, 1.0f, a.data(), k, b.data(), n,
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
      rates_[r.run_name.args][r.run_name.function_name].push_back(it->second.value);
    }
    ConsoleReporter::ReportRuns(runs);
  }

  void Finalize() override {
    ConsoleReporter::Finalize();
    for (auto& [shape, by_impl] : rates_) {
      std::string name = shape;  // "2048/2048/2048" -> "2048x2048x2048"
      std::replace(name.begin(), name.end(), '/', 'x');
      auto rate = [&](const char* bench) {
        const auto it = by_impl.find(bench);
        return it == by_impl.end() ? 0.0 : median(it->second);
      };
      auto ratio = [](const char* what, double own, double ref) {
        if (own > 0 && ref > 0) std::printf("  %-36s %.3f\n", what, own / ref);
      };
      const double own32 = rate("cpu_blocked"), blas32 = rate("openblas_sgemm"),
                   dnnl32 = rate("cpu_onednn_fp32"), own16 = rate("cpu_blocked_bf16"),
                   dnnl16 = rate("cpu_onednn_bf16"), pairs16 = rate("cpu_blocked_bf16_vdpbf16ps"),
                   amx16 = rate("cpu_blocked_bf16_amx");
      std::printf("GEMM %s [GFLOP/s]: cpu:blocked fp32 %.1f, OpenBLAS fp32 %.1f, oneDNN fp32 %.1f, "
                  "cpu:blocked bf16 %.1f, oneDNN bf16 %s\n",
                  name.c_str(), own32, blas32, dnnl32, own16,
                  dnnl16 > 0 ? std::to_string(dnnl16).c_str() : "not supported");
      ratio("fp32 own / OpenBLAS", own32, blas32);
      ratio("fp32 own / oneDNN", own32, dnnl32);
      ratio("bf16 own / fp32 own", own16, own32);
      ratio("bf16 own / oneDNN bf16", own16, dnnl16);
      ratio("bf16 own vdpbf16ps / fp32 own", pairs16, own32);
      ratio("bf16 own vdpbf16ps / oneDNN bf16", pairs16, dnnl16);
      ratio("bf16 own AMX / fp32 own", amx16, own32);
      ratio("bf16 own AMX / oneDNN bf16", amx16, dnnl16);
    }
  }

 private:
  static double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    const std::size_t h = v.size() / 2;
    return v.size() % 2 ? v[h] : 0.5 * (v[h - 1] + v[h]);
  }
  std::map<std::string, std::map<std::string, std::vector<double>>> rates_;  // by shape
};

}  // namespace

int main(int argc, char** argv) {
  using aicert::DType;
  const std::vector<std::vector<std::int64_t>> shapes = {
      {256, 256, 256}, {1024, 1024, 1024}, {2048, 2048, 2048}, {4096, 4096, 4096}, {4096, 11008, 4096}};
  auto add = [&](const char* name, auto fn) {
    for (const auto& shape : shapes) {
      benchmark::RegisterBenchmark(name, fn)->Args(shape)->UseRealTime()->Unit(benchmark::kMillisecond);
    }
  };
  // The plugin's implementations first, OpenBLAS last: after a call OpenBLAS's threads keep
  // spinning for a while, and would steal the cores from whatever runs next.
  add("cpu_blocked", [](benchmark::State& st) { bm_plugin(st, "cpu:blocked", DType::fp32); });
  add("cpu_blocked_bf16", [](benchmark::State& st) { bm_plugin(st, "cpu:blocked", DType::bf16); });
  // The vdpbf16ps and AMX kernels forced (the plugin picks one only where it measures faster).
  add("cpu_blocked_bf16_vdpbf16ps",
      [](benchmark::State& st) { bm_plugin(st, "cpu:blocked", DType::bf16, "avx512_bf16"); });
  add("cpu_blocked_bf16_amx",
      [](benchmark::State& st) { bm_plugin(st, "cpu:blocked", DType::bf16, "amx_bf16"); });
  add("cpu_onednn_fp32", [](benchmark::State& st) { bm_plugin(st, "cpu:onednn", DType::fp32); });
  add("cpu_onednn_bf16", [](benchmark::State& st) { bm_plugin(st, "cpu:onednn", DType::bf16); });
  add("openblas_sgemm", bm_openblas_sgemm);
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  RatioReporter reporter(isatty(STDOUT_FILENO) ? benchmark::ConsoleReporter::OO_ColorTabular
                                               : benchmark::ConsoleReporter::OO_Tabular);
  benchmark::RunSpecifiedBenchmarks(&reporter);
  benchmark::Shutdown();
  return 0;
}
