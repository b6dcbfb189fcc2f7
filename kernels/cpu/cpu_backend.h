// The "cpu" backend: one device (the host CPU, all its cores), two GEMM implementations —
// cpu:blocked (our own BLIS-style kernel) and cpu:cblas (OpenBLAS) — one attention
// implementation, cpu:flash, and the in-process collectives cpu:shm (N ranks as pinned threads
// over shared memory).
// Threads: every CPU the process may run on, or AICERT_CPU_THREADS (a positive integer).
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "kernels/backend_api.h"
#include "kernels/cpu/core_pinning.h"
#include "kernels/cpu/host_cpu.h"
#include "kernels/cpu/thread_pool.h"
#include "kernels/impl_table.h"

namespace aicert::cpu {

class CpuBackend final : public Backend {
 public:
  CpuBackend();

  std::string_view name() const override { return "cpu"; }
  std::string runtime_version() const override;
  std::vector<DeviceInfo> devices() override;
  std::vector<std::string> implementations(std::string_view workload) const override;
  std::unique_ptr<Kernel> make(const CaseSpec& spec, int device, std::string_view impl,
                               std::string* why_not) override;

  // What the backend implements (impl_table.cpp); implementations() and make() read it.
  static const ImplTable<CpuBackend>& impl_table();

 private:
  HostCpu host_;

  std::shared_ptr<ThreadPool> pool_;  // shared by every kernel of this backend
  // The cores the collective and stream kernels pin their threads to, read once on first use.
  const std::shared_ptr<const CorePinning>& pinning();
  void add_nominal_peaks(DeviceInfo& d);
  std::shared_ptr<const CorePinning> pinning_;
};

}  // namespace aicert::cpu
