// Expands the options of `aicert run` into the list of cases to run. Every dimension the user
// leaves out expands to its default: all available backends, their devices and
// implementations, the default shapes and every dtype. Bad input throws UsageError before
// anything is allocated.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "harness/case_runner.h"
#include "harness/plugin_registry.h"
#include "workloads/workload_registry.h"

namespace aicert {

// Workloads and shapes: each --shape names its workload by its form (the first workload whose
// grammar claims it: MxNxK is GEMM, comma-separated B,Hq,Hkv,S,D[,Sk] attention). With no
// --workload, the workloads run are those of the shapes given, those whose own options are
// given (--op/--ranks: the collectives), or the workloads of the default run (GEMM and
// attention); --workload (repeatable, or "all") selects explicitly, and a selected workload
// without a shape of its own runs its defaults. A --dtype applies to the selected workloads
// that have it (fp8e4m3 runs GEMM only) and must be known to at least one of them.
struct RunOptions {
  std::vector<std::string> workloads;  // empty: see above; "all": every workload
  std::vector<std::string> backends;   // empty: every available backend
  std::optional<int> device;           // empty: every device
  std::vector<std::string> impls;      // empty: every implementation
  std::vector<std::string> shapes;     // empty: the default shapes
  std::vector<std::string> dtypes;     // empty: every dtype
  std::optional<std::string> layout;   // empty: NN for given shapes, the defaults' own otherwise
  bool causal = false;                 // attention: causal mask (defaults keep their own if false)
  double alpha = 1.0;
  double beta = 0.0;
  std::uint64_t seed = 42;
  // Collectives: ops ("allreduce" = "allreduce-sum", "allreduce-max", "allgather",
  // "reducescatter", "broadcast", "alltoall"), rank counts, and the message sizes swept from
  // min_bytes to max_bytes by size_factor (bytes per rank's full buffer).
  std::vector<std::string> ops;  // empty: every op (and both reductions of allreduce)
  std::vector<int> ranks;        // empty: 2
  double min_bytes = 8;
  double max_bytes = 64.0 * 1024 * 1024;
  double size_factor = 2;
  std::vector<double> sizes;  // non-empty: these sizes instead of the sweep
  int root = 0;
};

// One workload with the specs it runs.
struct WorkloadCases {
  const Workload* workload = nullptr;
  std::vector<WorkloadSpec> specs;
};

// The cases of `w` on one backend: every device (or only `device`), every implementation the
// backend offers of the workload (or only those among `impls`), every spec, with `seed`.
std::vector<CaseRequest> cases_on_backend(const LoadedBackend& backend,
                                          const std::vector<DeviceInfo>& devices,
                                          std::optional<int> device,
                                          const std::vector<std::string>& impls,
                                          const WorkloadCases& w, std::uint64_t seed);

// Host memory a single case may use (bytes): what the kernel reports as available now, or
// less where $AICERT_HOST_MEMORY_LIMIT (bytes) says so (room left for other jobs of a shared
// machine; tests use it to be independent of the machine's RAM). Throws UsageError when that
// variable is not a positive number.
double host_memory_budget();

std::vector<CaseRequest> plan_run(const RunOptions& options, const PluginRegistry& registry,
                                  double max_bytes);

}  // namespace aicert
