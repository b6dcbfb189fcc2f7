// Host timing of synchronous CPU kernels: run() adds its steady_clock duration, and
// elapsed_ms_since_last_sync() hands the sum over and starts again.
#pragma once

#include <chrono>

namespace aicert::cpu {

class RunTimer {
 public:
  using Clock = std::chrono::steady_clock;

  // Times fn() and adds its duration.
  template <class Fn>
  void time(Fn&& fn) {
    const Clock::time_point start = Clock::now();
    fn();
    pending_ += Clock::now() - start;
  }

  // Milliseconds timed since the previous call.
  double take_ms() {
    const double ms = std::chrono::duration<double, std::milli>(pending_).count();
    pending_ = Clock::duration::zero();
    return ms;
  }

 private:
  Clock::duration pending_ = Clock::duration::zero();
};

}  // namespace aicert::cpu
