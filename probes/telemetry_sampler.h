// Samples a telemetry source on its own thread while a case is timed, and summarises the
// samples into the case's CaseTelemetry (reports/case_result.h).
#pragma once

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "probes/telemetry.h"
#include "reports/case_result.h"

namespace aicert {

// Min/median/max clock, hottest temperature, energy and mean power between the first and last
// sample (when both have energy and they are at least kMinEnergyWindowS apart), throttling (a
// throttle count of a kind that grew) and error counters that grew. gflop_per_j is left to the
// caller (it knows the work done).
inline constexpr double kMinEnergyWindowS = 0.05;
CaseTelemetry summarise_telemetry(const std::string& source,
                                  const std::vector<TelemetrySample>& samples,
                                  std::vector<std::string> unknown, double period_ms);

class TelemetrySampler {
 public:
  // Default period 100 ms: a sample reads a file per core, which should not show in the timing
  // of a CPU case on a machine with hundreds of cores.
  explicit TelemetrySampler(std::shared_ptr<TelemetrySource> source,
                            std::chrono::milliseconds period = std::chrono::milliseconds(100));
  ~TelemetrySampler();  // stops the thread if stop() was not called
  TelemetrySampler(const TelemetrySampler&) = delete;
  TelemetrySampler& operator=(const TelemetrySampler&) = delete;

  // Takes a sample now and then one every period, until stop().
  void start();
  // Takes a last sample, ends the thread and summarises. Call once, after start().
  CaseTelemetry stop();

 private:
  void loop();
  void sample();  // under mutex_

  std::shared_ptr<TelemetrySource> source_;  // shared: a worker keeps one per device
  std::chrono::milliseconds period_;
  std::chrono::steady_clock::time_point start_;
  std::vector<TelemetrySample> samples_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace aicert
