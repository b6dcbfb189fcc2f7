// The sampling thread and the summary of its samples.
#include "probes/telemetry_sampler.h"

#include <algorithm>
#include <cmath>

namespace aicert {
namespace {

// The values of `metric` over the samples that have it, in sample order.
std::vector<std::pair<double, double>> series(const std::vector<TelemetrySample>& samples,
                                              const char* metric) {
  std::vector<std::pair<double, double>> out;
  for (const TelemetrySample& s : samples) {
    const auto it = s.values.find(metric);
    if (it != s.values.end() && std::isfinite(it->second)) out.emplace_back(s.t_s, it->second);
  }
  return out;
}

std::vector<double> sorted_values(const std::vector<std::pair<double, double>>& s) {
  std::vector<double> v;
  for (const auto& [time, value] : s) v.push_back(value);
  std::sort(v.begin(), v.end());
  return v;
}

double median_of_sorted(const std::vector<double>& v) {
  const std::size_t n = v.size();
  return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

}  // namespace

CaseTelemetry summarise_telemetry(const std::string& source,
                                  const std::vector<TelemetrySample>& samples,
                                  std::vector<std::string> unknown, double period_ms) {
  CaseTelemetry t;
  t.source = source;
  t.samples = static_cast<int>(samples.size());
  t.period_ms = period_ms;
  t.unknown = std::move(unknown);
  if (samples.size() >= 2) t.seconds = samples.back().t_s - samples.front().t_s;

  const auto clock = sorted_values(series(samples, kCoreMhz));
  if (!clock.empty()) {
    t.core_mhz_min = clock.front();
    t.core_mhz_max = clock.back();
    t.core_mhz_median = median_of_sorted(clock);
  }
  if (const auto mem = sorted_values(series(samples, kMemMhz)); !mem.empty()) {
    t.mem_mhz_median = median_of_sorted(mem);
  }
  const auto temp = series(samples, kTempC);
  for (const auto& [time, v] : temp) t.temp_c_max = std::max(t.temp_c_max.value_or(v), v);

  // Energy over the whole sampled window only: from the first sample to the last, both read,
  // and long enough for the counter's own update interval (RAPL ~1 ms, NVML tens of ms).
  const auto energy = series(samples, kEnergyJ);
  const bool whole_window = energy.size() >= 2 && energy.front().first == samples.front().t_s &&
                            energy.back().first == samples.back().t_s;
  const double window_s = energy.size() >= 2 ? energy.back().first - energy.front().first : 0;
  if (whole_window && window_s >= kMinEnergyWindowS) {
    const double joules = energy.back().second - energy.front().second;
    t.energy_j = joules;
    t.power_w = joules / window_s;
  } else if (!energy.empty()) {
    t.unknown.push_back(
        !whole_window ? "energy-j: not read at both ends of the timed part of the case"
                      : "energy-j: the timed part took " + std::to_string(window_s * 1e3) +
                            " ms, too short for the energy counter's resolution");
  }
  // Without energy, the mean of the power readings a source has (NVML's).
  const auto power = series(samples, kPowerW);
  if (!t.power_w && !power.empty()) {
    double sum = 0;
    for (const auto& [time, w] : power) sum += w;
    t.power_w = sum / static_cast<double>(power.size());
  }
  // The series worth plotting: levels, not the cumulative counters (power derived from energy
  // between neighbouring samples where the source has energy and no power readings).
  for (const char* metric : {kCoreMhz, kMemMhz, kTempC, kPowerW}) {
    if (auto points = series(samples, metric); !points.empty()) {
      t.series.push_back({metric, std::move(points)});
    }
  }
  if (power.empty() && energy.size() >= 2) {
    CaseTelemetry::Series derived{kPowerW, {}};
    for (std::size_t i = 1; i < energy.size(); ++i) {
      const double dt = energy[i].first - energy[i - 1].first;
      if (dt > 0) {
        derived.points.emplace_back(energy[i].first,
                                    (energy[i].second - energy[i - 1].second) / dt);
      }
    }
    if (!derived.points.empty()) t.series.push_back(std::move(derived));
  }
  for (const char* counter : kErrorCounters) {
    const auto values = series(samples, counter);
    if (values.size() >= 2 && values.back().second > values.front().second) {
      t.errors_grown.emplace_back(counter, values.back().second - values.front().second);
    }
  }
  for (const char* kind : kThrottleKinds) {
    const std::string metric = kind + std::string(kThrottleEventsSuffix);
    const auto events = series(samples, metric.c_str());
    if (events.size() >= 2 && events.back().second > events.front().second) {
      t.throttled = true;
      t.throttle_reasons.push_back(
          std::string(kind) + ": " +
          std::to_string(static_cast<long long>(events.back().second - events.front().second)) +
          " throttle events");
    }
  }
  return t;
}

TelemetrySampler::TelemetrySampler(std::shared_ptr<TelemetrySource> source,
                                   std::chrono::milliseconds period)
    : source_(std::move(source)), period_(period) {}

TelemetrySampler::~TelemetrySampler() {
  if (thread_.joinable()) {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      stopping_ = true;
    }
    wake_.notify_all();
    thread_.join();
  }
}

void TelemetrySampler::sample() {
  TelemetrySample s = source_->read();
  s.t_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  samples_.push_back(std::move(s));
}

void TelemetrySampler::start() {
  start_ = std::chrono::steady_clock::now();
  {
    std::lock_guard<std::mutex> lock(mutex_);
    sample();
  }
  thread_ = std::thread([this] { loop(); });
}

void TelemetrySampler::loop() {
  std::unique_lock<std::mutex> lock(mutex_);
  auto next = std::chrono::steady_clock::now() + period_;
  while (!wake_.wait_until(lock, next, [this] { return stopping_; })) {
    sample();
    // After a slow read, the next one a period from now, not a burst of the missed ones.
    next = std::max(next + period_, std::chrono::steady_clock::now());
  }
}

CaseTelemetry TelemetrySampler::stop() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
  sample();  // the thread is gone: no lock needed
  return summarise_telemetry(source_->name(), samples_, source_->unknown(),
                             static_cast<double>(period_.count()));
}

}  // namespace aicert
