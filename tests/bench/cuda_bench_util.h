// Helpers of the CUDA benchmarks: the backend, created once (null with the runtime's reason
// without a driver or GPU), and the timed loop of one kernel by its CUDA events.
#pragma once

#include <benchmark/benchmark.h>

#include <cstdio>
#include <memory>
#include <string>
#include <utility>

#include "kernels/backend_api.h"
#include "kernels/cuda/cuda_backend.h"

namespace aicert::bench {

inline cuda::CudaBackend* cuda_backend(std::string* why) {
  static std::string reason;
  static std::unique_ptr<cuda::CudaBackend> b = cuda::CudaBackend::create(&reason);
  *why = reason;
  return b.get();
}

// Without a CUDA driver or device: prints "<bench>: CUDA backend unavailable: <why>; nothing to
// measure" and returns true (the benchmark then exits 0).
inline bool cuda_unavailable(const char* bench) {
  std::string why;
  if (cuda_backend(&why) != nullptr) return false;
  std::printf("%s: CUDA backend unavailable: %s; nothing to measure\n", bench, why.c_str());
  return true;
}

// Registers a benchmark timed by the device: manual time in ms, at least 1 s of iterations.
template <class... Args>
benchmark::internal::Benchmark* register_device_timed(const std::string& name, Args&&... args) {
  return benchmark::RegisterBenchmark(name.c_str(), std::forward<Args>(args)...)
      ->Unit(benchmark::kMillisecond)
      ->UseManualTime()
      ->MinTime(1.0);
}

// Three warm-up launches (clocks, caches, lazy module loading), then one launch per iteration
// timed by the device (manual time). Sets the "TFLOP/s" counter and returns it.
inline double time_launches(benchmark::State& state, Kernel& kernel, double flops) {
  for (int i = 0; i < 3; ++i) kernel.run();
  kernel.elapsed_ms_since_last_sync();
  double total_ms = 0;
  for (auto _ : state) {
    kernel.run();
    const double ms = kernel.elapsed_ms_since_last_sync();
    total_ms += ms;
    state.SetIterationTime(ms * 1e-3);
  }
  const double tflops = flops * 1e-12 * static_cast<double>(state.iterations()) / (total_ms * 1e-3);
  state.counters["TFLOP/s"] = tflops;
  return tflops;
}

}  // namespace aicert::bench
