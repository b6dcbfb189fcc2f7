// "cpu:peak": the peak workload (compute-bound multiply-add loops, workloads/peak_spec.h) on the
// host CPU. One thread per core, pinned through hwloc (RankTeam over CorePinning), each running
// the chosen loop (peak_loops.h) over its share of the blocks of lanes. Timed with steady_clock
// around the whole team's run. The loop's nominal FLOP per cycle goes into the device's nominal
// peak estimate (nominal_peak.h).
#pragma once

#include <memory>
#include <vector>

#include "kernels/backend_api.h"
#include "kernels/cpu/aligned_buffer.h"
#include "kernels/cpu/core_pinning.h"
#include "kernels/cpu/impl_names.h"
#include "kernels/cpu/peak_loops.h"
#include "kernels/cpu/rank_team.h"
#include "kernels/cpu/run_timer.h"

namespace aicert::cpu {

class PeakKernel final : public Kernel {
 public:
  // threads: at most this many (one per core of `pinning`).
  PeakKernel(const PeakSpec& spec, const PeakLoop& loop,
             std::shared_ptr<const CorePinning> pinning, int threads);

  std::string_view impl() const override { return kPeakImpl; }
  void upload(const HostTensors& tensors) override;
  void run() override;
  double elapsed_ms_since_last_sync() override { return timer_.take_ms(); }
  void download(HostTensors& tensors) override;

 private:
  PeakSpec spec_;
  const PeakLoop& loop_;
  RankTeam team_;
  std::vector<std::byte> a_;   // the depth() values of A
  AlignedBuffer x_, y_whole_;  // X's payload; Y's whole guarded buffer
  RunTimer timer_;
};

}  // namespace aicert::cpu
