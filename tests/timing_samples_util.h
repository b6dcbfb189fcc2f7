// Synthetic timings for the compare and fleet tests: samples scattered uniformly around a
// centre (seeded, so the outcome is known) and the TimingStats they make.
#pragma once

#include <algorithm>
#include <random>
#include <vector>

#include "reports/case_result.h"

namespace aicert {

// n samples centre * (1 + u), u uniform in [-spread, spread].
inline std::vector<double> around(double centre, double spread, int n, unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<double> d(-spread, spread);
  std::vector<double> v;
  for (int i = 0; i < n; ++i) v.push_back(centre * (1 + d(rng)));
  return v;
}

// The samples with their median (the upper one for an even count, as the harness takes it).
inline TimingStats timing_of(std::vector<double> samples) {
  TimingStats t;
  std::vector<double> sorted = samples;
  std::sort(sorted.begin(), sorted.end());
  t.median_ms = sorted[sorted.size() / 2];
  t.samples_ms = std::move(samples);
  return t;
}

}  // namespace aicert
