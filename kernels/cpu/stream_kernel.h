// "cpu:stream": the stream workload (memory bandwidth) on the host CPU. One thread per core,
// each pinned through hwloc (RankTeam over CorePinning) and owning one contiguous chunk of every
// array, 64-byte aligned; the kernel's copies of the arrays are first touched by the thread that
// owns each chunk, so on a NUMA machine every chunk lies in its thread's node, as BabelStream's
// OpenMP version arranges. Stores are non-temporal when the case's arrays do not fit the last-level
// cache (see stream_loops.h). Timed with steady_clock around the whole team's run.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "kernels/backend_api.h"
#include "kernels/cpu/aligned_buffer.h"
#include "kernels/cpu/core_pinning.h"
#include "kernels/cpu/impl_names.h"
#include "kernels/cpu/rank_team.h"
#include "kernels/cpu/run_timer.h"
#include "workloads/stream_spec.h"

namespace aicert::cpu {

class StreamKernel final : public Kernel {
 public:
  // threads: at most this many (one per core of `pinning`); llc_bytes: the last-level cache,
  // which decides non-temporal stores (0: unknown, ordinary stores).
  StreamKernel(const StreamSpec& spec, std::shared_ptr<const CorePinning> pinning, int threads,
               std::size_t llc_bytes);

  std::string_view impl() const override { return kStreamImpl; }
  void upload(const HostTensors& tensors) override;
  void run() override;
  double elapsed_ms_since_last_sync() override { return timer_.take_ms(); }
  void download(HostTensors& tensors) override;

  int threads() const { return team_.ranks(); }
  bool non_temporal() const { return non_temporal_; }

 private:
  struct Array {
    std::string name;
    bool is_output = false;
    std::size_t payload_bytes = 0;
    AlignedBuffer whole;  // guards included
    float* payload() { return whole.as<float>() + GuardedBuffer::payload_offset() / sizeof(float); }
  };
  Array* find(const char* name);
  // Elements [begin, end) of the thread's chunk: boundaries on 16 elements (one cache line).
  std::int64_t chunk_begin(std::int64_t count, int thread) const;

  StreamSpec spec_;
  RankTeam team_;
  bool non_temporal_ = false;
  std::vector<Array> arrays_;
  std::vector<double> partial_sums_;  // dot: one per thread, 8 apart (no false sharing)
  RunTimer timer_;
};

}  // namespace aicert::cpu
