// The fp64 GEMM reference (gemm_reference: widening, two dgemm calls, the spot check) against
// one plain OpenBLAS cblas_dgemm of the same size, same binary, same run. The reference does
// twice the dgemm's flops (value and magnitude), so its throughput is counted as 4MNK flops
// against the dgemm's 2MNK. Sizes 2048^3 and 4096^3 (fp32 inputs, NN, alpha 1, beta 0).
// Prints GFLOP/s per benchmark and, at the end, the ratio reference/dgemm per size.
#include <benchmark/benchmark.h>
#include <cblas.h>

#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include "workloads/gemm_reference.h"
#include "workloads/gemm_workload.h"

namespace {

aicert::GemmSpec square(std::int64_t n) {
  aicert::GemmSpec s;
  s.m = s.n = s.k = n;
  return s;
}

void BM_Reference(benchmark::State& state) {
  const aicert::GemmSpec s = square(state.range(0));
  const aicert::HostTensors in = aicert::make_gemm_tensors(s, 42);
  for (auto _ : state) benchmark::DoNotOptimize(aicert::gemm_reference(s, in).value.data());
  const double flops = 4.0 * static_cast<double>(s.m) * s.n * s.k;
  state.counters["GFLOP/s"] =
      benchmark::Counter(flops * state.iterations() / 1e9, benchmark::Counter::kIsRate);
}

void BM_Dgemm(benchmark::State& state) {
  const int n = static_cast<int>(state.range(0));
  std::vector<double> a(static_cast<std::size_t>(n) * n, 0.5), b(a.size(), 0.25), c(a.size());
  for (auto _ : state) {
    cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, n, n, n, 1.0, a.data(), n, b.data(),
                n, 0.0, c.data(), n);
    benchmark::DoNotOptimize(c.data());
  }
  const double flops = 2.0 * n * n * static_cast<double>(n);
  state.counters["GFLOP/s"] =
      benchmark::Counter(flops * state.iterations() / 1e9, benchmark::Counter::kIsRate);
}

BENCHMARK(BM_Dgemm)->Arg(2048)->Arg(4096)->Unit(benchmark::kMillisecond)->UseRealTime()->MinTime(2);
BENCHMARK(BM_Reference)->Arg(2048)->Arg(4096)->Unit(benchmark::kMillisecond)->UseRealTime()->MinTime(2);

// Collects each run's GFLOP/s counter to print the ratios at the end.
class RatioReporter : public benchmark::ConsoleReporter {
 public:
  void ReportRuns(const std::vector<Run>& runs) override {
    ConsoleReporter::ReportRuns(runs);
    for (const Run& r : runs) {
      const std::string name = r.benchmark_name();
      const auto slash = name.find('/');
      const std::int64_t n = std::stoll(name.substr(slash + 1));
      const auto it = r.counters.find("GFLOP/s");
      if (it != r.counters.end()) gflops_[n][name.substr(0, slash)] = it->second.value;
    }
  }
  void Finalize() override {
    ConsoleReporter::Finalize();
    for (const auto& [n, by] : gflops_) {
      if (by.count("BM_Reference") && by.count("BM_Dgemm") && by.at("BM_Dgemm") > 0) {
        std::printf("n=%lld: reference %.1f GFLOP/s (4MNK) / dgemm %.1f GFLOP/s = %.2fx\n",
                    static_cast<long long>(n), by.at("BM_Reference"), by.at("BM_Dgemm"),
                    by.at("BM_Reference") / by.at("BM_Dgemm"));
      }
    }
  }

 private:
  std::map<std::int64_t, std::map<std::string, double>> gflops_;
};

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  RatioReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  benchmark::Shutdown();
  return 0;
}
