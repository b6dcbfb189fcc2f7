// The measurement protocol: warm-up launches, then timed repetitions until both a minimum
// count and a minimum total time are reached (capped by a maximum count and time), each timed
// by the backend's own timer; statistics and the noisy flag from the samples.
#pragma once

#include <vector>

#include "kernels/backend_api.h"
#include "reports/case_result.h"

namespace aicert {

struct MeasurementPolicy {
  int warmups = 2;
  int min_repetitions = 5;
  double min_time_ms = 100;
  int max_repetitions = 1000;
  double max_time_ms = 5000;
  double max_cv = 0.10;  // coefficient of variation above which a measurement is noisy
};

// Validates a policy; returns what is wrong or an empty string.
std::string validate_policy(const MeasurementPolicy& p);

// Median, min, max, mean, CV of samples (ms); noisy when cv > max_cv.
TimingStats timing_stats(std::vector<double> samples_ms, double max_cv);

// Runs the protocol on an uploaded kernel.
TimingStats measure(Kernel& kernel, const MeasurementPolicy& policy);

}  // namespace aicert
