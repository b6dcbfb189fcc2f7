// The plugin interface between the harness and every compute backend.
// Each kernels/<backend>/ builds aicert-backend-<name>.so exporting aicert_plugin_entry();
// the harness dlopen()s it, checks kApiVersion and calls create(). Everything else crosses the
// boundary as the C++ types below (plugins are built with the same compiler as the harness).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "workloads/case_spec.h"
#include "workloads/host_tensors.h"
#include "workloads/link_timing.h"

namespace aicert {

// Bump whenever a type or virtual function below changes.
// 2: AttentionSpec and CollectiveSpec in WorkloadSpec, int32. 3: Backend::gather_to_root.
// 4: StreamSpec in WorkloadSpec. 5: PeakSpec in WorkloadSpec. 6: Backend::set_job_failure_handler,
// Kernel::link_timings. 7: Backend::ranks_differing_from_root.
inline constexpr int kPluginApiVersion = 7;

struct DeviceInfo {
  int index = 0;                 // index within the backend
  std::string name;              // "NVIDIA H100 80GB HBM3", "pthread-haswell-AMD EPYC"
  std::string vendor;
  std::string kind;              // "cpu", "gpu", "accelerator"
  std::string pci_bus_id;        // "0000:17:00.0", empty when not a PCI device
  std::string driver_version;
  std::uint64_t memory_bytes = 0;
  int compute_units = 0;
  // Anything else the backend knows (clock, compute capability, extensions, ISA...).
  std::map<std::string, std::string> properties;
};

// One implementation of one case on one device. Not thread-safe; used by one thread.
class Kernel {
 public:
  virtual ~Kernel() = default;
  virtual std::string_view impl() const = 0;  // "cpu:blocked-avx2", "cpu:cblas", ...
  // Allocates device memory and copies every tensor (whole guarded buffers) to the device.
  virtual void upload(const HostTensors& tensors) = 0;
  // Enqueues one launch; may return before the device finished.
  virtual void run() = 0;
  // Waits for the launches since the previous call and returns their device time in ms.
  virtual double elapsed_ms_since_last_sync() = 0;
  // Copies every output tensor back (whole guarded buffers).
  virtual void download(HostTensors& tensors) = 0;
  // What elapsed_ms_since_last_sync() measures with; written into the report.
  virtual std::string_view timer_name() const { return "steady_clock"; }
  // A point-to-point sweep (collective op pairs) over links: each link's figures from the runs
  // so far; every other kernel has none.
  virtual std::vector<LinkTiming> link_timings() const { return {}; }
};

// Why a job (mpi) cannot go on: a rank was lost (its process ended, its host went silent, the
// launcher is ending the job) or a call did not complete within the collective timeout.
struct JobFailure {
  bool timed_out = false;
  std::string why;  // names the ranks and their hosts
};
using JobFailureHandler = std::function<void(const JobFailure&)>;

class Backend {
 public:
  virtual ~Backend() = default;
  virtual std::string_view name() const = 0;  // "cpu", "opencl", "cuda", ...
  virtual std::string runtime_version() const = 0;
  virtual std::vector<DeviceInfo> devices() = 0;  // empty is fine; never aborts
  // Implementations this backend offers for a workload ("gemm", "attention"), whatever the
  // device.
  virtual std::vector<std::string> implementations(std::string_view workload) const = 0;
  // Builds a kernel for the case, or returns null with the reason in *why_not when the
  // implementation cannot run it (dtype, device limits, ...): a not-supported result.
  // Throws std::exception on a real failure (an API error).
  virtual std::unique_ptr<Kernel> make(const CaseSpec& spec, int device, std::string_view impl,
                                       std::string* why_not) = 0;
  // A backend whose processes form a job (mpi): every process calls it at the same point with
  // its own text; rank 0 gets every rank's text in rank order, the others an empty vector.
  // Other backends have no job and return {}.
  virtual std::vector<std::string> gather_to_root(const std::string& mine) {
    (void)mine;
    return {};
  }
  // A backend whose processes form a job (mpi): on rank 0, `handler` is called once, from
  // another thread, when the job fails mid-run (JobFailure); the backend ends the job after it
  // returns, so the handler writes what rank 0 has. Null removes it. Other backends ignore it.
  virtual void set_job_failure_handler(JobFailureHandler handler) { (void)handler; }
  // A backend whose processes form a job (mpi): every process calls it at the same point with
  // its own text (its plan); every process gets the ranks whose text differs from rank 0's, in
  // rank order (empty: they all agree). Other backends have no job and return {}.
  virtual std::vector<int> ranks_differing_from_root(const std::string& mine) {
    (void)mine;
    return {};
  }
};

struct PluginEntry {
  int api_version;
  const char* backend_name;
  // Returns the backend, or null with the reason in *why_unavailable (no driver, no device).
  Backend* (*create)(std::string* why_unavailable);
  void (*destroy)(Backend*);
};

}  // namespace aicert

#define AICERT_PLUGIN_ENTRY_SYMBOL "aicert_plugin_entry"
extern "C" {
using AicertPluginEntryFn = const aicert::PluginEntry* (*)();
}
