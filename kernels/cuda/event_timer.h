// Device-side timing with CUDA events: each launch is bracketed by two events recorded on the
// kernel's stream; a sync waits for the last one and sums the intervals.
#pragma once

#include <cuda_runtime_api.h>

#include <string>
#include <utility>
#include <vector>

namespace aicert::cuda {

class EventTimer {
 public:
  EventTimer() = default;
  EventTimer(const EventTimer&) = delete;
  EventTimer& operator=(const EventTimer&) = delete;
  ~EventTimer();

  // Records the start event of one launch on `stream`.
  void begin(cudaStream_t stream, const std::string& where);
  // Records the end event of the launch begun last.
  void end(cudaStream_t stream, const std::string& where);
  // Waits for the launches since the last call, returns the sum of their times in ms.
  double sync_and_sum_ms(const std::string& where);

 private:
  cudaEvent_t take(const std::string& where);
  std::vector<std::pair<cudaEvent_t, cudaEvent_t>> pending_;
  std::vector<cudaEvent_t> free_;
};

}  // namespace aicert::cuda
