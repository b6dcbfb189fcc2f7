// Memory bandwidth of cpu:stream (the cpu plugin, loaded with dlopen) for triad and copy over
// 256 MiB arrays, against two references measured in the same run with the same number of
// threads: glibc's memcpy (each thread copies its chunk) and a plain loop (each thread runs
// `c[i] = a[i] + 3 * b[i]` or `c[i] = a[i]` over its chunk, compiled like any user code: no
// OpenMP, no intrinsics). GB/s counts the bytes each op moves (copy 2 arrays, triad 3), as the
// workload does; the summary quotes aicert's figure as a ratio of the best reference.
//
//   build/bench/cpu_stream_bench [--benchmark_repetitions=5]
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "cpu_plugin.h"
#include "median_reporter.h"
#include "kernels/backend_api.h"
#include "workloads/stream_workload.h"

namespace {

constexpr const char* kCounter = "GB/s";
constexpr std::int64_t kArrayBytes = std::int64_t{256} << 20;
constexpr std::int64_t kCount = kArrayBytes / 4;

using aicert::bench::cpu_backend;

int threads() { return std::max(1u, std::thread::hardware_concurrency()); }

void set_rate(benchmark::State& state, int arrays) {
  state.counters[kCounter] =
      benchmark::Counter(static_cast<double>(kArrayBytes) * arrays * 1e-9,
                         benchmark::Counter::kIsIterationInvariantRate);
}

void bm_aicert(benchmark::State& state, aicert::StreamOp op) {
  aicert::StreamSpec s;
  s.op = op;
  s.count = kCount;
  std::string why;
  std::unique_ptr<aicert::Kernel> kernel =
      cpu_backend().make(aicert::CaseSpec{s, 1}, 0, "cpu:stream", &why);
  if (!kernel) {
    state.SkipWithError(("cpu:stream: " + why).c_str());
    return;
  }
  const aicert::HostTensors inputs = aicert::make_stream_tensors(s, 1);
  kernel->upload(inputs);
  kernel->run();  // threads started and pinned
  aicert::HostTensors out = inputs;
  kernel->download(out);
  if (!aicert::check_stream(s, inputs, out).passed) {
    state.SkipWithError("cpu:stream gave a wrong result");
    return;
  }
  for (auto _ : state) kernel->run();
  set_rate(state, s.arrays_read() + s.arrays_written());
}

// The references: `threads()` threads, each on its own contiguous chunk of the arrays.
struct Arrays {
  std::vector<float> a, b, c;
  Arrays() : a(kCount, 1.0f), b(kCount, 2.0f), c(kCount, 0.0f) {}
};

template <class Body>
void on_threads(Body body) {
  const int n = threads();
  std::vector<std::thread> helpers;
  for (int t = 1; t < n; ++t) {
    helpers.emplace_back([&, t] { body(kCount * t / n, kCount * (t + 1) / n); });
  }
  body(0, kCount / n);
  for (auto& h : helpers) h.join();
}

void bm_memcpy(benchmark::State& state) {
  Arrays x;
  for (auto _ : state) {
    on_threads([&](std::int64_t lo, std::int64_t hi) {
      std::memcpy(x.c.data() + lo, x.a.data() + lo, static_cast<std::size_t>(hi - lo) * 4);
    });
  }
  set_rate(state, 2);
}

// Kept out of line so that the compiler treats it as ordinary user code over unknown pointers.
__attribute__((noinline)) void plain_triad(const float* a, const float* b, float* c,
                                           std::int64_t n) {
  for (std::int64_t i = 0; i < n; ++i) c[i] = a[i] + 3.0f * b[i];
}
__attribute__((noinline)) void plain_copy(const float* a, float* c, std::int64_t n) {
  for (std::int64_t i = 0; i < n; ++i) c[i] = a[i];
}

void bm_plain_triad(benchmark::State& state) {
  Arrays x;
  for (auto _ : state) {
    on_threads([&](std::int64_t lo, std::int64_t hi) {
      plain_triad(x.a.data() + lo, x.b.data() + lo, x.c.data() + lo, hi - lo);
    });
  }
  set_rate(state, 3);
}

void bm_plain_copy(benchmark::State& state) {
  Arrays x;
  for (auto _ : state) {
    on_threads([&](std::int64_t lo, std::int64_t hi) {
      plain_copy(x.a.data() + lo, x.c.data() + lo, hi - lo);
    });
  }
  set_rate(state, 2);
}

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  auto add = [](const char* name, auto fn) {
    benchmark::RegisterBenchmark(name, fn)
        ->Repetitions(3)
        ->UseRealTime()
        ->MinTime(0.5)
        ->Unit(benchmark::kMillisecond);
  };
  add("aicert_triad/256MiB", [](benchmark::State& s) { bm_aicert(s, aicert::StreamOp::triad); });
  add("aicert_copy/256MiB", [](benchmark::State& s) { bm_aicert(s, aicert::StreamOp::copy); });
  add("memcpy/256MiB", bm_memcpy);
  add("plain_triad/256MiB", bm_plain_triad);
  add("plain_copy/256MiB", bm_plain_copy);
  aicert::bench::MedianReporter reporter({kCounter});
  benchmark::RunSpecifiedBenchmarks(&reporter);
  benchmark::Shutdown();

  const double triad = reporter.median("aicert_triad"), copy = reporter.median("aicert_copy");
  const double mem = reporter.median("memcpy"), plain_triad = reporter.median("plain_triad"),
               plain_copy = reporter.median("plain_copy");
  if (triad > 0 && mem > 0 && plain_triad > 0) {
    const double best = std::max(mem, plain_triad);
    std::printf("triad: cpu:stream %.1f GB/s = %.2fx the best reference (memcpy %.1f, plain "
                "triad %.1f GB/s; target >= 0.9x)\n",
                triad, triad / best, mem, plain_triad);
  }
  if (copy > 0 && mem > 0 && plain_copy > 0) {
    const double best = std::max(mem, plain_copy);
    std::printf("copy:  cpu:stream %.1f GB/s = %.2fx the best reference (memcpy %.1f, plain "
                "copy %.1f GB/s)\n",
                copy, copy / best, mem, plain_copy);
  }
  return 0;
}
