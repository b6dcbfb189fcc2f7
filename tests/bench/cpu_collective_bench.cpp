// All-reduce speed of cpu:shm (the cpu plugin's in-process collectives, loaded with dlopen) at
// 2 ranks, 16 MiB, fp32, against MPI_Allreduce of the MPI library measured in the same run, and
// against the machine's memcpy bandwidth (the limit of any shared-memory copy).
//
//   mpirun -np 2 --mca btl self,vader build/bench/cpu_collective_bench
//
// Both processes first run MPI_Allreduce (a fixed number of iterations, so they stay in step);
// then rank 1 leaves and rank 0 alone runs cpu:shm (two pinned threads) and memcpy, so no
// process competes for the cores with what is being measured. busbw = bytes/time * 2(n-1)/n
// (= algbw at 2 ranks). Started without mpirun, the MPI_Allreduce part is skipped.
#include <benchmark/benchmark.h>
#include <mpi.h>

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
#include "workloads/collective_workload.h"

namespace {

constexpr const char* kCounter = "busbw_GB/s";
constexpr std::int64_t kBytes = 16 << 20;
constexpr std::int64_t kCount = kBytes / 4;
constexpr int kRanks = 2;

using aicert::bench::cpu_backend;

aicert::CollectiveSpec allreduce_spec() {
  aicert::CollectiveSpec s;
  s.op = aicert::CollectiveOp::allreduce;
  s.reduce = aicert::ReduceOp::sum;
  s.ranks = kRanks;
  s.count = kCount;
  s.dtype = aicert::DType::fp32;
  return s;
}

void set_busbw(benchmark::State& state, double bus_factor) {
  state.counters[kCounter] = benchmark::Counter(static_cast<double>(kBytes) * bus_factor * 1e-9,
                                                benchmark::Counter::kIsIterationInvariantRate);
}

void bm_cpu_shm_allreduce(benchmark::State& state) {
  const aicert::CollectiveSpec s = allreduce_spec();
  std::string why;
  std::unique_ptr<aicert::Kernel> kernel =
      cpu_backend().make(aicert::CaseSpec{s, 1}, 0, "cpu:shm", &why);
  if (!kernel) {
    state.SkipWithError(("cpu:shm: " + why).c_str());
    return;
  }
  const aicert::HostTensors inputs = aicert::make_collective_tensors(s, 1);
  kernel->upload(inputs);
  for (int i = 0; i < 3; ++i) kernel->run();  // threads started, pages touched
  aicert::HostTensors out = inputs;
  kernel->download(out);
  if (!aicert::check_collective(s, inputs, out).passed) {
    state.SkipWithError("cpu:shm gave a wrong result");
    return;
  }
  for (auto _ : state) kernel->run();
  set_busbw(state, s.bus_factor());
}

void bm_mpi_allreduce(benchmark::State& state) {
  int size = 0;
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  std::vector<float> send(static_cast<std::size_t>(kCount), 1.0f), recv(send.size());
  for (int i = 0; i < 3; ++i) {
    MPI_Allreduce(send.data(), recv.data(), static_cast<int>(kCount), MPI_FLOAT, MPI_SUM,
                  MPI_COMM_WORLD);
  }
  MPI_Barrier(MPI_COMM_WORLD);
  for (auto _ : state) {
    MPI_Allreduce(send.data(), recv.data(), static_cast<int>(kCount), MPI_FLOAT, MPI_SUM,
                  MPI_COMM_WORLD);
  }
  if (recv[0] != static_cast<float>(size)) state.SkipWithError("MPI_Allreduce: wrong sum");
  set_busbw(state, 2.0 * (size - 1) / size);
}

// One thread copying kBytes, and kRanks threads each copying their own kBytes at once.
void bm_memcpy(benchmark::State& state) {
  const int threads = static_cast<int>(state.range(0));
  std::vector<std::vector<char>> src(static_cast<std::size_t>(threads)),
      dst(static_cast<std::size_t>(threads));
  for (int t = 0; t < threads; ++t) {
    src[static_cast<std::size_t>(t)].assign(kBytes, 1);
    dst[static_cast<std::size_t>(t)].assign(kBytes, 0);
  }
  for (auto _ : state) {
    std::vector<std::thread> helpers;
    for (int t = 1; t < threads; ++t) {
      helpers.emplace_back([&, t] {
        std::memcpy(dst[static_cast<std::size_t>(t)].data(),
                    src[static_cast<std::size_t>(t)].data(), kBytes);
      });
    }
    std::memcpy(dst[0].data(), src[0].data(), kBytes);
    for (auto& h : helpers) h.join();
  }
  // Bytes copied per second, all threads together.
  state.counters["copy_GB/s"] = benchmark::Counter(static_cast<double>(kBytes) * threads * 1e-9,
                                                   benchmark::Counter::kIsIterationInvariantRate);
}

}  // namespace

int main(int argc, char** argv) {
  MPI_Init(&argc, &argv);
  int rank = 0, size = 1;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  benchmark::Initialize(&argc, argv);

  // Fixed iterations: every process runs the same number of collectives.
  benchmark::RegisterBenchmark("mpi_allreduce/fp32/16MiB/np", bm_mpi_allreduce)
      ->Iterations(40)
      ->Repetitions(3)
      ->UseRealTime()
      ->Unit(benchmark::kMillisecond);
  benchmark::RegisterBenchmark("cpu_shm_allreduce/fp32/16MiB/ranks:2", bm_cpu_shm_allreduce)
      ->Repetitions(3)
      ->UseRealTime()
      ->Unit(benchmark::kMillisecond);
  benchmark::RegisterBenchmark("memcpy/16MiB/threads", bm_memcpy)
      ->Arg(1)
      ->Arg(kRanks)
      ->Repetitions(3)
      ->UseRealTime()
      ->Unit(benchmark::kMillisecond);

  aicert::bench::MedianReporter reporter({kCounter, "copy_GB/s"}, rank != 0);
  if (size == kRanks) {
    benchmark::RunSpecifiedBenchmarks(&reporter, "^mpi_allreduce");
  } else if (rank == 0) {
    std::printf("MPI_Allreduce skipped: run under mpirun -np %d to measure it (this is %d of %d)\n",
                kRanks, rank, size);
  }
  MPI_Barrier(MPI_COMM_WORLD);
  MPI_Finalize();
  if (rank != 0) return 0;

  benchmark::RunSpecifiedBenchmarks(&reporter, "^(cpu_shm_allreduce|memcpy)");
  benchmark::Shutdown();

  const double shm = reporter.median("cpu_shm_allreduce");
  const double mpi = reporter.median("mpi_allreduce");
  const double copy1 = reporter.median("memcpy/16MiB/threads/1");
  const double copy2 = reporter.median("memcpy/16MiB/threads/2");
  std::printf("\nallreduce fp32 16 MiB, 2 ranks, busbw (median of 3):\n");
  std::printf("  cpu:shm        %8.2f GB/s\n", shm);
  if (mpi > 0) {
    std::printf("  MPI_Allreduce  %8.2f GB/s   cpu:shm / MPI_Allreduce = %.2fx\n", mpi, shm / mpi);
  }
  std::printf("  memcpy 1 thread  %6.2f GB/s   cpu:shm / memcpy = %.2f\n", copy1,
              copy1 > 0 ? shm / copy1 : 0.0);
  std::printf("  memcpy 2 threads %6.2f GB/s   cpu:shm / memcpy = %.2f\n", copy2,
              copy2 > 0 ? shm / copy2 : 0.0);
  return 0;
}
