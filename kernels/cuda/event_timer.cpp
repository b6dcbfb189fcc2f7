// CUDA event pairs per launch, pooled so that repeated timing creates no new events.
#include "kernels/cuda/event_timer.h"

#include <stdexcept>

#include "kernels/cuda/cuda_check.h"

namespace aicert::cuda {

EventTimer::~EventTimer() {
  for (auto& [a, b] : pending_) {
    cudaEventDestroy(a);
    if (b) cudaEventDestroy(b);
  }
  for (cudaEvent_t e : free_) cudaEventDestroy(e);
}

cudaEvent_t EventTimer::take(const std::string& where) {
  if (!free_.empty()) {
    cudaEvent_t e = free_.back();
    free_.pop_back();
    return e;
  }
  cudaEvent_t e = nullptr;
  AICERT_CUDA(where, cudaEventCreate(&e));
  return e;
}

void EventTimer::begin(cudaStream_t stream, const std::string& where) {
  cudaEvent_t start = take(where);
  pending_.emplace_back(start, nullptr);
  AICERT_CUDA(where, cudaEventRecord(start, stream));
}

void EventTimer::end(cudaStream_t stream, const std::string& where) {
  if (pending_.empty() || pending_.back().second) {
    throw std::logic_error("EventTimer::end without begin on " + where);
  }
  cudaEvent_t stop = take(where);
  pending_.back().second = stop;
  AICERT_CUDA(where, cudaEventRecord(stop, stream));
}

double EventTimer::sync_and_sum_ms(const std::string& where) {
  double total = 0;
  auto pending = std::move(pending_);
  pending_.clear();
  for (auto& [start, stop] : pending) {
    free_.push_back(start);
    if (!stop) continue;
    free_.push_back(stop);
    AICERT_CUDA(where, cudaEventSynchronize(stop));
    float ms = 0;
    AICERT_CUDA(where, cudaEventElapsedTime(&ms, start, stop));
    total += ms;
  }
  return total;
}

}  // namespace aicert::cuda
