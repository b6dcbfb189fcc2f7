// cpu:shm — in-process collectives over N ranks of the host CPU: rank threads pinned to cores
// (RankTeam) running the shared-memory algorithms of ShmCollective on per-rank buffers inside
// the uploaded tensors X and Y. run() is one collective; its time is the wall time of the
// slowest rank, launch included.
//
// Environment (read by the backend when it makes the kernel):
//   AICERT_COLLECTIVE_TIMEOUT_S  seconds before a waiting rank gives up (kernels/
//                                collective_timeout.h; default 60)
//   AICERT_CPU_COLLECTIVE_FAULT  fault injection for tests (kernels/collective_fault.h):
//                                "fail:R" (rank R throws), "hang:R" (rank R never enters),
//                                "corrupt:R" (rank R adds 1 to its first output element)
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "kernels/backend_api.h"
#include "kernels/collective_fault.h"
#include "kernels/cpu/core_pinning.h"
#include "kernels/cpu/impl_names.h"
#include "kernels/cpu/kernel_tensors.h"
#include "kernels/cpu/rank_team.h"
#include "kernels/cpu/run_timer.h"
#include "kernels/cpu/shm_collective.h"

namespace aicert::cpu {

inline constexpr const char* kShmFaultEnv = "AICERT_CPU_COLLECTIVE_FAULT";

class CollectiveKernel final : public Kernel {
 public:
  CollectiveKernel(const CollectiveSpec& spec, std::shared_ptr<const CorePinning> pinning,
                   double timeout_s, std::optional<CollectiveFault> fault);

  std::string_view impl() const override { return kShmCollectiveImpl; }
  void upload(const HostTensors& tensors) override;
  void run() override;
  double elapsed_ms_since_last_sync() override { return timer_.take_ms(); }
  void download(HostTensors& tensors) override { tensors_.download(tensors); }

  std::string algorithm() const { return shm_.algorithm(); }
  std::string pinning() const { return team_.pinning(); }

 private:
  void rank_job(int rank);

  CollectiveSpec spec_;
  double timeout_s_;
  std::optional<CollectiveFault> fault_;
  RankTeam team_;
  ShmCollective shm_;
  KernelTensors tensors_;
  std::vector<const std::byte*> in_;
  std::vector<std::byte*> out_;
  std::uint64_t epoch_ = 0;
  RunTimer timer_;
};

}  // namespace aicert::cpu
