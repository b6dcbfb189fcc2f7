// Measurement protocol and timing statistics.
#include "harness/measurement.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace aicert {

std::string validate_policy(const MeasurementPolicy& p) {
  if (p.warmups < 0) return "warm-ups must not be negative";
  if (p.min_repetitions < 1) return "minimum repetitions must be at least 1";
  if (p.max_repetitions < p.min_repetitions) {
    return "maximum repetitions must be at least the minimum repetitions";
  }
  if (!(p.min_time_ms >= 0)) return "minimum time must not be negative";
  if (!(p.max_time_ms >= p.min_time_ms)) return "maximum time must be at least the minimum time";
  if (!(p.max_cv > 0)) return "maximum CV must be positive";
  return {};
}

TimingStats timing_stats(std::vector<double> samples_ms, double max_cv) {
  TimingStats s;
  s.max_cv = max_cv;
  s.samples_ms = samples_ms;
  if (samples_ms.empty()) return s;
  std::sort(samples_ms.begin(), samples_ms.end());
  const std::size_t n = samples_ms.size();
  s.min_ms = samples_ms.front();
  s.max_ms = samples_ms.back();
  s.median_ms = n % 2 ? samples_ms[n / 2] : 0.5 * (samples_ms[n / 2 - 1] + samples_ms[n / 2]);
  s.mean_ms = std::accumulate(samples_ms.begin(), samples_ms.end(), 0.0) / n;
  double var = 0;
  for (double x : samples_ms) var += (x - s.mean_ms) * (x - s.mean_ms);
  var = n > 1 ? var / (n - 1) : 0.0;
  s.cv = s.mean_ms > 0 ? std::sqrt(var) / s.mean_ms : 0.0;
  s.noisy = s.cv > max_cv;
  return s;
}

TimingStats measure(Kernel& kernel, const MeasurementPolicy& policy) {
  for (int i = 0; i < policy.warmups; ++i) kernel.run();
  kernel.elapsed_ms_since_last_sync();  // drain the warm-ups

  std::vector<double> samples;
  double total_ms = 0;
  while (static_cast<int>(samples.size()) < policy.max_repetitions && total_ms < policy.max_time_ms) {
    if (static_cast<int>(samples.size()) >= policy.min_repetitions &&
        total_ms >= policy.min_time_ms) {
      break;
    }
    kernel.run();
    const double ms = kernel.elapsed_ms_since_last_sync();
    samples.push_back(ms);
    total_ms += ms;
  }
  TimingStats stats = timing_stats(std::move(samples), policy.max_cv);
  stats.warmups = policy.warmups;
  stats.timer = std::string(kernel.timer_name());
  return stats;
}

}  // namespace aicert
