// Telemetry: the state a device was in while a case was timed (clocks, temperature, energy,
// throttle events), read by a source per device kind and sampled on its own thread during the
// timed repetitions (telemetry_sampler.h). Every metric is optional: a source reports what it
// cannot read, and why, instead of a number (this project's CI VM has no cpufreq, hwmon or
// powercap at all).
#pragma once

#include <map>
#include <string>
#include <vector>

namespace aicert {

// Metric names of a sample, with their units.
inline constexpr const char* kCoreMhz = "core-mhz";        // mean core clock
inline constexpr const char* kTempC = "temp-c";            // hottest sensor
inline constexpr const char* kEnergyJ = "energy-j";        // cumulative since the source began
inline constexpr const char* kMemMhz = "mem-mhz";          // memory clock
inline constexpr const char* kPowerW = "power-w";          // instantaneous power
// Cumulative count per throttle kind (kThrottleKinds below): "<kind>-throttle-events"; a count
// that grew during a case is throttling of that kind.
inline constexpr const char* kThrottleEventsSuffix = "-throttle-events";
inline constexpr const char* kThermalEvents = "thermal-throttle-events";
// Hardware error counters (cumulative): growth during a case is recorded; uncorrected ECC
// errors also fail the case (its result came from memory that lost bits).
inline constexpr const char* kEccUncorrected = "ecc-uncorrected";
inline constexpr const char* kEccCorrected = "ecc-corrected";
inline constexpr const char* kPcieReplays = "pcie-replay";
inline constexpr const char* kErrorCounters[] = {kEccUncorrected, kEccCorrected, kPcieReplays};

// What a throttle reason names first ("thermal: 3 throttle events"): the kinds a profile's
// <telemetry fail-on="..."/> may list. thermal: the device slowed itself down for heat;
// power-cap: to stay under its power limit; power-brake: an external power brake (a PSU or BMC
// signal); hw-slowdown: any other hardware slowdown the device reports.
inline constexpr const char* kThrottleKinds[] = {"thermal", "power-cap", "power-brake",
                                                 "hw-slowdown"};

struct TelemetrySample {
  double t_s = 0;                        // seconds since the sampler started
  std::map<std::string, double> values;  // metric name -> value; absent: not read this time
};

class TelemetrySource {
 public:
  virtual ~TelemetrySource() = default;
  // "cpu-sysfs", "nvml", ...: where the figures come from.
  virtual std::string name() const = 0;
  // One reading of every metric this source has. Cumulative counters (energy, events) never go
  // back: a source whose hardware counter wraps adds the wrap itself. Must not throw.
  virtual TelemetrySample read() = 0;
  // What the source cannot tell and why, e.g. "energy: RAPL energy_uj is readable by root
  // only", including metrics that failed part-way through (read after read). Must not throw.
  virtual std::vector<std::string> unknown() const = 0;
};

}  // namespace aicert
