// `aicert fleet`'s cost over 1000 reports (the "1000 reports in < 10 s"), against the
// floor of any fleet tool measured in the same run: reading the same report files
// (read_report_xml). Reports of 10 and of 100 GEMM cases (20 samples each), no hwloc XML; the
// summary quotes (read + analyse) / read.
//
//   build/bench/fleet_bench [--benchmark_repetitions=3]
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <filesystem>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "reports/fleet.h"
#include "reports/report_xml.h"

namespace {

namespace fs = std::filesystem;
constexpr int kMachines = 1000;

// The fleet's files, written once per case count (folder removed at exit).
struct FleetFiles {
  fs::path dir;
  std::vector<std::string> files;
  ~FleetFiles() {
    std::error_code ec;
    fs::remove_all(dir, ec);
  }
};

const FleetFiles& fleet_of(int cases) {
  static std::map<int, FleetFiles> made;
  FleetFiles& f = made[cases];
  if (!f.files.empty()) return f;
  f.dir = fs::temp_directory_path() /
          ("aicert-fleet-bench-" + std::to_string(getpid()) + "-" + std::to_string(cases));
  fs::create_directories(f.dir);
  std::mt19937 rng(1);
  std::uniform_real_distribution<double> noise(0.99, 1.01);
  for (int m = 0; m < kMachines; ++m) {
    aicert::Report r;
    r.report_id = "bench-" + std::to_string(m);
    r.inventory.hostname = "node-" + std::to_string(m);
    r.inventory.machine_id = "m-" + std::to_string(m);
    r.inventory.machine_id_source = "option";
    for (int c = 0; c < cases; ++c) {
      aicert::CaseResult x;
      x.spec.spec = aicert::GemmSpec{64 + 8 * c, 64, 64, aicert::GemmLayout::NN, aicert::DType::fp32, 1.0, 0.0};
      x.backend = "cpu";
      x.impl = "cpu:blocked";
      x.device_name = "EPYC";
      x.id = "gemm/cpu0/cpu:blocked/fp32/NN/" + std::to_string(c);
      x.verdict = aicert::Verdict::pass;
      aicert::TimingStats t;
      for (int s = 0; s < 20; ++s) t.samples_ms.push_back((1 + c) * noise(rng));
      t.median_ms = 1 + c;
      x.timing = t;
      x.gflops = 1;
      r.cases.push_back(x);
    }
    r.summary = aicert::summarize(r.cases);
    const std::string file = (f.dir / ("node-" + std::to_string(m) + ".xml")).string();
    aicert::write_report_xml(r, file);
    f.files.push_back(file);
  }
  return f;
}

std::vector<aicert::FleetInput> read_all(const FleetFiles& f) {
  std::vector<aicert::FleetInput> inputs;
  inputs.reserve(f.files.size());
  for (const auto& file : f.files) inputs.push_back({file, aicert::read_report_xml(file)});
  return inputs;
}

void bm_read_reports(benchmark::State& state) {
  const FleetFiles& f = fleet_of(static_cast<int>(state.range(0)));
  for (auto _ : state) benchmark::DoNotOptimize(read_all(f));
  state.counters["reports/s"] =
      benchmark::Counter(kMachines, benchmark::Counter::kIsIterationInvariantRate);
}

void bm_fleet(benchmark::State& state) {
  const FleetFiles& f = fleet_of(static_cast<int>(state.range(0)));
  for (auto _ : state) {
    const std::vector<aicert::FleetInput> inputs = read_all(f);
    const aicert::FleetAnalysis a = aicert::analyse_fleet(inputs, {});
    if (a.machines.size() != kMachines) state.SkipWithError("the fleet lost machines");
    benchmark::DoNotOptimize(a);
  }
  state.counters["reports/s"] =
      benchmark::Counter(kMachines, benchmark::Counter::kIsIterationInvariantRate);
}

}  // namespace

BENCHMARK(bm_read_reports)->Arg(10)->Arg(100)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(bm_fleet)->Arg(10)->Arg(100)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK_MAIN();
