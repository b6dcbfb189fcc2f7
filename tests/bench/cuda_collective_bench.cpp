// cuda:nccl allreduce (sum) over every GPU of the machine at 1, 16 and 256 MiB in fp32 and bf16:
// algbw and busbw (NCCL-tests convention, 2(n-1)/n; 0 on one GPU, where algbw is the number to
// read), against cudaMemcpyDeviceToDevice of the same bytes on device 0 (bytes/time, the copy
// reads and writes each byte once). Device time from CUDA events (UseManualTime). Without a
// driver or GPU, or without NCCL, it prints why and exits 0.
#include <benchmark/benchmark.h>
#include <cuda_runtime_api.h>

#include <cstdio>
#include <map>
#include <string>

#include "kernels/cuda/cuda_backend.h"
#include "cuda_bench_util.h"
#include "kernels/cuda/cuda_check.h"
#include "workloads/collective_workload.h"

namespace {

using aicert::cuda::CudaBackend;

CudaBackend* backend(std::string* why) { return aicert::bench::cuda_backend(why); }

std::map<std::string, double>& best_gbps() {
  static std::map<std::string, double> r;
  return r;
}

void BM_NcclAllreduce(benchmark::State& state, aicert::DType dtype) {
  std::string why;
  CudaBackend* b = backend(&why);
  if (!b) {
    state.SkipWithError(why.c_str());
    return;
  }
  aicert::CollectiveSpec spec;
  spec.op = aicert::CollectiveOp::allreduce;
  spec.ranks = static_cast<int>(b->devices().size());
  spec.dtype = dtype;
  spec.count = state.range(0) / static_cast<std::int64_t>(aicert::dtype_size(dtype));
  auto kernel = b->make(aicert::CaseSpec{spec, 1}, 0, "cuda:nccl", &why);
  if (!kernel) {
    state.SkipWithError(why.c_str());
    return;
  }
  kernel->upload(aicert::make_collective_tensors(spec, 1));
  for (int i = 0; i < 5; ++i) kernel->run();  // warm-up: connections, clocks
  kernel->elapsed_ms_since_last_sync();
  double total_ms = 0;
  for (auto _ : state) {
    kernel->run();
    const double ms = kernel->elapsed_ms_since_last_sync();
    total_ms += ms;
    state.SetIterationTime(ms * 1e-3);
  }
  const double algbw = spec.bytes() * static_cast<double>(state.iterations()) / (total_ms * 1e6);
  state.counters["algbw_GB/s"] = algbw;
  state.counters["busbw_GB/s"] = algbw * spec.bus_factor();
  state.SetLabel(std::to_string(spec.ranks) + " GPU(s)");
  double& best = best_gbps()["allreduce " + std::string(aicert::dtype_name(dtype)) + " " +
                             std::to_string(state.range(0) >> 20) + " MiB algbw"];
  best = std::max(best, algbw);
}

void BM_DeviceMemcpy(benchmark::State& state) {
  std::string why;
  if (!backend(&why)) {
    state.SkipWithError(why.c_str());
    return;
  }
  const auto bytes = static_cast<std::size_t>(state.range(0));
  const std::string where = "cuda device 0";
  AICERT_CUDA(where, cudaSetDevice(0));
  void *src = nullptr, *dst = nullptr;
  cudaStream_t stream = nullptr;
  cudaEvent_t start = nullptr, stop = nullptr;
  AICERT_CUDA(where, cudaMalloc(&src, bytes));
  AICERT_CUDA(where, cudaMalloc(&dst, bytes));
  AICERT_CUDA(where, cudaStreamCreateWithFlags(&stream, cudaStreamNonBlocking));
  AICERT_CUDA(where, cudaEventCreate(&start));
  AICERT_CUDA(where, cudaEventCreate(&stop));
  AICERT_CUDA(where, cudaMemsetAsync(src, 1, bytes, stream));
  double total_ms = 0;
  for (auto _ : state) {
    AICERT_CUDA(where, cudaEventRecord(start, stream));
    AICERT_CUDA(where, cudaMemcpyAsync(dst, src, bytes, cudaMemcpyDeviceToDevice, stream));
    AICERT_CUDA(where, cudaEventRecord(stop, stream));
    AICERT_CUDA(where, cudaEventSynchronize(stop));
    float ms = 0;
    AICERT_CUDA(where, cudaEventElapsedTime(&ms, start, stop));
    total_ms += ms;
    state.SetIterationTime(ms * 1e-3);
  }
  const double gbps = static_cast<double>(bytes) * static_cast<double>(state.iterations()) /
                      (total_ms * 1e6);
  state.counters["copy_GB/s"] = gbps;
  double& best = best_gbps()["memcpy D2D " + std::to_string(bytes >> 20) + " MiB"];
  best = std::max(best, gbps);
  cudaEventDestroy(start);
  cudaEventDestroy(stop);
  cudaStreamDestroy(stream);
  cudaFree(src);
  cudaFree(dst);
}

void register_all() {
  auto sizes = [](benchmark::internal::Benchmark* b) {
    b->Arg(1 << 20)->Arg(16 << 20)->Arg(256 << 20);
    b->Unit(benchmark::kMicrosecond)->UseManualTime()->MinTime(0.5);
  };
  for (aicert::DType dtype : {aicert::DType::fp32, aicert::DType::bf16}) {
    const std::string name = "BM_NcclAllreduce/" + std::string(aicert::dtype_name(dtype));
    sizes(benchmark::RegisterBenchmark(name.c_str(), BM_NcclAllreduce, dtype));
  }
  sizes(benchmark::RegisterBenchmark("BM_DeviceMemcpy", BM_DeviceMemcpy));
}

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  std::string why;
  if (!backend(&why)) {
    std::printf("cuda_collective_bench: CUDA backend unavailable: %s; nothing to measure\n",
                why.c_str());
    return 0;
  }
  register_all();
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  for (const auto& [what, gbps] : best_gbps()) std::printf("%s: %.1f GB/s\n", what.c_str(), gbps);
  return 0;
}
